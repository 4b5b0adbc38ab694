"""The log as each reader is shown it: a country's sign-ins, users, subscriptions and SMS
numbers withheld from the other country's readers; shared entries shown to all."""

from __future__ import annotations

from typing import Any

import pytest

from hito.counts import Count
from hito.store import logread, logview, reports, sms, subscriptions
from hito.store.coltypes import utcnow
from hito.store.db import Database
from service_world import two_countries


@pytest.fixture
def w(db: Database) -> dict[str, Any]:
    return two_countries(db)


def test_chilean_admin_reading_peruvian_officials_entries_in_the_log_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    """Peru's editor registers a number, subscribes, reports: Chile's admin reads the report's
    entry in full, the rest withheld; Peru's admin and the operator read all of it."""
    with db.session() as s:
        sms.register_sender(s, actor=w["ed_per"], phone="+51 952 000 111")
        sub = subscriptions.create_subscription(
            s, actor=w["ed_per"], label="Rosa", channel="email", target="rosa@per.example"
        ).id
        reports.create_report(
            s,
            actor=w["ed_per"],
            site_id="concordia-strip",
            observed_at=utcnow(),
            counts=[Count(nationality="VEN", documented=False, people=10, stranded=5)],
        )
    with db.session(readonly=True, snapshot=True) as s:
        rows, _n = logread.entries(s, limit=500)
        about = [  # the entries of Peru's editor and of their creation
            i
            for i, e in enumerate(rows)
            if e.action in ("sms.sender", "subscription.create", "report.create")
            or e.resource == f"user:{w['ed_per'].user_id}"
        ]
        seen = {}
        for who in ("admin_chl", "admin_per", "operator"):
            shown = logview.for_reader(s, w[who], rows)
            seen[who] = [(shown[i].actor, shown[i].action, shown[i].resource) for i in about]
    report = next(e.resource for e in rows if e.action == "report.create")
    withheld = "—"
    assert seen["admin_chl"] == [
        ("ed_per", "report.create", report),
        (withheld, "subscription.create", "subscription:?"),
        (withheld, "sms.sender", "sms-sender:?"),
        (withheld, "user.create", "user:?"),
    ]
    full = [
        ("ed_per", "report.create", report),
        ("ed_per", "subscription.create", f"subscription:{sub}"),
        ("ed_per", "sms.sender", "sms-sender:…111"),
        ("system", "user.create", f"user:{w['ed_per'].user_id}"),
    ]
    assert seen["admin_per"] == full and seen["operator"] == full
