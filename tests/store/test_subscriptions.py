"""Alert subscriptions of an agency: an admin of a country makes and stops only its agencies'."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from hito.errors import say
from hito.store import deliveries, subscriptions
from hito.store.db import Database
from hito.store.errors import ForbiddenError, InvalidError
from hito.store.models import Alert, Subscription
from races import at_once
from service_world import plan_alert


def _subscribe(db: Database, actor: Any, agency: int) -> int:
    with db.session() as s:
        row = subscriptions.create_subscription(
            s,
            actor=actor,
            label="duty desk",
            channel="email",
            target="desk@example.org",
            agency_id=agency,
            for_user=False,
        )
        return row.id


def test_chilean_admin_subscribing_a_peruvian_agency_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    with pytest.raises(ForbiddenError) as err:
        _subscribe(db, w["admin_chl"], w["per"])
    assert err.value.in_language("en") == [
        f"agency {w['per']} is of PER; you are an admin of CHL and may subscribe an agency to "
        "alerts only for the agencies of CHL"
    ]
    assert _subscribe(db, w["admin_chl"], w["chl"]) > 0


def test_chilean_admin_stopping_a_peruvian_agencys_subscription_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    peru = _subscribe(db, w["ed_per"], w["per"])
    with pytest.raises(ForbiddenError), db.session() as s:
        subscriptions.deactivate(s, actor=w["admin_chl"], subscription_id=peru)
    with db.session() as s:  # Peru's admin may; so may the operator (stopping it again)
        assert (
            subscriptions.deactivate(s, actor=w["admin_per"], subscription_id=peru).active is False
        )
        assert (
            subscriptions.deactivate(s, actor=w["operator"], subscription_id=peru).active is False
        )


def test_chilean_admin_reading_peruvian_subscribers_addresses_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    """A target (an address, a webhook URL with its token) is seen only in its own country.

    An admin of Chile lists and sees Chile's (its agencies' and their users'), not Peru's.
    """
    chl = _subscribe(db, w["ed_chl"], w["chl"])
    per = _subscribe(db, w["ed_per"], w["per"])
    with db.session() as s:
        mine = subscriptions.create_subscription(
            s, actor=w["ed_per"], label="me", channel="email", target="ed@per.example"
        ).id
    seen = {}
    with db.session(readonly=True) as s:
        for who in ("admin_chl", "admin_per", "operator"):
            rows, n = subscriptions.list_subscriptions(s, actor=w[who])
            seen[who] = sorted(r.id for r in rows)
            assert n == len(rows)
        row_of = {i: s.get(Subscription, i) for i in (chl, per, mine)}
        sees = {
            who: sorted(i for i, r in row_of.items() if subscriptions.may_see(s, w[who], r))
            for who in ("admin_chl", "admin_per", "operator", "ed_chl")
        }
    assert seen == {
        "admin_chl": [chl],
        "admin_per": sorted([per, mine]),
        "operator": sorted([chl, per, mine]),
    }
    assert sees == {
        "admin_chl": [chl],
        "admin_per": sorted([per, mine]),
        "operator": sorted([chl, per, mine]),
        "ed_chl": [chl],
    }


def test_an_admin_of_a_country_subscribes_their_own_agency_without_naming_it(
    db: Database, w: dict[str, Any]
) -> None:
    """The dashboard's form sends no agency_id: a country admin's is their own agency."""
    with db.session() as s:
        row = subscriptions.create_subscription(
            s,
            actor=w["admin_per"],
            label="sala de situación",
            channel="email",
            target="sala@per.example",
            for_user=False,
        )
        assert (row.agency_id, row.user_id) == (w["per"], None)


def test_chilean_admin_reading_peruvian_subscribers_names_on_an_alert_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    """Who was told of an alert is read by every signed-in user: a reader of the other country
    gets the agency told, not a Peruvian official's username nor the label they gave."""
    _subscribe(db, w["ed_chl"], w["chl"])
    _subscribe(db, w["ed_per"], w["per"])
    with db.session() as s:
        subscriptions.create_subscription(
            s, actor=w["ed_per"], label="Rosa's phone", channel="email", target="r@per.example"
        )
        alert = plan_alert(s).id
        deliveries.enqueue(s, s.get(Alert, alert))
    with db.session(readonly=True) as s:
        told = {
            who: [d.subscriber for d in deliveries.of_alert(s, alert_id=alert, actor=w[who])]
            for who in ("admin_chl", "ed_chl", "admin_per", "ed_per", "operator")
        }
    everything = ["PDI-ARICA — duty desk", "MIGRACIONES-TACNA — duty desk", "ed_per — Rosa's phone"]
    chile_sees = ["PDI-ARICA — duty desk", "MIGRACIONES-TACNA", "MIGRACIONES-TACNA"]
    peru_sees = ["PDI-ARICA", "MIGRACIONES-TACNA — duty desk", "ed_per — Rosa's phone"]
    assert told == {
        "admin_chl": chile_sees,
        "ed_chl": chile_sees,
        "admin_per": peru_sees,
        "ed_per": peru_sees,
        "operator": everything,
    }


def test_a_plan_name_with_a_line_break_after_it_is_refused(db: Database, w: dict[str, Any]) -> None:
    """re.match lets "$" match before a final line break: "corridor-100\n" was stored."""
    with pytest.raises(InvalidError) as err, db.session() as s:
        subscriptions.create_subscription(
            s,
            actor=w["ed_per"],
            label="me",
            channel="email",
            target="ed@per.example",
            plans=["corridor-100\n"],
        )
    assert [e["loc"][-1] for e in err.value.errors] == ["plans"]


def test_a_subscription_to_no_plan_is_refused_and_one_to_a_built_in_plan_kept(
    db: Database, w: dict[str, Any]
) -> None:
    """`plans: ["corridor-10"]` was stored, and the subscriber waited for alerts that no plan
    of that name would ever raise."""

    def subscribe(plan: str) -> None:
        with db.session() as s:
            subscriptions.create_subscription(
                s,
                actor=w["ed_per"],
                label=plan,
                channel="email",
                target="ed@per.example",
                plans=[plan],
            )

    with pytest.raises(InvalidError) as err:
        subscribe("corridor-10")
    [error] = err.value.errors
    assert error["loc"] == ["body", "plans"]
    assert say(error["msg"], "en").startswith(
        "unknown plan 'corridor-10', expected one of: arica-shelter, binational, corridor-100, "
    )
    subscribe("corridor-100")  # built in: subscribed to before an admin stores it


def test_subscribing_at_the_same_moment_stops_at_the_most_an_owner_may_have(
    db: Database, w: dict[str, Any]
) -> None:
    """Race: eight adds at once each counted 24 active subscriptions (PostgreSQL, READ
    COMMITTED) and all eight were stored, past the 25 an owner may have."""
    for _ in range(subscriptions.MOST_SUBSCRIPTIONS - 1):
        _subscribe(db, w["ed_chl"], w["chl"])
    got = at_once(8, lambda _i: _subscribe(db, w["ed_chl"], w["chl"]))
    stored = [g for g in got if isinstance(g, int)]
    refused = [g for g in got if isinstance(g, InvalidError)]
    assert (len(stored), len(refused)) == (1, 7)
    with db.session(readonly=True) as s:
        assert len(s.scalars(select(Subscription)).all()) == subscriptions.MOST_SUBSCRIPTIONS
    assert _subscribe(db, w["ed_per"], w["per"]) > 0  # another owner: its own count
