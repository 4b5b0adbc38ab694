"""The shelter registry, occupancy from counts, the needs picture and the need_gap trigger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hito.store.models import Forecast
from service_world import World, report

SHELTER = {
    "capacity_people": 150,
    "area_m2": 500,
    "water_points": 1,
    "toilets": 8,
    "status": "open",
    "operator": "Municipalidad de Arica",
}


def _put(world: World, who: str, body: dict, site: str = "arica-shelters"):  # noqa: ANN202
    return world.client.put(f"/api/v1/shelters/{site}", json=body, headers=world.h(who))


def test_an_editor_of_the_country_registers_a_shelter_and_counts_give_its_occupancy(
    world: World,
) -> None:
    r = _put(world, "ed_chl", SHELTER)
    assert r.status_code == 200, r.text
    assert (r.json()["capacity_people"], r.json()["occupancy"], r.json()["free_places"]) == (
        150,
        None,
        150,
    )
    world.client.post(
        "/api/v1/reports",
        json=report("arica-shelters", people=120, stranded=120),
        headers=world.h("ed_chl"),
    )
    (sh,) = world.client.get("/api/v1/shelters", headers=world.h("viewer")).json()["data"]
    assert (sh["occupancy"], sh["share"], sh["free_places"], sh["toilets"]) == (120, 0.8, 30, 8)
    assert _put(world, "ed_chl", {**SHELTER, "status": "full"}).json()["free_places"] == 0
    site = world.client.get("/api/v1/sites/arica-shelters", headers=world.h("viewer")).json()
    assert site["capacity"] == 150


def test_registry_refuses_other_countries_viewers_non_shelters_and_bad_numbers(
    world: World,
) -> None:
    assert _put(world, "ed_per", SHELTER).status_code == 403
    assert _put(world, "viewer", SHELTER).status_code == 403
    r = _put(world, "ed_chl", SHELTER, site="chacalluta")
    assert r.status_code == 422 and "is a border_post, not a shelter" in r.json()["detail"]
    r = _put(world, "ed_chl", {**SHELTER, "toilets": -1, "status": "overflowing"})
    assert r.status_code == 422
    assert sorted(tuple(e["loc"]) for e in r.json()["errors"]) == [
        ("body", "status"),
        ("body", "toilets"),
    ]
    assert _put(world, "ed_chl", SHELTER, site="atlantis").status_code == 404
    assert world.client.get("/api/v1/shelters", headers=world.h("viewer")).json()["count"] == 0


def _forecast(world: World, as_of: dt.date) -> None:
    dates = [(as_of + dt.timedelta(days=i)).isoformat() for i in range(10)]
    band = lambda v: {"p10": [v * 0.5] * 10, "p50": [v * 0.8] * 10, "p90": [float(v)] * 10}  # noqa: E731
    with world.db.session() as s:
        s.add(
            Forecast(
                status="done",
                scenario="tacna-arica-2025",
                as_of=as_of,
                days=10,
                runs=20,
                seed=1,
                result={
                    "dates": dates,
                    "stranded_total": band(430),
                    "stranded_by_place": {"concordia-strip": band(400), "arica-shelters": band(30)},
                },
            )
        )


def test_needs_from_the_forecast_p90_against_shelter_room(world: World) -> None:
    _put(world, "ed_chl", SHELTER)
    _forecast(world, dt.date.today())
    r = world.client.get("/api/v1/needs", headers=world.h("viewer"))
    assert r.status_code == 200, r.text
    n = r.json()
    assert (n["basis"], n["horizon_days"], n["people"]) == ("forecast", 7, 430)
    assert n["needs"] == {
        "people": 430,
        "covered_m2": 1505.0,
        "water_l_day": 6450.0,
        "toilets": 22,
        "water_points": 2,
    }
    assert (n["gap"]["people"], n["gap"]["places"], n["gap"]["toilets"]) == (280, 150, 14)
    strip = next(s for s in n["sites"] if s["site_id"] == "concordia-strip")
    assert (strip["p50"], strip["p90"], strip["needs"]["toilets"]) == (320.0, 400.0, 20)
    assert "Sphere" in n["standards"]["water_l_per_person_day"]["source"]


def test_without_a_forecast_needs_come_from_the_newest_counts(world: World) -> None:
    world.client.post(
        "/api/v1/reports", json=report(people=50, stranded=41), headers=world.h("ed_chl")
    )
    n = world.client.get("/api/v1/needs", headers=world.h("viewer")).json()
    assert (n["basis"], n["people"], n["needs"]["toilets"], n["gap"]["people"]) == (
        "counts",
        41,
        3,
        41,
    )


NEED_GAP_PLAN = (
    (Path(__file__).parents[2] / "src/hito/plans/builtin/corridor-100.yaml")
    .read_text()
    .replace("name: corridor-100", "name: shelter-gap")
    .replace(
        '    indicator: stranded\n    places: [concordia-strip, chacalluta]\n    compare: ">="\n    threshold: 200',
        '    indicator: need_gap\n    severity: critical\n    places: [concordia-strip, chacalluta]\n    compare: ">="\n    threshold: 100',
    )
)


def test_a_need_gap_trigger_fires_when_stranded_people_outrun_free_shelter_places(
    world: World,
) -> None:
    assert "need_gap" in NEED_GAP_PLAN
    r = world.client.post("/api/v1/plans", json={"text": NEED_GAP_PLAN}, headers=world.h("admin"))
    assert r.status_code == 201, r.text
    _put(world, "ed_chl", SHELTER)
    world.client.post(
        "/api/v1/reports",
        json=report("arica-shelters", "2025-11-28T09:00:00Z", people=100, stranded=100),
        headers=world.h("ed_chl"),
    )
    for day, n in (("2025-11-28", 140), ("2025-11-29", 160)):  # gaps 90 and 110: 160 - (150 - 100)
        world.client.post(
            "/api/v1/reports",
            json=report("concordia-strip", f"{day}T10:00:00Z", people=n, stranded=n),
            headers=world.h("ed_chl"),
        )
    assert (
        world.client.get("/api/v1/alerts", headers=world.h("viewer")).json()["count"] == 0
    )  # one day is not two
    world.client.post(
        "/api/v1/reports",
        json=report("concordia-strip", "2025-11-30T10:00:00Z", people=170, stranded=170),
        headers=world.h("ed_chl"),
    )
    (a,) = world.client.get("/api/v1/alerts", headers=world.h("viewer")).json()["data"]
    assert (a["plan_name"], a["met_since"]) == ("shelter-gap", "2025-11-30")
