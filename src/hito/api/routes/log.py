"""The transparency log: signed tree heads, entries, inclusion and consistency proofs."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from hito.api.deps import ActorDep, DbDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import Limit, Offset
from hito.api.schemas.log import (
    Before,
    ConsistencyProof,
    InclusionProof,
    LogEntryList,
    LogEntryPublic,
    LogKeyPublic,
    ResourceFilter,
    SignedTreeHead,
)
from hito.errors import Problem
from hito.store import audit, logread, logview
from hito.store.actors import Actor
from hito.store.db import Database
from hito.store.errors import InvalidError, NotFoundError
from hito.store.logkey import LogKey

router = APIRouter(prefix="/log", tags=["log"], route_class=OnceKeyedRoute)
Index = Annotated[int, Path(ge=0, le=2**62)]
Size = Annotated[int, Query(ge=1, le=2**62)]


def publish(db: Database, key: LogKey) -> SignedTreeHead:
    """Sequence what is pending and answer the latest signed head (waiting for a busy sequencer).

    Nothing pending: the stored head is read without a write transaction (the endpoint is
    public and must not queue behind writers).
    """
    with db.session(readonly=True) as session:
        stored = audit.latest_head(session) if logread.pending_count(session) == 0 else None
    if stored is not None:
        return SignedTreeHead(**stored.__dict__)
    head = audit.sequence(db, key, wait=True)
    assert head is not None
    return SignedTreeHead(**head.__dict__)


@router.get("/head", response_model=SignedTreeHead)
async def head(request: Request, db: DbDep) -> SignedTreeHead:
    """The latest signed tree head (public: each country saves the heads it sees)."""
    return await asyncio.to_thread(publish, db, request.app.state.log_key)


@router.get("/key", response_model=LogKeyPublic)
def key(request: Request) -> LogKeyPublic:
    """The public key that signs the heads (keep it with the heads you save)."""
    k: LogKey = request.app.state.log_key
    return LogKeyPublic(key_id=k.key_id, public_key_pem=k.public_pem())


@router.get("/entries", response_model=LogEntryList)
def entries(
    actor: ActorDep,
    db: DbDep,
    resource: ResourceFilter = None,
    before: Before = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> LogEntryList:
    """Entries, newest first (those waiting to be sequenced first), optionally of one resource.

    Page with `before` (the `next_before` of the page before): it lists the sequenced entries
    below that index, each once though entries are appended meanwhile (an `offset` would
    repeat them); a signed head's `tree_size` as `before` reads exactly that tree's entries.

    Sign-ins, users, subscriptions and SMS numbers of the other country are withheld: their
    actor `—`, their resource `kind:?`, no note nor digests (`hito.store.logview`); the
    operator sees all. A `resource` naming one thing matches only the entries shown in full
    (one user or subscription of the reader's country exactly).
    """
    return entry_list(db, actor, resource, offset, limit, before)


def entry_list(
    db: Database,
    reader: Actor,
    resource: str | None,
    offset: int,
    limit: int,
    before: int | None = None,
) -> LogEntryList:
    """A page of the log's entries as `reader` is shown them (`logview`), newest first.

    Read in one snapshot: entries move from waiting to sequenced while read.
    """
    with db.session(readonly=True, snapshot=True) as session:
        asked = logview.search(session, reader, resource)  # the other's, withheld: not matched
        rows, n = logread.entries(session, offset=offset, limit=limit, before=before, **asked)
        shown = logview.for_reader(session, reader, rows)
        after = logread.next_before(session, shown, limit)
    return LogEntryList(
        data=[LogEntryPublic.model_validate(r) for r in shown], count=n, next_before=after
    )


@router.get("/entries/{index}", response_model=LogEntryPublic)
def entry(index: Index, actor: ActorDep, db: DbDep) -> LogEntryPublic:
    """One sequenced entry: its fields are what its leaf hash covers (withheld as in entries)."""
    with db.session(readonly=True) as session:
        row = logread.get_leaf(session, index)
        if row is None:
            raise NotFoundError(
                Problem(
                    "no entry %(index)s in the log (it has %(count)s)",
                    index=index,
                    count=logread.count(session),
                )
            )
        entry = logread.Entry(
            index=row.idx,
            at=row.at,
            actor=row.actor,
            action=row.action,
            resource=row.resource,
            before_digest=row.before_digest,
            after_digest=row.after_digest,
            note=row.note,
            leaf_hash=row.leaf_hash,
        )
        (shown,) = logview.for_reader(session, actor, [entry])
    return LogEntryPublic.model_validate(shown)


def _size(db: Database, wanted: int, name: str) -> None:
    with db.session(readonly=True) as session:
        latest = audit.latest_head(session)
    have = latest.tree_size if latest else 0
    if wanted > have:
        raise InvalidError.at(
            ["query", name],
            Problem(
                "got %(wanted)s, expected at most %(have)s (the latest signed tree)",
                wanted=wanted,
                have=have,
            ),
        )


@router.get("/proof/inclusion", response_model=InclusionProof)
def inclusion(
    index: Annotated[int, Query(ge=0, le=2**62)], tree_size: Size, actor: ActorDep, db: DbDep
) -> InclusionProof:
    """The audit path of entry `index` in the tree of `tree_size` entries."""
    _size(db, tree_size, "tree_size")
    if index >= tree_size:
        raise InvalidError.at(
            ["query", "index"],
            Problem(
                "got %(index)s, expected less than %(tree_size)s", index=index, tree_size=tree_size
            ),
        )
    with db.session(readonly=True) as session:
        row = logread.get_leaf(session, index)
        path = logread.inclusion(session, index=index, tree_size=tree_size)
    assert row is not None
    return InclusionProof(
        index=index,
        tree_size=tree_size,
        leaf_hash=row.leaf_hash,
        audit_path=[p.hex() for p in path],
    )


@router.get("/proof/consistency", response_model=ConsistencyProof)
def consistency(first: Size, second: Size, db: DbDep) -> ConsistencyProof:
    """The proof that the tree of `first` entries is a prefix of the tree of `second`.

    Public, as the heads are (only hashes): a country saving heads checks each new one with it.
    """
    _size(db, second, "second")
    if first > second:
        raise InvalidError.at(
            ["query", "first"],
            Problem("got %(first)s, expected at most %(second)s", first=first, second=second),
        )
    with db.session(readonly=True) as session:
        proof = logread.consistency(session, first=first, second=second)
    return ConsistencyProof(first=first, second=second, proof=[p.hex() for p in proof])
