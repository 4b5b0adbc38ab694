"""Reading the log: its entries, its leaves and their proofs, and what the sequencer refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import Session

from hito.store import merkle
from hito.store.models import LogLeaf, LogPending, LogRejected

_PENDING: Table = LogPending.__table__  # type: ignore[assignment]  # mapped classes hold a Table
_LEAVES: Table = LogLeaf.__table__  # type: ignore[assignment]


def rejected(session: Session) -> list[LogRejected]:
    """The pending entries the sequencer refused, oldest first."""
    return list(session.scalars(select(LogRejected).order_by(LogRejected.id)))


def pending_count(session: Session) -> int:
    """Entries written but not yet sequenced."""
    return int(session.scalar(select(func.count()).select_from(_PENDING)) or 0)


def leaf_hashes(session: Session, size: int, *, batch: int = 50_000) -> list[bytes]:
    """The stored leaf hashes of the first `size` leaves, in order."""
    out: list[bytes] = []
    while len(out) < size:
        rows = session.execute(
            select(_LEAVES.c.leaf_hash)
            .where(_LEAVES.c.idx >= len(out), _LEAVES.c.idx < size)
            .order_by(_LEAVES.c.idx)
            .limit(batch)
        ).scalars()
        got = [bytes.fromhex(h) for h in rows]
        if not got:
            break
        out.extend(got)
    return out


def inclusion(session: Session, *, index: int, tree_size: int) -> list[bytes]:
    """The inclusion proof of leaf `index` in the tree of `tree_size` leaves."""
    return merkle.inclusion_proof(index, leaf_hashes(session, tree_size))


def consistency(session: Session, *, first: int, second: int) -> list[bytes]:
    """The consistency proof between the trees of `first` and `second` leaves."""
    return merkle.consistency_proof(first, leaf_hashes(session, second))


def get_leaf(session: Session, index: int) -> LogLeaf | None:
    """One sequenced entry."""
    return session.get(LogLeaf, index)


class Entry(BaseModel):
    """An entry as listed: `index` and `leaf_hash` are None while it waits to be sequenced."""

    model_config = ConfigDict(frozen=True)

    index: int | None
    at: dt.datetime
    actor: str
    action: str
    resource: str
    before_digest: str | None
    after_digest: str | None
    note: str
    leaf_hash: str | None


def entries(
    session: Session,
    *,
    offset: int = 0,
    limit: int = 100,
    resource: str | None = None,
    actions: Sequence[str] = (),
    exact: bool = False,
    before: int | None = None,
) -> tuple[list[Entry], int]:
    """A page of entries, newest first (those waiting to be sequenced first), and the total.

    `resource`: of resources beginning so only (`exact`: of that resource only); `actions`:
    of actions beginning so only. `before`: only sequenced entries, of index below it (the
    page after the one whose last entry had that index; the total is still of all entries).
    Read it in one snapshot (`Database.session(snapshot=True)`): otherwise entries that
    the sequencer moves between its statements are listed twice (waiting, then as leaves);
    on PostgreSQL a read in another transaction is refused (RuntimeError), not left to chance.
    """
    _require_snapshot(session)
    pq = select(LogPending)
    lq = select(LogLeaf)
    if resource and exact:
        pq = pq.where(LogPending.resource == resource)
        lq = lq.where(LogLeaf.resource == resource)
    elif resource:
        pq = pq.where(LogPending.resource.startswith(resource))
        lq = lq.where(LogLeaf.resource.startswith(resource))
    if actions:
        pq = pq.where(or_(*(LogPending.action.startswith(a) for a in actions)))
        lq = lq.where(or_(*(LogLeaf.action.startswith(a) for a in actions)))
    n_pending, n_leaves = session.execute(  # one statement: one snapshot
        select(
            select(func.count()).select_from(pq.subquery()).scalar_subquery(),
            select(func.count()).select_from(lq.subquery()).scalar_subquery(),
        )
    ).one()
    out: list[Entry] = []
    listed_pending = n_pending  # entries waiting to be sequenced come first, on the first page
    if before is not None:
        lq, listed_pending = lq.where(LogLeaf.idx < before), 0
    if offset < listed_pending:
        for p in session.scalars(pq.order_by(LogPending.id.desc()).offset(offset).limit(limit)):
            out.append(
                Entry(
                    index=None,
                    at=p.at,
                    actor=p.actor,
                    action=p.action,
                    resource=p.resource,
                    before_digest=p.before_digest,
                    after_digest=p.after_digest,
                    note=p.note,
                    leaf_hash=None,
                )
            )
    rest = limit - len(out)
    if rest > 0:
        start = max(0, offset - listed_pending)
        for e in session.scalars(lq.order_by(LogLeaf.idx.desc()).offset(start).limit(rest)):
            out.append(
                Entry(
                    index=e.idx,
                    at=e.at,
                    actor=e.actor,
                    action=e.action,
                    resource=e.resource,
                    before_digest=e.before_digest,
                    after_digest=e.after_digest,
                    note=e.note,
                    leaf_hash=e.leaf_hash,
                )
            )
    return out, n_pending + n_leaves


def tree_size(session: Session) -> int:
    """How many entries are sequenced (the index the next one will get)."""
    last = session.scalar(select(func.max(_LEAVES.c.idx)))
    return 0 if last is None else int(last) + 1


def next_before(session: Session, page: Sequence[Entry], limit: int) -> int | None:
    """Where the page after `page` starts (`entries(before=…)`); None: `page` is the last.

    The index of its last entry; after an entry still waiting, the number sequenced at the
    read: the waiting entries the page left out are newer than every one of them, and are
    listed again, sequenced, on a new first page.
    """
    if len(page) < limit:
        return None
    last = page[-1].index
    if last is None:
        return tree_size(session) or None
    return last or None


def _require_snapshot(session: Session) -> None:
    """RuntimeError unless the session reads one snapshot (a caller's mistake).

    A SQLite transaction always does; on PostgreSQL, a session opened with
    `Database.session(snapshot=True)` (REPEATABLE READ, an option of its connection: no
    round trip), not one at READ COMMITTED, where each statement sees the commits before it.
    """
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    if conn.get_execution_options().get("isolation_level") not in (
        "REPEATABLE READ",
        "SERIALIZABLE",
    ):
        raise RuntimeError(
            "the log's entries were read outside one snapshot: read them with "
            "Database.session(snapshot=True), or entries moving meanwhile are listed twice"
        )


def count(session: Session) -> int:
    """Number of entries in the log (sequenced or waiting), read in one statement.

    One statement sees one snapshot: a sequencer moving entries meanwhile is not counted
    twice or missed (two statements would be, under READ COMMITTED).
    """
    leaves = select(func.count()).select_from(_LEAVES).scalar_subquery()
    pending = select(func.count()).select_from(_PENDING).scalar_subquery()
    return int(session.scalar(select(leaves + pending)) or 0)


def all_leaves(session: Session, *, batch: int = 20_000) -> Iterator[LogLeaf]:
    """Every sequenced entry in index order (read in batches)."""
    last = -1
    while True:
        rows = session.scalars(
            select(LogLeaf).where(LogLeaf.idx > last).order_by(LogLeaf.idx).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].idx
