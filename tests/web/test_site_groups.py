"""Who is at a crossing: the site page shows the newest count by nationality and documents, and
the form's and the page's sex-and-age grids keep their headers' words whole on a small phone."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from hito import i18n
from hito.counts import Count
from hito.store.actors import SYSTEM
from hito.store.models import FieldReport
from hito.store.reports import create_report
from web.conftest import _visit
from web.test_overview import sign_in

from .test_guard import _signed_in

# the groups of a count as a reader finds them in the page: header, people present, stranded
ROWS = """() => [...document.querySelectorAll('#groups tbody tr')].map(tr =>
  [tr.querySelector('th').textContent.trim(), ...[...tr.querySelectorAll('td')].map(td =>
    td.textContent.trim())])"""


@pytest.fixture(scope="module")
def chungara(server) -> int:  # type: ignore[no-untyped-def]
    """A report at Chungará (no other test counts there) with four groups, one estimated, one
    "more than", and the id of the report it stands for."""
    with server.db.session() as s:
        row, _new = create_report(
            s,
            actor=SYSTEM,
            site_id="chungara",
            agency_id=1,
            observed_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30),
            counts=[
                Count(nationality="COL", documented=False, people=3, stranded=0),
                Count(nationality="VEN", documented=False, people=1200, stranded=1150),
                Count(nationality="VEN", documented=True, people_low=150, people_high=200),
                Count(nationality="XXX", documented=False, people_low=100, stranded=100),
            ],
        )
        return int(row.id)


def _groups(html: str) -> list[list[str]]:
    """The rows of the page's #groups table, as text (the server's HTML, no browser)."""
    import re

    table = re.search(r'<table class="cards" id="groups">(.*?)</table>', html, re.S)
    assert table is not None, "the site page has no table of groups"
    rows = re.findall(r"<tr>(.*?)</tr>", table[1].split("<tbody>")[1], re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def _newest_report(html: str) -> str:
    """What the site page says of the report its groups are of, as text."""
    line = re.search(r'<p class="muted" id="newest-report">(.*?)</p>', html, re.S)
    assert line is not None, "the site page does not say which report its groups are of"
    return " ".join(re.sub(r"<[^>]+>", "", line.group(1)).split())


def test_the_site_page_shows_the_newest_count_by_nationality_and_documents(
    server, chungara
) -> None:  # type: ignore[no-untyped-def]
    """A Peruvian official reading a crossing's picture saw only totals: who is stranded there,
    of which nationality and with or without documents, was stored with every report and shown
    nowhere."""
    with _signed_in(server, "migraciones") as c:
        es = c.get("/sites/chungara").text
        en = c.get("/sites/chungara?lang=en").text
    assert "Por nacionalidad y documentación" in es
    # one report that day: the figure is its count, and the line says no more than what it is
    with server.db.session(readonly=True) as s:
        report = s.get(FieldReport, chungara)
        assert report is not None
        agency, at = report.agency.name, report.observed_at
    assert _newest_report(es) == (
        f"Reporte individual más reciente, n.º {chungara}: {agency}, "
        f"{i18n.datetime(at, 'es', 'America/Lima')} (hora del Perú); personas varadas: más de 1.250."
    )
    assert '<strong id="site-stranded">más de 1.250</strong>' in es
    assert _newest_report(en) == (
        f"Newest single report, no. {chungara}: {agency}, "
        f"{i18n.datetime(at, 'en', 'America/Lima')} (Peru time); stranded: more than 1,250."
    )
    assert _groups(es) == [
        ["Venezuela, sin documentos", "1.200", "1.150"],
        ["Venezuela, con documentos", "de 150 a 200", "0"],
        ["Nacionalidad desconocida", "más de 100", "más de 100"],
        ["Colombia, sin documentos", "3", "0"],
    ]
    assert "By nationality and documents" in en
    assert _groups(en) == [
        ["Venezuela, undocumented", "1,200", "1,150"],
        ["Venezuela, documented", "150 to 200", "0"],
        ["Nationality not known", "more than 100", "more than 100"],
        ["Colombia, undocumented", "3", "0"],
    ]


def test_a_site_without_a_count_shows_no_table_of_groups(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server, "migraciones") as c:
        page = c.get("/sites/tambo-quemado?as_of=2025-12-03").text
    assert 'id="groups"' not in page and "Por nacionalidad" not in page


# each word of the grid's headers that is split over two lines or runs past its cell
SPLIT = """() => { const out = [];
  for (const th of document.querySelectorAll('table.sexage th')) {
    const cell = th.getBoundingClientRect();
    if (!cell.width) continue;
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      let at = 0;
      for (const word of n.textContent.split(/(\\s+)/)) {
        if (word.trim()) {
          const r = document.createRange(); r.setStart(n, at); r.setEnd(n, at + word.length);
          const boxes = [...r.getClientRects()].filter(b => b.width > 0);
          const lines = new Set(boxes.map(b => Math.round(b.top)));
          if (lines.size > 1 || boxes.some(b => b.right > cell.right + 0.5)) out.push(word);
        }
        at += word.length;
      }
    }
  }
  return out; }"""


@pytest.mark.parametrize("width", [320, 360, 390])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_sex_and_age_headers_keep_their_words_whole_on_a_phone(
    browser, server, chungara, width, lang
) -> None:  # type: ignore[no-untyped-def]
    """At 360 px the form's grid read "persona / s / mayores" and "niños 0– / 17": the headers
    broke anywhere inside a word and after a range's dash."""
    outside: list[str] = []
    for v in _visit(browser, server, outside, {"width": width, "height": 740}, has_touch=True):
        page = v.page
        sign_in(page, username="pdi", path="/report", lang=lang)
        page.locator("details.more summary").first.click()
        assert page.evaluate(SPLIT) == []
        header = page.locator("table.sexage thead th").nth(1)
        assert header.inner_text().split() == (
            ["niñas", "y", "niños", "0–17"] if lang == "es" else ["children", "0–17"]
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # the site page: the groups' cards and the profile's grid fit the phone too
        page.goto(f"/sites/chungara?lang={lang}")
        assert page.locator("#groups tbody tr").count() == 4
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for i in range(4):
            box = page.locator("#groups tbody tr").nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert outside == []


def test_the_sites_csv_says_when_the_weeks_change_is_a_bound(server, chungara) -> None:  # type: ignore[no-untyped-def]
    """The page says "≥ 1,200" (the newest count is "more than"), the CSV said 1200: an analyst
    took a lower bound for an exact change. The CSV carries the bound now."""
    with server.db.session() as s:
        create_report(
            s,
            actor=SYSTEM,
            site_id="chungara",
            agency_id=1,
            observed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3, seconds=30),
            counts=[Count(nationality="VEN", documented=False, people=50, stranded=50)],
        )
    with _signed_in(server, "migraciones") as c:
        csv = c.get("/sites.csv").text
        page = c.get("/sites/chungara?lang=en").text
    head, *rows = csv.splitlines()
    cols = head.split(",")
    row = dict(zip(cols, next(r for r in rows if ",chungara," in r).split(","), strict=True))
    assert (row["at_least"], row["trend"], row["trend_bound"], row["trend_days"]) == (
        "True",
        "1200",
        "at_least",
        "3",
    )
    assert '<strong id="site-trend" title="the newest count is open-ended' in page
    exact = next(r for r in rows if ",concordia-strip," in r).split(",")
    assert exact[cols.index("trend_bound")] == ""
