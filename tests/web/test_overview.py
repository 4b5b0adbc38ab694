"""The ten-second test on the overview, in both languages, on a phone; zones; forecasts; as-of;
the names its alert links and map markers give a screen reader."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hito.web.overview import named
from hito.web.situation import SiteNow
from web.conftest import PASSWORD, _visit, screenshot

DAY = "2025-12-03"  # the last count of the 2025 episode in the demo data


def sign_in(page, username: str = "pdi", path: str = "/", lang: str = "es") -> None:  # type: ignore[no-untyped-def]
    """Sign in and land on `path`, the language chosen first with the sign-in page's button."""
    page.goto(f"/login?next={path.replace('?', '%3F').replace('&', '%26')}")
    if page.locator(f"#lang-{lang}").count():  # a form (POST); a ?lang= link saves nothing
        with page.expect_navigation():
            page.click(f"#lang-{lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    try:
        page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    except Exception as exc:  # say why the sign-in failed instead of a bare timeout
        raise AssertionError(
            f"sign-in as {username} failed: {page.url}: {page.content()[:3000]}"
        ) from exc


@pytest.fixture(params=["es", "en"])
def lang(request) -> str:  # type: ignore[no-untyped-def]
    return str(request.param)


ANSWERS = {  # the answer to each question, as the overview of 2025-12-03 says it
    "es": {
        "how many": "45 personas varadas",
        "counted": "3 dic 2025 (hora de Chile)",
        "combines": "de 1 reporte, el último del día de un organismo",
        "trend": "−5",
        "trend days": "en 4 días",
        "trigger": "faltan 155",
        "duty": "en un plazo de 1 día desde que se cumpla",
        "nothing due": "no corresponde ninguna acción",
    },
    "en": {
        "how many": "45 people stranded",
        "counted": "Dec 3, 2025 (Chile time)",
        "combines": "from 1 report, one agency's latest of the day",
        "trend": "−5",
        "trend days": "in 4 days",
        "trigger": "155 to go",
        "duty": "within 1 day of",
        "nothing due": "no action is due",
    },
}


def test_the_ten_second_questions_are_answered_on_a_phone(browser, server, lang) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    for v in _visit(browser, server, outside, {"width": 390, "height": 844}):
        page, a = v.page, ANSWERS[lang]
        sign_in(page, path=f"/?as_of={DAY}", lang=lang)
        strip = page.locator("#site-concordia-strip")
        # how many people are stranded, and where (each figure with its day, on the site's clock)
        expect(page.locator("#total-CHL")).to_contain_text(a["how many"].replace("45", "145"))
        expect(strip.locator(".stranded")).to_contain_text("45")
        expect(strip.locator(".figure-day")).to_contain_text(a["counted"])
        expect(strip.locator(".figure-day")).to_contain_text(a["combines"])
        box = strip.locator(".figure-day").bounding_box()  # its sentence fits the phone's card
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # is it getting worse: the change over the week before the newest count
        expect(strip.locator(".trend")).to_have_text(a["trend"])
        expect(strip.locator(".trend-cell")).to_contain_text(a["trend days"])
        # the next weeks, and how sure: the band of the 14 to 28 days ahead, per site and overall
        expect(strip.locator(".band")).to_have_text(re.compile(r"^\d+–\d+$"))
        expect(page.locator("#total-forecast strong")).to_have_text(re.compile(r"\d"))
        # which trigger is close: the closest observed trigger needs 200 - 45 more
        expect(page.locator("#triggers")).to_contain_text(a["trigger"])
        # what each agency must do and by when
        expect(page.locator("#nothing-due")).to_contain_text(a["nothing due"])
        migraciones = page.locator(
            "#standby li[data-agency='Superintendencia Nacional de Migraciones']"
        )
        expect(migraciones).to_contain_text(a["duty"])
        # nothing is wider than the phone
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the overview is {width} px wide on a 390 px phone"
    assert outside == []


def test_counts_older_than_two_weeks_are_shown_apart_and_not_added(visit) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    sign_in(page, path="/?as_of=2026-02-01")  # two months after the 2025 counts
    expect(page.locator("#total-CHL")).to_contain_text("sin conteo reciente")
    # the strip and Chacalluta (other tests of this server may add older counts elsewhere)
    expect(page.locator("#total-CHL")).to_contain_text(
        re.compile(r"[2-5] sitios con conteos antiguos, no sumados")
    )
    expect(page.locator("#old-chacalluta")).to_contain_text("100 varadas el 28 nov 2025")
    expect(page.locator("#old-concordia-strip")).to_contain_text("45 varadas el 3 dic 2025")
    expect(page.locator("#site-concordia-strip")).to_have_count(0)  # not among the recent
    expect(page.locator("#total-forecast")).to_contain_text("pronóstico desactualizado")


def test_times_follow_the_viewers_zone_and_say_which(browser, server) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    for v in _visit(browser, server, outside, {"width": 1280, "height": 900}):
        page = v.page
        sign_in(page, username="migraciones", path=f"/?as_of={DAY}")  # an agency of Peru
        expect(page.locator("#data-age")).to_contain_text("Todas las horas: hora del Perú (UTC−5)")
        expect(page.locator("#zone-pick option:checked")).to_have_text("hora del Perú")
        # the newest count's time in Peru's clock (another test of this module's server may
        # have stored a later count than the seeded 07:00): Chile's clock reads it 2 hours on
        peru = re.search(r"3 dic 2025, (\d\d):00", page.locator("#data-age").inner_text())
        assert peru is not None
        # a site's figure is of its own day: its clock is named, whoever reads (not a time)
        expect(page.locator("th", has_text="Día de las cifras (hora local)")).to_have_count(1)
        figure_day = page.locator("#site-concordia-strip .figure-day")
        expect(figure_day).to_contain_text("3 dic 2025 (hora de Chile)")
        expect(figure_day.locator("time")).to_have_attribute("datetime", "2025-12-03")
        with page.expect_navigation():  # the chooser posts the zone (a form) and comes back
            page.select_option("#zone-pick", "America/Santiago")  # the chooser remembers it
        expect(page.locator("#data-age")).to_contain_text("Todas las horas: hora de Chile (UTC−3)")
        expect(page.locator("#data-age")).to_contain_text(f"3 dic 2025, {int(peru[1]) + 2:02d}:00")
        expect(figure_day).to_contain_text("3 dic 2025 (hora de Chile)")
        assert "as_of=2025-12-03" in page.url
        csv = page.request.get(f"/sites.csv?as_of={DAY}").text()
        assert (
            "2025-12-03,concordia-strip,CHL,militarized,45,45,False,2025-12-03T09:00-03:00" in csv
        )
    assert outside == []


def test_the_as_of_control_moves_through_time_and_refuses_bad_dates(visit) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    sign_in(page, path=f"/?as_of={DAY}")
    page.fill("#as_of", "2023-05-05")
    page.click("#asof-form button")
    expect(page.locator("h1")).to_have_text("La frontera al 5 de mayo de 2023")
    expect(page.locator("#site-concordia-strip .stranded")).to_contain_text("465")
    expect(page.locator("#triggers tr[id$=-stranded-300]")).to_contain_text("cumplido desde")
    response = page.goto("/?as_of=2025-13-01")
    assert response is not None and response.status == 400
    expect(page.locator("#bad-date")).to_have_text(
        "«2025-13-01» no es una fecha: escríbala como año-mes-día, por ejemplo 2025-12-03."
    )
    for path in ("/?as_of=0001-01-01", "/sitrep.pdf?as_of=0001-01-01"):  # were a 500
        response = page.goto(path)
        assert response is not None and response.status == 400, path
        expect(page.locator("#bad-date")).to_have_text(
            "La fecha 0001-01-01 es anterior al año 2000, más antigua que cualquier conteo: "
            "elija un día posterior."
        )


def test_an_editor_runs_a_new_forecast_and_sees_its_progress(visit) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    sign_in(page, path="/sites/concordia-strip?as_of=2025-12-20&lang=es")
    expect(page.locator("#stale")).to_be_visible()  # made from the counts of 3 December
    page.click("#run-forecast")
    expect(page).to_have_url(re.compile(r"/forecasts/\d+"))
    expect(page.locator("#progress")).to_be_visible()
    expect(page.locator("#forecast-done")).to_be_visible(timeout=180_000)
    expect(page.locator("#forecast-done")).to_contain_text("(hora de Chile)")  # whose clock
    # the way back keeps the page's whole query (its '&' cut it short before)
    back = page.get_by_role("link", name="Volver", exact=True)
    expect(back).to_have_attribute("href", "/sites/concordia-strip?as_of=2025-12-20&lang=es")
    page.goto("/sites/concordia-strip?as_of=2025-12-20")
    expect(page.locator("#stale")).to_have_count(0)
    expect(page.locator("#forecast-note")).to_contain_text("20 dic 2025")


def test_a_viewer_gets_no_forecast_button(visit) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    sign_in(page, username="observador", path="/sites/concordia-strip")
    expect(page.locator("h1")).to_have_text("Franja entre Chacalluta y Santa Rosa")
    expect(page.locator("#run-forecast")).to_have_count(0)
    # the forecast of a field count here, the band the backtest scores, beside its skill
    page.goto(f"/sites/concordia-strip?as_of={DAY}")
    band = page.locator("#count-forecast")
    expect(band).to_contain_text("Lo que diría un conteo de campo aquí (P10–P90):")
    expect(band).to_contain_text(
        re.compile(r"en 7 días \(10 dic 2025\), de [\d.]+ a [\d.]+ personas")
    )
    expect(band).to_contain_text(
        re.compile(r"en 14 días \(17 dic 2025\), de [\d.]+ a [\d.]+ personas")
    )
    expect(page.locator("#count-skill .skill").first).to_contain_text(
        "pronósticos a 7 días de un conteo de campo"
    )
    # the overview gives the same band, a week ahead, beside the same skill
    page.goto(f"/?as_of={DAY}")
    expect(page.locator("#count-band-concordia-strip")).to_contain_text(
        re.compile(
            r"Franja entre Chacalluta y Santa Rosa: un conteo de campo dentro de 7 días "
            r"daría de [\d.]+ a [\d.]+ personas 8 de cada 10 veces \(P10–P90\)"
        )
    )
    # and the forecasts the service issued on the earlier count dates, scored by later counts
    expect(page.locator(".live-skill")).to_have_text(
        re.compile(
            r"^Pronósticos de este servicio frente a los conteos que llegaron después, dentro de "
            r"su P10–P90: \d+ de \d+ a 1 día, \d+ de \d+ a 3 días(, \d+ de \d+ a 7 días)?\.$"
        )
    )
    page.goto("/?as_of=2025-11-28")  # the first forecast: nothing has come after it yet
    expect(page.locator(".live-skill")).to_have_text(
        "Todavía no ha llegado ningún conteo posterior a un pronóstico de este servicio: "
        "ninguno se ha podido evaluar."
    )


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(
    ("size", "viewport"),
    [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
def test_screenshots_for_the_docs(browser, server, lang, size, viewport) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    for v in _visit(browser, server, outside, viewport):
        page = v.page
        sign_in(page, path=f"/?as_of={DAY}", lang=lang)
        expect(page.locator("#total-forecast")).to_be_visible()
        screenshot(page, f"overview-{size}-{lang}")
        if size == "desktop" and lang == "es":
            screenshot(page, "overview")  # the README's picture
        page.goto(f"/sites/concordia-strip?as_of={DAY}")
        expect(page.locator("svg.chart")).to_be_visible()
        screenshot(page, f"site-{size}-{lang}")
        if size == "desktop":
            page.goto("/plans")
            screenshot(page, f"plans-{size}-{lang}")
            page.goto(f"/sitrep.html?as_of={DAY}")
            screenshot(page, f"sitrep-{size}-{lang}")
    assert outside == []


def test_each_alerts_link_names_its_alert_for_a_screen_reader(visit) -> None:  # type: ignore[no-untyped-def]
    """Five links read "a quién se avisó" alike: a screen reader's list of links could not
    tell them apart. The words shown stay short; each link's name says its alert."""
    page = visit.page
    sign_in(page, path="/?as_of=2023-04-25")  # the demo's alerts of 21 and 22 April 2023
    links = page.locator("#alerts a[href^='/alerts/']")
    expect(links).to_have_count(5)
    assert set(links.all_inner_texts()) == {"a quién se avisó"}
    # the names chromium gives the links, as a screen reader reads them out of context
    named = re.findall(r'link "([^"]*)"', page.locator("#alerts").aria_snapshot())
    two_days = "200 o más personas varadas en Chacalluta y la franja durante 2 días seguidos"
    three_hundred = "300 o más personas varadas en Chacalluta, la franja y los albergues de Arica"
    binational = "Plan binacional combinado: corredor, albergue, vuelos, equipos de salud y agua"
    assert named == [
        f"a quién se avisó de la alerta «{two_days} (solo alerta)» del 22 abr 2023 "
        "(plan: Statu quo: solo cruces regulares (alerta, sin acción))",
        f"a quién se avisó de la alerta «{two_days}» del 22 abr 2023 (plan: Corredor "
        "humanitario: 100 personas al día cuando 200 o más están varadas durante 2 días)",
        f"a quién se avisó de la alerta «{two_days}» del 22 abr 2023 (plan: {binational})",
        f"a quién se avisó de la alerta «{three_hundred}» del 21 abr 2023 (plan: Vuelos de "
        "retorno cuando 300 o más personas están varadas)",
        f"a quién se avisó de la alerta «{three_hundred}» del 21 abr 2023 (plan: {binational})",
    ]


def test_a_markers_name_says_its_site_and_figure_as_the_tiles_do() -> None:
    def site(**figure: object) -> SiteNow:
        return SiteNow("s", "S", "border_post", "CHL", -18.3, -70.3, "open", None, **figure)  # type: ignore[arg-type]

    assert named(site(stranded=27), "Chacalluta", "es") == "Chacalluta: 27 personas varadas"
    assert named(site(stranded=1), "Chacalluta", "es") == "Chacalluta: 1 persona varada"
    assert named(site(stranded=1), "Chacalluta", "en") == "Chacalluta: 1 person stranded"
    assert named(site(stranded=1200), "Chacalluta", "en") == "Chacalluta: 1,200 people stranded"
    assert (
        named(site(stranded=100, at_least=True), "Franja", "es")
        == "Franja: más de 100 personas varadas"
    )
    assert (
        named(site(stranded=31, low=12, high=50, disagree=True), "Franja", "es")
        == "Franja: 31 personas varadas; los organismos discrepan: 12–50"
    )
    assert named(site(), "Pisiga", "es") == "Pisiga: sin conteo aún"
    assert named(site(), "Pisiga", "en") == "Pisiga: no count yet"
