"""Plans and alerts join the rows the log checks: a `log.baseline` entry for each one without.

An alert's severity and trigger are what its messages say, a plan's text their titles and
the actions due; `plan.create`, `plan.update` and `alert.create` have logged their state
since 0003, but `hito log verify` compared no plan or alert row with it, so an UPDATE by
SQL after the fact went unseen. Those made before 0003 (in the hash chain's days) get one
`log.baseline` entry with their current state, keyed with the service's secret (0007), so
that every plan and alert row can be checked from now on. A database with such rows cannot
be upgraded without the key.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from hito.errors import Plural
from hito.store.audit import entry_time
from hito.store.logclaim import queue_keyed
from hito.store.logrows import plan_alert_digests

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add a baseline entry for each plan and alert the log has no state of."""
    conn = op.get_bind()
    recorded: set[str] = set()
    for table in ("log_leaf", "log_pending"):
        entries = sa.table(table, sa.column("resource", sa.String()), sa.column("after_digest"))
        recorded.update(
            conn.execute(
                sa.select(entries.c.resource).where(
                    entries.c.resource.like("plan:%") | entries.c.resource.like("alert:%"),
                    entries.c.after_digest.is_not(None),
                )
            ).scalars()
        )
    now = entry_time()
    rows: list[dict[str, Any]] = [
        {
            "at": now,
            "actor": "system",
            "action": "log.baseline",
            "resource": resource,
            "before_digest": None,
            "after_digest": d,
            "note": "state when plans and alerts joined the rows the log checks",
        }
        for resource, d in plan_alert_digests(conn)
        if resource not in recorded
    ]
    if not rows:
        return
    refusal = Plural(
        "the database holds %(n)s plan or alert the log has no state of: migration 0011 "
        "logs it with the log's signing key, which this process was not given; upgrade "
        "with `hito db upgrade` or the server, where HITO_LOG_KEY_FILE is the key file",
        "the database holds %(n)s plans or alerts the log has no state of: migration "
        "0011 logs them with the log's signing key, which this process was not given; "
        "upgrade with `hito db upgrade` or the server, where HITO_LOG_KEY_FILE is the "
        "key file",
        len(rows),
        n=len(rows),
    )  # said without the key
    queue_keyed(conn, "0011", op.get_context().config, rows, refusal)


def downgrade() -> None:
    """Nothing to undo: the log is append-only, and the baselines stay in it."""
