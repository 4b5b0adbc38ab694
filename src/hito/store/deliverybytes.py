"""What a delivery's MAC covers: its message id, its subscriber, its alert and the alert's plan.

The worker signs a webhook with the subscriber's secret and sends an e-mail in the service's
name; whoever could rewrite a queued alert, its plan or the subscription in the database would
have the service sign their words. The MAC (`ServiceSecret.delivery_mac`), made when the alert
is queued and checked before sending, covers every stored value the message is made of.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

ALERT_FIELDS = (
    "id",
    "plan_id",
    "plan_name",
    "trigger",
    "met_since",
    "actions",
    "agencies",
    "severity",
    "sites",
    "created_at",
)
SUBSCRIPTION_FIELDS = ("id", "channel", "target", "language")


def _plain(value: Any) -> Any:
    """A stored value as JSON: dates and times in ISO form, UTC times with their offset."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def delivery_bytes(
    message_id: str, subscription: Mapping[str, Any], alert: Mapping[str, Any], plan_text: str
) -> bytes:
    """The canonical bytes of what one delivery says, to whom, from which plan text."""
    values = {
        "message_id": message_id,
        "subscription": {f: _plain(subscription[f]) for f in SUBSCRIPTION_FIELDS},
        "alert": {f: _plain(alert[f]) for f in ALERT_FIELDS},
        "plan_sha256": hashlib.sha256(plan_text.encode()).hexdigest(),
    }
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def of_rows(message_id: str, subscription: Any, alert: Any, plan_text: str) -> bytes:
    """`delivery_bytes` of ORM rows (or any objects with the fields as attributes)."""
    return delivery_bytes(
        message_id,
        {f: getattr(subscription, f) for f in SUBSCRIPTION_FIELDS},
        {f: getattr(alert, f) for f in ALERT_FIELDS},
        plan_text,
    )
