"""Users over the API: an admin of a country manages the users of its agencies only (403 else)."""

from __future__ import annotations

from hito.store import users
from service_world import PASSWORD, World, country_admin

NEW_PASSWORD = "another horse battery staple"


def _hash(world: World, name: str) -> str:
    with world.db.session(readonly=True) as s:
        return users.get_user(s, user_id=world.ids[name]).password_hash


def test_chilean_admin_resetting_a_peruvian_users_password_is_refused(world: World) -> None:
    country_admin(world)
    before = _hash(world, "ed_per")
    r = world.client.post(
        f"/api/v1/users/{world.ids['ed_per']}/password",
        json={"password": NEW_PASSWORD},
        headers=world.h("admin_chl"),
    )
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == (
        f"user {world.ids['ed_per']} belongs to an agency of PER; you are an admin of CHL and may "
        "not reset their password"
    )
    assert _hash(world, "ed_per") == before
    assert world.login("ed_per")  # the old password still signs in; their token still works
    assert world.client.get("/api/v1/sites", headers=world.h("ed_per")).status_code == 200


def test_chilean_admin_resetting_the_operators_password_is_refused(world: World) -> None:
    country_admin(world)
    r = world.client.post(
        f"/api/v1/users/{world.ids['admin']}/password",
        json={"password": NEW_PASSWORD},
        headers=world.h("admin_chl"),
    )
    assert r.status_code == 403
    assert "only the service's operator (an admin of no agency)" in r.json()["detail"]


def test_chilean_admin_creating_a_peruvian_editor_is_refused(world: World) -> None:
    country_admin(world)
    body = {"username": "mole", "password": PASSWORD, "role": "editor"}
    r = world.client.post(
        "/api/v1/users", json={**body, "agency_id": world.ids["per"]}, headers=world.h("admin_chl")
    )
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == (
        "you are an admin of CHL: you may not create users of agency 'migraciones-tacna' of PER,"
        " only of CHL"
    )
    r = world.client.post(  # nor an admin of no agency: an operator
        "/api/v1/users", json={**body, "role": "admin"}, headers=world.h("admin_chl")
    )
    assert r.status_code == 403
    r = world.client.post(
        "/api/v1/users", json={**body, "agency_id": world.ids["chl"]}, headers=world.h("admin_chl")
    )
    assert r.status_code == 201 and r.json()["agency_id"] == world.ids["chl"]


def test_chilean_admin_disabling_a_peruvian_editor_is_refused(world: World) -> None:
    country_admin(world)
    url = f"/api/v1/users/{world.ids['ed_per']}"
    r = world.client.patch(url, json={"active": False}, headers=world.h("admin_chl"))
    assert r.status_code == 403
    assert r.json()["detail"].endswith("you are an admin of CHL and may not enable or disable them")
    r = world.client.patch(url, json={"active": False}, headers=world.h("admin"))  # the operator
    assert r.status_code == 200 and r.json()["active"] is False


def test_the_operator_creates_a_country_admin_who_acts_in_that_country_only(world: World) -> None:
    r = world.client.post(
        "/api/v1/users",
        json={
            "username": "admin_per",
            "password": PASSWORD,
            "role": "admin",
            "agency_id": world.ids["per"],
        },
        headers=world.h("admin"),
    )
    assert r.status_code == 201, r.text
    world.tokens["admin_per"] = world.login("admin_per")
    url = "/api/v1/users/{}/password"
    ok = world.client.post(
        url.format(world.ids["ed_per"]),
        json={"password": NEW_PASSWORD},
        headers=world.h("admin_per"),
    )
    refused = world.client.post(
        url.format(world.ids["ed_chl"]),
        json={"password": NEW_PASSWORD},
        headers=world.h("admin_per"),
    )
    assert (ok.status_code, refused.status_code) == (204, 403)


def test_chilean_admin_reading_peruvian_users_is_refused(world: World) -> None:
    """The list and one user's details: an admin of Chile gets Chile's users only (403 for one
    of Peru's or of no agency, their username unsaid); the operator all."""
    country_admin(world)
    r = world.client.get("/api/v1/users", headers=world.h("admin_chl"))
    assert r.status_code == 200, r.text
    assert sorted(u["username"] for u in r.json()["data"]) == ["admin_chl", "ed_chl"]
    assert r.json()["count"] == 2
    r = world.client.get(
        "/api/v1/users", params={"agency_id": world.ids["per"]}, headers=world.h("admin_chl")
    )
    assert r.json() == {"data": [], "count": 0}
    for name in ("ed_per", "admin", "viewer"):
        r = world.client.get(f"/api/v1/users/{world.ids[name]}", headers=world.h("admin_chl"))
        assert r.status_code == 403, r.text
        assert f"'{name}'" not in r.text
    r = world.client.get(f"/api/v1/users/{world.ids['ed_chl']}", headers=world.h("admin_chl"))
    assert r.status_code == 200 and r.json()["username"] == "ed_chl"
    r = world.client.get("/api/v1/users", headers=world.h("admin"))
    assert {u["username"] for u in r.json()["data"]} == {
        "admin",
        "admin_chl",
        "ed_chl",
        "ed_per",
        "viewer",
    }
