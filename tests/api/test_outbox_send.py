"""The outbox's send (/report/send) on SQLite and PostgreSQL: stored once per key, or refused."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from hito.store.models import FieldReport
from service_world import World

CSRF = "t" * 43
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _send(world: World, who: str, **fields: str):  # noqa: ANN003, ANN202
    c = world.client
    c.cookies.set("hito_session", world.tokens[who])
    token = TOKEN.search(c.get("/report").text)[1]  # type: ignore[index]  # the session's
    form = {
        "site_id": "concordia-strip",
        "observed_at": "2025-11-30T10:00",
        "tz_offset": "180",
        "idempotency_key": "web-phone-1",
        "csrf_token": token,
        **fields,
    }
    r = c.post(
        "/report/send?lang=en",
        data=form,
        headers={"Origin": "http://testserver", "X-CSRF-Token": token},
    )
    c.cookies.clear()
    return r


def _reports(world: World) -> int:
    with world.db.session(readonly=True) as s:
        return int(s.scalar(select(func.count()).select_from(FieldReport)))


def test_the_same_queued_report_sent_twice_is_stored_once(world: World) -> None:
    first = _send(world, "ed_chl", **{"people-unspecified": "120", "stranded-unspecified": "80"})
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "stored" and first.json()["replayed"] is False
    again = _send(world, "ed_chl", **{"people-unspecified": "120", "stranded-unspecified": "80"})
    assert again.json() == {**first.json(), "replayed": True}
    assert _reports(world) == 1


def test_a_queued_report_refused_on_arrival_says_why_and_stores_nothing(world: World) -> None:
    r = _send(world, "ed_chl", **{"people-unspecified": "5", "stranded-unspecified": "9"})
    assert r.status_code == 422
    assert r.json() == {
        "outcome": "refused",
        "errors": {"stranded-unspecified": "Stranded cannot be more than the people counted."},
        "message": "Stranded cannot be more than the people counted.",
    }
    other = _send(world, "ed_chl", **{"people-unspecified": "10", "idempotency_key": "web-phone-1"})
    assert other.status_code == 200
    changed = _send(world, "ed_chl", **{"people-unspecified": "11"})  # same key, other numbers
    assert changed.status_code == 422 and "reload it for a new report" in changed.json()["message"]
    viewer = _send(world, "viewer", **{"people-unspecified": "3", "idempotency_key": "web-phone-2"})
    assert viewer.status_code == 422 and "viewer" in viewer.json()["message"]
    assert _reports(world) == 1


def test_without_a_session_the_report_keeps_waiting(world: World) -> None:
    c = world.client
    c.cookies.set("hito_csrf", CSRF)
    r = c.post(
        "/report/send",
        data={"csrf_token": CSRF, "site_id": "chacalluta"},
        headers={"Origin": "http://testserver", "X-CSRF-Token": CSRF},
    )
    c.cookies.clear()
    assert r.status_code == 401 and r.json()["outcome"] == "signin"
    assert _reports(world) == 0


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(world: World) -> None:
    r = world.client.get("/sw.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/javascript")
    assert r.headers["Service-Worker-Allowed"] == "/" and r.headers["Cache-Control"] == "no-cache"
    assert '"/report"' in r.text and "caches.match" in r.text


def test_a_report_queued_on_a_shared_phone_is_never_sent_as_the_next_user(world: World) -> None:
    """Typed by a Chilean editor, the phone then signed in as a Peruvian one: it keeps waiting.

    concordia-strip is between the posts, where both countries report: sent with the second
    session it would count as Peru's report in the day's figure.
    """
    counts = {"people-unspecified": "230", "stranded-unspecified": "220"}
    r = _send(world, "ed_per", typed_by="ed_chl", **counts)
    assert r.status_code == 403
    assert r.json() == {"outcome": "signin", "message": "Sign in again to send."}
    assert _reports(world) == 0
    r = _send(world, "ed_chl", typed_by="ed_chl", **counts)
    assert r.status_code == 200 and r.json()["outcome"] == "stored"
    with world.db.session(readonly=True) as s:
        (row,) = s.scalars(select(FieldReport))
        assert row.agency_id == world.ids["chl"]
