"""The log as each reader is shown it: a country's sign-ins, users, subscriptions and SMS
numbers withheld from the other country's readers; shared entries shown to all."""

from __future__ import annotations

from typing import Any

import pytest

from hito.counts import Count
from hito.store import logread, logview, reports, sms, subscriptions
from hito.store.coltypes import utcnow
from hito.store.db import Database

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


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


def test_brute_forcing_a_withheld_sms_number_digest_recovers_the_number(
    db: Database, w: dict[str, Any]
) -> None:
    """A registered number's recorded state is the number, its agency, label, language, state
    and creation time (a few ms before the entry's), digested without a key: Chile's admin,
    shown Peru's `sms.sender` withheld with its digest, tries numbers over that window."""
    import datetime as dt

    from hito.store.logrows import digest

    with db.session() as s:
        sms.register_sender(s, actor=w["ed_per"], phone="+51 952 000 111")
    with db.session(readonly=True, snapshot=True) as s:
        rows, _n = logread.entries(s, limit=500)
        shown = logview.for_reader(s, w["admin_chl"], rows)
    (entry,) = [e for e in shown if e.action == "sms.sender"]
    assert entry.resource == "sms-sender:?"
    found = []
    for number in ("+51952000110", "+51952000111", "+51952000112"):  # the numbers tried
        for micros in range(20_000):  # created 0-20 ms before the entry
            state = {
                "phone": number,
                "agency_id": w["per"],
                "label": "",
                "language": "es",
                "active": True,
                "created_at": entry.at - dt.timedelta(microseconds=micros),
            }
            if digest(state) == entry.after_digest:
                found.append(number)
    assert found == []


def test_a_page_of_subscription_entries_is_shown_in_three_statements(
    db: Database, w: dict[str, Any]
) -> None:
    """`for_reader` runs for every page of /log/entries: a statement per subscription named
    made a page of 100 entries cost 200 round trips on a log of 100,000."""
    from sqlalchemy import event

    with db.session() as s:
        for i in range(40):  # at most 25 each: Peru's editor's own, then Peru's admin's
            subscriptions.create_subscription(
                s,
                actor=w["ed_per"] if i < 20 else w["admin_per"],
                label=f"n{i}",
                channel="email",
                target=f"r{i}@per.example",
            )
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    with db.session(readonly=True, snapshot=True) as s:
        rows, _n = logread.entries(s, limit=100, resource="subscription:")
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            shown = logview.for_reader(s, w["admin_chl"], rows)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(rows) == 40 and all(e.resource == "subscription:?" for e in shown)
    assert len(statements) <= 3, statements


def test_a_chilean_admin_naming_a_user_system_reads_perus_entries_made_by_the_system(
    db: Database, w: dict[str, Any]
) -> None:
    """An entry's country is its actor's: "system" (the CLI, the loader) and "anonymous" (a
    failed or refused sign-in) are no user's, but were free usernames. Chile's admin making a
    user "system" of its agency was shown Peru's users' creations, and "anonymous" their
    lockouts, in full. The names are refused; a row so named (made before) is not believed."""
    from hito.store import audit, users
    from hito.store.errors import InvalidError
    from hito.store.models import User

    for name in ("system", "anonymous", "System"):
        with pytest.raises(InvalidError, match="keeps for the service"), db.session() as s:
            users.create_user(
                s,
                actor=w["admin_chl"],
                username=name,
                password="",
                password_hash="not-a-hash",
                role="viewer",
                agency_id=w["chl"],
            )
    with db.session() as s:  # as a database written before the names were refused holds
        for name in ("system", "anonymous"):
            s.add(User(username=name, password_hash="x", role="viewer", agency_id=w["chl"]))
        audit.append(
            s,
            actor="anonymous",
            action="auth.lockout",
            resource=f"user:{w['ed_per'].user_id}",
            note="5 failures from one address",
        )
    with db.session(readonly=True, snapshot=True) as s:
        rows, _n = logread.entries(s, limit=500)
        shown = logview.for_reader(s, w["admin_chl"], rows)
    peru = {f"user:{w[who].user_id}" for who in ("admin_per", "ed_per")}
    about = [i for i, e in enumerate(rows) if e.resource in peru]
    assert sorted(rows[i].action for i in about) == ["auth.lockout", "user.create", "user.create"]
    assert [(shown[i].actor, shown[i].resource) for i in about] == [("—", "user:?")] * 3
