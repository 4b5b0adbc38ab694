"""On a 390 px phone: no table cell runs past the screen's edge, no chart or map text is tiny."""

from __future__ import annotations

import pytest

from web.conftest import _visit
from web.test_overview import DAY, sign_in

PAGES = [
    f"/?as_of={DAY}",
    f"/sites/concordia-strip?as_of={DAY}",
    "/sites/arica-shelters",
    "/plans",
    f"/sitrep.html?as_of={DAY}",
    "/subscriptions",
    "/forecasts/1",  # a demo forecast: its table of people diverted, harmed, crossed
]

# cells that end past the viewport's right edge, even inside a region that scrolls sideways
CUT = """() => {
  const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('td, th')].filter(c => {
    const r = c.getBoundingClientRect(), head = c.closest('thead');
    if (head && head.getBoundingClientRect().width <= 1) return false;  // headings for readers
    return r.width > 1 && r.height > 1 && r.right > w + 1;
  }).map(c => (c.closest('table').id || c.closest('table').className || 'table') + ': '
              + c.textContent.trim().slice(0, 30)).slice(0, 4);
}"""


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_table_cell_is_cut_at_the_edge_of_a_phone(browser, server, lang) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    cut = {}
    for v in _visit(browser, server, outside, {"width": 390, "height": 844}):
        page = v.page
        sign_in(page, username="admin", path="/", lang=lang)
        for path in PAGES:
            page.goto(path)
            if cells := page.evaluate(CUT):
                cut[path] = cells
    assert outside == []
    assert cut == {}, "\n".join(f"{p}: {c}" for p, cs in cut.items() for c in cs)


# every text of the charts and maps: its size on the screen, and whether it overlaps a sibling
SVG_TEXT = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.chart, figure.map svg')) {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].filter(t => t.getBoundingClientRect().width);
    for (const t of texts) {
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      out.push({text: t.textContent.slice(0, 20), px: Math.round(px * 10) / 10,
                chart: svg.classList.contains('chart'),
                outside: svg.classList.contains('chart') && t.getBoundingClientRect().right > box.right + 1});
    }
    const legend = texts.filter(t => t.getAttribute('fill') === '#333');  // legend entries
    for (let i = 0; i < legend.length; i++) for (let j = i + 1; j < legend.length; j++) {
      const a = legend[i].getBoundingClientRect(), b = legend[j].getBoundingClientRect();
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
        out.push({text: 'overlap: ' + legend[i].textContent + ' / ' + legend[j].textContent, px: 0});
    }
  }
  return out;
}"""


def test_chart_and_map_text_is_readable_on_a_phone(browser, server) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    small = {}
    for v in _visit(browser, server, outside, {"width": 390, "height": 844}):
        page = v.page
        sign_in(page, path="/")
        for path in [
            f"/?as_of={DAY}",
            "/sites/arica-shelters",
            "/plans",
            f"/sitrep.html?as_of={DAY}",
        ]:
            page.goto(path)
            texts = page.evaluate(SVG_TEXT)
            assert texts, path
            if bad := [t for t in texts if t["px"] < 10 or t.get("outside")]:
                small[path] = bad[:4]
    assert outside == []
    assert small == {}, "\n".join(f"{p}: {t}" for p, ts in small.items() for t in ts)
