"""The transparency log replaces the hash chain; report corrections; login throttling.

The old chain's entries become the log's first pending entries (in order; their old hash
kept in the note), followed by one `log.baseline` entry per row that
`hito.store.logrows.current_digests` reads (reports, users, sites, agencies since 0005
added them, plans and alerts since 0011) with its current state, so that the rows can be
checked against the log from now on.

Revision ID: 0003
Revises: 0002
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hito.store.logrows import current_digests

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

    def entry() -> list[sa.Column[object]]:
        return [
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.Column("actor", sa.String(length=64), nullable=False),
            sa.Column("action", sa.String(length=64), nullable=False),
            sa.Column("resource", sa.String(length=120), nullable=False),
            sa.Column("before_digest", sa.String(length=64), nullable=True),
            sa.Column("after_digest", sa.String(length=64), nullable=True),
            sa.Column("note", sa.String(length=500), nullable=False),
        ]

    op.create_table(
        "log_leaf",
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        *entry(),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_log_leaf")),
    )
    op.create_index("ix_log_leaf_resource", "log_leaf", ["resource", "idx"])
    pending = op.create_table(
        "log_pending",
        sa.Column("id", big, autoincrement=True, nullable=False),
        *entry(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_pending")),
    )
    op.create_table(
        "log_head",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("frontier", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_log_head")),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("field_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("reason", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            op.f("fk_field_report_supersedes_id_field_report"),
            "field_report",
            ["supersedes_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(op.f("uq_field_report_supersedes_id"), ["supersedes_id"])

    conn = op.get_bind()
    old = sa.table(
        "audit_entry",
        sa.column("seq", sa.Integer()),
        sa.column("at", sa.DateTime()),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("resource", sa.String()),
        sa.column("before_digest", sa.String()),
        sa.column("after_digest", sa.String()),
        sa.column("hash", sa.String()),
    )
    rows = [
        {
            "at": r.at,
            "actor": r.actor,
            "action": r.action,
            "resource": r.resource,
            "before_digest": r.before_digest,
            "after_digest": None,  # old digests covered other fields; the baseline follows
            "note": f"hash chain entry {r.seq}: {r.hash}",
        }
        for r in conn.execute(sa.select(old).order_by(old.c.seq))
    ]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows += [
        {
            "at": now,
            "actor": "system",
            "action": "log.baseline",
            "resource": resource,
            "before_digest": None,
            "after_digest": d,
            "note": "state when the transparency log replaced the hash chain",
        }
        for resource, d in current_digests(conn)
    ]
    if rows:
        conn.execute(sa.insert(pending), rows)
    op.drop_table("audit_entry")


def downgrade() -> None:
    """Revert this revision (the log's entries are lost: the old chain cannot hold them)."""
    with op.batch_alter_table("field_report", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_field_report_supersedes_id"), type_="unique")
        batch_op.drop_constraint(
            op.f("fk_field_report_supersedes_id_field_report"), type_="foreignkey"
        )
        batch_op.drop_column("reason")
        batch_op.drop_column("withdrawn")
        batch_op.drop_column("supersedes_id")
    op.drop_table("login_throttle")
    op.drop_table("log_head")
    op.drop_table("log_pending")
    op.drop_index("ix_log_leaf_resource", table_name="log_leaf")
    op.drop_table("log_leaf")
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("resource", sa.String(length=120), nullable=False),
        sa.Column("before_digest", sa.String(length=64), nullable=True),
        sa.Column("after_digest", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entry")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entry_hash")),
    )
