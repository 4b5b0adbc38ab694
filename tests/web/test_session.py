"""After login the visitor returns only to a local path: never to another site."""

from __future__ import annotations

import pytest

from hito.web.session import safe_next
from service_db import keyed_for_server


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/sites/chacalluta?lang=en", "/sites/chacalluta?lang=en"),
        ("/", "/"),
        ("", "/"),
        (None, "/"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("sites", "/"),
        ("/\\evil.example/", "/"),
        ("/\tx", "/"),
    ],
)
def test_safe_next(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected


def test_without_a_session_pages_go_to_login_and_htmx_checks_too(server) -> None:  # type: ignore[no-untyped-def]
    import httpx

    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.get("/sites/chacalluta?lang=en")
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=%2Fsites%2Fchacalluta%3Flang%3Den"
        token = c.cookies["hito_csrf"]  # the page's CSRF token (the double-submit cookie)
        r = c.post(
            "/report/check",
            data={"site_id": "x", "csrf_token": token},
            headers={"HX-Request": "true", "HX-Current-URL": f"{server.url}/report?site=x"},
        )
        assert r.status_code == 204
        assert r.headers["HX-Redirect"] == "/login?next=%2Freport%3Fsite%3Dx"
        r = c.get("/login?next=https://evil.example/")
        assert 'name="next" value="/"' in r.text


def test_a_locked_sign_in_says_in_minutes_when_to_try_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Not 'in 295 seconds': a person at a border post reads minutes."""
    import re

    from fastapi.testclient import TestClient

    from hito.service import create_app
    from hito.store import migrate
    from hito.store.actors import SYSTEM
    from hito.store.db import Database
    from hito.store.settings import Settings
    from hito.store.users import create_user

    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    with db.session() as s:
        create_user(s, actor=SYSTEM, username="ana", password="a long pass 2025", role="viewer")
    settings = Settings(
        database_url=url,
        auto_migrate=False,
        login_failure_delay=0.0,
        login_max_failures=2,
        login_lockout_seconds=300,
    )
    said = []
    with TestClient(create_app(settings, database=db)) as c:
        for lang in ("es", "en", "es"):
            page = c.get(f"/login?lang={lang}").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            r = c.post(
                f"/login?lang={lang}",
                data={"username": "ana", "password": "wrong", "csrf_token": token},
                headers={"Origin": "http://testserver"},
            )
            said.append((r.status_code, r.text.split('role="alert">')[1].split("<")[0].strip()))
    db.dispose()
    assert said == [
        (401, "Usuario o contraseña incorrectos."),
        (401, "Wrong username or password."),
        (429, "Demasiados intentos fallidos: vuelva a intentarlo en 5 minutos."),
    ]


def test_a_session_replaced_by_another_sign_in_on_the_same_browser_is_revoked_on_the_server(
    tmp_path,  # noqa: ANN001
) -> None:
    """A shared phone: Ana's session cookie, copied before Beto signed in on the same browser,
    opens nothing afterwards (neither a page nor the API, where it is a bearer token); Beto's
    ends on the server at sign-out too. The log says why Ana's ended, as her own entry.
    """
    import re

    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from hito.service import create_app
    from hito.store import migrate
    from hito.store.actors import SYSTEM
    from hito.store.db import Database
    from hito.store.models import LogLeaf, LogPending
    from hito.store.settings import Settings
    from hito.store.users import create_user

    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    with db.session() as s:
        for name in ("ana", "beto"):
            create_user(s, actor=SYSTEM, username=name, password="a long pass 2025", role="viewer")
    settings = Settings(database_url=url, auto_migrate=False, login_failure_delay=0.0)

    def sign_in(c: TestClient, name: str) -> str:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        r = c.post(
            "/login",
            data={"username": name, "password": "a long pass 2025", "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303
        return str(r.cookies["hito_session"])

    def api(token: str) -> int:
        me = c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        return me.status_code

    with TestClient(create_app(settings, database=db)) as c:
        ana = sign_in(c, "ana")
        assert api(ana) == 200
        beto = sign_in(c, "beto")  # the next user of the phone, without Ana signing out
        assert api(ana) == 401
        assert api(beto) == 200
        copied = TestClient(c.app)
        copied.cookies.set("hito_session", ana)
        assert copied.get("/", follow_redirects=False).headers["location"] == "/login?next=%2F"
        logout = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/").text).group(1)
        assert (
            c.post("/logout", data={"csrf_token": logout}, follow_redirects=False).status_code
            == 303
        )
        assert api(beto) == 401
    with db.session(readonly=True) as s:  # sequenced into the tree or still pending
        revoked = sorted(
            row
            for t in (LogLeaf, LogPending)
            for row in s.execute(
                select(t.at, t.actor, t.note).where(t.action == "token.revoke")
            ).all()
        )
    db.dispose()
    unsalted = [(who, re.sub(r"\s*salt:[0-9a-f]+$", "", note)) for _at, who, note in revoked]
    assert unsalted == [
        ("ana", "replaced by a new sign-in in the same browser"),
        ("beto", ""),
    ]
