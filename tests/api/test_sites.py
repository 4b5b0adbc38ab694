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


def test_status_history_and_shelter_updates_page_after_the_last_row_read(world: World) -> None:
    """An entry stored while a partner's script pages pushed, with `offset`, a row already
    read into the next page; `?after=` (the page's `next_after`) starts after it."""
    c = world.client

    def status(day: int) -> None:
        r = c.post(
            "/api/v1/sites/chungara/status",
            json={
                "status": "closed" if day % 2 else "open",
                "effective_at": f"2025-11-{day}T12:00:00Z",
            },
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 201, r.text

    def shelter(day: int) -> None:
        r = c.post(
            "/api/v1/sites/arica-shelters/shelter-updates",
            json={"occupancy": day, "capacity": 300, "observed_at": f"2025-11-{day}T08:00:00Z"},
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 201, r.text

    def page(path: str, **q: object) -> dict:
        r = c.get(path, params={"limit": 2, **q}, headers=world.h("viewer"))
        assert r.status_code == 200, r.text
        return r.json()

    for add, path, key in (
        (status, "/api/v1/sites/chungara/status", "effective_at"),
        (shelter, "/api/v1/sites/arica-shelters/shelter-updates", "observed_at"),
    ):
        for day in (20, 21, 22, 23, 24):
            add(day)

        def days(body: dict, key: str = key) -> list[int]:
            return [int(row[key][8:10]) for row in body["data"]]

        first = page(path)
        assert days(first) == [24, 23] and first["count"] == 5
        add(25)  # while a partner's script pages
        assert days(page(path, offset=2))[0] == 23  # read already: offset paging repeats it
        second = page(path, after=first["next_after"])
        assert days(second) == [22, 21] and second["count"] == 6
        last = page(path, after=second["next_after"])
        assert days(last) == [20] and last["next_after"] is None
        gone = c.get(path, params={"after": 999}, headers=world.h("viewer"))
        assert gone.status_code == 422 and gone.json()["errors"][0]["loc"] == ["query", "after"]
