"""Test databases for the service: a SQLite file and a fresh PostgreSQL database per session."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

from hito.store import migrate
from hito.store.db import Database
from hito.store.logkey import LogKey, load_key
from hito.store.models import Base

PG_HOST = os.environ.get("HITO_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("HITO_TEST_PG_PORT", "5432"))
PG_ADMIN_DB = os.environ.get("HITO_TEST_PG_DB", "test")
# the log key of the test databases and of the test servers (`service_world.settings`)
KEY_FILE = Path(tempfile.mkdtemp(prefix="hito-log-key-")) / "log-signing-key.pem"


def log_key() -> LogKey:
    """The tests' log key (made on first use), outside every database."""
    return load_key(KEY_FILE, create=True)


def _pg_user() -> str:
    """The first of postgres / root that can connect (trust auth on the dev machines)."""
    errors = []
    for user in (os.environ.get("HITO_TEST_PG_USER"), "postgres", "root"):
        if not user:
            continue
        try:
            with psycopg.connect(
                host=PG_HOST, port=PG_PORT, user=user, dbname=PG_ADMIN_DB, connect_timeout=5
            ):
                return user
        except psycopg.OperationalError as exc:
            errors.append(f"{user}: {exc}".strip())
    raise RuntimeError(
        f"PostgreSQL on {PG_HOST}:{PG_PORT} (database {PG_ADMIN_DB!r}) is not reachable; "
        "the API suite runs against it too. Start it (see .ci/run). " + " | ".join(errors)
    )


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (its URL); dropped afterwards."""
    user = _pg_user()
    name = f"hito_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=user, dbname=PG_ADMIN_DB, autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    try:
        yield url
    finally:
        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=user, dbname=PG_ADMIN_DB, autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def keyed_for_server(db: Database) -> Database:
    """The database with the log key a server of its URL uses by default (beside the SQLite
    file), so that what a test writes before the server starts is keyed as the server's."""
    from hito.store.settings import Settings, log_key_path

    return db.use_key(load_key(log_key_path(Settings(database_url=db.url)), create=True))


def open_database(url: str) -> Database:
    """Open with the tests' log key, and migrate."""
    db = Database(url).use_key(log_key())
    migrate.upgrade(db)
    return db


def wipe(db: Database) -> None:
    """Empty every table (between tests)."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f"DELETE FROM {t}"))


@contextmanager
def empty_database(kind: str, folder: Path, name: str = "hito.sqlite3") -> Iterator[str]:
    """The URL of a new, empty test database of `kind` (sqlite: a file in `folder`)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / name}"
        return
    with postgres_database() as url:
        yield url


@contextmanager
def migrated_database(kind: str, folder: Path) -> Iterator[Database]:
    """A migrated test database of `kind` (sqlite: a file in `folder`; postgresql: a fresh one)."""
    with empty_database(kind, folder) as url:
        db = open_database(url)
        try:
            yield db
        finally:
            db.dispose()


def while_written_meanwhile(db: Database, other: Any, call: Any) -> Any:
    """`call()`'s result when `other(session)` wrote first and commits only once `call` waits.

    Two requests at the same moment: `other` writes in a transaction held open; `call` (an API
    request) runs meanwhile, passes its checks (they do not see the uncommitted write) and, on
    PostgreSQL, waits on that write's lock (a unique index); then `other` commits. On SQLite
    one writer at a time: `call` waits for `other` before its checks.
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.session() as session:  # committed when the block ends
            other(session)
            held.set()
            assert release.wait(30)

    def waiting_on_a_lock() -> bool:
        if db.dialect == "sqlite":
            return True
        with db.engine.connect() as conn:
            return bool(
                conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar()
            )

    with ThreadPoolExecutor(2) as pool:
        writer = pool.submit(hold)
        assert held.wait(30)
        answer = pool.submit(call)
        for _ in range(600):  # until `call` waits for the other's transaction
            if waiting_on_a_lock() or answer.done():
                break
            threading.Event().wait(0.05)
        release.set()
        writer.result()
        return answer.result()
