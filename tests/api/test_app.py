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
