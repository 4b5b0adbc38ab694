"""Schemas of the transparency log: entries, signed tree heads, proofs, checks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from hito.api.schemas.common import List, Public
from hito.store.logread import Entry


class LogEntryPublic(Entry, Public):
    """One entry; `index` and `leaf_hash` are null while it waits to be sequenced."""


# which entries to list: a kind of resource ('site') or one resource ('report:12')
ResourceFilter = Annotated[str | None, Query(pattern=r"^[a-z_]+(:[A-Za-z0-9_\-?]+)?$")]


# `?before=N`: the sequenced entries of index below N (the `next_before` of the page before)
Before = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**62,
        description="only sequenced entries of index below this (the `next_before` of the page "
        "before, or a signed head's `tree_size`), not an offset: an entry appended meanwhile "
        "cannot repeat one already read",
    ),
]


class LogEntryList(List[LogEntryPublic]):
    """A page of entries, newest first, and where the next page starts."""

    next_before: int | None = Field(
        None,
        description="when the page is full, its last entry's index (after an entry still "
        "waiting, the number sequenced): pass it as `before` for the next page (null: this "
        "page is the last)",
    )


class SignedTreeHead(BaseModel):
    """A signed tree head: save it as one line of JSON (`hito log verify --against`)."""

    tree_size: int = Field(ge=0)
    root_hash: str = Field(description="Merkle tree hash (RFC 9162), hex")
    timestamp: int = Field(description="milliseconds since 1970-01-01 UTC")
    key_id: str = Field(description="SHA-256 of the raw Ed25519 public key, hex")
    signature: str = Field(
        description="Ed25519 signature, base64, of 'hito-log-v1\\n<tree_size>\\n<timestamp>\\n"
        "<root_hash>\\n'"
    )


class LogKeyPublic(BaseModel):
    """The public half of the log's signing key."""

    key_id: str
    public_key_pem: str


class InclusionProof(BaseModel):
    """The audit path of one leaf in a tree (RFC 9162 2.1.3)."""

    index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]


class ConsistencyProof(BaseModel):
    """The proof that the tree of `first` leaves is a prefix of the tree of `second` (2.1.4)."""

    first: int
    second: int
    proof: list[str]


class LogCheckPublic(BaseModel):
    """The server's own check of its log against its stored heads and rows."""

    ok: bool
    entries: int
    pending: int
    rejected: int = Field(
        description="pending entries the sequencer refused to sign (written without the "
        "service's key; each a log.rejected entry, also listed in problems)"
    )
    heads_checked: int
    rows_checked: int
    root_hash: str
    problems: list[str]
    checked_at: dt.datetime = Field(description="when this check ran (UTC)")
    reused: bool = Field(
        description="true when this is the last check's answer, the log having not grown since"
    )
