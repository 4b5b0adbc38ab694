"""Pending entries and bearer tokens are keyed with the service's secret, not in the database.

`log_pending.mac` holds the HMAC of each entry with a key derived from the log's signing
key (`hito.store.logsecret`); the sequencer signs no entry without a valid one and keeps
such entries in the new table `log_rejected`. Tokens are stored as an HMAC of their
SHA-256 instead of the SHA-256 itself.

Rows already there are keyed once, here, when the migration is given the key (the server
and `hito db upgrade` give it): the entries waiting to be sequenced get their MAC and every
token its new digest, so no sign-in is lost. Without the key (a database migrated by a
process that has none), live tokens are revoked (a new sign-in) and waiting entries are
left without a MAC: the sequencer refuses them, keeps them in `log_rejected` and logs a
`log.rejected` entry for each.

Revision ID: 0007
Revises: 0006
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hito.store.audit import ENTRY_FIELDS, entry_bytes
from hito.store.coltypes import UTCDateTime
from hito.store.logsecret import ServiceSecret

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def _secret() -> ServiceSecret | None:
    """The service's secret `hito.store.migrate` was given (None: this process has no key)."""
    config = op.get_context().config
    secret = config.attributes.get("hito_secret") if config is not None else None
    assert secret is None or isinstance(secret, ServiceSecret)
    return secret


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("log_pending") as b:
        b.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    op.create_table(
        "log_rejected",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pending_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("resource", sa.String(length=120), nullable=False),
        sa.Column("before_digest", sa.String(length=64), nullable=True),
        sa.Column("after_digest", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=True),
        sa.Column("entry_digest", sa.String(length=64), nullable=False),
        sa.Column("rejected_at", sa.DateTime(), nullable=False),
        sa.Column("leaf_idx", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_rejected")),
    )
    secret = _secret()
    conn = op.get_bind()
    _key_pending(conn, secret)
    _key_tokens(conn, secret)


def _key_pending(conn: sa.Connection, secret: ServiceSecret | None) -> None:
    """Give the entries waiting to be sequenced their MAC (without the key: left refused)."""
    if secret is None:
        return
    pending = sa.table(
        "log_pending",
        sa.column("id", sa.Integer()),
        sa.column("at", UTCDateTime()),
        *(sa.column(c, sa.String()) for c in ENTRY_FIELDS if c != "at"),
        sa.column("mac", sa.String()),
    )
    macs = [
        {"pid": row.id, "m": secret.entry_mac(entry_bytes(row))}
        for row in conn.execute(sa.select(pending).order_by(pending.c.id))
    ]
    update = sa.update(pending).where(pending.c.id == sa.bindparam("pid"))
    for i in range(0, len(macs), BATCH):
        conn.execute(update.values(mac=sa.bindparam("m")), macs[i : i + BATCH])


def _key_tokens(conn: sa.Connection, secret: ServiceSecret | None) -> None:
    """Rekey every token's SHA-256 as its HMAC; without the key, revoke the live ones."""
    token = sa.table(
        "token",
        sa.column("id", sa.Integer()),
        sa.column("token_hash", sa.String()),
        sa.column("revoked_at", sa.DateTime()),
    )
    if secret is None:
        _revoke_live(conn)
        return
    rows = [
        {"tid": tid, "h": secret.rekey_token_digest(h)}
        for tid, h in conn.execute(sa.select(token.c.id, token.c.token_hash))
    ]
    update = sa.update(token).where(token.c.id == sa.bindparam("tid"))
    for i in range(0, len(rows), BATCH):
        conn.execute(update.values(token_hash=sa.bindparam("h")), rows[i : i + BATCH])


def _revoke_live(conn: sa.Connection) -> None:
    """Revoke every token not revoked yet (their holders sign in again)."""
    token = sa.table("token", sa.column("revoked_at", sa.DateTime()))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # stored as naive UTC
    conn.execute(sa.update(token).where(token.c.revoked_at.is_(None)).values(revoked_at=now))


def downgrade() -> None:
    """Revert this revision (rekeyed tokens cannot be undone: they are revoked)."""
    _revoke_live(op.get_bind())
    op.drop_table("log_rejected")
    with op.batch_alter_table("log_pending") as b:
        b.drop_column("mac")
