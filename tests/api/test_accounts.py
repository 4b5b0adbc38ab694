"""Accounts under attack: guessing, locking others out, weak passwords, the last admin (both databases)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from hito.store import throttle, tokens
from hito.store.errors import AuthError, TooManyAttemptsError
from service_world import PASSWORD, World

LIMITS = throttle.Limits(pair=5, address=30, account=100, window=dt.timedelta(minutes=5))


def _sign_in(world: World, username: str, password: str, address: str) -> str:
    try:
        tokens.sign_in(
            world.db,
            username=username,
            password=password,
            ttl=dt.timedelta(hours=1),
            limits=LIMITS,
            address=address,
        )
    except TooManyAttemptsError:
        return "429"
    except AuthError:
        return "401"
    return "200"


def test_concurrent_guesses_check_no_more_passwords_than_the_limit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    lock = threading.Lock()
    real = tokens.check_password

    def counting(stored: str, password: str) -> bool:
        with lock:
            checked.append(password)
        return real(stored, password)

    monkeypatch.setattr(tokens, "check_password", counting)
    guesses = [f"guess-{i}" for i in range(39)] + [PASSWORD]  # the right one comes last
    with ThreadPoolExecutor(40) as pool:
        results = list(pool.map(lambda p: _sign_in(world, "admin", p, "203.0.113.9"), guesses))
    assert len(checked) <= LIMITS.pair, f"{len(checked)} passwords checked"
    assert results.count("429") >= 40 - LIMITS.pair
    assert results[-1] != "200" or PASSWORD in checked  # the right one only if it was checked
    assert _sign_in(world, "admin", PASSWORD, "203.0.113.9") == "429"  # still locked from there


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(world: World) -> None:
    for _ in range(5):
        assert _sign_in(world, "admin", "wrong", "198.51.100.7") == "401"
    assert _sign_in(world, "admin", PASSWORD, "198.51.100.7") == "429"
    assert _sign_in(world, "admin", PASSWORD, "192.0.2.44") == "200"  # the real admin, elsewhere


def test_spraying_many_accounts_from_one_address_is_limited(world: World) -> None:
    names = [f"user{i}" for i in range(LIMITS.address)]
    for n in names:
        assert _sign_in(world, n, "wrong", "198.51.100.8") == "401"
    assert _sign_in(world, "viewer", PASSWORD, "198.51.100.8") == "429"
    assert _sign_in(world, "viewer", PASSWORD, "198.51.100.9") == "200"


def test_rotating_addresses_within_one_ipv6_network_is_limited_as_one_address(
    world: World,
) -> None:
    """A host (or a phone) holds a whole /64: a new address for each guess is one address."""
    for i in range(LIMITS.address):
        assert _sign_in(world, f"user{i}", "wrong", f"2001:db8:7:9::{i + 1:x}") == "401"
    assert _sign_in(world, "viewer", PASSWORD, "2001:db8:7:9:ffff:1:2:3") == "429"
    assert _sign_in(world, "viewer", PASSWORD, "2001:db8:7:a::1") == "200"  # the next /64


def test_an_ipv4_mapped_address_is_counted_as_its_ipv4_address(world: World) -> None:
    for i in range(LIMITS.address):
        assert _sign_in(world, f"user{i}", "wrong", "::ffff:198.51.100.12") == "401"
    assert _sign_in(world, "viewer", PASSWORD, "198.51.100.12") == "429"


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:7:9:ffff:1:2:3", "2001:db8:7:9::/64"),
        ("2001:DB8:7:9::1", "2001:db8:7:9::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:198.51.100.12", "198.51.100.12"),
        ("testclient", "testclient"),
        ("unknown", "unknown"),
    ],
)
def test_counted_address(address: str, counted: str) -> None:
    assert throttle.counted_address(address) == counted


def test_officials_behind_one_address_are_not_locked_out_by_their_own_sign_ins(
    world: World,
) -> None:
    """A border office (or a carrier's shared address): twice the address's failure limit of
    right passwords in one window, all signed in; the limit is of failures."""
    for i in range(2 * LIMITS.address):
        assert _sign_in(world, ("admin", "viewer")[i % 2], PASSWORD, "198.51.100.10") == "200", i


def test_a_right_password_does_not_wipe_the_guesses_made_from_its_address(world: World) -> None:
    """Spraying with one valid account in hand: each success takes back only its own count."""
    for i in range(LIMITS.address - 1):
        assert _sign_in(world, f"user{i}", "wrong", "198.51.100.11") == "401"
    assert _sign_in(world, "viewer", PASSWORD, "198.51.100.11") == "200"
    assert _sign_in(world, "user-last", "wrong", "198.51.100.11") == "401"  # the 30th failure
    assert _sign_in(world, "viewer", PASSWORD, "198.51.100.11") == "429"


def test_lockout_answers_name_no_user_and_unknown_users_look_like_known_ones(world: World) -> None:
    c = world.client
    answers = {}
    for name in ("admin", "nobody-at-all"):
        seen = []
        for _ in range(6):
            r = c.post("/api/v1/auth/token", data={"username": name, "password": "wrong-password"})
            seen.append((r.status_code, r.json()["detail"].split(":")[0]))
        answers[name] = seen
        assert name not in r.text
    assert answers["admin"] == answers["nobody-at-all"]
    assert answers["admin"][-1] == (429, "too many sign-in attempts")


def test_sign_ins_failures_and_lockouts_are_in_the_log(world: World) -> None:
    c = world.client
    for _ in range(5):
        c.post("/api/v1/auth/token", data={"username": "viewer", "password": "wrong-password"})
    c.post("/api/v1/auth/token", data={"username": "ed_chl", "password": PASSWORD})
    log = c.get("/api/v1/log/entries", params={"resource": "user"}, headers=world.h("admin")).json()
    actions = [(e["action"], e["resource"]) for e in log["data"]]
    uid = f"user:{world.ids['viewer']}"
    assert actions.count(("auth.failure", uid)) == 5
    assert ("auth.lockout", uid) in actions
    assert ("auth.login", f"user:{world.ids['ed_chl']}") in actions


def test_argon2_runs_outside_every_transaction(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a password is being checked, another thread can write: no lock is held."""
    wrote: list[bool] = []
    real = tokens.check_password

    def meanwhile(stored: str, password: str) -> bool:
        def write() -> None:
            with world.db.session() as s:
                from hito.store import audit

                audit.append(s, actor="probe", action="probe", resource="probe:1")
            wrote.append(True)

        t = threading.Thread(target=write)
        t.start()
        t.join(timeout=60)
        return real(stored, password)

    monkeypatch.setattr(tokens, "check_password", meanwhile)
    assert _sign_in(world, "viewer", PASSWORD, "192.0.2.1") == "200"
    assert wrote == [True]


def test_password_change_revokes_tokens_and_refuses_common_passwords(world: World) -> None:
    c = world.client
    old = world.tokens["ed_chl"]
    r = c.post(
        "/api/v1/auth/password",
        json={"current_password": "wrong one", "new_password": "x" * 12},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 401
    for weak in ("password1", "qwertyuiop", "ed_chl2025"):
        r = c.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": weak},
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 422, weak
        assert "this password is refused" in r.json()["detail"]
    r = c.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "tinta verde sobre papel"},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 204, r.text
    assert c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    ok = c.post(
        "/api/v1/auth/token", data={"username": "ed_chl", "password": "tinta verde sobre papel"}
    )
    assert ok.status_code == 200


def test_admin_reset_revokes_the_users_tokens_and_viewers_cannot_reset(world: World) -> None:
    c = world.client
    uid = world.ids["ed_per"]
    r = c.post(
        f"/api/v1/users/{uid}/password",
        json={"password": "nuevo tambo de agua"},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 403
    r = c.post(
        f"/api/v1/users/{uid}/password", json={"password": "123456789"}, headers=world.h("admin")
    )
    assert r.status_code == 422
    r = c.post(
        f"/api/v1/users/{uid}/password",
        json={"password": "nuevo tambo de agua"},
        headers=world.h("admin"),
    )
    assert r.status_code == 204
    assert c.get("/api/v1/auth/me", headers=world.h("ed_per")).status_code == 401
    log = c.get(
        "/api/v1/log/entries", params={"resource": f"user:{uid}"}, headers=world.h("admin")
    ).json()
    assert log["data"][0]["action"] == "user.password_reset"


def test_the_last_admin_cannot_be_disabled(world: World) -> None:
    c = world.client
    r = c.patch(
        f"/api/v1/users/{world.ids['admin']}", json={"active": False}, headers=world.h("admin")
    )
    assert r.status_code == 409 and "last active admin" in r.json()["detail"]
    r = c.post(
        "/api/v1/users",
        json={"username": "second.admin", "password": "otra clave bastante larga", "role": "admin"},
        headers=world.h("admin"),
    )
    assert r.status_code == 201
    r = c.patch(
        f"/api/v1/users/{world.ids['admin']}", json={"active": False}, headers=world.h("admin")
    )
    assert r.status_code == 200


def test_creating_a_user_with_a_common_password_is_refused(world: World) -> None:
    r = world.client.post(
        "/api/v1/users",
        json={"username": "ana.iom", "password": "password123", "role": "viewer"},
        headers=world.h("admin"),
    )
    assert r.status_code == 422 and "this password is refused" in r.json()["detail"]


def test_guessing_the_current_password_with_a_stolen_token_is_limited_as_sign_in_is(
    world: World,
) -> None:
    """Five wrong current passwords, then 429 with Retry-After, even for the right one."""
    h = world.h("ed_chl")
    for _ in range(5):
        r = world.client.post(
            "/api/v1/auth/password",
            json={"current_password": "a guess at it", "new_password": "tinta verde sobre papel"},
            headers=h,
        )
        assert r.status_code == 401
        assert r.json()["detail"] == "the current password is wrong"
    r = world.client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "tinta verde sobre papel"},
        headers=h,
    )
    assert r.status_code == 429
    assert r.json()["detail"].startswith("too many sign-in attempts: try again in ")
    assert 1 <= int(r.headers["Retry-After"]) <= 301
    assert (
        world.client.post(
            "/api/v1/auth/token", data={"username": "ed_chl", "password": PASSWORD}
        ).status_code
        == 429
    )  # the same account from the same address: one count for both doors


def test_a_right_current_password_clears_the_failures_before_it(world: World) -> None:
    h = world.h("ed_chl")
    for _ in range(4):
        r = world.client.post(
            "/api/v1/auth/password",
            json={"current_password": "a guess at it", "new_password": "tinta verde sobre papel"},
            headers=h,
        )
        assert r.status_code == 401
    r = world.client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "password1"},
        headers=h,
    )
    assert r.status_code == 422  # a common password, refused; the current one was right
    r = world.client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "tinta verde sobre papel"},
        headers=h,
    )
    assert r.status_code == 204


def test_two_admins_creating_one_username_at_once_get_a_409_not_a_500(world: World) -> None:
    """Chile's admin and Peru's (here: the store, then the API) add the same username at the
    same moment: the API's check found no such user, its insert then met the other's row."""
    from functools import partial

    from hito.store import users
    from hito.store.actors import SYSTEM
    from service_db import while_written_meanwhile

    r = while_written_meanwhile(
        world.db,
        partial(
            users.create_user, actor=SYSTEM, username="ana.race", password=PASSWORD, role="viewer"
        ),
        partial(
            world.client.post,
            "/api/v1/users",
            json={
                "username": "ana.race",
                "password": "otra clave bastante larga",
                "role": "viewer",
            },
            headers=world.h("admin"),
        ),
    )
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] in (
        "username 'ana.race' is already taken",  # SQLite: the check ran after the other's commit
        "another request wrote the same thing at the same moment (uq_user_account_username); "
        "nothing of this request was saved: reload and try again",
    )
    assert world.db.dialect == "sqlite" or "same moment" in r.json()["detail"]
