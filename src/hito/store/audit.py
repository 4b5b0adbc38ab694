"""The transparency log: every change is an entry of an append-only Merkle tree (RFC 9162).

A write adds its entry to `log_pending` inside its own transaction, with no lock shared
by other writers. The sequencer (`sequence`, run by a background thread of each server
process and before a head is published) moves the pending entries, in batches, to leaves
`log_leaf` of the tree, and signs the new tree head with the log's Ed25519 key
(`hito.store.logkey`); only one sequencer runs at a time (PostgreSQL: a transaction
advisory lock taken with `pg_try_advisory_xact_lock`, so a second one skips instead of
waiting; SQLite: its single writer). Each country keeps the signed heads it has seen
and checks them with `hito.store.logcheck`; the log is read with `hito.store.logread`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.orm import Session

from hito.store import bulk, logsecret, merkle
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.logkey import LogKey, SignedHead
from hito.store.logrows import digest
from hito.store.models import LogHead, LogKeyRecord, LogLeaf, LogPending, LogRejected

log = logging.getLogger(__name__)
_SEQUENCER_KEY = 0x68_69_74_6F  # "hito": only one sequencer at a time on PostgreSQL
_PENDING: Table = LogPending.__table__  # type: ignore[assignment]  # mapped classes hold a Table
_LEAVES: Table = LogLeaf.__table__  # type: ignore[assignment]
_HEADS: Table = LogHead.__table__  # type: ignore[assignment]
_REJECTED: Table = LogRejected.__table__  # type: ignore[assignment]
REJECTED = "log.rejected"  # the action of the entry saying a pending entry was refused
ENTRY_FIELDS = ("at", "actor", "action", "resource", "before_digest", "after_digest", "note")


_CLOCK = threading.Lock()
_last_at = dt.datetime.min.replace(tzinfo=dt.UTC)


def entry_time() -> dt.datetime:
    """Now, but later than every entry time this process gave before (by 1 µs at least).

    Two entries of the same change made in the same microsecond would otherwise have the same
    bytes, and the sequencer refuses an entry whose leaf the tree holds (a replay): a genuine
    entry must never look like one. Across processes, two entries alike in every field and
    in the same microsecond remain possible, not likely.
    """
    global _last_at
    with _CLOCK:
        now = max(utcnow(), _last_at + dt.timedelta(microseconds=1))
        _last_at = now
        return now


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    resource: str,
    before: Any = None,
    after: Any = None,
    note: str = "",
) -> None:
    """Add an entry for a change, in the change's transaction (sequenced into the tree later).

    `before` and `after` are the resource's state (plain data) before and after the change;
    the entry keeps their SHA-256 (`hito.store.logrows.digest`), never the data.
    """
    session.flush()  # the rows the caller changed are written before their entry
    session.connection().execute(
        insert(_PENDING).values(
            _pending_row(
                session,
                at=entry_time(),
                actor=actor,
                action=action,
                resource=resource,
                before=before,
                after=after,
                note=note,
            )
        )
    )


def append_many(session: Session, entries: Sequence[Mapping[str, Any]]) -> None:
    """Add several entries in one statement, each given as the keywords of `append`."""
    if not entries:
        return
    session.flush()
    rows = [
        _pending_row(
            session,
            at=entry_time(),
            actor=e["actor"],
            action=e["action"],
            resource=e["resource"],
            before=e.get("before"),
            after=e.get("after"),
            note=e.get("note", ""),
        )
        for e in entries
    ]
    bulk.insert_returning(session.connection(), _PENDING, rows, ())


def _pending_row(
    session: Session,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    resource: str,
    before: Any,
    after: Any,
    note: str,
) -> dict[str, Any]:
    """The row of a pending entry with its MAC (the service's secret: none, no entry).

    A private entry's note (`hito.store.logview.shared`: one the other country is shown
    withheld) ends with a random salt, so that its leaf hash cannot be found by trying names.
    """
    from hito.store.logview import shared

    secret = logsecret.of_session(session)
    if not shared(action):  # shown withheld to the other country: its leaf not to be guessed
        note = f"{note[:460]} salt:{secrets.token_hex(16)}".lstrip()
    row: dict[str, Any] = {
        "at": at,
        "actor": actor,
        "action": action,
        "resource": resource,
        "before_digest": digest(before),
        "after_digest": digest(after),
        "note": note[:500],
    }
    row["mac"] = secret.entry_mac(entry_bytes(row))
    return row


def entry_bytes(entry: Any) -> bytes:
    """The bytes of an entry that its leaf hash covers (canonical JSON of its fields)."""
    at = entry.at if not isinstance(entry, dict) else entry["at"]
    values = {f: (entry[f] if isinstance(entry, dict) else getattr(entry, f)) for f in ENTRY_FIELDS}
    values["at"] = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(values, sort_keys=True, separators=(",", ":")).encode()


def _head(row: Any) -> SignedHead:
    return SignedHead(
        int(row.tree_size), row.root_hash, int(row.timestamp), row.key_id, row.signature
    )


def latest_head(session: Session) -> SignedHead | None:
    """The newest signed tree head stored (None before the first)."""
    row = session.execute(select(_HEADS).order_by(_HEADS.c.tree_size.desc()).limit(1)).first()
    return _head(row) if row is not None else None


def log_signer(db: Database) -> str | None:
    """The id of the log's key: the newest head's signer, else the key recorded (`logclaim`).

    None: no head and no key recorded, or no log yet.
    """
    from sqlalchemy.exc import DBAPIError

    try:
        with db.session(readonly=True) as session:
            head = latest_head(session)
    except DBAPIError:  # a database before the log's revision, or none yet
        return None
    if head is not None:
        return head.key_id
    try:
        with db.session(readonly=True) as session:
            return session.scalar(select(LogKeyRecord.key_id).where(LogKeyRecord.id == 1))
    except DBAPIError:  # a database before 0010: no key recorded
        return None


def head_at(session: Session, tree_size: int) -> SignedHead | None:
    """The stored head of a tree size, if one was signed."""
    row = session.execute(select(_HEADS).where(_HEADS.c.tree_size == tree_size)).first()
    return _head(row) if row is not None else None


def sequence(
    db: Database, key: LogKey, *, batch: int = 20_000, wait: bool = False
) -> SignedHead | None:
    """Sequence pending entries into the tree and sign the new head; returns the latest head.

    None when another sequencer holds the lock (PostgreSQL) and `wait` is false: the
    pending entries stay for it. With `wait`, wait for it to finish, then sequence.
    """
    with db.session() as session:
        conn = session.connection()
        if not _sequencer_lock(conn, wait=wait):
            return None
        last = conn.execute(select(_HEADS).order_by(_HEADS.c.tree_size.desc()).limit(1)).first()
        if last is not None and conn.execute(select(_PENDING.c.id).limit(1)).first() is None:
            return _head(last)  # nothing to do, and no statement that writes (`write_mark`)
        # take exactly the rows deleted: a writer committing meanwhile keeps its entry pending
        first = select(_PENDING.c.id).order_by(_PENDING.c.id).limit(batch).scalar_subquery()
        taken = delete(_PENDING).where(_PENDING.c.id.in_(first)).returning(*_PENDING.c)
        pending = sorted(conn.execute(taken).all(), key=lambda p: p.id)
        if last is not None and not pending:
            return _head(last)
        frontier = (
            merkle.Frontier.from_hex(int(last.tree_size), last.frontier)
            if last is not None
            else merkle.Frontier()
        )
        secret = logsecret.ServiceSecret.of(key)
        datas = [entry_bytes(p) for p in pending]
        hashes = [merkle.leaf_hash(d) for d in datas]
        signed = _signed_already(conn, [h.hex() for h in hashes])
        leaves: list[dict[str, Any]] = []
        refused: list[dict[str, Any]] = []
        for p, data, h in zip(pending, datas, hashes, strict=True):
            fields = {f: getattr(p, f) for f in ENTRY_FIELDS}
            why = "no valid MAC" if not secret.entry_ok(data, p.mac) else ""
            if not why and h.hex() in signed:
                why = "a signed entry replayed"
            if why:
                fields = _refuse(p, data, why, frontier.size, refused)
                h = merkle.leaf_hash(entry_bytes(fields))
            signed.add(h.hex())
            leaves.append({"idx": frontier.size, "leaf_hash": h.hex(), **fields})
            frontier.append(h)
        if leaves:
            conn.execute(insert(_LEAVES), leaves)
        if refused:
            conn.execute(insert(_REJECTED), refused)
        head = key.sign(
            tree_size=frontier.size,
            root_hash=frontier.root().hex(),
            timestamp=int(time.time() * 1000),
        )
        conn.execute(
            insert(_HEADS).values(
                tree_size=head.tree_size,
                root_hash=head.root_hash,
                timestamp=head.timestamp,
                key_id=head.key_id,
                signature=head.signature,
                frontier=frontier.to_hex(),
            )
        )
        return head


def _sequencer_lock(conn: Any, *, wait: bool) -> bool:
    """Take the sequencer's lock for this transaction (PostgreSQL); False: another holds it."""
    if conn.dialect.name != "postgresql":
        return True  # SQLite: its single writer
    if wait:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEQUENCER_KEY})
        return True
    got = conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _SEQUENCER_KEY})
    return bool(got.scalar())


def _signed_already(conn: Any, hashes: list[str]) -> set[str]:
    """Which of these leaf hashes the tree holds already (a pending entry replayed)."""
    found: set[str] = set()
    for i in range(0, len(hashes), 1000):
        chunk = hashes[i : i + 1000]
        found.update(
            conn.execute(select(_LEAVES.c.leaf_hash).where(_LEAVES.c.leaf_hash.in_(chunk)))
            .scalars()
            .all()
        )
    return found


def _refuse(
    p: Any, data: bytes, why: str, idx: int, refused: list[dict[str, Any]]
) -> dict[str, Any]:
    """Keep a refused pending entry aside; the fields of the entry that says so.

    `why`: its MAC is wrong or missing (written by someone without the service's secret,
    with plain SQL into `log_pending`), or it is a signed entry queued again with the MAC
    it had (a replay). It is not signed. The `log.rejected` entry, signed in its place,
    carries the SHA-256 of the refused entry's bytes and says what it claimed.
    """
    entry_digest = hashlib.sha256(data).hexdigest()
    now = utcnow()
    log.warning(
        "transparency log: pending entry %s (%r %r by %r) refused (%s): not signed, kept in "
        "log_rejected; the database was written without the service",
        p.id,
        p.action,
        p.resource,
        p.actor,
        why,
    )
    refused.append(
        {
            **{f: getattr(p, f) for f in ENTRY_FIELDS},
            "pending_id": p.id,
            "mac": p.mac,
            "entry_digest": entry_digest,
            "rejected_at": now,
            "leaf_idx": idx,
        }
    )
    return {
        "at": now,
        "actor": "system",
        "action": REJECTED,
        "resource": f"log_pending:{p.id}",
        "before_digest": None,
        "after_digest": entry_digest,
        "note": f"{why}: {p.action} {p.resource} by {p.actor}"[:500],
    }
