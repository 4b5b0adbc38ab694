"""The app factory: it migrates an empty database, or says how to when told not to."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from hito.errors import HitoError
from hito.service import create_app
from hito.store import migrate
from hito.store.db import Database
from service_world import settings

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def test_an_unmigrated_database_is_upgraded_on_start_or_named(tmp_path) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    app = create_app(settings(database_url=url, auto_migrate=False))
    with (
        pytest.raises(
            HitoError,
            match=rf"the database schema is at nothing, this hito needs {migrate.head()}: run `hito db upgrade`",
        ),
        TestClient(app),
    ):
        pass
    with TestClient(create_app(settings(database_url=url, auto_migrate=True))) as c:
        assert c.get("/health").json() == {"status": "ok"}
        assert c.get("/openapi.json").json()["info"]["title"] == "hito coordination service"
    db = Database(url)
    assert migrate.current(db) == migrate.head()
    db.dispose()


@pytest.mark.parametrize("path", ["/api/v1/boom", "/boom"])
def test_an_unexpected_errors_answer_carries_the_security_headers(
    db: Database, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A 500 is made outside every middleware (the web guard's too): it has its own headers."""
    app = create_app(settings(), database=db)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route(path, boom)
    with TestClient(app, raise_server_exceptions=False, base_url="https://hito.example") as c:
        r = c.get(path)
    assert r.status_code == 500
    if path.startswith("/api/"):
        assert r.json()["detail"] == "an unexpected error occurred; it was logged"
        assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    else:  # a dashboard address: a page in the reader's language (tests/web/test_server_trouble.py)
        assert "<h1>Algo falló en el servidor</h1>" in r.text
        assert r.headers["content-security-policy"].startswith("default-src 'self'; ")
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["strict-transport-security"] == "max-age=31536000"
