"""Shelters, shelter updates and subscriptions join the rows the log checks (`log.baseline`).

A shelter's room and its updates' counts decide its free places, which both countries'
plans read; a subscription's target, channel and state decide who is told of alerts. None
was compared with the log, so an UPDATE by SQL (more free places, a subscription sent to
another address or switched off) went unseen. Each such row the log has no state of gets
one `log.baseline` entry with its current state, keyed with the service's secret (0007):
shelters registered before 0003, every shelter update (logged until now as its site's
state), and every subscription (logged until now without its secret, and its stop as
`{"active": false}`) whose row is still what those entries recorded. A subscription whose
row is not (changed by SQL before this upgrade) gets none, and `hito log verify` reports
it. On PostgreSQL the three tables bump the check's write mark (0012). A database with such
rows cannot be upgraded without the key.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from hito.errors import Plural
from hito.store.audit import entry_time
from hito.store.db import WRITE_MARK
from hito.store.logclaim import queue_keyed
from hito.store.logrows import (
    SUBSCRIPTION_FIELDS,
    digest,
    shelter_subscription_digests,
    subscription_rows,
)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("shelter", "shelter_update", "subscription")
# what `subscription.stop` logged before 0013 (through the service, and by a stop link)
_OLD_STOPS = (digest({"active": False}), digest({"active": False, "by": "stop link"}))


def _entries(conn: Any) -> Iterator[tuple[str, str, str | None]]:
    """(action, resource, after_digest) of the row-state entries on these kinds, in order."""
    for table, order in (("log_leaf", "idx"), ("log_pending", "id")):
        t = sa.table(
            table,
            sa.column("action", sa.String()),
            sa.column("resource", sa.String()),
            sa.column("after_digest", sa.String()),
            sa.column(order, sa.Integer()),
        )
        q = sa.select(t.c.action, t.c.resource, t.c.after_digest).where(
            t.c.resource.like("shelter:%")
            | t.c.resource.like("shelter_update:%")
            | t.c.resource.like("subscription:%"),
        )
        for action, resource, after in conn.execute(q.order_by(t.c[order])):
            if after is not None or action.endswith(".delete"):
                yield action, resource, after


def _as_logged(row: dict[str, Any], latest: str | None, created: str | None) -> bool:
    """Whether a subscription's row is what its entries before 0013 recorded."""
    if latest is None:
        return False  # the log says it was deleted
    old = {f: row[f] for f in (*SUBSCRIPTION_FIELDS, "target")}  # every column but the secret
    if created != digest({**old, "active": True}):
        return False
    return latest in _OLD_STOPS if not row["active"] else latest == created


def upgrade() -> None:
    """Baseline the rows the log has no state of; mark the tables' writes (PostgreSQL)."""
    conn = op.get_bind()
    latest: dict[str, str | None] = {}
    created: dict[str, str | None] = {}
    for action, resource, after in _entries(conn):
        latest[resource] = after
        if action == "subscription.create":
            created[resource] = after
    subs = {f"subscription:{r['id']}": r for r in subscription_rows(conn)}
    baseline = []
    for resource, d in shelter_subscription_digests(conn):
        if resource not in latest or (  # a subscription recorded in the form before 0013
            resource in subs
            and latest[resource] != d
            and _as_logged(subs[resource], latest[resource], created.get(resource))
        ):
            baseline.append((resource, d))
    _log(conn, baseline)
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {WRITE_MARK} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                f'"{table}" FOR EACH STATEMENT EXECUTE FUNCTION {WRITE_MARK}()'
            )
            op.execute(f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER {WRITE_MARK}')


def _log(conn: Any, baseline: list[tuple[str, str]]) -> None:
    """Add the `log.baseline` entries, keyed (refused without the key)."""
    now = entry_time()
    rows: list[dict[str, Any]] = [
        {
            "at": now,
            "actor": "system",
            "action": "log.baseline",
            "resource": resource,
            "before_digest": None,
            "after_digest": d,
            "note": "state when shelters and subscriptions joined the rows the log checks",
        }
        for resource, d in baseline
    ]
    if not rows:
        return
    refusal = Plural(
        "the database holds %(n)s shelter, shelter update or subscription the log has no "
        "state of: migration 0013 logs it with the log's signing key, which this process "
        "was not given; upgrade with `hito db upgrade` or the server, where "
        "HITO_LOG_KEY_FILE is the key file",
        "the database holds %(n)s shelters, shelter updates or subscriptions the log has "
        "no state of: migration 0013 logs them with the log's signing key, which this "
        "process was not given; upgrade with `hito db upgrade` or the server, where "
        "HITO_LOG_KEY_FILE is the key file",
        len(rows),
        n=len(rows),
    )  # said without the key
    queue_keyed(conn, "0013", op.get_context().config, rows, refusal)


def downgrade() -> None:
    """Drop the three tables' write-mark triggers; the baselines stay in the append-only log."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f'DROP TRIGGER {WRITE_MARK} ON "{table}"')
