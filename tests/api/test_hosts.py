"""The host names the service answers to (HITO_ALLOWED_HOSTS): any other Host gets a 400."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hito.service import create_app
from hito.store import migrate
from hito.store.db import Database
from hito.store.models import LoginThrottle
from service_world import settings


def _app(tmp_path: Path, **kw: object) -> tuple[object, Database]:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    db = Database(url)
    migrate.upgrade(db)
    return create_app(settings(database_url=url, **kw), database=db), db


def test_dns_rebinding_a_host_not_allowed_gets_400_in_both_languages_and_reaches_nothing(
    tmp_path: Path,
) -> None:
    """A name the attacker controls, rebound to the server's address (or a forged Host, to
    poison a cache or a link), reaches no page, no sign-in and no API: a 400 that says in
    Spanish and English which address was refused and which setting adds it."""
    app, db = _app(
        tmp_path, allowed_hosts=["hito.example.org"], public_url="https://alertas.example.org"
    )
    with TestClient(app, base_url="http://hito.example.org") as c:
        assert c.get("/login").status_code == 200
        assert c.get("/login", headers={"Host": "HITO.example.org:8443"}).status_code == 200
        assert c.get("/health", headers={"Host": "alertas.example.org"}).status_code == 200
        for method, path in (("GET", "/login"), ("POST", "/login"), ("GET", "/api/v1/log/key")):
            r = c.request(
                method,
                path,
                headers={"Host": "evil.example:8000"},
                data={"username": "x", "password": "y"} if method == "POST" else None,
            )
            assert r.status_code == 400, (method, path)
            assert r.text == (
                "Este servidor no responde a la dirección evil.example:8000: quien lo "
                "administra debe agregar ese nombre a HITO_ALLOWED_HOSTS.\n"
                "This server does not answer to the address evil.example:8000: whoever runs "
                "it adds that name to HITO_ALLOWED_HOSTS.\n"
            )
            assert r.headers["content-type"] == "text/plain; charset=utf-8"
            assert "set-cookie" not in r.headers
        assert c.get("/login", headers={"Host": "127.0.0.1:8000"}).status_code == 400
    with db.session(readonly=True) as s:  # the refused sign-in was not even counted
        assert s.scalar(select(func.count()).select_from(LoginThrottle)) == 0
    db.dispose()


def test_by_default_the_local_addresses_are_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make run` and `hito demo` serve http://127.0.0.1:8000 with no setting."""
    monkeypatch.delenv("HITO_ALLOWED_HOSTS")  # the tests' own hosts (tests/conftest.py)
    app, db = _app(tmp_path)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/login").status_code == 200
        assert c.get("/login", headers={"Host": "localhost:8000"}).status_code == 200
        r = c.get("/login", headers={"Host": "192.168.1.20:8000"})  # a phone on the LAN
        assert r.status_code == 400 and "HITO_ALLOWED_HOSTS" in r.text
    db.dispose()
