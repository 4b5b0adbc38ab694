"""Which log key a database is keyed with, before its first signed head says so.

The entries waiting to be signed, the password bindings, the sealed webhook secrets and the
MACs of queued deliveries are keyed with the log key's secret from the first write on, but
only a signed head names the key (`hito.store.audit.log_signer`), and heads are signed by
the server's sequencer. Until then a process given another key file (a mistake, or a worker
started elsewhere) would key what it wrote with it, and the service's later work would fail
or be refused. So the id of the key a database is first written with is recorded (table
`log_key`, since migration 0010), and every process that writes is checked against it as
against a head's signer. A database written before 0010 and never signed has no record:
its keyed rows are tried with the key instead (`unopened`), and the key is recorded when
they open. The database is not trusted against tampering here: this catches a wrong key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, String, Table, column, insert, inspect, select, table
from sqlalchemy.exc import IntegrityError

from hito.errors import HitoError, InputError, Plural, Problem
from hito.store import audit
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.logkey import LogKey, other_key
from hito.store.logsecret import SEALED, ServiceSecret
from hito.store.models import LogKeyRecord, LogPending, Subscription, User

SAMPLE = 100  # rows of each kind tried: a wrong key opens none of them
_RECORD: Table = LogKeyRecord.__table__  # type: ignore[assignment]  # mapped classes hold a Table
_PENDING: Table = LogPending.__table__  # type: ignore[assignment]
_USERS: Table = User.__table__  # type: ignore[assignment]
_SUBS: Table = Subscription.__table__  # type: ignore[assignment]


def unopened(conn: Any, secret: ServiceSecret) -> Problem | None:
    """What of the database's keyed rows the secret opens none of (None: all kinds open).

    Only the tables and columns the database's revision has are read. Each kind is tried on
    its first SAMPLE rows and fails only when none opens: one row forged or copied by SQL
    does not open with the right key either, and is the log check's and the worker's to find.
    """
    tables = set(inspect(conn).get_table_names())

    def has(table: str, column: str) -> bool:
        return table in tables and column in {c["name"] for c in inspect(conn).get_columns(table)}

    if has("user_account", "password_mac"):
        rows = conn.execute(
            select(_USERS.c.id, _USERS.c.password_hash, _USERS.c.password_mac)
            .where(_USERS.c.password_mac.is_not(None))
            .order_by(_USERS.c.id)
            .limit(SAMPLE)
        ).all()
        if rows and not any(secret.password_bound(r[0], str(r[1]), r[2]) for r in rows):
            return Problem("the users' password bindings")
    if has("log_pending", "mac"):
        rows = conn.execute(
            select(*(_PENDING.c[f] for f in audit.ENTRY_FIELDS), _PENDING.c.mac)
            .where(_PENDING.c.mac.is_not(None))
            .order_by(_PENDING.c.id)
            .limit(SAMPLE)
        ).all()
        if rows and not any(secret.entry_ok(audit.entry_bytes(r), r.mac) for r in rows):
            return Problem("the log's entries waiting to be signed")
    if "subscription" in tables:
        rows = conn.execute(
            select(_SUBS.c.id, _SUBS.c.secret)
            .where(_SUBS.c.secret.startswith(SEALED))
            .order_by(_SUBS.c.id)
            .limit(SAMPLE)
        ).all()
        if rows and all(secret.unseal(r[1], r[0]) is None for r in rows):
            return Problem("the sealed webhook signing secrets")
    return None


def check_migration_key(conn: Any, revision: str, config: Any) -> ServiceSecret | None:
    """The secret a migration was given; HitoError when the database's rows are another key's.

    A migration that keys or unseals rows (0008, 0009, 0010, 0011) would otherwise do it with
    a key given by mistake (or leave them as they were, silently); it refuses before it
    changes anything, naming the key the database records when it records one.
    """
    secret = config.attributes.get("hito_secret") if config is not None else None
    if secret is None:
        return None
    assert isinstance(secret, ServiceSecret)
    what = unopened(conn, secret)
    if what is None:
        return secret
    said = {"revision": revision, "got": config.attributes.get("hito_key_id"), "what": what}
    expected = _expected(conn)
    if expected is None:
        raise HitoError(
            Problem(
                "migration %(revision)s: the log key this process was given (%(got)s) does not "
                "open %(what)s in this database, keyed with another key whose id the database "
                "does not record: run it with HITO_LOG_KEY_FILE set to the key file the server "
                "signs with; nothing was changed",
                **said,
            )
        )
    raise HitoError(
        Problem(
            "migration %(revision)s: the log key this process was given (%(got)s) does not open "
            "%(what)s in this database, keyed with key %(expected)s: run it with "
            "HITO_LOG_KEY_FILE set to the key file the server signs with; nothing was changed",
            expected=expected,
            **said,
        )
    )


def queue_keyed(
    conn: Any, revision: str, config: Any, rows: list[dict[str, Any]], refusal: Plural
) -> None:
    """Queue a migration's log entries, keyed with the secret it was given (`refusal`: none).

    Each row is an entry's fields (`audit.ENTRY_FIELDS`) of its own resource (no two alike: a
    replay, to the sequencer), `at` in UTC; the sequencer signs them at the next head.
    """
    secret = check_migration_key(conn, revision, config)
    if secret is None:
        raise HitoError(refusal)
    for row in rows:
        row["mac"] = secret.entry_mac(audit.entry_bytes(row))
        row["at"] = row["at"].replace(tzinfo=None)  # stored as naive UTC
    pending = table(  # the columns as of 0011 (not the model's, which may grow later)
        "log_pending",
        *(
            column(c, String())
            for c in ("actor", "action", "resource", "before_digest", "after_digest", "note", "mac")
        ),
        column("at", DateTime()),
    )
    conn.execute(insert(pending), rows)


def _expected(conn: Any) -> str | None:
    """The key the newest stored head names, else the one recorded (None: neither)."""
    tables = set(inspect(conn).get_table_names())
    if "log_head" in tables:
        heads = audit._HEADS  # noqa: SLF001
        signer = conn.execute(
            select(heads.c.key_id).order_by(heads.c.tree_size.desc()).limit(1)
        ).scalar()
        if signer:
            return str(signer)
    if "log_key" in tables:
        recorded = conn.execute(select(_RECORD.c.key_id).where(_RECORD.c.id == 1)).scalar()
        return str(recorded) if recorded else None
    return None


def claim(db: Database, key: LogKey, path: Path) -> None:
    """Check a writing process's key against the database's, and record it when none is.

    InputError naming the file and the expected key id when the log's heads or the record
    name another key; when neither does, when the database's keyed rows do not open with it.
    Run by each process that writes (the CLI, the server) before it migrates; on a database
    before 0010 it records nothing (there is no table yet): 0010 records the key it is given.
    """
    signer = audit.log_signer(db)
    if signer is not None:
        if signer != key.key_id:
            raise other_key(path, got=key.key_id, expected=signer)
        return
    secret = ServiceSecret.of(key)
    try:
        with db.session() as session:
            conn = session.connection()
            what = unopened(conn, secret)
            if what is not None:
                raise InputError(
                    Problem(
                        "%(path)s holds log key %(got)s, which does not open %(what)s in this "
                        "database: they were keyed with another key, whose id the database did "
                        "not record; give HITO_LOG_KEY_FILE the key file the server signs with",
                        path=path,
                        got=key.key_id,
                        what=what,
                    )
                )
            if "log_key" in set(inspect(conn).get_table_names()):
                conn.execute(insert(_RECORD).values(id=1, key_id=key.key_id, recorded_at=utcnow()))
    except IntegrityError:  # another process recorded its key meanwhile
        pass
    signer = audit.log_signer(db)
    if signer is not None and signer != key.key_id:
        raise other_key(path, got=key.key_id, expected=signer)
