"""The service's calibrated forecast: refreshed after new reports, one at a time, and its
forecast triggers raise alerts."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hito.service import create_app
from hito.store.db import Database
from service_world import World, make_world, report, settings

PLAN = """
schema_version: 1
name: early-warning
title: "Early warning"
version: "1"
scenario: tacna-arica-2025
agencies:
  - {id: dpr-arica, country: CHL, agency: "Delegación Presidencial Regional de Arica y Parinacota"}
triggers:
  - id: forecast-any-in-7d
    description: "the forecast's median of people stranded at the strip within a week reaches 1"
    indicator: stranded
    places: [concordia-strip]
    source: forecast
    quantile: p50
    horizon_days: 7
    threshold: 1
actions:
  - id: shelter-ready
    trigger: forecast-any-in-7d
    type: shelter_places
    place: arica-shelters
    add: 50
    agency: dpr-arica
    lead_time_days: 2
"""


@pytest.fixture
def refreshing(db: Database) -> Iterator[tuple[TestClient, World]]:
    conf = settings(forecast_scenario="tacna-arica-2025", forecast_particles=20, forecast_days=10)
    with TestClient(create_app(conf, database=db)) as c:
        yield c, make_world(c, db)


def test_new_reports_refresh_one_calibrated_forecast_at_a_time(refreshing) -> None:
    c, w = refreshing
    assert c.post("/api/v1/plans", json={"text": PLAN}, headers=w.h("admin")).status_code == 201
    for day, n in (("2025-11-29", 45), ("2025-11-30", 30), ("2025-12-01", 40)):
        r = c.post(
            "/api/v1/reports",
            json=report("concordia-strip", f"{day}T09:00:00Z", people=n, stranded=n),
            headers=w.h("ed_chl"),
        )
        assert r.status_code == 201, r.text
    refresher = c.app.state.refresher
    assert refresher.wait(timeout=300)
    # three reports in a burst: one refresh running, the others folded into at most one more
    assert 1 <= len(refresher.refreshed) <= 2
    got = c.get(f"/api/v1/forecasts/{refresher.refreshed[-1]}", headers=w.h("viewer")).json()
    assert got["status"] == "done", got["error"]
    res = got["result"]
    assert res["dates"][0] == "2025-12-01" and len(res["dates"]) == 10
    assert res["calibrated"]["counts"] == 3 and res["observed"] == {"concordia-strip": 40.0}
    alerts = c.get("/api/v1/alerts", headers=w.h("viewer")).json()["data"]
    assert [(a["plan_name"], a["trigger"]) for a in alerts] == [
        ("early-warning", "forecast-any-in-7d")
    ]


def test_without_a_forecast_scenario_nothing_runs_in_the_background(world: World) -> None:
    c = world.client
    r = c.post("/api/v1/reports", json=report(), headers=world.h("ed_chl"))
    assert r.status_code == 201
    assert c.app.state.refresher is None
    assert c.get("/api/v1/forecasts", headers=world.h("viewer")).json()["count"] == 0


def test_reports_to_two_worker_processes_refresh_in_one_of_them(db: Database) -> None:
    """`hito serve --workers 2`: each worker refreshed after its own reports, side by side."""
    from hito.store import forecastrun

    conf = settings(forecast_scenario="tacna-arica-2025", forecast_particles=20, forecast_days=10)
    with (
        TestClient(create_app(conf, database=db)) as one,
        TestClient(create_app(conf, database=db)) as two,
    ):
        w = make_world(one, db)
        first, second = one.app.state.refresher, two.app.state.refresher
        with forecastrun._ONE:  # the first worker's refresh waits its turn, holding the lock
            r = one.post(
                "/api/v1/reports",
                json=report("concordia-strip", "2025-11-30T09:00:00Z", people=30, stranded=30),
                headers=w.h("ed_chl"),
            )
            assert r.status_code == 201, r.text
            for _ in range(100):
                if one.get("/api/v1/forecasts", headers=w.h("viewer")).json()["count"]:
                    break
                time.sleep(0.1)
            for day, n in (("2025-12-01", 40), ("2025-12-02", 20)):
                r = two.post(
                    "/api/v1/reports",
                    json=report("concordia-strip", f"{day}T09:00:00Z", people=n, stranded=n),
                    headers=w.h("ed_per"),
                )
                assert r.status_code == 201, r.text
            assert second.wait(timeout=60)
            assert second.refreshed == []  # the lock was held: the first worker takes it on
        assert first.wait(timeout=300)
        assert len(first.refreshed) == 2
        got = one.get(f"/api/v1/forecasts/{first.refreshed[-1]}", headers=w.h("viewer")).json()
        assert got["status"] == "done", got["error"]
        assert got["result"]["dates"][0] == "2025-12-02"
        assert got["result"]["calibrated"]["counts"] == 3
        assert one.get("/api/v1/forecasts", headers=w.h("viewer")).json()["count"] == 2
