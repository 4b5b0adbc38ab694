"""The forecast page's table of people diverted, harmed, crossed and turned back, es and en."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hito import i18n
from hito.forecast.observations import Observations
from hito.store.forecast_result import forecast_result
from hito.store.models import Forecast
from hito.testing import fates_scenario
from web.test_overview import sign_in

AS_OF = dt.date(2025, 1, 4)


@pytest.fixture
def stored(server) -> Iterator[dict[str, int]]:  # type: ignore[no-untyped-def]
    """A forecast of the fates corridor and an old one without outcomes, removed afterwards
    (the newest finished forecast is the one every other page shows)."""
    res = forecast_result(fates_scenario(), Observations((), ()), AS_OF, 20, 4, 3)
    old = {"dates": ["2025-01-04"], "stranded_total": {"p10": [0], "p50": [0], "p90": [0]}}
    with server.db.session() as session:
        rows = {
            name: Forecast(
                status="done",
                scenario=scenario,
                as_of=AS_OF,
                days=20,
                runs=4,
                seed=3,
                result=result,
                finished_at=dt.datetime(2025, 1, 4, 12, tzinfo=dt.UTC),
            )
            for name, scenario, result in (
                ("fates", "fates", res),
                ("old", "tacna-arica-2025", old),
            )
        }
        session.add_all(rows.values())
        session.flush()
        ids = {name: row.id for name, row in rows.items()}
    yield ids
    with server.db.session() as session:
        for row in session.scalars(select(Forecast).where(Forecast.id.in_(ids.values()))):
            session.delete(row)


CELLS = {
    "es": [
        ["strip (entre los complejos fronterizos)", "100 (100–100)", *["0 (0–0)"] * 3],
        ["desert (paso irregular)", "0 (0–0)", "0 (0–0)", "100 (100–100)", "0 (0–0)"],
        ["city (ciudad)", *["0 (0–0)"] * 3, "40 (40–40)"],
        ["Todos los sitios", "100 (100–100)", "0 (0–0)", "100 (100–100)", "40 (40–40)"],
    ],
    "en": [
        ["strip (between the posts)", "100 (100–100)", *["0 (0–0)"] * 3],
        ["desert (irregular crossing)", "0 (0–0)", "0 (0–0)", "100 (100–100)", "0 (0–0)"],
        ["city (city)", *["0 (0–0)"] * 3, "40 (40–40)"],
        ["All sites", "100 (100–100)", "0 (0–0)", "100 (100–100)", "40 (40–40)"],
    ],
}
HEADS = {
    "es": [
        "Sitio",
        "Desviadas a rutas irregulares",
        "Personas que sufrieron daños",
        "Cruzaron una frontera",
        "Regresaron",
    ],
    "en": ["Site", "Diverted to irregular routes", "Harmed", "Crossed a border", "Turned back"],
}
BY_DAY = {
    "es": [
        ["11 ene 2025 (7 días)", "100 (100–100)", "0 (0–0)", "0 (0–0)", "40 (40–40)"],
        ["18 ene 2025 (14 días)", "100 (100–100)", "0 (0–0)", "100 (100–100)", "40 (40–40)"],
    ],
    "en": [
        ["Jan 11, 2025 (7 days)", "100 (100–100)", "0 (0–0)", "0 (0–0)", "40 (40–40)"],
        ["Jan 18, 2025 (14 days)", "100 (100–100)", "0 (0–0)", "100 (100–100)", "40 (40–40)"],
    ],
}
MISSING = {
    "es": "Los desvíos, daños, cruces y regresos no se calcularon para este pronóstico: se hizo "
    "antes de que hito los guardara. Un pronóstico nuevo los incluye.",
    "en": "Diversions, harm, crossings and returns were not computed for this forecast: it was "
    "made before hito kept them. A new forecast has them.",
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_forecast_page_tables_the_fates_of_a_known_corridor(visit, stored, lang) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    sign_in(page, username="observador", path=f"/forecasts/{stored['fates']}", lang=lang)
    expect(page.locator("#outcomes-by-place thead th")).to_have_text(HEADS[lang])
    rows = page.locator("#outcomes-by-place tbody tr")
    expect(rows).to_have_count(4)
    for i, cells in enumerate(CELLS[lang]):
        expect(rows.nth(i).locator("td")).to_have_text(cells)
    days = page.locator("#outcomes-by-day tbody tr")
    for i, cells in enumerate(BY_DAY[lang]):
        expect(days.nth(i).locator("td")).to_have_text(cells)
    expect(page.locator("#outcomes-caveat")).to_have_text(
        {
            "es": "Sin calibrar: no había ningún conteo de campo guardado hasta la fecha del "
            "pronóstico, así que estas cifras son solo del escenario.",
            "en": "Not calibrated: no field count was stored up to the forecast's date, so these "
            "figures are of the scenario alone.",
        }[lang]
    )
    expect(page.locator("#outcomes-missing")).to_have_count(0)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_old_forecast_page_says_the_outcomes_were_not_computed(visit, stored, lang) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    sign_in(page, username="observador", path=f"/forecasts/{stored['old']}", lang=lang)
    expect(page.locator("#forecast-done")).to_be_visible()
    # a finished forecast's page is named after it, not "New forecast"
    heading = {"es": "Pronóstico %s", "en": "Forecast %s"}[lang] % stored["old"]
    expect(page.locator("h1")).to_have_text(heading)
    expect(page).to_have_title(re.compile("^" + heading))
    expect(page.locator("#outcomes-missing")).to_have_text(MISSING[lang])
    expect(page.locator("#outcomes-by-place")).to_have_count(0)


def test_a_demo_forecast_names_its_places_and_gives_its_stored_totals(visit, server) -> None:  # type: ignore[no-untyped-def]
    with server.db.session(readonly=True) as session:
        row = session.scalars(
            select(Forecast).where(Forecast.status == "done").order_by(Forecast.id.desc())
        ).first()
        total = row.result["outcomes"]["total"]
        fid = row.id
    page = visit.page
    sign_in(page, username="observador", path=f"/forecasts/{fid}")
    last = page.locator("#outcomes-by-place tbody tr").last
    want = [
        f"{i18n.number(q['p50'], 'es')} ({i18n.number(q['p10'], 'es')}–"
        f"{i18n.number(q['p90'], 'es')})"
        for q in total.values()
    ]
    expect(last.locator("td")).to_have_text(["Todos los sitios", *want])
    names = page.locator("#outcomes-by-place tbody tr td:first-child").all_inner_texts()
    assert len(names) > 1 and all("-" not in n.split(" (")[0] for n in names), names
    assert any(n.startswith("Complejo fronterizo Santa Rosa (") for n in names), names


def test_the_overview_links_its_forecast_to_the_outcomes(visit, server) -> None:  # type: ignore[no-untyped-def]
    from hito.store.forecasts import latest_result

    with server.db.session(readonly=True) as session:
        f = latest_result(session, dt.date(2025, 12, 3))
    page = visit.page
    sign_in(page, username="observador", path="/?as_of=2025-12-03")
    link = page.locator("#forecast-outcomes")
    expect(link).to_have_text(
        "Quiénes se desvían a rutas irregulares, sufren daños, cruzan o regresan"
    )
    expect(link).to_have_attribute("href", f"/forecasts/{f['id']}")
    link.click()
    expect(page.locator("#outcomes-by-place")).to_be_visible()
