"""The app factory: it migrates an empty database, or says how to when told not to."""

from __future__ import annotations

import threading
import warnings
from typing import Annotated

import pytest
from fastapi.testclient import TestClient
from pydantic import Field, TypeAdapter
from pydantic.warnings import UnsupportedFieldAttributeWarning

from hito.api.app import create_api
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


def test_a_thread_restoring_warning_filters_lets_no_alias_warning_escape() -> None:
    """The race: FastAPI silences pydantic's alias warning inside `catch_warnings`, and a
    thread leaving its own `catch_warnings` meanwhile (the pages' warm-up) puts back the
    filter list it saw, without FastAPI's ignore: create_api's filter is in that list."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.resetwarnings()
        warnings.simplefilter("always")  # not the suite's filters: only what create_api adds
        create_api(settings())
        entered, go, left = threading.Event(), threading.Event(), threading.Event()

        def warm_up() -> None:
            with warnings.catch_warnings():
                entered.set()
                go.wait(5)
            left.set()

        other = threading.Thread(target=warm_up)
        other.start()
        entered.wait(5)
        with warnings.catch_warnings():  # as FastAPI's ModelField does
            warnings.simplefilter("ignore", category=UnsupportedFieldAttributeWarning)
            go.set()
            left.wait(5)  # the warm-up has put back its list
            TypeAdapter(Annotated[int, Field(alias="resource")])
        other.join()
    assert [str(w.message)[:40] for w in seen] == []
