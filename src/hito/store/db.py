"""Engines and sessions: SQLite (WAL, serialized writers) or PostgreSQL, made on demand."""

from __future__ import annotations

import enum
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from hito.errors import InputError, Problem
from hito.store.settings import Settings, normalize_url

if TYPE_CHECKING:
    from hito.store.logkey import LogKey
    from hito.store.logsecret import ServiceSecret

DIALECTS = ("sqlite", "postgresql")  # the databases hito's schema and tests are made for
# PostgreSQL: the sequence each writing statement on these tables bumps (migration 0012): the
# tables `hito.store.logcheck.verify` reads, whose answer `write_mark` lets the API reuse
WRITE_MARK = "hito_write_mark"
WRITE_MARKED = (
    "log_head", "log_leaf", "log_pending", "log_rejected", "field_report", "report_count",
    "user_account", "site", "agency", "plan", "alert", "shelter", "shelter_update", "subscription",
)  # fmt: skip
URL_FORM = Problem("sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE")


def check_url(url: str) -> str:
    """A database URL hito can use (the psycopg driver for postgresql://); InputError if not."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(
            Problem(
                "database URL %(url)s: not a URL; expected %(form)s",
                url=repr(re.sub(r":[^:@/]*@", ":***@", url)),  # a password is not shown
                form=URL_FORM,
            )
        ) from None
    if parsed.get_backend_name() not in DIALECTS:
        raise InputError(
            Problem(
                "database URL %(url)s: hito keeps its data in SQLite or PostgreSQL, not "
                "%(backend)s; expected %(form)s",
                url=parsed.render_as_string(hide_password=True),
                backend=parsed.get_backend_name(),
                form=URL_FORM,
            )
        )
    return url


def make_engine(
    url: str, *, pool_size: int = 20, max_overflow: int = 30, create: bool = True
) -> Engine:
    """An engine for a URL; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE.

    `create=False`: an SQLite file that is not there is an InputError (a command that only
    reads leaves no empty file behind a mistyped path).
    """
    url = check_url(url)
    if url.startswith("sqlite"):
        memory = ":memory:" in url or url.rstrip("/") == "sqlite:"
        args: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if memory:
            args["poolclass"] = StaticPool  # one shared connection, or each would be empty
        else:
            args.update(pool_size=pool_size, max_overflow=max_overflow)
            path = make_url(url).database
            if create:
                _create_private(path)
            elif path and not path.startswith("file:") and not os.path.exists(path):
                raise InputError(
                    Problem(
                        "%(database)s: no such file; expected an existing hito database (check "
                        "HITO_DATABASE_URL or --settings)",
                        database=make_url(url).render_as_string(hide_password=True),
                    )
                )
        engine = create_engine(url, **args)
        _sqlite_setup(engine, memory=memory)
        return engine
    return create_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True, pool_timeout=30
    )


def _create_private(path: str | None) -> None:
    """Create a new SQLite file readable by its owner only (0600), as the log's key is.

    It holds password hashes, the webhooks' signing secrets and subscribers' addresses;
    SQLite gives its -wal and -shm files the database file's mode. An existing file, or a
    folder that does not exist (said when connecting), is left alone.
    """
    if not path or path.startswith("file:"):
        return
    with suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


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


def _pg_write_mark(conn: Any) -> tuple[object, ...] | None:
    """`Database.write_mark` on PostgreSQL."""
    if conn.exec_driver_sql(f"SELECT to_regclass('{WRITE_MARK}')").scalar() is None:
        return (conn.exec_driver_sql("SELECT pg_current_wal_lsn()::text").scalar(),)
    tables = "ARRAY[" + ", ".join(f"'{t}'" for t in WRITE_MARKED) + "]"
    ours = "relnamespace = current_schema()::regnamespace"
    # the triggers' and their function's catalog rows: disabled (or dropped, or emptied) and
    # put back in the transaction of a write, they count nothing and look as before
    count, armed, triggers, writing, shapes = conn.exec_driver_sql(
        f"SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {WRITE_MARK}), "
        "(SELECT count(*) FROM pg_trigger t JOIN "
        f"pg_class c ON c.oid = t.tgrelid WHERE t.tgname = '{WRITE_MARK}' AND t.tgenabled = 'A' "
        f"AND c.{ours}), (SELECT string_agg(t.oid::text || '.' || t.xmin::text, ',' ORDER BY "
        f"t.oid) FROM pg_trigger t WHERE t.tgname = '{WRITE_MARK}') || '/' || (SELECT "
        "coalesce(string_agg(p.oid::text || '.' || p.xmin::text, ','), '') FROM pg_proc p WHERE "
        f"p.proname = '{WRITE_MARK}'), (SELECT coalesce(string_agg(backend_xid::text, ',' ORDER BY "
        "backend_xid::text), '') FROM pg_stat_activity WHERE datname = current_database() AND "
        "backend_xid IS NOT NULL), (SELECT string_agg(c.oid::text || '.' || c.xmin::text || '.' "
        "|| (SELECT max(a.xmin::text::bigint) FROM pg_attribute a WHERE a.attrelid = c.oid), "
        f"',' ORDER BY c.oid) FROM pg_class c WHERE c.{ours} AND c.relname = ANY({tables}))"
    ).one()
    if armed != len(WRITE_MARKED):  # a write no trigger counts would leave the mark as it was
        return None
    return (int(count), triggers, writing, shapes)  # shapes: the tables' rows, moved by DDL


@enum.unique
class Lock(enum.IntEnum):
    """The locks of `take_turns` and `Database.only_one`: one kind each, so no two share one.

    32-bit values, in PostgreSQL's two-key space of advisory locks (the log's sequencer has
    its one-key lock apart, `hito.store.audit`).
    """

    FORECAST_QUOTA = 0x68_69_74_71  # a forecast start counts the active ones
    REFRESH = 0x68_69_74_72  # the server's refresh of the calibrated forecast
    SUBSCRIPTIONS = 0x68_69_74_73  # an owner's adds count their subscriptions
    LOG_CHECK = 0x68_69_74_76  # the server's check of its log


class Database:
    """An engine and its session factory; `session()` commits on success, rolls back on error."""

    def __init__(
        self, url: str, *, pool_size: int = 20, max_overflow: int = 30, create: bool = True
    ):
        self.url = normalize_url(url)
        self.engine = make_engine(
            self.url, pool_size=pool_size, max_overflow=max_overflow, create=create
        )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = threading.RLock()
        self.secret: ServiceSecret | None = None  # given by `use_key`; never stored in it
        self.key_id: str | None = None  # the id of the key it came from (public)

    def use_key(self, key: LogKey) -> Database:
        """Give the sessions the secret derived from the log's private key (`hito.store.logsecret`).

        Writing a log entry or a token needs it; without it they raise HitoError.
        """
        from hito.store.logsecret import ServiceSecret

        self.secret = ServiceSecret.of(key)
        self.key_id = key.key_id
        return self

    @classmethod
    def from_settings(cls, settings: Settings, *, create: bool = True) -> Database:
        """The database the settings point to, with the settings' connection pool."""
        return cls(
            settings.resolved_database_url(),
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            create=create,
        )

    @contextmanager
    def only_one(self, kind: Lock) -> Iterator[bool]:
        """Whether this is the only holder of the lock `kind` on this database.

        For work one process at a time across the server's worker processes: True while
        held, False when another holds it (nothing waits). Released when the block ends, or
        when the holding process dies: on PostgreSQL a session advisory lock on a connection
        of its own; on an SQLite file an exclusive `flock` on a file beside it
        (`FILE.lock-refresh`); an in-memory SQLite database has one process.
        """
        if self.dialect == "postgresql":
            with self.engine.connect() as conn:
                args = {"a": int(kind), "b": 0}
                got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:a, :b)"), args).scalar())
                conn.commit()
                try:
                    yield got
                finally:
                    if got:
                        try:
                            conn.execute(text("SELECT pg_advisory_unlock(:a, :b)"), args)
                            conn.commit()
                        except Exception:
                            conn.invalidate()  # closed, not pooled: the server drops the lock
                            raise
            return
        path = make_url(self.url).database
        if ":memory:" in self.url or not path or path.startswith("file:"):
            yield True
            return
        import fcntl

        fd = os.open(f"{path}.lock-{kind.name.lower()}", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            got = True
        except BlockingIOError:
            got = False
        try:
            yield got
        finally:
            os.close(fd)  # the lock goes with the file's last descriptor

    def write_mark(self) -> tuple[object, ...] | None:
        """A value that differs once anything was written to the database (None: cannot tell).

        PostgreSQL: the count of writing statements on the tables the log check reads
        (`WRITE_MARKED`, since 0012) and this database's transactions in progress that have
        written (one counted but not yet committed changes the mark when it ends) and the
        versions of those tables' and of the count's triggers' catalog rows (DDL; a trigger
        disabled around a write), not the server's WAL position, which
        every other database on the server moves; None when a trigger of the count was
        disabled or dropped. Before 0012: the WAL position. An
        SQLite file: the size and time of the file and its WAL; an SQLite memory database
        (one connection): its count of changed rows and its schema version.
        """
        if self.dialect == "postgresql":
            try:
                with self.engine.connect() as conn:
                    return _pg_write_mark(conn)
            except DBAPIError:  # a standby in recovery has no WAL position of its own
                return None
        path = make_url(self.url).database
        if ":memory:" in self.url or not path:  # one shared connection counts every change
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT total_changes()").scalar()
                return (rows, conn.exec_driver_sql("PRAGMA schema_version").scalar())
        if path.startswith("file:"):
            return None
        stats: list[tuple[int, int, int] | None] = []
        for name in (path, path + "-wal"):
            try:
                st = os.stat(name)
            except OSError:
                stats.append(None)
            else:
                stats.append((st.st_size, st.st_mtime_ns, st.st_ino))
        return tuple(stats)

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
            self._give_secret(session)
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
            self._give_secret(session)
            yield session

    def _give_secret(self, session: Session) -> None:
        from hito.store.logsecret import SESSION_INFO

        if self.secret is not None:
            session.info[SESSION_INFO] = self.secret

    def _writer(self, readonly: bool) -> Any:
        """SQLite: writers of this process queue on a lock instead of SQLite's sleeping retries."""
        if readonly or self.dialect != "sqlite":
            return nullcontext()
        return self._write_lock

    def reachable(self) -> Database:
        """The database itself once a connection to it opens; else InputError saying why not."""
        try:
            with self.engine.connect():
                pass
        except DBAPIError as exc:
            why = str(exc.orig or exc).strip().splitlines()
            raise InputError(
                Problem(
                    "database %(url)s: cannot connect (%(reason)s); expected a database hito "
                    "can reach and open",
                    url=self.engine.url.render_as_string(hide_password=True),
                    reason=why[0] if why else type(exc.orig).__name__,
                )
            ) from None
        return self

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def take_turns(session: Session, kind: Lock, which: int = 0) -> None:
    """Hold, until `session`'s transaction ends, the lock `kind` of `which` (a 32-bit integer).

    For a count then a write (a quota): two transactions at once, each counting below the
    limit, would both write. On PostgreSQL (READ COMMITTED) a transaction advisory lock makes
    the second wait for the first to commit and count again; SQLite's writers already take
    turns (`Database.session`).
    """
    if session.connection().dialect.name == "postgresql":
        args = {"a": int(kind), "b": which}
        session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), args)
