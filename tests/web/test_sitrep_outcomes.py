"""The situation report says how many people the forecast sees diverted and harmed, with bands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from hito import i18n
from hito.store import migrate
from hito.store.db import Database
from hito.store.forecasts import latest_result
from hito.store.models import Forecast
from hito.store.users import use_password_hasher
from hito.web import demo, sitrep
from service_db import keyed_for_server

DAY = dt.date(2025, 12, 3)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    d = keyed_for_server(
        Database(f"sqlite:///{tmp_path_factory.mktemp('sitrep') / 'hito.sqlite3'}")
    )
    migrate.upgrade(d)
    demo.seed(d, password="test-pass-123")
    demo.forecast(d, as_of=DAY, days=10, runs=3)
    yield d
    d.dispose()


def _outlook(html: str) -> str:
    start = html.index('<ul id="outcomes">')
    return html[start : html.index("</ul>", start)]


@pytest.mark.parametrize(
    ("lang", "diverted", "harmed", "caveat"),
    [
        (
            "es",
            "Desviadas a rutas irregulares del 4 dic 2025 al 12 dic 2025 (pronóstico): ",
            "Personas que sufrieron daños del 4 dic 2025 al 12 dic 2025 (pronóstico): ",
            "Calibrado con los conteos de campo hasta el 3 dic 2025: las cifras parten de lo que "
            "los conteos permiten creer de ese día; desde el día siguiente, son el pronóstico.",
        ),
        (
            "en",
            "Diverted to irregular routes from Dec 4, 2025 to Dec 12, 2025 (forecast): ",
            "Harmed from Dec 4, 2025 to Dec 12, 2025 (forecast): ",
            "Calibrated on the field counts up to Dec 3, 2025: the figures start from what the "
            "counts let one believe on that day; from the next day on they are the forecast.",
        ),
    ],
)
def test_the_outlook_gives_the_diverted_and_harmed_with_their_bands_and_the_caveat(
    db: Database, lang: str, diverted: str, harmed: str, caveat: str
) -> None:
    with db.session(readonly=True) as session:
        f = latest_result(session)
    assert f is not None
    total = f["outcomes"]["total"]

    def band(k: str) -> str:
        q = {x: i18n.number(total[k][x], lang) for x in ("p10", "p50", "p90")}
        return f"{q['p50']}, P10–P90 {q['p10']}–{q['p90']}."

    html = sitrep.build_html(db, as_of=DAY, lang=lang, comparison=None)
    assert _outlook(html) == (
        '<ul id="outcomes">'
        f"<li>{diverted}{band('diverted')}</li>"
        f"<li>{harmed}{band('harmed')}</li>"
        f"<li>{caveat}</li>"
    )


def test_an_old_forecast_without_outcomes_says_they_were_not_computed(db: Database) -> None:
    with db.session() as session:
        f = latest_result(session)
        assert f is not None
        old = {k: v for k, v in session.get(Forecast, f["id"]).result.items() if k != "outcomes"}
        session.add(
            Forecast(
                status="done",
                scenario=f["scenario"],
                as_of=DAY,
                days=10,
                runs=3,
                seed=1,
                result=old,
            )
        )
    for lang, text in (
        ("es", "Los desvíos, daños, cruces y regresos no se calcularon para este pronóstico"),
        ("en", "Diversions, harm, crossings and returns were not computed for this forecast"),
    ):
        html = sitrep.build_html(db, as_of=DAY, lang=lang, comparison=None)
        assert _outlook(html).startswith(f'<ul id="outcomes"><li>{text}')
        assert 'class="chart"' in html  # the stranded band is drawn as before
