"""Agencies over the API: an admin of a country adds agencies of that country only."""

from __future__ import annotations

from service_world import World, country_admin


def test_chilean_admin_creating_a_peruvian_agency_is_refused(world: World) -> None:
    country_admin(world)
    body = {"code": "fake-pe", "name": "Fake", "country_code": "PER"}
    r = world.client.post("/api/v1/agencies", json=body, headers=world.h("admin_chl"))
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == (
        "you are an admin of CHL: you may not create agencies of PER, only of CHL"
    )
    r = world.client.post(
        "/api/v1/agencies", json={**body, "country_code": "CHL"}, headers=world.h("admin_chl")
    )
    assert r.status_code == 201
    r = world.client.post(
        "/api/v1/agencies", json={**body, "code": "real-pe"}, headers=world.h("admin")
    )
    assert r.status_code == 201  # the operator may
