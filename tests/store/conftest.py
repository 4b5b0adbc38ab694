"""Store tests run on SQLite and on PostgreSQL: a migrated database of each, emptied per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hito.store.db import Database
from service_db import migrated_database, wipe


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
