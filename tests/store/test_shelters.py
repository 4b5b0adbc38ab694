"""Shelter updates by day (the local day at the shelter), and by whom: its country's agencies,
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from hito.plans.model import Trigger
from hito.store import agencies, shelters, sites
from hito.store.actors import SYSTEM
from hito.store.alerts import series_for
from hito.store.db import Database
from hito.store.errors import ForbiddenError, InvalidError
from service_world import two_countries

D = dt.date


def test_an_update_at_23_30_in_arica_is_of_that_day(db: Database) -> None:
    """02:30 UTC on 1 December is 23:30 on 30 November in Arica (UTC-3 in summer)."""
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        chl = agencies.create_agency(s, actor=SYSTEM, code="c", name="C", country_code="CHL")
        for at, occ in (("2025-11-30T12:00:00+00:00", 50), ("2025-12-01T02:30:00+00:00", 90)):
            shelters.create_update(
                s,
                actor=SYSTEM,
                site_id="arica-shelters",
                occupancy=occ,
                capacity=100,
                observed_at=dt.datetime.fromisoformat(at),
                agency_id=chl.id,
            )
    trigger = Trigger(
        id="t", indicator="shelter_occupancy", places=["arica-shelters"], threshold=0.8
    )
    with db.session(readonly=True) as s:
        days = shelters.update_days(s, ["arica-shelters"], D(2025, 11, 30), D(2025, 11, 30))
        assert [(occ, day) for _, _, occ, _, day in days] == [
            (50, D(2025, 11, 30)),
            (90, D(2025, 11, 30)),
        ]
        assert shelters.update_days(s, ["arica-shelters"], D(2025, 12, 1), None) == []
        # the day's share is its latest update's: 90 of 100
        assert series_for(s, trigger, D(2025, 11, 30)) == {D(2025, 11, 30): 0.9}
        assert shelters.occupancy(s, ["arica-shelters"], D(2025, 11, 30))["arica-shelters"][0] == 90


def test_peruvian_admin_updating_a_chilean_shelter_is_refused(db: Database) -> None:
    """Arica's shelters are in Chile: a Peruvian admin may neither count nor register them,
    even for a Chilean agency."""
    w = two_countries(db)
    for agency in (w["per"], w["chl"]):
        with pytest.raises(ForbiddenError) as err, db.session() as s:
            shelters.create_update(
                s,
                actor=w["admin_per"],
                site_id="arica-shelters",
                occupancy=10,
                capacity=100,
                agency_id=agency,
            )
    assert err.value.in_language("en") == [
        f"agency {w['chl']} is of CHL; you are an admin of PER and may post shelter updates "
        "only for the agencies of PER"
    ]
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        shelters.register(
            s, actor=w["admin_per"], site_id="arica-shelters", capacity_people=10, area_m2=50
        )
    assert err.value.in_language("en") == [
        "site 'arica-shelters' is in CHL; an admin of PER may not register it"
    ]
    with db.session() as s:  # Chile's admin may, for a Chilean agency
        shelters.create_update(
            s,
            actor=w["admin_chl"],
            site_id="arica-shelters",
            occupancy=10,
            capacity=100,
            agency_id=w["chl"],
        )
        shelters.register(
            s, actor=w["admin_chl"], site_id="arica-shelters", capacity_people=10, area_m2=50
        )
    with db.session(readonly=True) as s:
        assert [u.agency_id for u in shelters.list_updates(s, site_id="arica-shelters")[0]] == [
            w["chl"]
        ]


def test_admin_naming_a_made_up_agency_for_a_shelter_update_is_a_422_not_a_server_error(
    db: Database,
) -> None:
    """An admin names the agency of a shelter update; one that does not exist was stored as is
    and broke on the foreign key (a 500 on PostgreSQL and SQLite alike)."""
    w = two_countries(db)
    for who in ("admin_chl", "operator"):
        with pytest.raises(InvalidError) as err, db.session() as s:
            shelters.create_update(
                s,
                actor=w[who],
                site_id="arica-shelters",
                occupancy=10,
                capacity=100,
                agency_id=999,
            )
        assert err.value.in_language("en") == ["body.agency_id: no agency with id 999"]
    with db.session(readonly=True) as s:
        assert shelters.list_updates(s, site_id="arica-shelters")[1] == 0
