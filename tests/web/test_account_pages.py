"""The language and time zone switchers: a form with the page's token, never a link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hito.service import create_app
from hito.store import migrate
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.settings import Settings
from hito.store.users import create_user
from service_db import keyed_for_server

from .conftest import PASSWORD, sign_in_client

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HERE = "http://hito.test"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    with db.session() as s:
        create_user(s, actor=SYSTEM, username="ana", password=PASSWORD, role="admin")
    yield create_app(Settings(database_url=url, auto_migrate=False, language="es"), database=db)
    db.dispose()


def _token(c: TestClient, path: str = "/login") -> str:
    found = TOKEN.search(c.get(path).text)
    assert found is not None
    return found.group(1)


def _choices(response) -> list[str]:  # type: ignore[no-untyped-def]  # noqa: ANN001
    """The language and time zone cookies a response sets (any name, prefixed or not)."""
    return [
        line
        for line in response.headers.get_list("set-cookie")
        if re.match(r"(__Host-)?hito_(lang|tz)=", line)
    ]


def test_forged_language_switch_is_refused(app) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
    """A foreign page's link, image or form cannot change the language of a signed-out visitor."""
    with TestClient(app, base_url=HERE) as c:
        c.get("/login")  # the visitor has the sign-in form's cookie, as a real browser would
        link = c.get("/lang/en?next=/login", follow_redirects=False)  # a link or <img>
        assert link.status_code == 303 and link.headers["location"] == "/login"
        assert _choices(link) == []
        bare = c.get("/lang?lang=en", follow_redirects=False)
        assert bare.status_code == 303 and _choices(bare) == []
        forged = c.post("/lang", data={"lang": "en", "next": "/login"}, follow_redirects=False)
        assert forged.status_code == 403 and _choices(forged) == []
        wrong = c.post("/lang", data={"lang": "en", "csrf_token": "X" * 43}, follow_redirects=False)
        assert wrong.status_code == 403 and _choices(wrong) == []
        elsewhere = c.post(
            "/lang",
            data={"lang": "en", "csrf_token": _token(c)},
            headers={"Origin": "https://evil.example"},
            follow_redirects=False,
        )
        assert elsewhere.status_code == 403 and _choices(elsewhere) == []
        assert '<html lang="es">' in c.get("/login").text


def test_forged_time_zone_switch_is_refused(app) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
    """Signed in, a link or a form without the session's token leaves the clock as it was."""
    with TestClient(app, base_url=HERE) as c:
        sign_in_client(c, "ana")
        link = c.get("/zone?name=America/Lima&next=/", follow_redirects=False)
        assert link.status_code == 303 and link.headers["location"] == "/"
        assert _choices(link) == []
        forged = c.post("/zone", data={"name": "America/Lima"}, follow_redirects=False)
        assert forged.status_code == 403 and _choices(forged) == []
        # the sign-in form's token (the double-submit cookie) is not the session's
        stale = c.cookies.get("hito_csrf")
        assert stale
        old = c.post("/zone", data={"name": "America/Lima", "csrf_token": stale})
        assert old.status_code == 403 and _choices(old) == []
        assert 'value="America/Lima" selected' not in c.get("/").text


def test_a_signed_out_visitor_switches_the_language_with_the_sign_in_pages_form(app) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
    with TestClient(app, base_url=HERE) as c:
        page = c.get("/login?next=/plans").text
        assert 'action="/lang"' in page and 'name="lang" value="en"' in page
        r = c.post(
            "/lang",
            data={"lang": "en", "next": "/login?next=/plans", "csrf_token": _token(c)},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/plans"
        (line,) = _choices(r)
        assert line.startswith("hito_lang=en;") and "Secure" not in line  # plain HTTP: plain
        assert '<html lang="en">' in c.get("/login").text
        unknown = c.post("/lang", data={"lang": "xx", "csrf_token": _token(c)})
        assert unknown.status_code == 200 and '<html lang="en">' in unknown.text


def test_a_signed_in_official_switches_the_time_zone_with_the_pages_form(app) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
    with TestClient(app, base_url=HERE) as c:
        sign_in_client(c, "ana")
        page = c.get("/plans").text
        assert 'action="/zone"' in page
        r = c.post(
            "/zone",
            data={"name": "America/Lima", "next": "/plans", "csrf_token": _token(c, "/plans")},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/plans"
        assert re.match(r"hito_tz=\"?America/Lima\"?;", _choices(r)[0])
        assert 'value="America/Lima" selected' in c.get("/").text


def test_under_https_the_choices_are_host_cookies_and_plain_ones_are_not_read(app) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
    """Like the session and the token: another host of the domain cannot plant a language."""
    with TestClient(app, base_url="https://hito.example") as c:
        r = c.post(
            "/lang",
            data={"lang": "en", "next": "/login", "csrf_token": _token(c)},
            follow_redirects=False,
        )
        (line,) = _choices(r)
        assert line.startswith("__Host-hito_lang=en;")
        assert "; Path=/" in line and "; Secure" in line and "Domain" not in line
        assert '<html lang="en">' in c.get("/login").text
    with TestClient(app, base_url="https://hito.example") as planted:
        planted.cookies.set("hito_lang", "en")  # as a sibling host could plant it
        assert '<html lang="es">' in planted.get("/login").text


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("scripts", [False, True], ids=["without-scripts", "with-scripts"])
def test_on_a_phone_the_switchers_are_finger_sized_buttons_that_work(  # type: ignore[no-untyped-def]
    browser,  # noqa: ANN001
    server,  # noqa: ANN001
    scripts: bool,
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(
        base_url=server.url, viewport=PHONE, java_script_enabled=scripts, has_touch=True
    )
    page = context.new_page()
    page.goto("/login?next=/plans")
    english = page.locator("#lang-en")
    box = english.bounding_box()
    assert box is not None and box["height"] >= 44, box
    with page.expect_navigation():
        english.tap()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/login?next=/plans")
    page.fill("input[name=username]", "pdi")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")
    expect(page.locator("h1")).to_have_text("Contingency plans")
    if scripts:  # the choice applies itself
        with page.expect_navigation():
            page.select_option("#zone-pick", "America/Lima")
    else:  # the form's own button
        page.select_option("#zone-pick", "America/Lima")
        with page.expect_navigation():
            page.click(".zone-form button")
    expect(page.locator("#zone-pick")).to_have_value("America/Lima")
    assert page.url.endswith("/plans")
    with page.expect_navigation():
        page.locator("#lang-es").tap()
    expect(page.locator("h1")).to_have_text("Planes de contingencia")
    context.close()


def test_switching_language_on_a_page_asked_with_lang_goes_back_without_it(app) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
    """Back to "/login?lang=es&next=/plans", the page's own ?lang=es undid the choice of English."""
    with TestClient(app, base_url=HERE) as c:
        r = c.post(
            "/lang",
            data={"lang": "en", "next": "/login?lang=es&next=/plans", "csrf_token": _token(c)},
            follow_redirects=False,
        )
        assert r.headers["location"] == "/login?next=/plans"
        assert '<html lang="en">' in c.get(r.headers["location"]).text


@pytest.mark.parametrize("base", [HERE, "https://hito.example"], ids=["http", "https"])
def test_a_foreign_link_with_lang_does_not_change_the_saved_language(app, base: str) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
    """A link to "/?lang=en" from elsewhere (a GET, no token) shows English and saves nothing."""
    with TestClient(app, base_url=base) as c:
        sign_in_client_at(c, base)
        linked = c.get("/?lang=en")
        assert linked.status_code == 200 and '<html lang="en">' in linked.text
        assert _choices(linked) == []
        assert '<html lang="es">' in c.get("/").text  # the saved (default) language, unchanged
        signed_out = c.get("/login?lang=en")
        assert '<html lang="en">' in signed_out.text and _choices(signed_out) == []
        missing = c.get("/no-such-page?lang=en")
        assert missing.status_code == 404 and _choices(missing) == []
        assert '<html lang="es">' in c.get("/login").text


def sign_in_client_at(c: TestClient, base: str) -> None:
    """Sign `c` in through the login form at `base` (plain HTTP or HTTPS)."""
    r = c.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "next": "/", "csrf_token": _token(c)},
        headers={"Origin": base},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def test_a_page_shown_in_english_by_a_link_offers_to_keep_english(app) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
    """Spanish saved, "/plans?lang=en" shows English with a button that saves it (the form, POST)
    and leaves the page's `?lang=` off the way back; once saved, English is just shown."""
    with TestClient(app, base_url=HERE) as c:
        sign_in_client_at(c, HERE)
        linked = c.get("/plans?lang=en").text
        keep = re.search(r'<button [^>]*value="en"[^>]*>', linked)
        assert keep is not None and 'aria-current="true"' in keep.group(0)
        assert 'title="Keep this language"' in keep.group(0)
        assert '<strong lang="en">' not in linked and 'id="lang-es"' in linked
        found = TOKEN.search(linked)
        assert found is not None
        r = c.post(
            "/lang",
            data={"lang": "en", "next": "/plans?lang=en", "csrf_token": found.group(1)},
            headers={"Origin": HERE},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/plans"
        (line,) = _choices(r)
        assert line.startswith("hito_lang=en;")
        kept = c.get("/plans").text
        assert '<html lang="en">' in kept and '<strong lang="en">' in kept
        assert 'id="lang-en"' not in kept and 'class="link current"' not in kept
        spanish = c.get("/plans?lang=es").text  # the other way round: Spanish by a link
        assert re.search(r'<button [^>]*value="es"[^>]*aria-current="true"', spanish)
        assert 'title="Mantener este idioma"' in spanish
