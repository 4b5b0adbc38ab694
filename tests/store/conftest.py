"""Store tests run on SQLite and on PostgreSQL: a migrated database of each, emptied per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hito.store.db import Database
from service_db import migrated_database, wipe
from service_world import two_countries


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with migrated_database(request.param, tmp_path_factory.mktemp("db")) as db:
        yield db


@pytest.fixture
def db(database: Database) -> Database:
    wipe(database)
    return database


@pytest.fixture
def w(db: Database) -> dict[str, Any]:
    """Two countries' agencies, users and sites on the emptied database (`two_countries`)."""
    return two_countries(db)
