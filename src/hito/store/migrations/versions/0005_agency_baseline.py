"""Agencies join the rows the log checks: a `log.baseline` entry for each one it has no state of.

An agency's country decides where its editors may write (reports, statuses, shelters): an
agency moved to the other country behind the log's back would let its editors write there.
`agency.create` has logged each new agency's state since 0003; agencies made before that
(in the hash chain's days) get one `log.baseline` entry with their current state, so that
`hito log verify` can check every agency row from now on.

Revision ID: 0005
Revises: 0004
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hito.store.logrows import agency_digests

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    conn = op.get_bind()
    recorded: set[str] = set()
    for table in ("log_leaf", "log_pending"):
        entries = sa.table(table, sa.column("resource", sa.String()), sa.column("after_digest"))
        recorded.update(
            conn.execute(
                sa.select(entries.c.resource).where(
                    entries.c.resource.like("agency:%"), entries.c.after_digest.is_not(None)
                )
            ).scalars()
        )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [
        {
            "at": now,
            "actor": "system",
            "action": "log.baseline",
            "resource": resource,
            "before_digest": None,
            "after_digest": d,
            "note": "state when agencies joined the rows the log checks",
        }
        for resource, d in agency_digests(conn)
        if resource not in recorded
    ]
    if rows:
        pending = sa.table(
            "log_pending",
            *(
                sa.column(c, sa.String())
                for c in ("actor", "action", "resource", "before_digest", "after_digest", "note")
            ),
            sa.column("at", sa.DateTime()),
        )
        conn.execute(sa.insert(pending), rows)


def downgrade() -> None:
    """Nothing to undo: the log is append-only, and the baselines stay in it."""
