"""The database records the id of the log key it was first written with (table `log_key`).

Before the sequencer signs the first head, nothing in the database named the log's key,
although the entries waiting, the password bindings and the sealed webhook secrets were
keyed with its secret: a process given another key file wrote with it unnoticed
(`hito.store.logclaim`). The key recorded here is the newest head's signer when the log has
one; else the key this migration is given, once the rows already keyed open with it (a
wrong key is refused and nothing is changed). Without a key and without a head nothing is
recorded: the first process that writes records its own (after the same check).

Revision ID: 0010
Revises: 0009
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hito.store.logclaim import check_migration_key

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HEAD = sa.table(
    "log_head", sa.column("tree_size", sa.BigInteger()), sa.column("key_id", sa.String())
)


def upgrade() -> None:
    """Create `log_key` and record the log's key in it."""
    conn = op.get_bind()
    config = op.get_context().config
    signer = conn.execute(
        sa.select(_HEAD.c.key_id).order_by(_HEAD.c.tree_size.desc()).limit(1)
    ).scalar()
    if signer is None and check_migration_key(conn, "0010", config) is not None:
        signer = config.attributes.get("hito_key_id") if config is not None else None
    table = op.create_table(
        "log_key",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_key")),
    )
    if signer is not None:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        op.bulk_insert(table, [{"id": 1, "key_id": signer, "recorded_at": now}])


def downgrade() -> None:
    """Drop `log_key` (the heads, when signed, still name the key).

    A downgrade given another key is refused here, naming the key recorded, before the
    revisions below (0008 unseals the webhook secrets) would find it without the record.
    """
    check_migration_key(op.get_bind(), "0010", op.get_context().config)
    op.drop_table("log_key")
