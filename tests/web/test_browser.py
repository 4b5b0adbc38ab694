"""The dashboard in a real browser: sign in, languages, map, field report, alerts, downloads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from hito.domain import site_day
from hito.store.actors import SYSTEM
from hito.store.models import Alert, FieldReport, Token
from hito.store.reports import CountIn, create_report
from web.conftest import PASSWORD, _visit, screenshot


def login(page, username: str = "pdi", path: str = "/") -> None:  # type: ignore[no-untyped-def]
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():  # the page asked for, its deferred scripts run, before a tap
        page.click("form.stack button[type=submit]")


def store_count(server, site: str, people: int, stranded: int, days_ago: int = 0) -> None:  # type: ignore[no-untyped-def]
    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago, minutes=1)
    with server.db.session() as s:
        agency = 1
        create_report(
            s,
            actor=SYSTEM,
            site_id=site,
            observed_at=at,
            agency_id=agency,
            counts=[CountIn(nationality="VEN", documented=False, people=people, stranded=stranded)],
        )


def test_login_language_and_back_to_the_page(visit, server) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    page.goto("/login")
    screenshot(page, "login")
    login(page, path="/plans")
    expect(page).to_have_url(server.url + "/plans")
    expect(page.locator("h1")).to_have_text("Planes de contingencia")
    page.click("#lang-en")
    expect(page.locator("h1")).to_have_text("Contingency plans")
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("The border on")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("#lang-es")
    expect(page.locator("h1")).to_contain_text("La frontera al")
    page.click("form.logout button")  # signing out revokes the token
    expect(page).to_have_url(server.url + "/login")
    page.goto("/plans")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fplans$"))


def test_wrong_password_keeps_the_username(visit) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    page.goto("/login")
    page.fill("input[name=username]", "pdi")
    page.fill("input[name=password]", "not-the-password")
    page.click("form.stack button[type=submit]")
    expect(page.locator("p.error")).to_have_text("Usuario o contraseña incorrectos.")
    expect(page.locator("input[name=username]")).to_have_value("pdi")


def test_expired_session_goes_to_login_and_back(visit, server) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    login(page, username="observador")
    expect(page.locator("h1")).to_contain_text("La frontera al")
    page.goto("/report")  # a viewer reads everything but sends no report
    expect(page.locator("#viewer-note")).to_be_visible()
    expect(page.locator("#report-form")).to_have_count(0)
    with server.db.session() as s:  # the session's token expires
        for t in s.scalars(select(Token).where(Token.revoked_at.is_(None))):
            t.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    page.goto("/sites/chacalluta")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fsites%2Fchacalluta$"))
    page.fill("input[name=username]", "observador")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page).to_have_url(server.url + "/sites/chacalluta")
    expect(page.locator("h1")).to_have_text("Complejo fronterizo Chacalluta")


def test_map_shows_chacalluta_and_santa_rosa_with_counts(visit, server) -> None:  # type: ignore[no-untyped-def]
    store_count(server, "santa-rosa", 37, 30)
    store_count(server, "chacalluta", 64, 51)
    page = visit.page
    login(page)
    labels = page.locator(".map svg text.label")
    expect(labels.filter(has_text="Complejo fronterizo Santa Rosa: 30")).to_have_count(1)
    expect(labels.filter(has_text="Complejo fronterizo Chacalluta: 51")).to_have_count(1)
    expect(page.locator("#site-santa-rosa .people")).to_have_text("37 presentes")
    expect(page.locator("#site-chacalluta .stranded")).to_contain_text("51")
    # Peru's emergency of the 2025 scenario has ended by today: the posts show their own status
    expect(page.locator(".map a[data-site=santa-rosa]").first).to_have_attribute(
        "data-status", "open"
    )
    page.click("#site-chacalluta a")
    expect(page.locator("#site-people")).to_have_text("64")
    expect(page.locator("#stale")).to_be_visible()  # the forecast from 2025 is not drawn
    expect(page.locator("svg.chart polygon")).to_have_count(0)
    page.goto("/sites/concordia-strip?as_of=2025-12-05")
    expect(page.locator("#stale")).to_have_count(0)
    expect(page.locator("svg.chart polygon")).to_have_count(1)  # this site's own band
    expect(page.locator("svg.chart circle")).to_have_count(4 + 1)  # counts, and the legend's
    page.goto("/plans")
    expect(page.locator("table.compare tbody tr")).to_have_count(2)


def test_the_overview_refreshes_itself(visit, server) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    login(page, username="observador")
    expect(page.locator("#site-colchane")).to_have_count(0)  # not counted yet
    url = page.url
    store_count(server, "colchane", 23, 20)  # another agency reports; this page is not reloaded
    expect(page.locator("#site-colchane .stranded")).to_contain_text("20", timeout=10_000)
    expect(
        page.locator(".map text.label", has_text="Complejo fronterizo Colchane: 20")
    ).to_have_count(1)
    assert page.url == url


def test_the_refresh_keeps_the_maps_zoom(visit) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    login(page, username="observador", path="/?as_of=2025-12-03")
    svg = "figure.map svg"
    expect(page.locator(svg).first).to_have_attribute("data-zoom-ready", "1")
    matrix = (  # the viewport's matrix (scale, translation); svg-pan-zoom draws it on a frame
        f"document.querySelector('{svg} .viewport').getAttribute('transform')"
        ".match(/-?[\\d.]+(e-?\\d+)?/g).map(Number)"
    )
    fitted = page.evaluate(f"() => {matrix}")
    page.locator("figure.map button[data-zoom=in]").first.click()
    page.locator("figure.map button[data-zoom=in]").first.click()
    zoomed = 1.6 * 1.6 * fitted[0]
    page.wait_for_function(f"() => Math.abs({matrix}[0] - {zoomed}) < 1e-3")
    panned = page.evaluate(f"() => {matrix}")
    page.evaluate(f"() => {{ window.oldMap = document.querySelector('{svg}'); }}")
    page.wait_for_function(  # htmx swapped in a new map (every 2 s on the test server)
        f"() => document.querySelector('{svg}') !== window.oldMap"
        f" && document.querySelector('{svg}').dataset.zoomReady === '1'",
        timeout=10_000,
    )
    page.wait_for_function(  # the new map at the zoom and pan the reader chose
        f"() => {matrix}.every((x, i) => Math.abs(x - {panned}[i]) < 1e-3)", timeout=3_000
    )
    page.locator("figure.map button[data-zoom=reset]").first.click()
    page.wait_for_function(f"() => Math.abs({matrix}[0] - {fitted[0]}) < 1e-3")


def test_report_from_a_phone_appears_on_the_overview(phone, server) -> None:  # type: ignore[no-untyped-def]
    page = phone.page
    login(page, path="/report")
    expect(page.locator("h1")).to_have_text("Reportar un conteo")
    page.select_option("#site_id", "arica-shelters")
    page.fill("#people-ven-undocumented", "12")
    page.focus("#stranded-ven-undocumented")
    page.keyboard.type("15")  # more stranded than people: said as typed, before leaving the field
    expect(page.locator("#err-stranded-ven-undocumented")).to_have_text(
        "Las personas varadas no pueden ser más que las personas contadas."
    )
    page.fill("#people-hti-undocumented", "dos")
    expect(page.locator("#err-people-hti-undocumented")).to_have_text(
        "Escriba un número entero de 0 o más."
    )
    page.click("button.big")  # sent anyway: the server says the same, keeping what was typed
    expect(page.locator("#form-problem")).to_be_visible()
    # the answer's scripts in place before typing again (its checks as typed come with them)
    page.wait_for_load_state("load")
    expect(page.locator("#people-hti-undocumented")).to_have_value("dos")
    expect(page.locator("#people-ven-undocumented")).to_have_value("12")
    screenshot(page, "report-form-errors")
    page.fill("#stranded-ven-undocumented", "9")
    page.fill("#people-hti-undocumented", "3")
    expect(page.locator("#err-stranded-ven-undocumented")).to_have_text("")
    form = page.locator("#report-form")
    sent = form.evaluate("f => Object.fromEntries(new FormData(f))")
    with server.db.session(readonly=True) as s:
        before = s.scalar(select(func.count()).select_from(FieldReport))
    page.click("button.big")
    expect(page.locator("#saved")).to_be_visible()
    first = page.url
    expect(page.locator("#site-arica-shelters .people")).to_have_text("15 presentes")
    expect(page.locator("#site-arica-shelters .stranded")).to_contain_text("9")
    screenshot(page, "report-saved-phone")
    # a double tap or a retry sends the same form (the same idempotency key) again
    again = page.request.post("/report", form=sent, max_redirects=0)
    assert again.status == 303
    assert server.url + again.headers["location"] == first
    with server.db.session(readonly=True) as s:
        after = s.scalar(select(func.count()).select_from(FieldReport))
    assert after == before + 1


@pytest.mark.parametrize(
    ("timezone_id", "said", "offset"),
    [
        ("America/Lima", "(hora del Perú en este dispositivo, UTC−5)", "300"),  # in Tacna
        ("America/La_Paz", "(hora de Bolivia en este dispositivo, UTC−4)", "240"),  # in Pisiga
        ("Asia/Tokyo", "(hora de este dispositivo, UTC+9)", "-540"),  # not a corridor's zone
    ],
)
def test_the_time_of_a_count_says_it_is_the_phones_clock_and_whose_country(  # type: ignore[no-untyped-def]
    browser, server, timezone_id, said, offset
) -> None:
    """Chile and Peru keep different hours: the phone's clock is named by its country.

    Zones without summer time, so that the offsets hold all year.
    """
    outside: list[str] = []
    phone = {"width": 390, "height": 844}
    for v in _visit(browser, server, outside, phone, timezone_id=timezone_id):
        login(v.page, path="/report")
        expect(v.page.locator("#observed-zone")).to_have_text(said)
        expect(v.page.locator("#tz_offset")).to_have_value(offset)  # what the server converts by
    assert outside == []


def test_report_meeting_a_trigger_raises_an_alert(visit, server) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    login(page, username="migraciones", path="/report")
    page.select_option("#site_id", "concordia-strip")
    page.fill("#people-ven-undocumented", "320")
    page.fill("#stranded-ven-undocumented", "310")
    page.click("button.big")
    # the overview after the report, its scripts loaded: 2 s here alone, over 5 s once in CI
    # with both cores busy (session 28), as the file's other waits on a page allow 10 s
    expect(page.locator("#saved")).to_be_visible(timeout=10_000)
    alerts = page.locator("#alerts .alert[data-plan=return-flights]")
    expect(alerts).to_contain_text("Vuelos de retorno")
    expect(alerts).to_contain_text("120 asientos semanales")
    # the strip's day is Chile's (UTC-3 in summer): from 00:00 to 03:00 UTC, yesterday's date
    today = site_day("CHL", dt.datetime.now(dt.UTC))
    with server.db.session(readonly=True) as s:
        names = set(s.scalars(select(Alert.plan_name).where(Alert.met_since == today)))
    assert "return-flights" in names
    screenshot(page, "overview-alert")


def test_situation_report_pdf_downloads(visit) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    login(page)
    with page.expect_download() as info:
        page.click("#sitrep-pdf")
    download = info.value
    assert re.fullmatch(r"sitrep-\d{4}-\d{2}-\d{2}-es\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    page.goto("/sitrep.html?lang=en")
    expect(page.locator(".kicker")).to_contain_text("Situation report")


def test_the_pdf_being_prepared_is_said_and_a_second_tap_starts_no_other(phone) -> None:  # type: ignore[no-untyped-def]
    """The PDF takes the server seconds: the page says so, and a failure is said in words."""
    page = phone.page
    login(page)
    held = []  # the PDF's request, held back as a slow server or a weak signal would
    page.route("**/sitrep.pdf*", lambda route: held.append(route))
    status = page.locator("#sitrep-status")
    expect(status).to_be_hidden()
    page.click("#sitrep-pdf")
    expect(status).to_have_text("Preparando el informe de situación: tarda unos segundos…")
    page.click("#sitrep-pdf")  # an impatient second tap
    page.wait_for_timeout(300)
    assert len(held) == 1
    with page.expect_download() as info:
        held[0].continue_()
    page.unroute("**/sitrep.pdf*")
    assert re.fullmatch(r"sitrep-\d{4}-\d{2}-\d{2}-es\.pdf", info.value.suggested_filename)
    with open(info.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    expect(status).to_be_hidden()
    page.route("**/sitrep.pdf*", lambda route: route.abort())  # no signal now
    page.click("#sitrep-pdf")
    expect(status).to_have_text(
        "No se pudo preparar el informe de situación (sin señal o falla del servidor): "
        "vuelva a intentarlo."
    )
