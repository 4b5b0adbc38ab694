"""Each queued delivery carries the MAC of what it says; the worker sends none that changed.

The worker signs a webhook with its subscriber's real secret (sealed since 0008) and sends
e-mails in the service's name. Whoever could write the database could rewrite a queued alert
(`UPDATE alert SET severity = 'critical'`), its plan's text (the titles of the message) or
the subscription, or insert an alert and its delivery, and the worker would sign their words.
`delivery.mac` is now an HMAC, under a key derived from the log's signing key, of everything
the message is made of (`hito.store.deliverybytes`), made when the alert is queued; the worker
refuses a delivery whose MAC is missing or does not match, saying so on the alert.

The deliveries waiting to be sent are keyed here, with what the database holds now (trusted
once, as 0007 trusted what it keyed); those sent, failed or stopped are never sent again and
keep none. A database with deliveries waiting cannot be upgraded without the key, nor with
another key than the one its rows are keyed with (refused before anything changes). The
downgrade drops the column and needs no key.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hito.errors import HitoError, Plural
from hito.store.coltypes import UTCDateTime
from hito.store.deliverybytes import delivery_bytes
from hito.store.logclaim import check_migration_key
from hito.store.logsecret import ServiceSecret

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = ("pending", "sending")
_DELIVERY = sa.table(
    "delivery",
    sa.column("id", sa.Integer()),
    sa.column("alert_id", sa.Integer()),
    sa.column("subscription_id", sa.Integer()),
    sa.column("message_id", sa.String()),
    sa.column("status", sa.String()),
    sa.column("mac", sa.String()),
)
_ALERT = sa.table(
    "alert",
    sa.column("id", sa.Integer()),
    sa.column("plan_id", sa.Integer()),
    sa.column("plan_name", sa.String()),
    sa.column("trigger", sa.String()),
    sa.column("met_since", sa.Date()),
    sa.column("actions", sa.JSON()),
    sa.column("agencies", sa.JSON()),
    sa.column("severity", sa.String()),
    sa.column("sites", sa.JSON()),
    sa.column("created_at", UTCDateTime()),
)
_SUB = sa.table(
    "subscription",
    sa.column("id", sa.Integer()),
    sa.column("channel", sa.String()),
    sa.column("target", sa.String()),
    sa.column("language", sa.String()),
)
_PLAN = sa.table("plan", sa.column("id", sa.Integer()), sa.column("text", sa.Text()))


def upgrade() -> None:
    """Add `delivery.mac` and key the deliveries waiting to be sent."""
    check_migration_key(op.get_bind(), "0009", op.get_context().config)  # another key: refused
    with op.batch_alter_table("delivery") as b:
        b.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    waiting = conn.execute(
        sa.select(_DELIVERY.c.id, _DELIVERY.c.message_id, _ALERT, _SUB, _PLAN.c.text)
        .select_from(_DELIVERY)
        .join(_ALERT, _ALERT.c.id == _DELIVERY.c.alert_id)
        .join(_SUB, _SUB.c.id == _DELIVERY.c.subscription_id)
        .join(_PLAN, _PLAN.c.id == _ALERT.c.plan_id)
        .where(_DELIVERY.c.status.in_(WAITING))
    ).all()
    if not waiting:
        return
    config = op.get_context().config
    secret = config.attributes.get("hito_secret") if config is not None else None
    if not isinstance(secret, ServiceSecret):
        raise HitoError(
            Plural(
                "the database holds %(n)s delivery waiting to be sent: migration 0009 keys it "
                "with the log's signing key, which this process was not given; upgrade with "
                "`hito db upgrade` or the server, where HITO_LOG_KEY_FILE is the key file",
                "the database holds %(n)s deliveries waiting to be sent: migration 0009 keys them "
                "with the log's signing key, which this process was not given; upgrade with "
                "`hito db upgrade` or the server, where HITO_LOG_KEY_FILE is the key file",
                len(waiting),
                n=len(waiting),
            )
        )
    alert_cols = [c.name for c in _ALERT.columns]
    rows = []
    for row in waiting:
        values = row._mapping
        alert = {c: values[_ALERT.c[c]] for c in alert_cols}
        sub = {c.name: values[_SUB.c[c.name]] for c in _SUB.columns}
        data = delivery_bytes(values["message_id"], sub, alert, values["text"])
        rows.append({"did": values[_DELIVERY.c.id], "m": secret.delivery_mac(data)})
    update = sa.update(_DELIVERY).where(_DELIVERY.c.id == sa.bindparam("did"))
    conn.execute(update.values(mac=sa.bindparam("m")), rows)


def downgrade() -> None:
    """Drop `delivery.mac`."""
    with op.batch_alter_table("delivery") as b:
        b.drop_column("mac")
