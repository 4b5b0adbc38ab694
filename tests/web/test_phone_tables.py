"""On a 390 px phone no table cell of a dashboard page runs past the screen's edge."""

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
