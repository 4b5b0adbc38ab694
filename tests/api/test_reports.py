"""Field reports through the API: create, idempotency, bad input, lists and filters."""

from __future__ import annotations

from service_world import World, report


def test_editor_posts_a_report_and_reads_it_back(world: World) -> None:
    c = world.client
    r = c.post("/api/v1/reports", json=report(), headers=world.h("ed_chl"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["agency_id"] == world.ids["chl"]
    assert (body["people"], body["stranded"]) == (120, 100)
    assert body["observed_at"] == "2025-11-30T10:00:00Z"
    got = c.get(f"/api/v1/reports/{body['id']}", headers=world.h("viewer")).json()
    assert got["counts"] == [{"nationality": "VEN", "documented": False, "people": 120,
                              "stranded": 100, "sex": None, "age_band": None}]
