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
