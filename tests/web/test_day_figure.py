"""One picture of every crossing: the overview, the CSV, the situation report and the needs
show each site's day's figure (the median of each agency's latest count of the day), so an
agency of one country reporting last does not overwrite the count of the other's.

At the strip, an agency of Peru (Migraciones) and one of Chile (PDI) count:
- 1 Dec: Peru 40, Chile "more than 50": the figure is "more than 45";
- 2 Dec: Chile 30, Peru 34, Chile 80 then withdrawn: Chile's 30 stands, the figure is 32;
- 3 Dec: Peru 45 (corrected to 50 later), Chile 12 (the newest): the figure is 31, and the
  two disagree (12–50).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hito.service import create_app
from hito.store import agencies, migrate, reports, sites
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.models import Site
from hito.store.reports import CountIn
from hito.store.settings import Settings
from hito.store.users import create_user
from hito.web.situation import site_now
from service_db import keyed_for_server

from .conftest import PASSWORD, sign_in_client

STRIP = "concordia-strip"


def _exact(n: int) -> list[CountIn]:
    return [CountIn(nationality="VEN", documented=False, people=n, stranded=n)]


def _open(n: int) -> list[CountIn]:
    return [CountIn(nationality="VEN", documented=False, people_low=n, stranded=n)]


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2025, 12, day, hour, tzinfo=dt.UTC)


def _seed(db: Database) -> None:
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        per = agencies.create_agency(
            s, actor=SYSTEM, code="migraciones", name="Migraciones", country_code="PER"
        ).id
        chl = agencies.create_agency(s, actor=SYSTEM, code="pdi", name="PDI", country_code="CHL").id
        create_user(s, actor=SYSTEM, username="ana", password=PASSWORD, role="admin")

        def send(agency: int, at: dt.datetime, counts: list[CountIn]) -> int:
            row, _ = reports.create_report(
                s, actor=SYSTEM, site_id=STRIP, observed_at=at, counts=counts, agency_id=agency
            )
            return int(row.id)

        send(per, _at(1, 12), _exact(40))
        send(chl, _at(1, 14), _open(50))
        send(chl, _at(2, 12), _exact(30))
        send(per, _at(2, 13), _exact(34))
        mistaken = send(chl, _at(2, 14), _exact(80))
        reports.supersede_report(
            s, actor=SYSTEM, report_id=mistaken, reason="counted twice", withdraw=True
        )
        wrong = send(per, _at(3, 12), _exact(45))
        send(chl, _at(3, 15), _exact(12))
        reports.supersede_report(
            s, actor=SYSTEM, report_id=wrong, reason="miscounted", counts=_exact(50)
        )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path_factory.mktemp('dayfigure') / 'h.sqlite3'}"
    database = keyed_for_server(Database(url))
    migrate.upgrade(database)
    _seed(database)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def client(db: Database) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=db.url, auto_migrate=False), database=db)
    with TestClient(app, base_url="http://hito.test") as c:
        sign_in_client(c, "ana")
        yield c


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _row(page: str) -> str:
    row = re.search(rf'<tr id="site-{STRIP}">.*?</tr>', page, re.S)
    assert row is not None
    return row.group(0)


def _stranded_cell(page: str) -> str:
    cell = re.search(r'class="n stranded">(.*?)<br>', _row(page))
    assert cell is not None
    return cell.group(1)


def _csv_row(client: TestClient, day: str) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(client.get(f"/sites.csv?as_of={day}").text))
    (row,) = (r for r in rows if r["site"] == STRIP)
    return row


def _needs_now(page: str) -> str:
    cell = re.search(r'data-label="Varadas ahora">(.*?)</td>', page)
    assert cell is not None
    return cell.group(1)


def test_the_picture_of_the_strip_is_the_median_of_both_countries_agencies(db: Database) -> None:
    with db.session(readonly=True) as s:
        x = site_now(s, s.get(Site, STRIP), dt.date(2025, 12, 3))
    assert (x.stranded, x.people, x.at_least, x.people_at_least) == (31, 31, False, False)
    assert (x.low, x.high, x.agencies, x.disagree) == (12, 50, 2, True)
    # the newest report that stands is Chile's 12, at 15:00 UTC
    assert (x.observed_at, x.agency, x.day) == (_at(3, 15), "pdi", dt.date(2025, 12, 3))
    # against "more than 45" on 1 December: a fall of 14 or more
    assert (x.trend, x.trend_days, x.trend_bound) == (-14, 2, "at_most")


def test_two_countries_counting_the_strip_one_day_show_one_figure_everywhere(
    client: TestClient,
) -> None:
    day = "2025-12-03"
    es = client.get(f"/?as_of={day}&lang=es").text
    en = client.get(f"/?as_of={day}&lang=en").text
    sitrep = client.get(f"/sitrep.html?as_of={day}&lang=es").text
    assert _stranded_cell(es) == "31"
    assert "los organismos discrepan: 12–50" in _row(es)
    assert "de 2 reportes, el último del día de cada organismo" in _row(es)
    assert "agencies disagree: 12–50" in _row(en)
    assert "from 2 reports, each agency's latest of the day" in _row(en)
    tile = re.search(r'<div class="tile" id="total-CHL">.*?<strong>(.*?)</strong>', es, re.S)
    assert tile is not None and tile.group(1) == "31 personas varadas"
    assert "Franja entre Chacalluta y Santa Rosa: 31" in es  # the map's label
    assert _needs_now(es) == "31"
    row = _csv_row(client, day)
    assert [row[k] for k in ("people", "stranded", "at_least", "trend", "trend_bound")] == [
        "31",
        "31",
        "False",
        "-14",
        "at_most",
    ]
    assert [
        row[k] for k in ("agencies", "stranded_low", "stranded_high", "disagree", "people_at_least")
    ] == ["2", "12", "50", "True", "False"]
    table = re.search(r"<h2>Situación por sitio</h2>.*?</table>", sitrep, re.S)
    assert table is not None
    assert _text(table.group(0)).endswith(
        "Franja entre Chacalluta y Santa Rosa Chile ◆ militarizado "
        "31 los organismos discrepan: 12–50 ≤ −14 (2 días) — 3 dic 2025 (hora de Chile) "
        "de 2 reportes, el último del día de cada organismo"
    )
    assert "Chile: 31 personas varadas en 1 de sus" in _text(sitrep)
    # the week's change from "more than 45" is a bound, in the summary as in the table
    assert (
        "<li>Franja entre Chacalluta y Santa Rosa: variación de ≤ −14 personas varadas en 2 días.</li>"
        in sitrep
    )
    assert _needs_now(sitrep) == "31"
    site = client.get(f"/sites/{STRIP}?as_of={day}&lang=es").text
    assert (
        '<strong id="site-stranded">31</strong><small class="disagree">los organismos discrepan: '
        "12–50</small>" in site
    )


def test_an_open_ended_count_among_them_makes_the_figure_more_than(client: TestClient) -> None:
    day = "2025-12-01"
    es = client.get(f"/?as_of={day}&lang=es").text
    assert _stranded_cell(es) == "más de 45"
    assert "discrepan" not in _row(es)  # 40 and "more than 50" are within 10 people
    assert "de 2 reportes" in _row(es)
    row = _csv_row(client, day)
    assert [row[k] for k in ("stranded", "at_least", "agencies", "disagree")] == [
        "45",
        "True",
        "2",
        "False",
    ]
    assert _needs_now(es) == "más de 45"


def test_a_withdrawn_report_leaves_the_agencys_earlier_count_of_the_day(
    client: TestClient,
) -> None:
    day = "2025-12-02"
    es = client.get(f"/?as_of={day}&lang=es").text
    sitrep = client.get(f"/sitrep.html?as_of={day}&lang=es").text
    assert _stranded_cell(es) == "32"  # Chile's 30 and Peru's 34, not the withdrawn 80
    assert _csv_row(client, day)["stranded"] == "32"
    assert _needs_now(es) == "32"
    assert "Chile: 32 personas varadas en 1 de sus" in _text(sitrep)


def _newest_report(page: str) -> str:
    line = re.search(r'<p class="muted" id="newest-report">(.*?)</p>', page, re.S)
    assert line is not None, "the site page does not say which report its groups are of"
    return " ".join(re.sub(r"<[^>]+>", "", line.group(1)).split())


def test_the_site_page_says_its_newest_report_is_one_of_the_days_not_the_figure(
    client: TestClient,
) -> None:
    """Beside the day's figure (31, the agencies disagreeing: 12–50), "Conteo más reciente,
    reporte 8" read as if Chile's 12 were the count: the page says it is one report, and that
    the figure combines the day's."""
    day = "2025-12-03"
    es = client.get(f"/sites/{STRIP}?as_of={day}&lang=es").text
    en = client.get(f"/sites/{STRIP}?as_of={day}&lang=en").text
    assert '<strong id="site-stranded">31</strong>' in es
    assert _newest_report(es) == (
        "Reporte individual más reciente, n.º 8: PDI, 3 dic 2025, 12:00 (hora de Chile); "
        "personas varadas: 12. La cifra de arriba combina los reportes del día de 2 organismos "
        "(la mediana del último de cada uno); la tabla de abajo es solo de este reporte."
    )
    assert _newest_report(en) == (
        "Newest single report, no. 8: PDI, Dec 3, 2025, 12:00 (Chile time); stranded: 12. "
        "The figure above combines the day's reports of 2 agencies (the median of each one's "
        "latest); the table below is of this report alone."
    )
    # 1 December: Chile's "more than 50", beside the figure "more than 45"
    first = client.get(f"/sites/{STRIP}?as_of=2025-12-01&lang=es").text
    assert _newest_report(first).startswith(
        "Reporte individual más reciente, n.º 2: PDI, 1 dic 2025, 11:00 (hora de Chile); "
        "personas varadas: más de 50. La cifra de arriba combina"
    )


def _day_tile(page: str) -> str:
    tile = re.search(r'<div class="tile" id="site-day">(.*?)</div>', page, re.S)
    assert tile is not None, "the site page has no tile for the day of its figures"
    return tile.group(1)


def test_the_site_pages_counted_tile_names_the_day_its_figure_combines_not_one_reports_time(
    client: TestClient,
) -> None:
    """The tile beside the day's figure (31: PDI's 12 and Migraciones' 50) showed "3 dic 2025,
    12:00", the newest single report's time, as if 31 had been counted then. It says what the
    figure is: the day it is of (the site's own calendar, Chile's) and how many reports make it.
    The newest report's own time stays on the line below.
    """
    day = "2025-12-03"
    es = client.get(f"/sites/{STRIP}?as_of={day}&lang=es").text
    en = client.get(f"/sites/{STRIP}?as_of={day}&lang=en").text
    plain = [" ".join(re.sub(r"<[^>]+>", " ", _day_tile(p)).split()) for p in (es, en)]
    assert plain == [
        "Día de las cifras (hora de Chile) 3 dic 2025 "
        "de 2 reportes, el último del día de cada organismo",
        "Day of the figures (Chile time) Dec 3, 2025 "
        "from 2 reports, each agency's latest of the day",
    ]
    assert '<time datetime="2025-12-03">' in _day_tile(es)
    assert "12:00" not in _day_tile(es) and "12:00" in _newest_report(es)


def _figure_day_cell(page: str) -> str:
    cell = re.search(r'<td data-label="[^"]*" class="figure-day">(.*?)</td>', _row(page), re.S)
    assert cell is not None, "the overview's row has no cell for the day of its figure"
    return cell.group(1)


def _sitrep_row(page: str) -> str:
    table = re.search(r"<h2>(?:Situación por sitio|Situation per site)</h2>.*?</table>", page, re.S)
    assert table is not None
    row = re.search(r"<tr><td>[^<]*(?:Chacalluta y Santa Rosa|and Santa Rosa).*?</tr>", table.group(0), re.S)  # fmt: skip
    assert row is not None, table.group(0)
    return row.group(0)


def test_the_overview_and_the_sitrep_name_the_day_their_figure_combines_not_one_reports_time(
    client: TestClient,
) -> None:
    """The overview's and the situation report's "Contado (hora de Chile)" column showed "3 dic
    2025, 12:00" (PDI's 12, the newest report) beside 31, the median of PDI's 12 and Migraciones'
    50, as if 31 had been counted at noon. Like the site page's tile, they say the day the figure
    is of, on the site's calendar with its country's clock named, and how many reports make it.
    """
    day = "2025-12-03"
    es = client.get(f"/?as_of={day}&lang=es").text
    en = client.get(f"/?as_of={day}&lang=en").text
    assert "Contado (" not in es and "Counted (" not in en
    assert '<th scope="col">Día de las cifras (hora local)</th>' in es
    assert '<th scope="col">Day of the figures (local time)</th>' in en
    assert [_text(_figure_day_cell(p)) for p in (es, en)] == [
        "3 dic 2025 (hora de Chile) de 2 reportes, el último del día de cada organismo",
        "Dec 3, 2025 (Chile time) from 2 reports, each agency's latest of the day",
    ]
    assert '<time datetime="2025-12-03">' in _figure_day_cell(es)
    assert "12:00" not in _row(es)
    for lang, head, said in (
        ("es", "Día de las cifras (hora local)",
         "3 dic 2025 (hora de Chile) de 2 reportes, el último del día de cada organismo"),
        ("en", "Day of the figures (local time)",
         "Dec 3, 2025 (Chile time) from 2 reports, each agency's latest of the day"),
    ):  # fmt: skip
        sitrep = client.get(f"/sitrep.html?as_of={day}&lang={lang}").text
        assert f"<th>{head}</th>" in sitrep and "Contado (" not in sitrep
        row = _sitrep_row(sitrep)
        assert _text(row).endswith(said) and "12:00" not in row


def test_a_peruvian_sites_figure_day_names_perus_clock_and_its_one_agency() -> None:
    """The column names the site's own clock (a Peruvian site's day is Peru's), whoever reads."""
    from types import SimpleNamespace

    from hito import i18n

    x = SimpleNamespace(
        day=dt.date(2025, 12, 3), country="PER", agencies=1, agency_name="Migraciones"
    )
    said = {
        lang: _text(
            str(
                i18n.environment(("hito.web", "hito.report"), lang, "America/Santiago")
                .get_template("names.html.j2")
                .module.figure_day(x)  # type: ignore[attr-defined]
            )
        )
        for lang in ("es", "en")
    }
    assert said == {
        "es": "3 dic 2025 (hora del Perú) de 1 reporte, el último del día de un organismo "
        "( Migraciones )",
        "en": "Dec 3, 2025 (Peru time) from 1 report, one agency's latest of the day ( Migraciones )",
    }
