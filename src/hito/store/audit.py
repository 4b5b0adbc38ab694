"""The audit log: every write appends an entry hash-chained to the previous one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Table, bindparam, func, insert, select, text
from sqlalchemy.orm import Session

from hito.store.coltypes import utcnow
from hito.store.models import AuditEntry

GENESIS = "0" * 64
_LOCK_KEY = 0x68_69_74_6F  # "hito": the advisory lock that serializes writers on PostgreSQL


def lock_writes(session: Session) -> None:
    """Serialize writers until the transaction ends, so the chain never forks.

    SQLite transactions already begin IMMEDIATE (one writer at a time); PostgreSQL takes a
    transaction-scoped advisory lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


def digest(value: Any) -> str | None:
    """SHA-256 of a value's canonical JSON (None stays None)."""
    if value is None:
        return None
    raw = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def entry_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    resource: str,
    before_digest: str | None,
    after_digest: str | None,
    prev_hash: str,
) -> str:
    """The hash of one entry: its fields and the previous entry's hash."""
    fields = [
        str(seq),
        at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        actor,
        action,
        resource,
        before_digest or "",
        after_digest or "",
        prev_hash,
    ]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    resource: str,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry (the caller holds `lock_writes`); returns it, stored.

    Core statements instead of the unit of work: this runs while writers are serialized, so
    it must stay short. PostgreSQL reads the head and computes the hash in the INSERT itself
    (one round trip; `entry_hash` in SQL); elsewhere the head is read first.
    """
    session.flush()  # rows the caller changed are written before their audit entry
    conn = session.connection()
    at = utcnow()
    values: dict[str, Any] = dict(
        at=at,
        actor=actor,
        action=action,
        resource=resource,
        before_digest=digest(before),
        after_digest=digest(after),
    )
    if conn.dialect.name == "postgresql":
        seq, prev, hash_ = conn.execute(_PG_APPEND, _pg_params(values)).one()
        return AuditEntry(seq=seq, prev_hash=prev, hash=hash_, **values)
    last = conn.execute(
        select(_ENTRIES.c.seq, _ENTRIES.c.hash).order_by(_ENTRIES.c.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    values.update(seq=seq, prev_hash=prev)
    values["hash"] = entry_hash(**values)
    conn.execute(insert(_ENTRIES).values(**values))
    return AuditEntry(**values)


# the next entry after the head, hashed in SQL exactly as `entry_hash` does (PostgreSQL)
_PG_APPEND = text(
    """
    INSERT INTO audit_entry
        (seq, at, actor, action, resource, before_digest, after_digest, prev_hash, hash)
    SELECT head.seq, :at, :actor, :action, :resource, :before_digest, :after_digest, head.prev,
        encode(sha256(convert_to(concat_ws(chr(31), head.seq::text, :at_text, :actor,
            :action, :resource, coalesce(:before_digest, ''), coalesce(:after_digest, ''),
            head.prev), 'UTF8')), 'hex')
    FROM (SELECT coalesce(max(seq), 0) + 1 AS seq,
                 coalesce((SELECT hash FROM audit_entry ORDER BY seq DESC LIMIT 1), :genesis)
                     AS prev
          FROM audit_entry) AS head
    RETURNING seq, prev_hash, hash
    """
).bindparams(
    bindparam("at", type_=AuditEntry.__table__.c.at.type),
    *(bindparam(n, type_=String()) for n in ("at_text", "actor", "action", "resource")),
    *(bindparam(n, type_=String()) for n in ("before_digest", "after_digest", "genesis")),
)


def _pg_params(values: dict[str, Any]) -> dict[str, Any]:
    """The parameters of `_PG_APPEND` for an entry's values."""
    at_text = values["at"].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"at_text": at_text, "genesis": GENESIS, **values}


_ENTRIES: Table = AuditEntry.__table__  # type: ignore[assignment]  # mapped classes hold a Table


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain: how many entries, and the first broken one."""

    ok: bool
    entries: int
    head: str
    first_bad_seq: int | None = None
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": self.head,
            "first_bad_seq": self.first_bad_seq,
            "problem": self.problem,
        }


def verify(session: Session, *, batch: int = 5000) -> Verification:
    """Walk the chain in order and recompute every hash; stop at the first break."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.seq > last_seq)
            .order_by(AuditEntry.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for e in rows:
            if e.seq != expected_seq:
                return Verification(
                    False, count, prev, e.seq, f"entry {expected_seq} is missing (next is {e.seq})"
                )
            if e.prev_hash != prev:
                return Verification(
                    False, count, prev, e.seq, f"entry {e.seq} does not link to entry {e.seq - 1}"
                )
            h = entry_hash(
                seq=e.seq,
                at=e.at,
                actor=e.actor,
                action=e.action,
                resource=e.resource,
                before_digest=e.before_digest,
                after_digest=e.after_digest,
                prev_hash=e.prev_hash,
            )
            if h != e.hash:
                return Verification(
                    False,
                    count,
                    prev,
                    e.seq,
                    f"entry {e.seq} was altered (its hash does not match)",
                )
            prev = e.hash
            expected_seq += 1
            count += 1
            last_seq = e.seq
    return Verification(True, count, prev)


def count(session: Session) -> int:
    """Number of entries in the log."""
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def entries(
    session: Session, *, offset: int = 0, limit: int = 100, resource: str | None = None
) -> tuple[list[AuditEntry], int]:
    """A page of entries, newest first, with the total count."""
    q = select(AuditEntry)
    cq = select(func.count()).select_from(AuditEntry)
    if resource:
        q = q.where(AuditEntry.resource.startswith(resource))
        cq = cq.where(AuditEntry.resource.startswith(resource))
    rows = session.scalars(q.order_by(AuditEntry.seq.desc()).offset(offset).limit(limit)).all()
    return list(rows), int(session.scalar(cq) or 0)
