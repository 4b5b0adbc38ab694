"""A "more than 100" count on the demo's pages and situation report: said in words, es and en."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from hito.store.models import FieldReport

from .test_guard import _signed_in

DAY = "2025-11-28"  # the demo's "more than 100 people" at Chacalluta (en.mercopress.com)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_demos_more_than_100_is_stored_open_ended(server) -> None:  # type: ignore[no-untyped-def]
    with server.db.session(readonly=True) as s:
        (row,) = s.scalars(
            select(FieldReport).where(
                FieldReport.site_id == "chacalluta", FieldReport.day == dt.date(2025, 11, 28)
            )
        )
        (c,) = row.counts
        assert (row.people, row.stranded, row.at_least) == (100, 100, True)
        assert (c.people, c.people_low, c.people_high) == (100, 100, None)


def test_the_site_page_says_more_than_100_never_a_bare_100(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        es = c.get(f"/sites/chacalluta?as_of={DAY}&lang=es").text
        en = c.get(f"/sites/chacalluta?as_of={DAY}&lang=en").text
    assert '<strong id="site-stranded">más de 100</strong>' in es
    assert '<strong id="site-people">más de 100</strong>' in es
    assert '<strong id="site-stranded">more than 100</strong>' in en
    row = re.search(r'<tr id="report-\d+"[^>]*>.*?</tr>', en, re.S)
    assert row is not None
    assert _text(row.group(0)).startswith(
        "Nov 28, 2025, 09:00 Delegación Presidencial Regional de Arica y Parinacota "
        "more than 100 more than 100 "
    )
    # the chart draws the day's figure as a lower bound, with its legend
    assert "observed, more than" in en and "observado, «más de»" in es


def test_the_overview_and_the_sitrep_say_more_than_100(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        es = c.get(f"/?as_of={DAY}&lang=es").text
        en = c.get(f"/?as_of={DAY}&lang=en").text
        sitrep = c.get(f"/sitrep.html?as_of={DAY}&lang=es").text
    for page, said in ((es, "más de 100"), (en, "more than 100")):
        cell = re.search(r'<td [^>]*class="n stranded">(.*?)<br>', page)
        assert cell is not None and cell.group(1) == said
    tile = re.search(r'<div class="tile" id="total-CHL">.*?<strong>(.*?)</strong>', es, re.S)
    assert tile is not None and tile.group(1) == "más de 100 personas varadas"
    assert "Chile: más de 100 personas varadas en 1 de sus" in _text(sitrep)


def test_the_map_and_the_sites_csv_mark_more_than_100(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        es = c.get(f"/?as_of={DAY}&lang=es").text
        csv = c.get(f"/sites.csv?as_of={DAY}").text
    assert "Complejo fronterizo Chacalluta: más de 100" in es
    assert f"{DAY},chacalluta,CHL,open,100,100,True,2025-11-28T09:00-03:00" in csv
