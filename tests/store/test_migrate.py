"""Migrations: the shipped revisions build exactly the tables of the models, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hito.store import migrate
from hito.store.db import Database
from hito.store.models import Base
from service_db import postgres_database


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_matches_the_models_and_downgrade_empties(backend: str, tmp_path) -> None:  # noqa: ANN001
    def check(url: str) -> None:
        db = Database(url)
        assert migrate.current(db) is None and migrate.needs_upgrade(db)
        migrate.upgrade(db)
        assert migrate.current(db) == migrate.head() and not migrate.needs_upgrade(db)
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        migrate.downgrade(db, "base")
        assert migrate.current(db) is None
        db.dispose()

    if backend == "sqlite":
        check(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    else:
        with postgres_database() as url:
            check(url)
