"""Plans and alerts are rows the log checks: a DBA's edit of one after it was logged is found.

An alert's severity and trigger are what its messages say; a plan's text, their titles and
the actions due. Each attack writes with plain SQL, as a DBA of one country could, on SQLite
and PostgreSQL, and `logcheck.verify` must report it as it reports an edited report or user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from hito.store import (
    alerts,
    deliveries,
    plans,
    reports,
    subscriptions,
    users,
)
from hito.store.actors import SYSTEM, Actor
from hito.store.db import Database
from hito.store.reports import CountIn
from store.log_world import KeyedLog, chilean_editor, keyed

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


@pytest.fixture(scope="module", autouse=True)
def cheap_passwords() -> None:
    users.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@dataclass
class World(KeyedLog):
    """The built-in plan corridor-100, an alert it raised (logged), an editor, the key."""

    editor: Actor
    plan: int
    alert: int


@pytest.fixture
def world(database: Database, tmp_path: Path) -> World:
    key = keyed(database, tmp_path)
    with database.session() as s:
        editor = chilean_editor(s)
        plan = plans.create_builtin_plan(s, actor=SYSTEM, name="corridor-100")
        subscriptions.create_subscription(
            s, actor=editor, label="desk", channel="email", target="desk@pdi.example"
        )
        for day in (29, 30):  # 250 stranded two days in a row: the trigger is met
            reports.create_report(
                s,
                actor=editor,
                site_id="concordia-strip",
                observed_at=dt.datetime(2025, 11, day, 10, tzinfo=dt.UTC),
                counts=[CountIn(nationality="VEN", documented=False, people=300, stranded=250)],
            )
        (alert,) = alerts.evaluate(s, actor=editor, as_of=dt.date(2025, 11, 30))
        ids = int(plan.id), int(alert.id)
    return World(database, key, editor, *ids)


def test_a_logged_plan_and_alert_verify_and_acknowledging_the_alert_keeps_them_so(
    world: World,
) -> None:
    assert world.problems() == []
    with world.db.session() as s:
        assert deliveries.acknowledge_signed_in(s, actor=world.editor, alert_id=world.alert) == 1
    assert world.problems() == []  # an acknowledgment is no change of the alert's row


def test_raise_an_alerts_severity_and_change_its_trigger_behind_the_logs_back(
    world: World,
) -> None:
    world.sql(
        "UPDATE alert SET severity = 'critical', \"trigger\" = 'evacuate-now' WHERE id = :a",
        a=world.alert,
    )
    assert world.problems() == [
        f"alert:{world.alert}: the row differs from its state in the log (edited behind its back)"
    ]


def test_rewrite_a_plans_text_behind_the_logs_back(world: World) -> None:
    world.sql(
        "UPDATE plan SET text = replace(text, 'corridor of 100', 'corridor of 1000') WHERE id = :p",
        p=world.plan,
    )
    assert world.problems() == [
        f"plan:{world.plan}: the row differs from its state in the log (edited behind its back)"
    ]


def test_switch_a_plan_off_behind_the_logs_back(world: World) -> None:
    world.sql("UPDATE plan SET active = :f WHERE id = :p", f=False, p=world.plan)
    assert world.problems() == [
        f"plan:{world.plan}: the row differs from its state in the log (edited behind its back)"
    ]


def test_insert_an_alert_behind_the_logs_back(world: World) -> None:
    world.sql(
        'INSERT INTO alert (id, plan_id, plan_name, "trigger", met_since, actions, agencies, '
        "severity, sites, created_at) VALUES (900, :p, 'corridor-100', 'evacuate-now', "
        "'2025-12-02', '[]', '[]', 'critical', '[]', '2025-12-02 10:00:00')",
        p=world.plan,
    )
    assert world.problems() == [
        "alert:900: the row has no entry in the log (inserted behind its back)"
    ]


def test_delete_an_alert_behind_the_logs_back(world: World) -> None:
    world.sql("DELETE FROM delivery WHERE alert_id = :a", a=world.alert)
    world.sql("DELETE FROM alert WHERE id = :a", a=world.alert)
    assert world.problems() == [
        f"alert:{world.alert}: in the log, but the row is gone (deleted behind its back)"
    ]
