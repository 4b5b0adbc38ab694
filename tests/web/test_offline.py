"""The phone form without signal, in a real browser: the server is really gone, then back.

The server of these tests is stopped while the phone is "offline" (Playwright's offline mode
alone does not cut a service worker's own requests), then started again on the same address.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from playwright.sync_api import expect
from sqlalchemy import func, select

from hito.service import create_app
from hito.store import migrate, tokens
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.models import FieldReport, Token
from hito.store.settings import Settings
from hito.web import demo
from service_db import keyed_for_server
from web.conftest import PASSWORD, _free_port

PHONE = {"width": 390, "height": 844}  # a phone's viewport
# what the next user of a shared phone reads of one waiting report typed by someone else: how
# many wait, never which (no site, time nor count)
OTHERS = (
    "1 report typed by someone else waits on this phone; it will be sent when that person "
    "signs in again."
)
# what the service worker's caches hold (their paths, sorted), but a sign-out waiting for signal
CACHED = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    if (name === "hito-signout") continue;
    const cache = await caches.open(name);
    for (const r of await cache.keys()) out.push(new URL(r.url).pathname);
  }
  return out.sort();
}"""
STATIC = [
    "/static/hito.css",
    "/static/htmx.min.js",
    "/static/outbox.js",
    "/static/signout.js",
    "/static/zone.js",
]
# an outbox line's outcome once the server stored its report
SENT = re.compile(r"^sent: report \d+$")
# whether a sign-out made without signal waits on the phone (sw.js keeps it apart)
SIGNOUT_WAITS = "async () => !!(await (await caches.open('hito-signout')).match('/logout'))"
# what stays after a sign-out: the static files and the notices the service worker shows offline
# (the session ended, the sign-out waits for signal, nobody is signed in), which carry nobody's data
KEPT = sorted([*STATIC, "/offline/expired", "/offline/no-session", "/offline/signed-out"])


class Restartable:
    """A dashboard server that can be stopped and started again on the same port."""

    def __init__(self, app, port: int):  # noqa: ANN001
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), (
                "the server did not start"
            )
            time.sleep(0.05)

    def stop(self) -> None:
        assert self.server is not None and self.thread is not None
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Restartable, Database]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('field') / 'hito.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    demo.seed(db, password=PASSWORD)
    app = create_app(
        Settings(database_url=url, login_failure_delay=0.0, auto_migrate=False), database=db
    )
    srv = Restartable(app, _free_port())
    srv.start()
    yield srv, db
    srv.stop()
    db.dispose()


@contextmanager
def _without_signal(server: Restartable, context) -> Iterator[None]:  # noqa: ANN001
    """No signal: the server stopped and the browser offline; both back afterwards."""
    server.stop()
    context.set_offline(True)
    try:
        yield
    finally:
        server.start()
        context.set_offline(False)


def _stored(db: Database, **where) -> int:  # noqa: ANN003
    with db.session(readonly=True) as s:
        q = select(func.count()).select_from(FieldReport)
        for k, v in where.items():
            q = q.where(getattr(FieldReport, k) == v)
        return int(s.scalar(q) or 0)


def _fill(page, people: str, stranded: str) -> None:  # noqa: ANN001
    page.select_option("#site_id", "concordia-strip")
    page.fill("#people-unspecified", people)
    page.fill("#stranded-unspecified", stranded)
    page.click("#report-form button[type=submit]")


def _sent(db: Database, item) -> dict[str, object]:  # noqa: ANN001
    """Once the outbox line `item` says "sent: report N", report N as the server stored it."""
    outcome = item.locator(".outcome")
    expect(outcome).to_have_text(SENT, timeout=30000)
    with db.session(readonly=True) as s:
        row = s.get(FieldReport, int(outcome.inner_text().rsplit(" ", 1)[1]))
        assert row is not None
        return {
            "site": row.site_id,
            "people": row.people,
            "stranded": row.stranded,
            "at_least": row.at_least,
            "agency": row.agency.code,
            "key": row.idempotency_key,
            "counts": [(c.people_low, c.people_high) for c in row.counts],
        }


def test_reports_typed_offline_survive_a_reload_and_are_sent_once_with_their_outcomes(
    browser, field
) -> None:  # noqa: ANN001
    server, db = field
    context, page = _pdi_on_the_report_form(browser, server, PHONE)
    before = _stored(db)

    server.stop()  # no signal: nothing reaches the server, not even the service worker
    context.set_offline(True)
    _fill(page, "120", "80")
    expect(page.locator("#outbox-count")).to_have_text("1 report waiting to be sent")
    _fill(page, "5", "9")  # typed in a hurry: refused on arrival, shown with the reason
    expect(page.locator("#outbox-count")).to_have_text("2 reports waiting to be sent")
    page.reload()  # the form comes from the service worker's cache, the queue from IndexedDB
    expect(page.locator("h1")).to_have_text("Report a count")
    expect(page.locator("#outbox-count")).to_have_text("2 reports waiting to be sent")
    other = context.new_page()  # a second tab sends the same queue: still one report each
    other.goto("/report")
    expect(other.locator("#outbox-count")).to_have_text("2 reports waiting to be sent")
    assert _stored(db) == before

    server.start()
    context.set_offline(False)
    for p in (page, other):
        expect(p.locator("#outbox-count")).to_have_text(
            "No report waiting to be sent.", timeout=30000
        )
        items = p.locator(".outbox-item")
        expect(items.nth(0)).to_have_class(re.compile("sent"))
        expect(items.nth(0).locator(".outcome")).to_have_text(SENT)
        # each line says which count it is: the site, the time typed for it, its people
        expect(items.nth(0).locator(".which")).to_have_text(
            re.compile(
                r"^Strip between Chacalluta and Santa Rosa · counted \w{3} \d+, \d{4}, "
                r"\d+:\d\d [AP]M \(this device's time\) · 120 people · $"
            )
        )
        expect(items.nth(1)).to_have_class(re.compile("refused"))
        expect(items.nth(1).locator(".outcome")).to_have_text(
            "refused: Stranded cannot be more than the people counted."
        )
    assert _stored(db) == before + 1
    assert _stored(db, people=120, stranded=80) == 1
    sent = _sent(db, page.locator(".outbox-item.sent"))
    assert (sent["site"], sent["people"], sent["stranded"]) == ("concordia-strip", 120, 80)
    assert sent["key"] == page.locator(".outbox-item.sent").get_attribute("data-key")

    page.click(".outbox-item.refused button")  # correct it: the typed numbers come back
    expect(page.locator("#people-unspecified")).to_have_value("5")
    expect(page.locator("#stranded-unspecified")).to_have_value("9")
    context.close()


def test_a_report_typed_before_the_browser_lost_its_csrf_cookie_is_sent_in_the_same_session(
    browser, field
) -> None:  # noqa: ANN001
    """A browser closed and opened again drops the sign-in form's cookie (`hito_csrf`), not the
    session: the page's token is the session's (an HMAC of it), so the queued report goes."""
    server, db = field
    context, page = _pdi_on_the_report_form(browser, server)
    server.stop()
    context.set_offline(True)
    _fill(page, "33", "31")
    expect(page.locator("#outbox-count")).to_have_text("1 report waiting to be sent")
    context.clear_cookies(name="hito_csrf")  # as after the browser was closed: a new one comes
    server.start()
    context.set_offline(False)
    expect(page.locator(".outbox-item .outcome")).to_have_text(SENT, timeout=30000)
    assert _stored(db, people=33, stranded=31) == 1
    context.close()


def test_more_than_100_typed_offline_says_so_and_is_stored_open_ended(browser, field) -> None:  # noqa: ANN001
    server, db = field
    context, page = _pdi_on_the_report_form(browser, server, PHONE)
    server.stop()
    context.set_offline(True)
    page.select_option("#site_id", "concordia-strip")
    page.locator(".group", has=page.locator("#people-unspecified")).locator("summary").click()
    page.fill("#people_low-unspecified", "100")  # at least 100, at most left empty
    page.fill("#stranded-unspecified", "100")
    page.click("#report-form button[type=submit]")
    item = page.locator(".outbox-item").first
    expect(item.locator(".which")).to_have_text(re.compile(r" · more than 100 people · $"))
    server.start()
    context.set_offline(False)
    sent = _sent(db, item)
    assert (sent["people"], sent["stranded"], sent["at_least"]) == (100, 100, True)
    assert sent["counts"] == [(100, None)]
    context.close()


def _pdi_on_the_report_form(browser, server, viewport=None):  # type: ignore[no-untyped-def]  # noqa: ANN001
    """A new browser context with the service worker on, PDI signed in on the report form (English)."""
    kw = {"viewport": viewport} if viewport else {}
    context = browser.new_context(base_url=server.url, service_workers="allow", **kw)
    page = context.new_page()
    _choose_language(page, "en")
    _sign_in(page, "pdi")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
    return context, page


def _choose_language(page, code: str) -> None:  # noqa: ANN001
    """On the sign-in page, signed out, choose the language with its button (a form, POST)."""
    page.goto("/login")
    if page.locator(f"#lang-{code}").count():
        with page.expect_navigation():
            page.click(f"#lang-{code}")
    expect(page.locator("html")).to_have_attribute("lang", code)


def _sign_in(page, username: str, heading: str = "Report a count") -> None:  # noqa: ANN001
    """Sign in on /login in the page's language, on to the report form (its heading)."""
    page.goto("/login?next=/report")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator("h1")).to_have_text(heading)


def test_a_report_typed_offline_on_a_shared_phone_waits_for_its_author_not_the_next_user(
    browser, field
) -> None:  # noqa: ANN001
    """PDI's count, typed without signal, is not sent when Migraciones signs in on that phone."""
    server, db = field
    context, page = _pdi_on_the_report_form(browser, server)
    server.stop()
    context.set_offline(True)
    _fill(page, "44", "40")
    expect(page.locator("#outbox-count")).to_have_text("1 report waiting to be sent")
    context.clear_cookies(name="hito_session")  # PDI's session ends (expired, signed out)
    server.start()
    context.set_offline(False)
    waiting = "waiting for signal (sign in again or reload this page, then it is sent)"
    expect(page.locator(".outbox-item .outcome")).to_have_text(waiting, timeout=30000)
    _sign_in(page, "migraciones")  # the next user of the phone, from the other country
    _sees_only_how_many_of_someone_else_wait(page, OTHERS)
    page.wait_for_timeout(6000)  # more than the outbox's 5 s between tries
    _sees_only_how_many_of_someone_else_wait(page, OTHERS)
    assert _stored(db, people=44, stranded=40) == 0
    context.clear_cookies(name="hito_session")
    _sign_in(page, "pdi")  # its author again: now it goes, as PDI's
    sent = _sent(db, page.locator(".outbox-item"))
    assert (sent["people"], sent["stranded"], sent["agency"]) == (44, 40, "pdi")
    context.close()


@pytest.fixture(scope="module")
def shown_day(field) -> Iterator[Restartable]:  # noqa: ANN001
    """The same database served as the demo serves it: the overview opened on 2025-12-03."""
    _server, db = field
    settings = Settings(
        database_url=str(db.url),
        login_failure_delay=0.0,
        auto_migrate=False,
        as_of=dt.date(2025, 12, 3),
    )
    srv = Restartable(create_app(settings, database=db), _free_port())
    srv.start()
    yield srv
    srv.stop()


def test_a_report_sent_with_signal_lands_on_the_overview_of_its_day(browser, shown_day) -> None:  # noqa: ANN001
    """The outbox's send (the form with script) goes where the form without script goes.

    On a deployment that shows 2025-12-03, a count of 2025-12-04 is shown on the overview of
    2025-12-04, not on the 3rd's, where it is not (it went to "/?reported=N", that is the 3rd).
    """
    context = browser.new_context(base_url=shown_day.url, viewport=PHONE)
    page = context.new_page()
    _choose_language(page, "en")
    _sign_in(page, "migraciones")
    page.select_option("#site_id", "santa-rosa")
    page.fill("#observed_at", "2025-12-04T09:00")
    page.fill("#people-unspecified", "121")
    page.fill("#stranded-unspecified", "111")
    page.click("#report-form button[type=submit]")
    expect(page.locator("#saved")).to_be_visible()
    assert re.search(r"/\?as_of=2025-12-04&reported=\d+$", page.url), page.url
    expect(page.locator("h1")).to_have_text("The border on December 4, 2025")
    expect(page.locator("#site-santa-rosa .stranded")).to_contain_text("111")
    context.close()


def test_a_report_whose_send_hangs_on_a_weak_signal_waits_on_the_phone(browser, field) -> None:  # noqa: ANN001
    """No answer at all (a weak signal): not 'Sending…' for ever, but waiting, the form free."""
    server, db = field
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    page = context.new_page()
    _choose_language(page, "en")
    _sign_in(page, "pdi")
    held = []  # the request reaches nothing and nothing comes back
    page.route("**/report/send", lambda route: held.append(route))
    page.evaluate("document.getElementById('report-form').dataset.sendTimeout = '1500'")
    _fill(page, "61", "60")
    expect(page.locator("#outbox-count")).to_have_text("1 report waiting to be sent")
    expect(page.locator(".outbox-item .outcome")).to_have_text(
        "waiting for signal (the signal is too weak; it will try again)"
    )
    expect(page.locator("#report-form button[type=submit]")).to_be_enabled()
    expect(page.locator("#people-unspecified")).to_have_value("")  # free for the next count
    assert held and _stored(db, people=61, stranded=60) == 0
    page.unroute("**/report/send")  # the signal is back: it goes by itself, once
    expect(page.locator(".outbox-item .outcome")).to_have_text(SENT, timeout=30000)
    assert _stored(db, people=61, stranded=60) == 1
    context.close()


def test_a_count_typed_offline_in_spanish_is_grouped_as_the_pages_write_it(browser, field) -> None:  # noqa: ANN001
    """The outbox wrote "1200 personas" (the browser's own Spanish numbers) where every page of
    the server writes 1.200: the same count in two spellings on one screen."""
    server, _db = field
    context = browser.new_context(base_url=server.url, service_workers="allow", viewport=PHONE)
    page = context.new_page()
    _choose_language(page, "es")
    _sign_in(page, "pdi", "Reportar un conteo")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
    with _without_signal(server, context):
        _fill(page, "1200", "1150")
        expect(page.locator(".outbox-item .which")).to_have_text(
            re.compile(r" · 1\.200 personas · $")
        )
    expect(page.locator(".outbox-item .outcome")).to_have_text(
        re.compile(r"^enviado: reporte \d+$"), timeout=30000
    )
    context.close()


def _sees_only_how_many_of_someone_else_wait(page, said: str) -> None:  # noqa: ANN001
    """The outbox of the user signed in shows nothing of another user's reports but a count."""
    expect(page.locator("#outbox-others")).to_have_text(said, timeout=30000)
    expect(page.locator("#outbox-list .outbox-item")).to_have_count(0)
    expect(page.locator("#outbox-count")).to_be_hidden()


def _sign_out(page) -> None:  # noqa: ANN001
    page.click("#logout-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Sign in")


def test_after_sign_out_a_shared_phone_offline_shows_the_next_person_no_page_of_the_previous_user(
    browser, field
) -> None:  # noqa: ANN001
    """The service worker kept /report (PDI's name and agencies on it) for use without signal.
    After PDI signs out, the next person holding the phone, offline, gets no page of PDI's;
    the static files stay, so the form loads offline again once the next user has signed in.
    """
    server, _db = field
    context, page = _pdi_on_the_report_form(browser, server, PHONE)
    page.wait_for_function("async () => !!(await caches.match('/report'))", timeout=30000)
    kept = page.evaluate("async () => (await caches.match('/report')).text()")
    assert '<span class="who">pdi · ' in kept
    _sign_out(page)
    assert page.evaluate(CACHED) == KEPT
    with _without_signal(server, context):
        for tab in (page, context.new_page(), context.new_page()):
            tab.goto("/report")  # not PDI's page, nor the browser's error: a notice, each time
            expect(tab.locator("h1")).to_have_text("Nobody is signed in on this phone")
            expect(tab.locator("#offline-notice")).to_contain_text(
                "The pages of the last session are no longer kept on this phone. Sign in when "
                "you have signal."
            )
            expect(tab.locator("body")).not_to_contain_text("pdi")
    _sign_in(page, "migraciones")  # the next user, with signal: the form is kept as theirs
    page.wait_for_function("async () => !!(await caches.match('/report'))", timeout=30000)
    assert page.evaluate(CACHED) == sorted([*KEPT, "/report"])
    with _without_signal(server, context):
        page.reload()  # without signal: the form, from the cache, as Migraciones'
        expect(page.locator("h1")).to_have_text("Report a count")
        expect(page.locator(".who")).to_contain_text("migraciones")
    context.close()


def _hold_the_form(context, picks) -> list:  # type: ignore[type-arg]  # noqa: ANN001
    """A weak signal: the first request for /report that `picks` chooses is answered by the
    server at once (as whoever is signed in then) and given to the browser only when the test
    fulfils its route; every other request goes as it is."""
    held = []

    def hold(route) -> None:  # noqa: ANN001
        if picks(route.request) and not held:
            held.append((route, route.fetch()))
        else:
            route.continue_()

    context.route("**/report", hold)
    return held


def _pdis_held_form(page, held: list, who: str):  # type: ignore[no-untyped-def,type-arg]  # noqa: ANN001
    """Once `who` has asked for it: the held route and the server's answer, PDI's form."""
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, f"{who} never asked for /report"
    route, answer = held[0]
    assert '<span class="who">pdi · ' in answer.text()
    return route, answer


def test_a_page_of_the_session_that_arrives_after_its_sign_out_is_not_kept(browser, field) -> None:  # noqa: ANN001
    """A weak signal: PDI's form, asked for before PDI signed out, comes after the sign-out and
    after the sign-in page has removed PDI's pages. The service worker does not keep it (its
    sign-out count moved on while it came): the next person offline gets no page of PDI's."""
    server, _db = field
    context, page = _pdi_on_the_report_form(browser, server, PHONE)
    page.wait_for_function("async () => !!(await caches.match('/report'))", timeout=30000)
    held = _hold_the_form(context, lambda request: request.method == "GET")
    page.evaluate("() => { window.late = fetch('/report').then((r) => r.text()); }")
    route, answer = _pdis_held_form(page, held, "the service worker")
    _sign_out(page)
    expect(page.locator("html")).to_have_attribute("data-forgot", re.compile(r"^\d+$"))
    assert page.evaluate(CACHED) == KEPT
    other = context.new_page()  # the tab that asked for it is gone; the service worker is not
    other.goto("/login")
    route.fulfill(response=answer)  # PDI's page comes now, late
    other.wait_for_timeout(2000)  # the service worker writes what it keeps once the body is in
    assert other.evaluate(CACHED) == KEPT
    context.unroute("**/report")
    with _without_signal(server, context):
        other.goto("/report")
        expect(other.locator("h1")).to_have_text("Nobody is signed in on this phone")
        expect(other.locator("body")).not_to_contain_text("pdi")
    context.close()


def test_a_sign_out_while_the_service_worker_installs_leaves_no_page_of_the_session(
    browser, field
) -> None:  # noqa: ANN001
    """PDI signs in for the first time on this phone and signs out at once, on a weak signal:
    the service worker, still installing (the page is not yet its), has asked for PDI's form
    to keep it. The form comes after the sign-out, which the page made itself: it is not kept."""
    server, _db = field
    context = browser.new_context(base_url=server.url, service_workers="allow", viewport=PHONE)
    held = _hold_the_form(context, lambda request: request.service_worker is not None)
    page = context.new_page()
    _choose_language(page, "en")
    _sign_in(page, "pdi")
    route, answer = _pdis_held_form(page, held, "the installing service worker")
    assert page.evaluate("() => navigator.serviceWorker.controller") is None  # still installing
    _sign_out(page)
    expect(page.locator("html")).to_have_attribute("data-forgot", "0")  # nothing kept yet
    route.fulfill(response=answer)  # PDI's form comes now, late
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
    page.wait_for_timeout(1000)
    assert "/report" not in page.evaluate(CACHED)
    context.unroute("**/report")
    context.close()


def test_a_tab_shown_to_nobody_keeps_the_form_of_the_user_who_signed_in_since_in_another_tab(
    browser, field
) -> None:  # noqa: ANN001
    """A tab asks for a page as nobody (PDI has signed out) but gets it only after Migraciones
    signed in on another tab of the phone, as when the browser reloads a tab by itself once the
    signal is back: that page removes the pages of the session that ended, not Migraciones'
    form kept since (it did, and the form was no longer there offline)."""
    server, _db = field
    context, page = _pdi_on_the_report_form(browser, server, PHONE)
    _sign_out(page)
    with urllib.request.urlopen(server.url + "/login") as answer:  # noqa: S310 - the test's server
        nobody = answer.read()  # the sign-in page as it is served to nobody
    held = []  # the late tab's request: answered once Migraciones' form is kept
    context.route(re.compile(r"/login\?next=held$"), lambda route: held.append(route))
    late = context.new_page()
    late.goto("/login")
    late.evaluate("() => { location.href = '/login?next=held'; }")  # asked for as nobody, now
    _sign_in(page, "migraciones")
    page.wait_for_function("async () => !!(await caches.match('/report'))", timeout=30000)
    assert len(held) == 1
    held[0].fulfill(body=nobody, content_type="text/html; charset=utf-8")
    late.wait_for_function("() => document.documentElement.dataset.forgot !== undefined")
    assert late.url.endswith("/login?next=held")
    assert late.evaluate("() => document.documentElement.dataset.forgot") == "0"
    assert page.evaluate(CACHED) == sorted([*KEPT, "/report"])
    kept = page.evaluate("async () => (await caches.match('/report')).text()")
    assert '<span class="who">migraciones · ' in kept
    context.close()


def _signed_in_tab(browser, server, username: str):  # type: ignore[no-untyped-def]  # noqa: ANN001
    """A phone's browser (no service worker: routes see every request), a user on /report."""
    context = browser.new_context(base_url=server.url, viewport=PHONE, service_workers="block")
    page = context.new_page()
    _choose_language(page, "en")
    _sign_in(page, username)
    return context, page


def test_signing_out_with_unsent_reports_warns_and_sends_them_first(browser, field) -> None:  # noqa: ANN001
    """Not lost silently: sign-out says how many of the user's reports still wait on the phone
    and offers to send them first; with signal, they go, and then sign-out goes at once."""
    server, db = field
    context, page = _signed_in_tab(browser, server, "pdi")
    context.route("**/report/send", lambda route: route.abort())  # no signal to send
    _fill(page, "71", "70")
    expect(page.locator("#outbox-count")).to_have_text("1 report waiting to be sent")
    page.click("#logout-form button[type=submit]")
    expect(page.locator("#unsent-count")).to_have_text("1 report you typed has not been sent yet.")
    expect(page.locator("#unsent")).to_contain_text(
        "They stay on this phone and are sent only when you (pdi) sign in again, never in "
        "someone else's session."
    )
    expect(page.locator("h1")).to_have_text("Report a count")  # still signed in
    context.unroute("**/report/send")  # the signal is back
    page.click("#unsent-send")  # "Send them first": the form, whose outbox sends them
    expect(page.locator(".outbox-item .outcome")).to_have_text(SENT, timeout=30000)
    assert _stored(db, people=71, stranded=70) == 1
    _sign_out(page)  # nothing of theirs waits: no question asked
    context.close()


def test_signing_out_anyway_keeps_the_unsent_reports_for_their_author_not_the_next_user(
    browser, field
) -> None:  # noqa: ANN001
    """PDI signs out anyway with a report waiting: it stays on the phone, is not sent in the
    session of Migraciones (who signs in next; their own sign-out asks nothing), and goes
    as PDI's when PDI signs in again."""
    server, db = field
    context, page = _signed_in_tab(browser, server, "pdi")
    context.route("**/report/send", lambda route: route.abort())
    _fill(page, "72", "70")
    expect(page.locator("#outbox-count")).to_have_text("1 report waiting to be sent")
    page.click("#logout-form button[type=submit]")
    expect(page.locator("#unsent-count")).to_have_text("1 report you typed has not been sent yet.")
    page.click("#unsent-anyway")
    expect(page.locator("h1")).to_have_text("Sign in")
    context.unroute("**/report/send")
    _sign_in(page, "migraciones")
    _sees_only_how_many_of_someone_else_wait(page, OTHERS)
    assert _stored(db, people=72, stranded=70) == 0
    _sign_out(page)  # none of Migraciones' waits
    _sign_in(page, "pdi")
    sent = _sent(db, page.locator(".outbox-item"))
    assert (sent["people"], sent["stranded"], sent["agency"]) == (72, 70, "pdi")
    context.close()


def _sent_refused_and_waiting(page, context) -> None:  # noqa: ANN001
    """Three reports in the outbox: one the server stored, one it refused, one waiting."""
    context.route("**/report/send", lambda route: route.abort())  # no signal
    _fill(page, "91", "90")
    expect(page.locator("#outbox-count")).to_have_text("1 report waiting to be sent")
    _fill(page, "5", "9")  # more stranded than people: refused once it arrives
    expect(page.locator("#outbox-count")).to_have_text("2 reports waiting to be sent")
    context.unroute("**/report/send")  # the signal comes back: the outbox sends both
    expect(page.locator(".outbox-item.sent")).to_have_count(1, timeout=30000)
    expect(page.locator(".outbox-item.refused")).to_have_count(1, timeout=30000)
    context.route("**/report/send", lambda route: route.abort())
    _fill(page, "93", "90")
    expect(page.locator("#outbox-count")).to_have_text("1 report waiting to be sent")


def test_a_sign_out_leaves_on_the_phone_only_the_users_reports_that_still_wait(
    browser, field
) -> None:  # noqa: ANN001
    """Sent (the server has it) and refused (its reason was for PDI) go at sign-out: the next
    user of a shared phone finds nothing of PDI's in the browser's storage but what waits."""
    server, _db = field
    context, page = _signed_in_tab(browser, server, "pdi")
    _sent_refused_and_waiting(page, context)
    assert [r[0] for r in _outbox(page)] == ["refused", "sent", "waiting"]
    page.click("#logout-form button[type=submit]")
    page.click("#unsent-anyway")
    expect(page.locator("h1")).to_have_text("Sign in")
    assert _outbox(page) == [("waiting", "pdi", "93")]
    context.close()


def test_a_session_ended_without_sign_out_leaves_the_next_user_only_what_waits(
    browser, field
) -> None:  # noqa: ANN001
    """PDI's session ends without a sign-out (it expired; the cookie went): when Migraciones
    opens the form, PDI's sent and refused reports go; the one waiting stays, for PDI."""
    server, _db = field
    context, page = _signed_in_tab(browser, server, "pdi")
    _sent_refused_and_waiting(page, context)
    context.clear_cookies(name="hito_session")
    _sign_in(page, "migraciones")
    _sees_only_how_many_of_someone_else_wait(page, OTHERS)
    assert _outbox(page) == [("waiting", "pdi", "93")]
    context.close()


def test_an_outbox_report_replayed_into_another_users_session_is_refused_and_kept(
    browser, field
) -> None:  # noqa: ANN001
    """PDI's page, with PDI's token, still open while Migraciones signs in on the same browser
    in another tab: the outbox sends PDI's queued report with PDI's token into Migraciones'
    session. Refused (the token is bound to the session it was made in), stored under no one,
    and kept: it goes as PDI's once PDI signs in again."""
    server, db = field
    context, page = _signed_in_tab(browser, server, "pdi")
    context.route("**/report/send", lambda route: route.abort())
    _fill(page, "84", "80")
    expect(page.locator("#outbox-count")).to_have_text("1 report waiting to be sent")
    other = context.new_page()
    other.goto("/login?next=/")
    other.fill("input[name=username]", "migraciones")
    other.fill("input[name=password]", PASSWORD)
    other.click("form.stack button[type=submit]")
    expect(other.locator(".who")).to_contain_text("migraciones")
    other.close()
    context.unroute("**/report/send")  # PDI's old page tries again, with PDI's token
    expect(page.locator(".outbox-item .outcome")).to_have_text(
        "waiting for signal (sign in again or reload this page, then it is sent)",
        timeout=30000,
    )
    assert _stored(db, people=84, stranded=80) == 0
    page.reload()  # now Migraciones' page: the report waits for its author
    _sees_only_how_many_of_someone_else_wait(page, OTHERS)
    assert _stored(db, people=84, stranded=80) == 0
    _sign_out(page)
    _sign_in(page, "pdi")
    expect(page.locator(".outbox-item .outcome")).to_have_text(SENT, timeout=30000)
    assert _stored(db, people=84, stranded=80) == 1
    context.close()


def test_the_next_user_of_a_shared_phone_sees_how_many_reports_of_someone_else_wait_not_which(
    browser, field
) -> None:  # noqa: ANN001
    """PDI signs out anyway with two counts waiting; Migraciones, next on the phone, reads only
    how many wait (in their language, its plural), never their sites, times or people, while
    Migraciones' own waiting count is listed in full. None goes in Migraciones' session."""
    server, db = field
    context, page = _signed_in_tab(browser, server, "pdi")
    context.route("**/report/send", lambda route: route.abort())  # no signal to send
    _fill(page, "173", "170")
    _fill(page, "174", "170")
    expect(page.locator("#outbox-count")).to_have_text("2 reports waiting to be sent")
    page.click("#logout-form button[type=submit]")
    page.click("#unsent-anyway")
    expect(page.locator("h1")).to_have_text("Sign in")
    _sign_in(page, "migraciones")
    _sees_only_how_many_of_someone_else_wait(
        page,
        "2 reports typed by someone else wait on this phone; they will be sent when that "
        "person signs in again.",
    )
    box = page.locator("#outbox")
    for shown in ("Strip between", "173", "174", "counted", "waiting for signal"):
        expect(box).not_to_contain_text(shown)
    page.goto("/report")
    with page.expect_navigation():
        page.click("#lang-es")  # the page's own language button (a form, POST)
    _sees_only_how_many_of_someone_else_wait(
        page,
        "2 reportes escritos por otra persona esperan en este teléfono; se enviarán cuando esa "
        "persona vuelva a iniciar sesión.",
    )
    _fill(page, "175", "170")  # Migraciones' own: listed with its site and people
    expect(page.locator("#outbox-list .outbox-item")).to_have_count(1)
    expect(page.locator("#outbox-list .outbox-item .which")).to_contain_text("175 personas")
    expect(page.locator("#outbox-count")).to_have_text("1 reporte en espera de envío")
    expect(page.locator("#outbox-others")).to_be_visible()
    for people in (173, 174, 175):
        assert _stored(db, people=people) == 0
    context.close()


def _session_of(context, db: Database) -> Token:  # noqa: ANN001
    """The server's record of the session the browser holds (its cookie's token)."""
    raw = next(c["value"] for c in context.cookies() if c["name"] == "hito_session")
    with db.session(readonly=True) as s:
        row = s.scalar(select(Token).where(Token.token_hash == tokens.token_digest(s, raw)))
        assert row is not None
        s.expunge(row)
        return row


def _outbox(page) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """What the phone's outbox store holds: (status, typed by, people) of each report."""
    return sorted(
        tuple(r)
        for r in page.evaluate(
            """() => new Promise((resolve) => {
              const req = indexedDB.open("hito-outbox", 1);
              req.onsuccess = () => {
                const all = req.result.transaction("reports").objectStore("reports").getAll();
                all.onsuccess = () => resolve(all.result.map(
                  (i) => [i.status, i.fields.typed_by, i.fields["people-unspecified"]]));
              };
            })"""
        )
    )


def _outbox_size(page) -> int:  # noqa: ANN001
    return len(_outbox(page))


def test_a_session_that_expires_offline_stops_the_phone_showing_its_pages(browser, field) -> None:  # noqa: ANN001
    """PDI's session ends while the phone has no signal: the form kept for offline use is shown
    until then, and after it no more (it is deleted): a notice in PDI's language says the
    session ended and to sign in again with signal. The count typed offline stays."""
    server, db = field
    context = browser.new_context(base_url=server.url, service_workers="allow", viewport=PHONE)
    page = context.new_page()
    _choose_language(page, "es")  # Spanish is the default; chosen all the same
    _sign_in(page, "pdi", "Reportar un conteo")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
    lasts = 15  # seconds left of the session from now
    with db.session() as s:
        row = s.get(Token, _session_of(context, db).id)
        row.expires_at = utcnow() + dt.timedelta(seconds=lasts)
    now = page.evaluate("Date.now()")  # the phone's clock, the service worker's too
    page.reload()  # the page, kept again, with the session's new end
    page.wait_for_function(
        """async () => {
          const hit = await caches.match('/report');
          return !!hit && Number(hit.headers.get('X-Hito-Kept-Until')) < Date.now() + 60000;
        }""",
        timeout=30000,
    )
    until = page.evaluate(
        "async () => Number((await caches.match('/report')).headers.get('X-Hito-Kept-Until'))"
    )
    # the session's end on the phone's clock: the server's expiry less its clock (its Date
    # header, whole seconds) plus the phone's time when the worker read the answer (later under
    # load); within seconds of the end set above, not the session's hours
    assert now + (lasts - 2) * 1000 <= until <= now + (lasts + 10) * 1000, (until - now) / 1000
    with _without_signal(server, context):
        _fill(page, "56", "50")
        expect(page.locator("#outbox-count")).to_have_text("1 reporte en espera de envío")
        page.reload()  # the session lasts: the kept form
        expect(page.locator("h1")).to_have_text("Reportar un conteo")
        assert page.evaluate("Date.now()") < until, "too slow: the session ended before the check"
        page.wait_for_function(f"() => Date.now() > {until} + 500", timeout=60000)
        page.reload()  # the session has ended: not PDI's page, a notice
        expect(page.locator("h1")).to_have_text("Su sesión terminó")
        expect(page.locator("#offline-notice")).to_contain_text(
            "Vuelva a iniciar sesión cuando tenga señal."
        )
        expect(page.locator("body")).not_to_contain_text("pdi")
        assert page.evaluate(CACHED) == KEPT  # PDI's pages are gone
        assert _outbox_size(page) == 1  # the count typed offline is still on the phone
        for tab in (context.new_page(), page):  # opened again: the notice again, not an error
            tab.goto("/report")
            expect(tab.locator("h1")).to_have_text("Su sesión terminó")
            expect(tab.locator("body")).not_to_contain_text("pdi")
        assert page.evaluate(CACHED) == KEPT
    _sign_in(page, "migraciones", "Reportar un conteo")  # the next user, with signal
    page.wait_for_function("async () => !!(await caches.match('/report'))", timeout=30000)
    with _without_signal(server, context):
        page.reload()  # without signal: the form kept as Migraciones', not the notice
        expect(page.locator("h1")).to_have_text("Reportar un conteo")
        expect(page.locator(".who")).to_contain_text("migraciones")
    context.close()


def test_a_new_service_worker_removes_the_old_versions_cache_and_keeps_its_notices(
    browser, field
) -> None:  # noqa: ANN001
    """The service worker's cache has a new name (hito-shell-v4): on activation the older one
    goes, with any user's page in it, and the notices it held, in their languages, are kept
    anew (every kind of this version, from the server) so they still show without signal."""
    server, _db = field
    context = browser.new_context(base_url=server.url, service_workers="allow", viewport=PHONE)
    page = context.new_page()
    _choose_language(page, "en")
    page.evaluate(
        """async () => {
          const old = await caches.open("hito-shell-v3");
          await old.put("/report", new Response('<span class="who">pdi · old</span>'));
          await old.put("/offline/expired?lang=es", new Response("an old notice"));
        }"""
    )
    _sign_in(page, "pdi")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
    assert sorted(page.evaluate("caches.keys()")) == ["hito-shell-v4", "hito-signout"]
    kept = page.evaluate(
        """async () => {
          const out = [];
          for (const r of await (await caches.open("hito-shell-v4")).keys()) {
            const url = new URL(r.url);
            out.push(url.pathname + url.search);
          }
          return out.sort();
        }"""
    )
    notices = [
        f"/offline/{k}?lang={lang}"
        for k in ("expired", "no-session", "signed-out")
        for lang in ("en", "es")
    ]
    assert kept == sorted([*STATIC, "/report", *notices])
    expired = page.evaluate("async () => (await caches.match('/offline/expired?lang=es')).text()")
    assert "Su sesión terminó" in expired
    context.close()


@pytest.mark.parametrize("start", ["/report", "/"])
def test_a_sign_out_without_signal_reaches_the_server_before_anything_else(
    browser,  # noqa: ANN001
    field,  # noqa: ANN001
    start: str,
) -> None:
    """PDI signs out with no signal: the page says the sign-out waits for signal, and PDI's
    pages go at once. The server's session stays open only until the phone has signal: the
    sign-out goes first, with the page's token, so the next page opened is the sign-in.
    From the overview too, where PDI never opened the report form: the service worker is
    registered from every signed-in page, so the sign-out waits there as well instead of
    failing with the browser's offline error."""
    server, db = field
    if start == "/report":
        context, page = _pdi_on_the_report_form(browser, server, PHONE)
    else:
        context = browser.new_context(base_url=server.url, viewport=PHONE, service_workers="allow")
        page = context.new_page()
        _choose_language(page, "en")
        page.goto("/login?next=/")
        page.fill("input[name=username]", "pdi")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stack button[type=submit]")
        page.wait_for_url(server.url + "/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
    page.wait_for_function(
        "async () => !!(await caches.match('/offline/signed-out?lang=en'))", timeout=30000
    )
    session = _session_of(context, db)
    with _without_signal(server, context):
        page.click("#logout-form button[type=submit]")
        expect(page.locator("h1")).to_have_text("You are signed out on this phone")
        expect(page.locator("#signout-pending")).to_have_text(
            "There is no signal: the sign-out will reach the server as soon as there is. The "
            "phone sends it by itself, before anything else."
        )
        expect(page.locator("body")).not_to_contain_text("pdi")
        assert page.evaluate(CACHED) == KEPT
        assert page.evaluate(SIGNOUT_WAITS)
        assert _session_of(context, db).revoked_at is None  # the server has not heard of it
        other = context.new_page()  # PDI's form opened again: the notice again, not an error
        other.goto("/report")
        expect(other.locator("#signout-pending")).to_be_visible()
        expect(other.locator("body")).not_to_contain_text("pdi")
        other.close()
    page.goto("/report")  # the first request with signal: the sign-out goes before it
    expect(page.locator("h1")).to_have_text("Sign in")
    with db.session(readonly=True) as s:
        assert s.get(Token, session.id).revoked_at is not None
    assert not page.evaluate(SIGNOUT_WAITS)
    _sign_in(page, "migraciones")  # the next user: nothing of PDI's session is left
    expect(page.locator(".who")).to_contain_text("migraciones")
    context.close()


def test_signed_in_pages_say_when_their_session_ends_and_signed_out_ones_do_not(
    signed_client,
) -> None:  # noqa: ANN001
    """The service worker keeps a page only until its session ends: the server says when."""
    page = signed_client.get("/report?lang=es")
    assert page.status_code == 200
    ends = dt.datetime.fromisoformat(page.headers["X-Hito-Session-Expires"])
    assert ends.tzinfo is not None and ends > utcnow()
    assert page.headers["Content-Language"] == "es"
    for path in ("/offline/expired?lang=es", "/offline/signed-out?lang=en"):
        notice = signed_client.get(path)
        assert notice.status_code == 200
        assert "X-Hito-Session-Expires" not in notice.headers
        assert 'id="logout-form"' not in notice.text  # nobody's page: no name, no sign-out
    assert "Cerró sesión en este teléfono" in signed_client.get("/offline/signed-out?lang=es").text
    assert "Your session has ended" in signed_client.get("/offline/expired?lang=en").text
    nobody = signed_client.get("/offline/no-session?lang=es")
    assert nobody.status_code == 200 and 'id="logout-form"' not in nobody.text
    assert "No hay ninguna sesión iniciada en este teléfono" in nobody.text
    assert signed_client.get("/offline/anything").status_code == 404
