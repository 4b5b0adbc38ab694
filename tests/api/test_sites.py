"""Sites: list, status changes by the site's country only, history, shelter updates."""

from __future__ import annotations

from service_world import World, country_admin


def test_sites_come_from_the_scenario(world: World) -> None:
    body = world.client.get(
        "/api/v1/sites", params={"country": "CHL"}, headers=world.h("viewer")
    ).json()
    assert [s["id"] for s in body["data"]] == [
        "arica-shelters",
        "chacalluta",
        "chungara",
        "colchane",
        "concordia-strip",
    ]
    strip = world.client.get("/api/v1/sites/concordia-strip", headers=world.h("viewer")).json()
    assert (strip["kind"], strip["status"], strip["scenario"]) == (
        "between_posts",
        "open",
        "tacna-arica-2025",
    )
    assert world.client.get("/api/v1/sites/nowhere", headers=world.h("viewer")).status_code == 404


def test_status_changes_only_by_the_sites_country_and_keep_history(world: World) -> None:
    c = world.client
    r = c.post(
        "/api/v1/sites/santa-rosa/status", json={"status": "closed"}, headers=world.h("ed_chl")
    )
    assert r.status_code == 403 and "santa-rosa' is in PER" in r.json()["detail"]
    r = c.post(
        "/api/v1/sites/santa-rosa/status",
        json={
            "status": "documented_only",
            "effective_at": "2025-11-29T00:00:00Z",
            "remark": "state of emergency",
        },
        headers=world.h("ed_per"),
    )
    assert r.status_code == 201
    c.post(
        "/api/v1/sites/santa-rosa/status",
        json={"status": "militarized", "effective_at": "2025-11-30T00:00:00Z"},
        headers=world.h("ed_per"),
    )
    # a late entry about an earlier time goes into the history without changing the current status
    c.post(
        "/api/v1/sites/santa-rosa/status",
        json={"status": "open", "effective_at": "2025-11-01T00:00:00Z"},
        headers=world.h("admin"),
    )
    assert (
        c.get("/api/v1/sites/santa-rosa", headers=world.h("viewer")).json()["status"]
        == "militarized"
    )
    hist = c.get("/api/v1/sites/santa-rosa/status", headers=world.h("viewer")).json()
    assert [h["status"] for h in hist["data"]] == ["militarized", "documented_only", "open"]
    r = c.post(
        "/api/v1/sites/santa-rosa/status", json={"status": "bombed"}, headers=world.h("ed_per")
    )
    assert r.status_code == 422 and "documented_only" in r.json()["detail"]


def test_shelter_updates_set_the_capacity(world: World) -> None:
    c = world.client
    r = c.post(
        "/api/v1/sites/arica-shelters/shelter-updates",
        json={"occupancy": 140, "capacity": 180, "observed_at": "2025-12-01T08:00:00Z"},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 201
    assert (
        c.get("/api/v1/sites/arica-shelters", headers=world.h("viewer")).json()["capacity"] == 180
    )
    r = c.post(
        "/api/v1/sites/chacalluta/shelter-updates",
        json={"occupancy": 1, "capacity": 2},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 422 and "is a border_post, not a shelter" in r.json()["detail"]
    r = c.post(
        "/api/v1/sites/arica-shelters/shelter-updates",
        json={"occupancy": -1, "capacity": 2},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 422
    assert (
        c.get("/api/v1/sites/arica-shelters/shelter-updates", headers=world.h("viewer")).json()[
            "count"
        ]
        == 1
    )


def test_chilean_admin_closing_a_peruvian_post_is_refused(world: World) -> None:
    country_admin(world)
    c = world.client
    r = c.post(
        "/api/v1/sites/santa-rosa/status", json={"status": "closed"}, headers=world.h("admin_chl")
    )
    assert r.status_code == 403
    assert r.json()["detail"] == (
        "site 'santa-rosa' is in PER; an admin of CHL may not change its status"
    )
    assert c.get("/api/v1/sites/santa-rosa", headers=world.h("viewer")).json()["status"] == "open"
    r = c.post(
        "/api/v1/sites/chacalluta/status", json={"status": "closed"}, headers=world.h("admin_chl")
    )
    assert r.status_code == 201


def test_a_site_status_with_a_key_given_twice_is_refused_and_nothing_is_stored(
    world: World,
) -> None:
    c = world.client
    history = c.get("/api/v1/sites/santa-rosa/status", headers=world.h("viewer")).json()
    r = c.post(
        "/api/v1/sites/santa-rosa/status",
        content=b'{"status": "open", "status": "closed"}',
        headers=world.h("ed_per", **{"Content-Type": "application/json"}),
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {"loc": ["body", "status"], "msg": "given twice in one object; expected each key once"}
    ]
    assert c.get("/api/v1/sites/santa-rosa/status", headers=world.h("viewer")).json() == history
