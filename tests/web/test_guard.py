"""Cross-site forgery and framing: every web change needs this server's page and its token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hito.service import create_app
from hito.store import migrate
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.models import FieldReport
from hito.store.settings import Settings
from hito.store.users import create_user
from hito.web.guard import CSRF_COOKIE, same_origin
from service_world import PASSWORD as WORLD_PASSWORD

from .conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _page_token(c: httpx.Client, path: str = "/login") -> str:
    r = c.get(path)
    m = TOKEN.search(r.text)
    assert m, r.text[:500]
    return m.group(1)


@contextmanager
def _signed_in(server, username: str = "pdi") -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=60) as c:
        token = _page_token(c)
        r = c.post(
            "/login",
            data={"username": username, "password": PASSWORD, "next": "/", "csrf_token": token},
            headers={"Origin": server.url},
        )
        assert r.status_code == 303, r.text
        yield c


def _reports(server) -> int:  # type: ignore[no-untyped-def]
    with server.db.session(readonly=True) as s:
        return int(s.scalar(select(func.count()).select_from(FieldReport)) or 0)


def _report_form(c: httpx.Client) -> dict[str, str]:
    token = _page_token(c, "/report?site=arica-shelters")
    return {
        "csrf_token": token,
        "site_id": "arica-shelters",
        "observed_at": "2025-12-03T10:00",
        "tz_offset": "180",
        "people-unspecified": "99999",
        "idempotency_key": "csrf-test-key",
    }


def test_cross_site_report_post_is_refused_and_nothing_is_stored(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        form = _report_form(c)
        before = _reports(server)
        r = c.post("/report", data=form, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403
        assert "evil.example" in r.text and "otra página" in r.text
        assert _reports(server) == before


def test_same_site_page_on_another_port_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        form = _report_form(c)
        before = _reports(server)
        other = re.sub(r":\d+$", ":1", server.url)
        r = c.post("/report", data=form, headers={"Origin": other})
        assert r.status_code == 403
        r = c.post("/report", data=form, headers={"Referer": other + "/attack.html"})
        assert r.status_code == 403
        assert _reports(server) == before


def test_report_post_without_the_token_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        form = _report_form(c)
        before = _reports(server)
        forged = {k: v for k, v in form.items() if k != "csrf_token"}
        assert c.post("/report", data=forged, headers={"Origin": server.url}).status_code == 403
        forged["csrf_token"] = "A" * 43  # a guess of the right shape
        assert c.post("/report", data=forged, headers={"Origin": server.url}).status_code == 403
        assert _reports(server) == before


def test_a_report_post_of_6_mb_is_refused_with_its_limit_written_in_each_language(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        form = _report_form(c) | {"note": "a" * 6_000_000}
        before = _reports(server)
        r = c.post("/report", data=form, headers={"Origin": server.url})
        assert r.status_code == 413
        assert "límite de 5.000.000 bytes" in r.text
        assert "limit of 5,000,000 bytes" in r.text
        assert _reports(server) == before


def test_report_post_with_token_and_origin_is_stored(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        form = _report_form(c) | {"people-unspecified": "7", "idempotency_key": "csrf-ok-key"}
        before = _reports(server)
        r = c.post("/report", data=form, headers={"Origin": server.url})
        assert r.status_code == 303, r.text
        assert _reports(server) == before + 1


def test_login_csrf_from_another_site_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=60) as c:
        token = _page_token(c)
        r = c.post(
            "/login",
            data={"username": "pdi", "password": PASSWORD, "csrf_token": token},
            headers={"Origin": "https://evil.example"},
        )
        assert r.status_code == 403
        assert "hito_session" not in r.headers.get("set-cookie", "")
    with httpx.Client(base_url=server.url, timeout=60) as fresh:  # a victim without the cookie
        r = fresh.post("/login", data={"username": "pdi", "password": PASSWORD})
        assert r.status_code == 403


def test_logout_csrf_from_another_site_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        r = c.post("/logout", headers={"Origin": "https://evil.example"})
        assert r.status_code == 403
        assert c.get("/").status_code == 200  # still signed in
        token = _page_token(c, "/")
        r = c.post("/logout", data={"csrf_token": token}, headers={"Origin": server.url})
        assert r.status_code == 303
        assert c.get("/").status_code == 303


def test_htmx_check_with_the_header_token_passes(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        token = _page_token(c, "/report")
        r = c.post("/report/check", data={"site_id": "x"}, headers={"X-CSRF-Token": token})
        assert r.status_code == 200
        r = c.post("/report/check", data={"site_id": "x"})
        assert r.status_code == 403


def test_pages_cannot_be_framed_and_carry_the_security_headers(server) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=60) as c:
        for path in ("/login", "/api/v1/countries", "/health"):
            h = c.get(path).headers
            assert "frame-ancestors 'none'" in h["content-security-policy"]
            assert h["x-frame-options"] == "DENY"
            assert h["x-content-type-options"] == "nosniff"
            assert h["referrer-policy"] == "same-origin"
        csp = c.get("/login").headers["content-security-policy"]
        assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("style")[0]


def test_back_button_after_sign_out_on_a_shared_phone_finds_no_page_in_the_cache(server) -> None:  # type: ignore[no-untyped-def]
    # pages were cacheable: after signing out, the back button showed the last page again
    with _signed_in(server) as c:
        for path in ("/", "/report", "/sites/chacalluta"):
            r = c.get(path)
            assert r.status_code == 200, path
            assert r.headers["cache-control"] == "no-store", path
        assert "no-store" not in c.get("/static/hito.css").headers.get("cache-control", "")


def test_api_answers_set_no_cookie_and_let_nothing_run_or_frame_them(server) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.get("/api/v1/countries")  # answered 401 without a token: a problem
        assert r.status_code == 401
        assert "set-cookie" not in r.headers
        assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert r.headers.get_list("x-frame-options") == ["DENY"]  # once, not twice


def test_the_api_is_not_concerned_bearer_tokens_cannot_be_forged_cross_site(server) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.post(
            "/api/v1/auth/token",
            data={"username": "pdi", "password": PASSWORD},
            headers={"Origin": "https://evil.example"},
        )
        assert r.status_code == 200  # the token is in the body, which the foreign page cannot read
        assert "set-cookie" not in r.headers


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://127.0.0.1:8000/report?x=1", True),
        ("HTTP://127.0.0.1:8000", True),
        ("https://127.0.0.1:8000", False),
        ("http://127.0.0.1:8001", False),
        ("http://127.0.0.1", False),
        ("null", False),
        ("", False),
        ("http://127.0.0.1:8000.evil.example", False),
    ],
)
def test_same_origin(source: str, ok: bool) -> None:
    assert same_origin(source, "http", "127.0.0.1:8000") is ok


def test_cookies_are_secure_whenever_served_over_https(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    db = Database(url)
    migrate.upgrade(db)
    app = create_app(Settings(database_url=url, auto_migrate=False), database=db)
    with TestClient(app, base_url="https://hito.example") as c:
        r = c.get("/login")
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(f"__Host-{CSRF_COOKIE}=") and "Secure" in cookie
        assert r.headers["strict-transport-security"].startswith("max-age=")
        token = TOKEN.search(c.get("/login").text).group(1)  # type: ignore[union-attr]
        for path, field in (("/lang", {"lang": "en"}), ("/zone", {"name": "America/Lima"})):
            form = {**field, "next": "/login", "csrf_token": token}
            r = c.post(path, data=form, follow_redirects=False)
            assert r.headers.get_list("set-cookie"), path
            assert all("Secure" in v for v in r.headers.get_list("set-cookie")), path
    with TestClient(app, base_url="http://hito.example") as c:
        assert "Secure" not in c.get("/login").headers["set-cookie"]
    db.dispose()


def test_the_token_is_read_from_urlencoded_and_multipart_forms() -> None:
    from hito.web.guard import _form_token

    token = "T" * 43
    assert (
        _form_token("application/x-www-form-urlencoded", f"a=1&csrf_token={token}".encode())
        == token
    )
    body = (
        b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n1,2\r\n'
        b'--xx\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + token.encode()
        + b"\r\n--xx--\r\n"
    )
    assert _form_token("multipart/form-data; boundary=xx", body) == token
    assert _form_token("application/json", b'{"csrf_token": "x"}') is None


class _CountingSearch:
    """A compiled pattern that adds up the bytes each search is given."""

    def __init__(self, pattern: re.Pattern[bytes]) -> None:
        self.pattern = pattern
        self.searched = 0

    def search(self, text: bytes) -> re.Match[bytes] | None:
        self.searched += len(text)
        return self.pattern.search(text)


def test_a_multipart_body_of_many_token_lines_is_read_in_one_pass_not_minutes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unauthenticated POST could block the event loop: the old search was quadratic.

    The work is counted, not timed: every byte of the body reaches the header search at
    most once, however many parts or `name="csrf_token"` lines it holds.
    """
    from hito.web import guard

    counting = _CountingSearch(guard._FIELD_NAME)
    monkeypatch.setattr(guard, "_FIELD_NAME", counting)
    lines = b'name="csrf_token"\r\n' * 50_000  # 950 kB, under the body limit
    assert guard._form_token("multipart/form-data; boundary=xx", lines) is None
    assert guard._form_token('multipart/form-data; boundary="name"', lines) is None
    assert counting.searched <= 2 * len(lines)
    counting.searched = 0
    parts = b'--xx\r\nContent-Disposition: form-data; name="remark"\r\n\r\nv\r\n' * 20_000
    body = parts + b'--xx\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
    body += b"T" * 43 + b"\r\n--xx--\r\n"
    assert guard._form_token("multipart/form-data; boundary=xx", body) == "T" * 43
    assert 0 < counting.searched <= len(body)


@pytest.mark.parametrize(
    ("content_type", "token_part", "found"),
    [
        ("multipart/form-data; boundary=xx", b'form-data; name="csrf_token"', "T" * 43),
        ('multipart/form-data; boundary="xx"', b'form-data; name="csrf_token"', "T" * 43),
        ("multipart/form-data; boundary=xx", b'form-data; name="not_csrf_token"', None),
        ("multipart/form-data", b'form-data; name="csrf_token"', None),  # no boundary
    ],
)
def test_the_multipart_token_is_the_csrf_token_part_and_nothing_else(
    content_type: str, token_part: bytes, found: str | None
) -> None:
    from hito.web.guard import _form_token

    body = (
        b'--xx\r\nContent-Disposition: form-data; name="remark"\r\n\r\nname="csrf_token"\r\n'
        b"--xx\r\nContent-Disposition: " + token_part + b"\r\n\r\n" + b"T" * 43 + b"\r\n--xx--\r\n"
    )
    assert _form_token(content_type, body) == found


def test_a_cookie_header_full_of_backslashes_does_not_hold_the_server(tmp_path: Path) -> None:
    """CVE-2024-7592: unquoting them was quadratic (80 kB: 19 s of a blocked event loop).

    The pairs that hold a backslash never reach Starlette's cookie parser (checked on the
    scope the guard hands on, not by a clock); the other pairs of the header still count.
    """
    from hito.web.guard import _plain_cookies

    junk = 'junk="' + "\\\\" * 40_000 + '"'
    token = "T" * 43
    header = f"{junk}; {CSRF_COOKIE}={token}; hito_lang=en".encode()
    scope = {"type": "http", "headers": [(b"host", b"h"), (b"cookie", header)]}
    kept = _plain_cookies(scope)["headers"]
    assert kept == [(b"host", b"h"), (b"cookie", f" {CSRF_COOKIE}={token}; hito_lang=en".encode())]
    assert _plain_cookies({"type": "http", "headers": kept})["headers"] is kept  # nothing to drop
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    db = Database(url)
    migrate.upgrade(db)
    app = create_app(Settings(database_url=url, auto_migrate=False), database=db)
    with TestClient(app) as c:
        r = c.get("/login", headers={"Cookie": header.decode()})
        assert r.status_code == 200
        assert f'name="csrf_token" value="{token}"' in r.text  # the pairs without one still count
        assert r.text.startswith('<!doctype html>\n<html lang="en"')
        assert c.get("/api/v1/log/key", headers={"Cookie": junk}).status_code == 200
    db.dispose()


def _changes_of(db: Database) -> dict[str, int]:
    """Rows per table; the log's entries counted once, pending or sequenced (the sequencer runs)."""
    from hito.store.models import Base

    with db.session(readonly=True) as s:
        n = {
            t.name: int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }
    n["log entries"] = n.pop("log_pending") + n.pop("log_leaf")
    n.pop("log_head")
    return n


def _web_routes(app: object, methods: set[str]) -> list[tuple[str, str]]:
    """(method, address) of every dashboard route answering one of `methods`, ids filled in."""
    from fastapi.routing import APIRoute

    def walk(routes: list[object], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
        for r in routes:
            included = getattr(r, "original_router", None)  # FastAPI 0.165 includes lazily
            if included is not None:
                more = getattr(getattr(r, "include_context", None), "prefix", "")
                yield from walk(included.routes, prefix + more)
            elif isinstance(r, APIRoute):
                yield prefix + r.path, set(r.methods)

    values = {"site_id": "chacalluta", "fmt": "html", "code": "en", "token": "x" * 40}
    out = []
    for path, answers in walk(app.routes):  # type: ignore[attr-defined]
        if not path.startswith("/api/"):
            path = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "1"), path)
            out += [(m, path) for m in sorted(answers & methods)]
    return out


@contextmanager
def _fresh_world(tmp_path: Path) -> Iterator[tuple[Any, TestClient, Any, Database]]:
    """A new service on its own SQLite file with the tests' agencies and users."""
    from service_world import make_world, settings

    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    db = Database(url)
    migrate.upgrade(db)
    app = create_app(settings(database_url=url), database=db)
    try:
        with TestClient(app) as c:
            yield app, c, make_world(c, db), db
    finally:
        db.dispose()


def test_csrf_every_web_change_is_refused_without_the_token_or_from_another_site(
    tmp_path: Path,
) -> None:
    """Every POST/PUT/PATCH/DELETE route of the dashboard, found in the app, not listed by hand."""
    with _fresh_world(tmp_path) as (app, c, world, db):
        c.get("/login")
        token = c.cookies[CSRF_COOKIE]
        c.cookies.set("hito_session", world.tokens["admin"])
        changes = _web_routes(app, {"POST", "PUT", "PATCH", "DELETE"})
        assert {("POST", "/report"), ("POST", "/login"), ("POST", "/stop/" + "x" * 40)} <= set(
            changes
        )
        before = _changes_of(db)
        for method, path in changes:
            form = {"site_id": "chacalluta", "reason": "x", "confirm": "yes", "as_of": "2025-12-01"}
            r = c.request(method, path, data=form, headers={"Origin": "http://testserver"})
            assert r.status_code == 403, (method, path)
            assert "The form's security code is missing or does not match" in r.text
            r = c.request(
                method,
                path,
                data={**form, "csrf_token": token},
                headers={"Origin": "https://evil.example", "X-CSRF-Token": token},
            )
            assert r.status_code == 403, (method, path)
            assert "This request came from another page (https://evil.example)" in r.text
        assert _changes_of(db) == before


def test_csrf_no_web_page_read_with_get_changes_anything(tmp_path: Path) -> None:
    """A GET can be made by any page (an image, a link): no dashboard address writes on one."""
    from service_world import report

    with _fresh_world(tmp_path) as (app, c, world, db):
        posted = c.post("/api/v1/reports", json=report(), headers=world.h("ed_chl"))
        assert posted.status_code == 201 and posted.json()["id"] == 1  # its correction form
        c.cookies.set("hito_session", world.tokens["admin"])
        reads = _web_routes(app, {"GET"})
        assert ("GET", "/stop/" + "x" * 40) in reads and ("GET", "/sites/chacalluta") in reads
        before = _changes_of(db)
        for method, path in reads:
            r = c.request(method, path, follow_redirects=False)
            assert r.status_code < 500, (path, r.text[:300])
        assert _changes_of(db) == before


def test_csrf_token_fixed_before_sign_in_forges_nothing_after_it(tmp_path: Path) -> None:
    """Session fixation of the CSRF token, on a shared field phone.

    A rogue user reads the phone's token from any page (it sits in every form), hands the
    phone over, and a Chilean officer signs in. The token they read must be worth nothing in
    the officer's session: a post carrying it, with no Origin or Referer (stripped by a privacy
    setting, so judged by its token alone), stores nothing. The officer's own pages still work.
    """

    with _fresh_world(tmp_path) as (_app, c, _world, db):
        known = TOKEN.search(c.get("/login").text).group(1)  # type: ignore[union-attr]
        assert known == c.cookies[CSRF_COOKIE]
        signed = c.post(
            "/login",
            data={"username": "ed_chl", "password": WORLD_PASSWORD, "csrf_token": known},
            headers={"Origin": "http://testserver"},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        renewed = c.cookies[CSRF_COOKIE]
        assert renewed != known
        form = {
            "site_id": "concordia-strip",
            "observed_at": "2025-12-03T10:00",
            "tz_offset": "180",
            "people-unspecified": "40",
            "idempotency_key": "fixed-token-key",
        }
        before = _changes_of(db)
        forged = c.post("/report", data={**form, "csrf_token": known}, follow_redirects=False)
        assert forged.status_code == 403
        assert "The form's security code is missing or does not match" in forged.text
        assert _changes_of(db) == before
        own_token = TOKEN.search(c.get("/report").text).group(1)  # type: ignore[union-attr]
        assert own_token not in (known, renewed)  # the session's, not the browser's cookie
        own = c.post("/report", data={**form, "csrf_token": own_token}, follow_redirects=False)
        assert own.status_code == 303, own.text


def _sign_in_form(c: TestClient, username: str) -> str:
    """Sign `c` in through the form (no Origin header); the session token it got."""
    token = TOKEN.search(c.get("/login").text).group(1)  # type: ignore[union-attr]
    r = c.post(
        "/login",
        data={"username": username, "password": WORLD_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return str(r.cookies.get("hito_session") or r.cookies.get("__Host-hito_session"))


_FORM = {
    "site_id": "concordia-strip",
    "observed_at": "2025-12-03T10:00",
    "tz_offset": "180",
    "people-unspecified": "40",
}


def test_csrf_a_planted_cookie_forges_nothing_while_signed_in(tmp_path: Path) -> None:
    """A cookie planted in the browser (another host of the domain, a plain-HTTP page) and a
    post with no Origin or Referer (judged by its token alone) while a Chilean editor is
    signed in: the token a form must carry is the session's, not the cookie's.
    """
    with _fresh_world(tmp_path) as (_app, c, _world, db):
        _sign_in_form(c, "ed_chl")
        planted = "P" * 43
        c.cookies.set(CSRF_COOKIE, planted)
        before = _changes_of(db)
        forged = c.post(
            "/report",
            data={**_FORM, "csrf_token": planted, "idempotency_key": "planted-1"},
            follow_redirects=False,
        )
        assert forged.status_code == 403
        assert "does not match your session" in forged.text
        assert "no corresponde a su sesión" in forged.text
        header = c.post(
            "/report",
            data={**_FORM, "idempotency_key": "planted-2"},
            headers={"X-CSRF-Token": planted},
            follow_redirects=False,
        )
        assert header.status_code == 403
        assert _changes_of(db) == before
        own = TOKEN.search(c.get("/report").text).group(1)  # type: ignore[union-attr]
        assert own != planted
        stored = c.post(
            "/report",
            data={**_FORM, "csrf_token": own, "idempotency_key": "planted-3"},
            follow_redirects=False,
        )
        assert stored.status_code == 303, stored.text


def test_csrf_the_token_of_another_session_forges_nothing(tmp_path: Path) -> None:
    """The previous user of a shared phone (or anyone) kept a page's token from their own
    session: in the next user's session it is refused, in both languages, and nothing stored.
    Sent by the outbox (Accept: application/json) the refusal is JSON it can read.
    """
    with _fresh_world(tmp_path) as (_app, c, _world, db):
        _sign_in_form(c, "ed_per")
        theirs = TOKEN.search(c.get("/report").text).group(1)  # type: ignore[union-attr]
        _sign_in_form(c, "ed_chl")  # the next user of the phone
        mine = TOKEN.search(c.get("/report").text).group(1)  # type: ignore[union-attr]
        assert mine != theirs
        before = _changes_of(db)
        page = c.post(
            "/report",
            data={**_FORM, "csrf_token": theirs, "idempotency_key": "other-1"},
            follow_redirects=False,
        )
        assert page.status_code == 403
        sent = c.post(
            "/report/send",
            data={**_FORM, "csrf_token": theirs, "idempotency_key": "other-2"},
            headers={"X-CSRF-Token": theirs, "Accept": "application/json"},
        )
        assert sent.status_code == 403
        assert sent.json() == {
            "outcome": "signin",
            "message": {
                "es": "Falta el código de seguridad del formulario o no corresponde a su sesión "
                "(cambió desde que se abrió la página, o terminó): vuelva a iniciar sesión si "
                "se le pide, recargue la página y envíelo de nuevo.",
                "en": "The form's security code is missing or does not match your session (it "
                "changed since the page was opened, or it ended): sign in again if asked, "
                "reload the page and send it again.",
            },
        }
        assert _changes_of(db) == before


def test_csrf_under_https_the_cookies_are_host_prefixed_and_plain_ones_count_for_nothing(
    tmp_path: Path,
) -> None:
    """`__Host-` cookies (Secure, Path=/, no Domain) cannot be set by another host of the
    domain nor by a plain-HTTP page; a session or token cookie under the plain name, as such
    a page could plant, is not read at all under HTTPS.
    """
    from service_world import settings

    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    db = Database(url)
    migrate.upgrade(db)
    app = create_app(settings(database_url=url), database=db)
    with TestClient(app, base_url="https://hito.example") as c:
        with db.session() as s:
            create_user(s, actor=SYSTEM, username="ana", password=PASSWORD, role="admin")
        page = c.get("/login")
        (line,) = page.headers.get_list("set-cookie")
        assert line.startswith("__Host-hito_csrf=")
        assert "; Path=/" in line and "; Secure" in line and "Domain" not in line
        token = TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
        signed = c.post(
            "/login",
            data={"username": "ana", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        lines = signed.headers.get_list("set-cookie")
        session = next(v for v in lines if v.startswith("__Host-hito_session="))
        assert "; Path=/" in session and "; Secure" in session and "Domain" not in session
        assert "HttpOnly" in session
        assert not any(v.startswith(("hito_session=", "hito_csrf=")) for v in lines)
        assert c.get("/report", follow_redirects=False).status_code == 200
        valid = session.split(";")[0].split("=", 1)[1]
    with TestClient(app, base_url="https://hito.example") as planted:
        planted.cookies.set("hito_session", valid)  # a live session, under the plain name
        r = planted.get("/report", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        planted.cookies.set(CSRF_COOKIE, "P" * 43)
        before = _changes_of(db)
        r = planted.post("/report", data={**_FORM, "csrf_token": "P" * 43})
        assert r.status_code == 403
        assert _changes_of(db) == before
    db.dispose()
