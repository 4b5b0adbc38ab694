"""The situation report from a seeded store: per-site counts, triggers met, both languages, PDF."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from hito.store import migrate
from hito.store.db import Database
from hito.store.users import use_password_hasher
from hito.web import demo, sitrep
from service_db import keyed_for_server


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    d = keyed_for_server(
        Database(f"sqlite:///{tmp_path_factory.mktemp('sitrep') / 'hito.sqlite3'}")
    )
    migrate.upgrade(d)
    demo.seed(d, password="test-pass-123")
    yield d
    d.dispose()


def test_report_of_a_past_date_in_spanish(db: Database) -> None:
    html = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="es", comparison=None)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "Informe de situación" in html and "Lo más destacado" in html
    assert html.index("Cifras clave") < html.index("Situación por sitio")  # key figures first
    assert '<td class="n" data-label="Varadas">465</td>' in html  # midpoint of 450–480 that day
    # return flights fire at 300 stranded in one day: the trigger and the action by title
    assert (
        "Disparador cumplido: 300 o más personas varadas en Chacalluta, la franja y los "
        "albergues de Arica (desde el 21 abr 2023)." in html
    )
    due = html.index("120 asientos semanales Tacna–Lima–Caracas")
    assert "28 abr 2023" in html[due : due + 200]  # 7 days of lead time after 21 April
    assert "Aún no se ha hecho ningún pronóstico." in html
    assert "stranded-300" not in html and "return-flight-tacna" not in html  # no raw ids
    assert "http://" not in html and "https://" not in html


def test_report_in_english_before_any_count(db: Database) -> None:
    html = sitrep.build_html(db, as_of=dt.date(2020, 1, 1), lang="en", comparison=None)
    assert "No trigger of the active plans is met on this date." in html
    assert "Chile: no site counted in the last 14 days." in html


def test_a_stale_forecast_is_flagged_and_not_drawn(db: Database) -> None:
    demo.forecast(db, as_of=dt.date(2025, 12, 3), days=10, runs=2)
    fresh = sitrep.build_html(db, as_of=dt.date(2025, 12, 3), lang="en", comparison=None)
    assert "Outdated forecast." not in fresh and 'class="chart"' in fresh
    old = sitrep.build_html(db, as_of=dt.date(2026, 2, 1), lang="en", comparison=None)
    assert "Outdated forecast." in old
    assert 'class="chart"' not in old  # the ended forecast is not presented as current


def test_the_forecast_band_has_its_backtest_skill_beside_it(db: Database) -> None:
    """The report's outlook gave the forecast's band with no word of how well such forecasts
    did; the overview had the backtest line, the report did not."""
    from hito.report.skill_lines import skill_lines

    demo.forecast(db, as_of=dt.date(2025, 12, 3), days=10, runs=2)
    html = sitrep.build_html(db, as_of=dt.date(2025, 12, 3), lang="es", comparison=None)
    outlook = html[html.index("Perspectivas: pronóstico con las políticas vigentes") :]
    outlook = outlook[: outlook.index("Respuesta por organismo")]
    lines = skill_lines("tacna-arica-2025", "es")
    assert len(lines) == 2 and lines[0].startswith(
        "Evaluación retrospectiva en Tacna–Arica (noviembre de 2025), pronósticos a 7 días de un "
        "conteo de campo: "
    )
    assert all(f"<li>{line}</li>" in outlook for line in lines)
    # the band is 14 to 28 days ahead; the 2025 backtest scored up to 14 days only
    assert (
        "<li>Pronósticos como estos se evaluaron frente a conteos posteriores hasta 14 días por "
        "delante; más allá, no se ha medido cuánto se puede confiar en las bandas.</li>" in outlook
    )
    stale = sitrep.build_html(db, as_of=dt.date(2026, 2, 1), lang="es", comparison=None)
    assert 'id="backtest-skill"' not in stale  # no band drawn, no skill beside it


def test_a_comparison_appears_only_in_its_own_episode(db: Database, tmp_path: Path) -> None:
    cmp = tmp_path / "comparison.json"
    days = [(dt.date(2025, 11, 29) + dt.timedelta(days=i)).isoformat() for i in range(3)]
    q = {"p10": 1.0, "p50": 2.0, "p90": 3.0}
    row = {m: q for m in ("stranded_person_days", "peak_stranded", "diverted", "harmed")}
    cmp.write_text(
        json.dumps({"dates": days, "rows": [{"plan": "no-plan", **row}], "stranded": {}})
    )
    in_2025 = sitrep.build_html(db, as_of=dt.date(2025, 12, 1), lang="en", comparison=cmp)
    in_2023 = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="en", comparison=cmp)
    assert "The plan options" in in_2025
    assert "The plan options" not in in_2023 and "comparison.json" not in in_2023


def test_chart_dates_are_words_not_numbers_read_differently_across_the_border(
    db: Database,
) -> None:
    # 12/2/25 is 2 December to an English reader and 12 February to a Chilean one
    demo.forecast(db, as_of=dt.date(2025, 12, 3), days=10, runs=2)
    for lang, day in (("en", "Dec 3, 2025"), ("es", "3 dic 2025")):
        html = sitrep.build_html(db, as_of=dt.date(2025, 12, 3), lang=lang, comparison=None)
        charts = re.findall(r'<svg class="chart".*?</svg>', html, re.S)
        assert charts, lang
        marks = re.findall(r'text-anchor="(?:start|middle|end)" fill="#555">([^<]+)<', charts[0])
        assert marks and not [m for m in marks if re.fullmatch(r"\d+/\d+/\d+", m)], marks
        assert any(day in c for c in charts), lang


def test_write_gives_html_and_pdf_per_language(db: Database, tmp_path: Path) -> None:
    paths = sitrep.write(db, as_of=dt.date(2025, 12, 3), out=tmp_path, comparison=None)
    assert sorted(p.name for p in paths) == [
        "sitrep-2025-12-03-en.html",
        "sitrep-2025-12-03-en.pdf",
        "sitrep-2025-12-03-es.html",
        "sitrep-2025-12-03-es.pdf",
    ]
    assert (tmp_path / "sitrep-2025-12-03-es.pdf").read_bytes()[:5] == b"%PDF-"


def _report_as_of(day: str) -> subprocess.CompletedProcess[str]:
    """`hito report --as-of DAY` in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "hito.cli.main", "report", "--as-of", day],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_rejects_a_bad_date_with_one_line() -> None:
    r = _report_as_of("2025-13-01")
    assert r.returncode == 2
    assert r.stderr == (
        "error: --as-of: se recibió '2025-13-01'; se esperaba una fecha que exista, con el formato "
        "AAAA-MM-DD\n"
    )


def test_cli_rejects_a_date_in_the_future_with_one_line_not_an_overflow() -> None:
    r = _report_as_of("9999-12-31")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr == (
        "error: --as-of: se recibió '9999-12-31'; se esperaba una fecha entre 2000-01-01 y "
        "2099-12-31\n"
    )
    r = _report_as_of("2098-12-31")
    assert r.returncode == 2
    assert r.stderr.startswith(
        "error: --as-of: se recibió 2098-12-31; se esperaba una fecha no posterior a hoy"
    )


def test_report_carries_the_needs_panel_with_its_standards(db: Database) -> None:
    html = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="es", comparison=None)
    # no forecast: needs of the newest counts; 465 on the strip plus the other sites' counts
    assert 'id="needs-headline"' in html and "los albergues acogen a 150" in html
    assert "Manual" in html or "Sphere Handbook 2018" in html
    en = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="en", comparison=None)
    assert "Newest counts (no forecast reaches" in en and "shelters hold 150" in en


def test_cli_rejects_an_unknown_zone_with_one_line() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "hito.cli.main", "report", "--zone", "Mars/Olympus"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 2
    assert r.stderr == (
        "error: --zone: se recibió 'Mars/Olympus'; se esperaba una de: "
        "America/Santiago, America/Lima, America/La_Paz, UTC\n"
    )


def test_the_forecasts_issued_before_are_scored_by_the_later_counts(db: Database) -> None:
    demo.forecast(db, as_of=dt.date(2025, 11, 29), days=10, runs=2)
    demo.forecast(db, as_of=dt.date(2025, 12, 3), days=10, runs=2)
    es = sitrep.build_html(db, as_of=dt.date(2025, 12, 3), lang="es", comparison=None)
    assert re.search(
        r'<ul id="live-skill"><li>Pronósticos emitidos por este servicio a 1 día, frente a los '
        r"conteos que llegaron después: \d+ de \d+ dentro de su P10–P90; ",
        es,
    )
    en = sitrep.build_html(db, as_of=dt.date(2025, 11, 29), lang="en", comparison=None)
    assert "No count has come after a forecast of this service yet: none scored." in en


def test_every_time_says_whose_clock_not_the_zone_database_name(db: Database) -> None:
    html = sitrep.build_html(
        db, as_of=dt.date(2025, 12, 3), lang="es", comparison=None, zone="America/Lima"
    )
    assert "(hora del Perú, UTC−5) a partir de los reportes" in html  # when it was issued
    # a day's figure is of the site's own day, its clock named whatever the reader's zone
    assert "<th>Día de las cifras (hora local)</th>" in html
    assert '3 dic 2025</time> <span class="small muted site-zone">(hora de Chile)</span>' in html
    assert "Todas las horas: hora del Perú (UTC−5)." in html
    assert "America/Lima" not in html
    assert '<link rel="icon" href="data:,">' in html  # no request for /favicon.ico (a 404)
    en = sitrep.build_html(
        db, as_of=dt.date(2025, 12, 3), lang="en", comparison=None, zone="America/Lima"
    )
    assert (
        "<th>Day of the figures (local time)</th>" in en and "All times: Peru time (UTC−5)." in en
    )
    assert '(Chile time)</span><br><small class="muted combines">from' in en


@pytest.mark.parametrize(
    ("text", "where", "why"),
    [
        ("not json\n", ":1", "not JSON"),
        ('{"a": 1}', "", "each row needs a plan and its P10, P50, P90"),
        ('[{"plan": 1}]', "", "each row needs a plan and its P10, P50, P90"),
    ],
)
def test_a_file_that_is_no_comparison_is_said_on_the_plans_page_and_by_the_cli(
    db: Database, tmp_path: Path, text: str, where: str, why: str
) -> None:
    """HITO_COMPARISON pointing at another file: the /plans page was a 500, the CLI a traceback."""
    from fastapi.testclient import TestClient

    from hito.service import create_app
    from hito.store.settings import Settings

    bad = tmp_path / "comparison.json"
    bad.write_text(text)
    said = (
        f"{bad}{where}: not a plan comparison ({why}); expected the comparison.json of `hito "
        "plans compare`"
    )
    app = create_app(
        Settings(database_url=str(db.engine.url), comparison=bad, auto_migrate=False), database=db
    )
    with TestClient(app, base_url="http://hito.test") as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        signed = c.post(
            "/login",
            data={
                "username": "admin",
                "password": "test-pass-123",
                "next": "/",
                "csrf_token": token,
            },
            headers={"Origin": "http://hito.test"},
        )
        assert signed.status_code in (200, 303)
        page = c.get("/plans?lang=en")
        assert page.status_code == 200
        assert f'<p class="error" role="alert" id="cmp-problem">{said}</p>' in page.text.replace(
            "&#96;", "`"
        )
        assert c.get("/sitrep.html?lang=en&as_of=2025-12-03").status_code == 200  # without it
    done = subprocess.run(
        [sys.executable, "-m", "hito.cli.main", "report", "--comparison", str(bad)],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "HITO_LANG": "en",
            "HITO_DATABASE_URL": str(db.engine.url),
        },
        cwd=tmp_path,
        check=False,
    )
    assert (done.returncode, done.stderr) == (2, f"error: {said}\n")


def test_a_past_days_report_counts_the_newest_counts_age_from_that_days_end(db: Database) -> None:
    """The cut-off is the end of 5 May on the reader's clock (23:59 Chile time), not UTC midnight."""
    es = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="es", comparison=None)
    en = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="en", comparison=None)
    newest = re.search(r"Conteo más reciente: [^<]*", es)
    assert newest and newest[0].endswith(
        "antes del corte de esta situación, 5 may 2023, 23:59, hora de Chile)."
    ), newest
    assert "hace" not in newest[0]
    newest_en = re.search(r"Newest count: [^<]*", en)
    assert newest_en and newest_en[0].endswith(
        "before this picture's cut-off, May 5, 2023, 23:59, Chile time)."
    ), newest_en


def _equal_median_comparison(folder: Path) -> Path:
    """Two plans with one median: the corridor's trigger fires in 6 of 20 futures."""
    q = {"p10": 3546.0, "p50": 5336.0, "p90": 20798.0}
    row = {m: q for m in ("stranded_person_days", "peak_stranded", "diverted", "harmed")}
    trigger = {
        "trigger": "stranded-200-2d",
        "description": "200 or more people stranded at Chacalluta and the strip for 2 days",
        "probability": 0.3,
        "median_first_day": 72.0,
        "median_first_date": "2026-02-02",
    }
    data = {
        "runs": 20,
        "dates": ["2025-11-22", "2026-03-31"],
        "rows": [
            {"plan": "no-plan", "title": "No plan", "runs": 20, "triggers": [], **row},
            {
                "plan": "corridor-100",
                "title": "C",
                "runs": 20,
                "triggers": [trigger],
                # the same median; the corridor cuts the worse futures
                **{m: {**q, "p90": 15102.0} for m in row},
            },
        ],
        "stranded": {},
    }
    path = folder / "comparison.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_plans_with_one_median_say_so_and_show_how_often_each_trigger_fires(
    db: Database, tmp_path: Path
) -> None:
    """The plan options showed identical medians and nothing else: a planner could not tell the
    plans apart. Now the equal medians are said, and each trigger's chance and date are shown."""
    from fastapi.testclient import TestClient

    from hito.service import create_app
    from hito.store.settings import Settings

    cmp = _equal_median_comparison(tmp_path)
    said = (
        "Todos los planes tienen la misma mediana (P50) en estas cifras: personas-día varadas, el "
        "pico de personas varadas, personas desviadas a rutas irregulares y personas que "
        "sufrieron daños. En el futuro simulado del medio, los planes no cambian nada en ellas."
    )
    row = (
        '<td data-label="Disparador">200 o más personas varadas en Chacalluta y la franja durante '
        '2 días seguidos</td>\n    <td class="n" data-label="Se cumple en">6 de 20 futuros '
        '(30\xa0%)</td>\n    <td data-label="Se cumple por primera vez (mediana)">2 feb 2026</td>'
    )
    html = sitrep.build_html(db, as_of=dt.date(2025, 12, 3), lang="es", comparison=cmp)
    assert said in html and row in html
    assert "En cuántos de los 20 futuros simulados se cumple cada disparador" in html
    assert (
        "Estos futuros van del 22 nov 2025 al 31 mar 2026 y salen solo del escenario: no están "
        "condicionados a los conteos de campo." in html
    )
    app = create_app(
        Settings(database_url=str(db.engine.url), comparison=cmp, auto_migrate=False), database=db
    )
    with TestClient(app, base_url="http://hito.test") as c:
        _sign_in(c)
        es = c.get("/plans?lang=es").text
        assert said in es and row in es
        en = c.get("/plans?lang=en").text
        assert "Every plan has the same median (P50) of stranded person-days, the peak" in en
        assert "6 of 20 futures (30%)" in en and "Feb 2, 2026" in en


def test_the_plans_page_gives_a_forecast_trigger_the_value_the_overview_gives(
    db: Database,
) -> None:
    """The overview said the binational plan's forecast trigger stood at the forecast's P90 for
    a week ahead; the plans page said '—' for the same trigger on the same day."""
    from fastapi.testclient import TestClient

    from hito.report import forecast_view
    from hito.service import create_app
    from hito.store.forecasts import latest_result
    from hito.store.settings import Settings

    demo.forecast(db, as_of=dt.date(2025, 12, 3), days=10, runs=2)
    with db.session(readonly=True) as session:
        forecast = latest_result(session, dt.date(2025, 12, 3))
    places = ["chacalluta", "concordia-strip", "arica-shelters"]
    value = forecast_view.at(forecast, places, dt.date(2025, 12, 10), "p90")
    assert value is not None
    shown = f"{value:,.0f}".replace(",", ".") + ' <small class="muted">(pronóstico para el 10 dic'
    app = create_app(Settings(database_url=str(db.engine.url), auto_migrate=False), database=db)
    with TestClient(app, base_url="http://hito.test") as c:
        _sign_in(c)
        plans = c.get("/plans?lang=es&as_of=2025-12-03").text
        overview = c.get("/?lang=es&as_of=2025-12-03").text
    assert shown in overview
    card = plans[plans.index('id="plan-binational"') :]
    card = card[: card.index("</article>")]
    assert shown in card


def _sign_in(c: Any) -> None:
    """Sign a test client in as the demo's administrator."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    c.post(
        "/login",
        data={"username": "admin", "password": "test-pass-123", "next": "/", "csrf_token": token},
        headers={"Origin": "http://hito.test"},
    )


def test_forecast_bands_in_tables_say_which_band_and_which_day(db: Database) -> None:
    """The overview's column 'Pronóstico a 14–28 días' held '21–97' without saying it was the
    P10–P90; the needs table's P50 and P90 columns did not say for which day."""
    from fastapi.testclient import TestClient

    from hito.service import create_app
    from hito.store.settings import Settings

    demo.forecast(db, as_of=dt.date(2025, 12, 3), days=40, runs=2)  # reaches 14-28 days
    html = sitrep.build_html(db, as_of=dt.date(2025, 12, 3), lang="es", comparison=None)
    assert '<th class="n">P50 a 7 días</th><th class="n">P90 a 7 días</th>' in html
    assert 'data-label="P90 a 7 días"' in html
    app = create_app(Settings(database_url=str(db.engine.url), auto_migrate=False), database=db)
    with TestClient(app, base_url="http://hito.test") as c:
        _sign_in(c)
        overview = c.get("/?lang=es&as_of=2025-12-03").text
    assert '<th scope="col" class="n">Pronóstico a 14–28 días (P10–P90)</th>' in overview
    # the card's band 14 to 28 days ahead says the backtest scored up to 14 days only
    assert (
        '<small class="muted skill">Pronósticos como estos se evaluaron frente a conteos '
        "posteriores hasta 14 días por delante;" in overview
    )


def test_a_hand_edited_comparison_with_days_that_are_no_dates_still_shows_the_plans_page(
    db: Database, tmp_path: Path
) -> None:
    """A comparison.json whose 'dates' someone edited ('late') made /plans a 500."""
    from fastapi.testclient import TestClient

    from hito.service import create_app
    from hito.store.settings import Settings

    cmp = _equal_median_comparison(tmp_path)
    data = json.loads(cmp.read_text())
    data["dates"] = ["late", "2026-03-31"]
    data["stranded"] = {"no-plan": {"p10": [1, 2], "p50": [2, 3], "p90": [3, 4]}}
    cmp.write_text(json.dumps(data))
    app = create_app(
        Settings(database_url=str(db.engine.url), comparison=cmp, auto_migrate=False), database=db
    )
    with TestClient(app, base_url="http://hito.test") as c:
        _sign_in(c)
        page = c.get("/plans?lang=en")
        report = c.get("/sitrep.html?lang=en&as_of=2025-12-03")
    assert page.status_code == 200 and "6 of 20 futures (30%)" in page.text
    assert 'class="chart"' not in page.text  # no days to draw the fans on
    assert report.status_code == 200 and "The plan options" not in report.text


def test_needs_from_a_more_than_100_count_say_more_than(db: Database) -> None:
    """The demo's Chacalluta "more than 100" (28 Nov 2025): its needs line says "more than"."""
    en = sitrep.build_html(db, as_of=dt.date(2025, 11, 28), lang="en", comparison=None)
    es = sitrep.build_html(db, as_of=dt.date(2025, 11, 28), lang="es", comparison=None)
    assert "Newest counts (no forecast reaches Dec 5, 2025): more than 100 people" in en
    assert (
        "Conteos más recientes (ningún pronóstico llega al 5 dic 2025): más de 100 personas" in es
    )
    assert 'data-label="Stranded now">more than 100<' in en


def test_a_highlights_change_over_one_day_is_said_in_the_singular(db: Database) -> None:
    """The strip fell from 50 to 10 between 2025-11-29 and 2025-11-30: the highlight read
    "−40 varadas en 1 días" and "−40 stranded in 1 days"."""
    es = sitrep.build_html(db, as_of=dt.date(2025, 11, 30), lang="es", comparison=None)
    en = sitrep.build_html(db, as_of=dt.date(2025, 11, 30), lang="en", comparison=None)
    assert (
        "<li>Franja entre Chacalluta y Santa Rosa: variación de −40 personas varadas en 1 día.</li>"
        in es
    )
    assert "<li>Strip between Chacalluta and Santa Rosa: −40 stranded in 1 day.</li>" in en
    es = sitrep.build_html(db, as_of=dt.date(2025, 12, 3), lang="es", comparison=None)
    assert (
        "<li>Franja entre Chacalluta y Santa Rosa: variación de −5 personas varadas en 4 días.</li>"
        in es
    )


def test_a_change_from_an_open_ended_count_says_its_bound(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change measured against "more than 50" is a bound (≤ −40), as the overview says it;
    the situation report printed it as an exact change."""
    from hito.web import situation as sit

    site_now = sit.site_now

    def older_count_open_ended(*args: Any, **kw: Any) -> sit.SiteNow:
        x = site_now(*args, **kw)
        if x.id == "concordia-strip" and x.trend is not None:
            x.trend_bound = "at_most"  # as if 2025-11-29's count had been "more than 50"
        return x

    monkeypatch.setattr(sit, "site_now", older_count_open_ended)
    es = sitrep.build_html(db, as_of=dt.date(2025, 11, 30), lang="es", comparison=None)
    en = sitrep.build_html(db, as_of=dt.date(2025, 11, 30), lang="en", comparison=None)
    assert "Santa Rosa: variación de ≤ −40 personas varadas en 1 día.</li>" in es
    assert "<li>Strip between Chacalluta and Santa Rosa: ≤ −40 stranded in 1 day.</li>" in en
    cells = re.findall(r'data-label="Change in a week">(.*?)</td>', en)
    assert [c.split(" <span")[0] for c in cells] == ["—", "≤ −40"], cells
