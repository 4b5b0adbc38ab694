"""The tables of the transparency log: pending, sequenced and refused entries, heads."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hito.store.coltypes import UTCDateTime
from hito.store.models.base import Base


class LogLeaf(Base):
    """One sequenced entry of the transparency log: leaf `idx` of the Merkle tree."""

    __tablename__ = "log_leaf"
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(120))
    before_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    after_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    leaf_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_log_leaf_resource", "resource", "idx"),
        Index("ix_log_leaf_leaf_hash", "leaf_hash"),  # a replayed pending entry is refused
    )


class LogPending(Base):
    """An entry written with its change, waiting to be sequenced into the tree."""

    __tablename__ = "log_pending"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(120))
    before_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    after_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    # HMAC of the entry's bytes with the service's secret (`hito.store.logsecret`): the
    # sequencer signs no entry whose MAC is wrong or missing
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class LogRejected(Base):
    """A pending entry the sequencer refused (its MAC wrong or missing), kept for investigators."""

    __tablename__ = "log_rejected"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    pending_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(120))
    before_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    after_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)
    entry_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the entry's bytes
    rejected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    leaf_idx: Mapped[int] = mapped_column(BigInteger)  # the `log.rejected` entry saying so


class LogHead(Base):
    """A signed tree head: the tree's size and root, signed with the log's Ed25519 key."""

    __tablename__ = "log_head"
    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[int] = mapped_column(BigInteger)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))
    frontier: Mapped[list[str]] = mapped_column(JSON)


class LogKeyRecord(Base):
    """The id of the log key the database was first written with (one row; since 0010).

    Until the first head is signed, it says which key the entries waiting, the password
    bindings and the sealed webhook secrets are keyed with (`hito.store.logclaim`).
    """

    __tablename__ = "log_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # always 1
    key_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
