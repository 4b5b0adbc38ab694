"""Engines and sessions: SQLite (WAL, serialized writers) or PostgreSQL, made on demand."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from hito.store.settings import Settings, normalize_url


def make_engine(url: str, *, pool_size: int = 20, max_overflow: int = 30) -> Engine:
    """An engine for a URL; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        memory = ":memory:" in url or url.rstrip("/") == "sqlite:"
        args: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if memory:
            args["poolclass"] = StaticPool  # one shared connection, or each would be empty
        else:
            args.update(pool_size=pool_size, max_overflow=max_overflow)
        engine = create_engine(url, **args)
        _sqlite_setup(engine, memory=memory)
        return engine
    return create_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True, pool_timeout=30
    )


def _sqlite_setup(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # one writer at a time, taken at the start: no read-then-write upgrade can fail;
        # sessions opened with readonly=True begin a plain (deferred) read transaction
        readonly = conn.get_execution_options().get("hito_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class Database:
    """An engine and its session factory; `session()` commits on success, rolls back on error."""

    def __init__(self, url: str, *, pool_size: int = 20, max_overflow: int = 30):
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, pool_size=pool_size, max_overflow=max_overflow)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = threading.RLock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        """The database the settings point to, with the settings' connection pool."""
        return cls(
            settings.resolved_database_url(),
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, readonly: bool = False, snapshot: bool = False) -> Iterator[Session]:
        """One transaction: commit when the block ends, roll back if it raises.

        `readonly=True` lets SQLite readers run beside the writer (they never take the
        write lock); on PostgreSQL it changes nothing. `snapshot=True`: every statement
        sees the database as the first one did (PostgreSQL: REPEATABLE READ; a SQLite
        transaction always does), for reads that must agree with one another.
        """
        with self._writer(readonly), self.sessions() as session:
            options: dict[str, Any] = {}
            if readonly:
                options["hito_readonly"] = True
            if snapshot and self.dialect == "postgresql":
                options["isolation_level"] = "REPEATABLE READ"
            if options:
                session.connection(execution_options=options)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def lookup(self) -> Iterator[Session]:
        """A session for one read statement (the token check of every request).

        PostgreSQL: in autocommit, so no BEGIN and no ROLLBACK round trips; elsewhere a
        read-only session.
        """
        if self.dialect != "postgresql":
            with self.session(readonly=True) as session:
                yield session
            return
        with (
            self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
            Session(bind=conn) as session,
        ):
            yield session

    def _writer(self, readonly: bool) -> Any:
        """SQLite: writers of this process queue on a lock instead of SQLite's sleeping retries."""
        if readonly or self.dialect != "sqlite":
            return nullcontext()
        return self._write_lock

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
