"""Shelters, shelter updates and subscriptions are rows the log checks: a DBA's edit is found.

A shelter's room and the occupancy its updates count decide its free places, which both
countries' plans read; a subscription's target, channel, secret and state decide who is told
of alerts. Each attack writes with plain SQL, as a DBA of one country could, on SQLite and
PostgreSQL, and `logcheck.verify` must report it; the same changes through the store check
clean, and the log holds no subscription's address or secret in clear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from hito.store import audit, logread, shelters, subscriptions, users
from hito.store.actors import Actor
from hito.store.db import Database
from hito.store.models import Subscription
from store.log_world import KeyedLog, chilean_editor, keyed

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

SHELTER = "arica-shelters"
ADDRESS = "desk@pdi.example"


@pytest.fixture(scope="module", autouse=True)
def cheap_passwords() -> None:
    users.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@dataclass
class World(KeyedLog):
    """A registered shelter with one update, an e-mail and a webhook subscription, the key."""

    editor: Actor
    update: int
    mail: int
    hook: int


@pytest.fixture
def world(database: Database, tmp_path: Path) -> World:
    key = keyed(database, tmp_path)
    with database.session() as s:
        editor = chilean_editor(s)
        shelters.register(s, actor=editor, site_id=SHELTER, capacity_people=200, area_m2=700.0)
        update = shelters.create_update(
            s, actor=editor, site_id=SHELTER, occupancy=190, capacity=200,
            observed_at=dt.datetime(2025, 11, 30, 10, tzinfo=dt.UTC),
        )  # fmt: skip
        mail = subscriptions.create_subscription(
            s, actor=editor, label="desk", channel="email", target=ADDRESS
        )
        hook = subscriptions.create_subscription(
            s, actor=editor, label="ops", channel="webhook", target="https://ops.pdi.example/in"
        )
        ids = int(update.id), int(mail.id), int(hook.id)
    return World(database, key, editor, *ids)


def _edited(resource: str) -> list[str]:
    return [f"{resource}: the row differs from its state in the log (edited behind its back)"]


def test_shelters_and_subscriptions_changed_through_the_store_verify(world: World) -> None:
    assert world.problems() == []
    with world.db.session() as s:
        shelters.register(
            s, actor=world.editor, site_id=SHELTER, capacity_people=250, area_m2=800.5,
            water_points=3, toilets=9, status="full", operator="ACNUR",
        )  # fmt: skip
        for day, occ in ((29, 120), (30, 205)):  # an older count leaves the site's capacity
            shelters.create_update(
                s, actor=world.editor, site_id=SHELTER, occupancy=occ, capacity=260,
                observed_at=dt.datetime(2025, 11, day, 18, tzinfo=dt.UTC),
            )  # fmt: skip
        subscriptions.deactivate(s, actor=world.editor, subscription_id=world.mail)
        token = subscriptions.stop_token(s, s.get(Subscription, world.hook))  # type: ignore[arg-type]
        subscriptions.stop_by_token(s, token=token)
        subscriptions.stop_by_token(s, token=token)  # a second click changes nothing
    assert world.problems() == []


def test_a_dba_raising_a_shelters_free_places_is_reported(world: World) -> None:
    world.sql(
        "UPDATE shelter SET capacity_people = capacity_people + 500 WHERE site_id = :s", s=SHELTER
    )
    assert world.problems() == _edited(f"shelter:{SHELTER}")


def test_a_dba_lowering_a_shelters_counted_occupancy_is_reported(world: World) -> None:
    world.sql("UPDATE shelter_update SET occupancy = 20 WHERE id = :u", u=world.update)
    assert world.problems() == _edited(f"shelter_update:{world.update}")


def test_a_dba_reopening_a_full_shelter_is_reported(world: World) -> None:
    with world.db.session() as s:
        shelters.register(
            s, actor=world.editor, site_id=SHELTER, capacity_people=200, area_m2=700.0,
            status="full",
        )  # fmt: skip
    assert world.problems() == []
    world.sql("UPDATE shelter SET status = 'open' WHERE site_id = :s", s=SHELTER)
    assert world.problems() == _edited(f"shelter:{SHELTER}")


def test_a_dba_inserting_an_emptier_shelter_count_is_reported(world: World) -> None:
    world.sql(
        "INSERT INTO shelter_update (id, site_id, observed_at, occupancy, capacity, agency_id, "
        "created_at) SELECT 900, site_id, '2025-12-01 10:00:00', 0, 600, agency_id, "
        "'2025-12-01 10:00:00' FROM shelter_update WHERE id = :u",
        u=world.update,
    )
    assert world.problems() == [
        "shelter_update:900: the row has no entry in the log (inserted behind its back)"
    ]


def test_a_dba_deleting_a_shelter_count_is_reported(world: World) -> None:
    world.sql("DELETE FROM shelter_update WHERE id = :u", u=world.update)
    assert world.problems() == [
        f"shelter_update:{world.update}: in the log, but the row is gone (deleted behind its back)"
    ]


def test_a_dba_redirecting_a_subscription_to_another_address_is_reported(world: World) -> None:
    world.sql("UPDATE subscription SET target = 'dba@evil.example' WHERE id = :i", i=world.mail)
    assert world.problems() == _edited(f"subscription:{world.mail}")


def test_a_dba_redirecting_a_subscription_to_their_own_webhook_is_reported(world: World) -> None:
    world.sql(
        "UPDATE subscription SET channel = 'webhook', target = 'https://evil.example/x' "
        "WHERE id = :i",
        i=world.mail,
    )
    assert world.problems() == _edited(f"subscription:{world.mail}")


def test_a_dba_switching_a_subscription_off_is_reported(world: World) -> None:
    world.sql("UPDATE subscription SET active = :f WHERE id = :i", f=False, i=world.hook)
    assert world.problems() == _edited(f"subscription:{world.hook}")


def test_a_dba_narrowing_a_subscription_to_no_alert_is_reported(world: World) -> None:
    world.sql(
        "UPDATE subscription SET severities = '[\"info\"]', sites = '[\"nowhere\"]' WHERE id = :i",
        i=world.mail,
    )
    assert world.problems() == _edited(f"subscription:{world.mail}")


def test_a_dba_copying_a_subscriptions_sealed_secret_to_another_is_reported(world: World) -> None:
    world.sql(
        "UPDATE subscription SET secret = (SELECT secret FROM subscription WHERE id = :a) "
        "WHERE id = :b",
        a=world.mail,
        b=world.hook,
    )
    assert world.problems() == _edited(f"subscription:{world.hook}")


def test_a_dba_inserting_a_subscription_is_reported(world: World) -> None:
    world.sql(
        "INSERT INTO subscription (id, label, user_id, channel, target, secret, plans, sites, "
        "severities, language, active, created_at) SELECT 900, 'x', user_id, 'email', "
        "'dba@evil.example', '', '[]', '[]', '[]', 'es', active, created_at FROM subscription "
        "WHERE id = :i",
        i=world.mail,
    )
    assert world.problems() == [
        "subscription:900: the row has no entry in the log (inserted behind its back)"
    ]


def test_the_log_holds_no_subscriptions_address_nor_secret_in_clear(world: World) -> None:
    with world.db.session() as s:
        subscriptions.deactivate(s, actor=world.editor, subscription_id=world.mail)
    assert audit.sequence(world.db, world.key) is not None
    with world.db.session(readonly=True) as s:
        secrets = [r.secret for r in s.query(Subscription)]
        leaves = list(logread.all_leaves(s))
    said = [" ".join(str(getattr(e, f)) for f in audit.ENTRY_FIELDS) for e in leaves]
    assert [e.action for e in leaves if e.resource.startswith("subscription:")] == [
        "subscription.create", "subscription.create", "subscription.stop",
    ]  # fmt: skip
    for clear in (ADDRESS, "ops.pdi.example", *secrets):
        assert not any(clear in line for line in said)
