"""Sign-in, tokens (hashed, expiring, revocable), login limits and roles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from hito.store.models import Token
from hito.store.tokens import token_digest
from service_world import PASSWORD, World


def test_token_is_stored_only_as_its_hash(world: World) -> None:
    raw = world.tokens["viewer"]
    with world.db.session(readonly=True) as s:
        stored = list(s.scalars(select(Token.token_hash)))
        assert raw not in stored and token_digest(s, raw) in stored


def test_me_requires_a_token_and_names_the_actor(world: World) -> None:
    c = world.client
    r = c.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    assert r.headers["content-type"] == "application/problem+json"
    assert "sign in first" in r.json()["detail"]
    assert (
        c.get("/api/v1/auth/me", headers={"Authorization": "Bearer nonsense"})
        .json()["detail"]
        .startswith("unknown token")
    )
    me = c.get("/api/v1/auth/me", headers=world.h("ed_per")).json()
    assert me == {
        "user_id": world.ids["ed_per"],
        "username": "ed_per",
        "role": "editor",
        "agency_id": world.ids["per"],
        "country_code": "PER",
    }


def test_wrong_password_is_401_and_repeated_failures_lock_with_429(world: World) -> None:
    c = world.client
    for _ in range(5):
        r = c.post("/api/v1/auth/token", data={"username": "viewer", "password": "wrong-password"})
        assert r.status_code == 401 and r.json()["detail"] == "wrong username or password"
    r = c.post("/api/v1/auth/token", data={"username": "viewer", "password": PASSWORD})
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= 301
    assert r.json()["detail"].startswith("too many sign-in attempts: try again in")
    assert "viewer" not in r.text  # the answer names no account
    unknown = c.post("/api/v1/auth/token", data={"username": "nobody", "password": "x"})
    assert unknown.status_code == 401 and unknown.json()["detail"] == "wrong username or password"


def test_revoked_and_expired_tokens_are_refused(world: World) -> None:
    c = world.client
    assert c.post("/api/v1/auth/revoke", headers=world.h("ed_chl")).status_code == 204
    r = c.get("/api/v1/auth/me", headers=world.h("ed_chl"))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]
    with world.db.session() as s:
        s.execute(
            update(Token)
            .where(Token.token_hash == token_digest(s, world.tokens["viewer"]))
            .values(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        )
    r = c.get("/api/v1/auth/me", headers=world.h("viewer"))
    assert r.status_code == 401 and "expired" in r.json()["detail"]


def test_disabling_a_user_revokes_their_tokens(world: World) -> None:
    c = world.client
    r = c.patch(
        f"/api/v1/users/{world.ids['ed_per']}", json={"active": False}, headers=world.h("admin")
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert c.get("/api/v1/auth/me", headers=world.h("ed_per")).status_code == 401
    assert (
        c.post("/api/v1/auth/token", data={"username": "ed_per", "password": PASSWORD}).status_code
        == 401
    )


def test_only_admins_manage_users_agencies_and_countries(world: World) -> None:
    c = world.client
    new = {
        "username": "ana.iom",
        "password": "long enough pw",
        "role": "editor",
        "agency_id": world.ids["per"],
    }
    for who in ("ed_chl", "viewer"):
        assert c.post("/api/v1/users", json=new, headers=world.h(who)).status_code == 403
        assert (
            c.post(
                "/api/v1/agencies",
                json={"code": "iom", "name": "IOM", "country_code": "PER"},
                headers=world.h(who),
            ).status_code
            == 403
        )
        assert c.get("/api/v1/users", headers=world.h(who)).status_code == 403
    r = c.post("/api/v1/users", json=new, headers=world.h("admin"))
    assert r.status_code == 201 and r.json()["role"] == "editor" and "password" not in r.text
    assert c.post("/api/v1/users", json=new, headers=world.h("admin")).status_code == 409
    r = c.post(
        "/api/v1/users",
        json={**new, "username": "bob", "agency_id": None},
        headers=world.h("admin"),
    )
    assert r.status_code == 422 and "an editor needs the agency" in r.json()["detail"]
    r = c.post(
        "/api/v1/agencies",
        json={"code": "iom", "name": "IOM", "country_code": "ARG"},
        headers=world.h("admin"),
    )
    assert (
        r.status_code == 422
        and "unknown country 'ARG', expected one of: BOL, CHL, PER" in r.json()["detail"]
    )
    r = c.post(
        "/api/v1/countries", json={"code": "ARG", "name": "Argentina"}, headers=world.h("admin")
    )
    assert r.status_code == 201
    assert c.get("/api/v1/countries", headers=world.h("viewer")).json()["count"] == 4
    r = c.get("/api/v1/agencies", params={"country": "PER"}, headers=world.h("viewer")).json()
    assert [a["code"] for a in r["data"]] == ["migraciones-tacna"]
