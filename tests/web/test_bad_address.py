"""A dashboard address with a mangled number (a link cut short in an e-mail or an SMS, a typo)
gets the Not found page in the visitor's language, never the API's JSON in English."""

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

PASSWORD = "a long pass 2025"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path: Path = tmp_path_factory.mktemp("bad-address") / "h.sqlite3"
    url = f"sqlite:///{path}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    with db.session() as s:
        create_user(s, actor=SYSTEM, username="ana", password=PASSWORD, role="admin")
    app = create_app(Settings(database_url=url, auto_migrate=False), database=db)
    with TestClient(app, base_url="http://hito.test") as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
        assert token is not None
        signed = c.post(
            "/login",
            data={"username": "ana", "password": PASSWORD, "next": "/", "csrf_token": token[1]},
            headers={"Origin": "http://hito.test"},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        yield c
    db.dispose()


MANGLED = [
    "/forecasts/abc",
    "/forecasts/0",
    "/forecasts/99999999999999999999",
    "/alerts/abc",
    "/alerts/-1",
    "/reports/abc/correct",
    "/reports/1x/withdraw",
]


@pytest.mark.parametrize("path", MANGLED)
def test_a_mangled_number_in_an_address_gets_the_not_found_page_in_spanish(
    client: TestClient, path: str
) -> None:
    r = client.get(f"{path}?lang=es")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="es"' in r.text
    assert '<section class="card" id="not-found"><h1>No encontrado</h1>' in r.text
    assert (
        "<p>No hay ninguna página en esta dirección; quizá se escribió mal o se cortó:</p>"
        f'<p><code class="user-text">{path}</code></p>'
    ) in r.text
    assert "Input should be" not in r.text


def test_a_mangled_number_in_an_address_gets_the_not_found_page_in_english(
    client: TestClient,
) -> None:
    r = client.get("/alerts/abc?lang=en")
    assert r.status_code == 404
    assert '<html lang="en"' in r.text
    assert (
        "<p>There is no page at this address; it may have been mistyped or cut short:</p>"
        '<p><code class="user-text">/alerts/abc</code></p>'
    ) in r.text


def test_an_unknown_address_says_what_is_wrong_with_it(client: TestClient) -> None:
    r = client.get("/no-such-page?lang=es")
    assert r.status_code == 404
    assert "<p>No hay ninguna página en esta dirección; quizá se escribió mal o se cortó:</p>" in (
        r.text
    )


def test_the_api_keeps_its_problem_details_for_a_mangled_number(client: TestClient) -> None:
    r = client.get("/api/v1/alerts/abc")  # without a token: told so before the number
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 401
