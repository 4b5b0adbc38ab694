"""Schema migrations through Alembic, configured in code (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from hito.store.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """The Alembic configuration pointing at the migrations inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    """The newest revision shipped with this version of hito."""
    rev = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert rev is not None
    return rev


def current(db: Database) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(db: Database) -> bool:
    """True when the database is behind the shipped head revision."""
    return current(db) != head()


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to a revision (the newest by default)."""
    _run(db, command.upgrade, revision)


def downgrade(db: Database, revision: str) -> None:
    """Take the schema back to a revision ('base' empties it)."""
    _run(db, command.downgrade, revision)


def _run(db: Database, step: Any, revision: str) -> None:
    """Run an Alembic command in one transaction.

    SQLite: foreign keys are off meanwhile (set on the raw connection, outside any
    transaction, and back on after), as Alembic advises for its batch mode: rebuilding a
    table drops the old one, which would otherwise cascade deletes to the rows that
    reference it.
    """
    cfg = alembic_config()
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection if db.dialect == "sqlite" else None
        if raw is not None:
            conn.rollback()  # end the transaction SQLAlchemy began, so the pragma applies
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                cfg.attributes["hito_secret"] = db.secret  # rows keyed with it (0007)
                cfg.attributes["hito_key_id"] = db.key_id  # recorded as the database's (0010)
                step(cfg, revision)
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def autogenerate(db: Database, message: str) -> None:
    """Write a new revision from the difference between the models and the database."""
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
