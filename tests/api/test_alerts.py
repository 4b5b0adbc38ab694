"""Plans and alerts: a met observed trigger raises one alert, not one per report."""

from __future__ import annotations

import re
from typing import Any

import pytest

from service_world import World, report


def _post(world: World, who: str, site: str, day: str, stranded: int) -> None:
    r = world.client.post(
        "/api/v1/reports",
        json=report(site, f"{day}T09:00:00Z", people=stranded, stranded=stranded),
        headers=world.h(who),
    )
    assert r.status_code == 201, r.text


def _alerts(world: World) -> list[dict]:
    return world.client.get("/api/v1/alerts", headers=world.h("viewer")).json()["data"]


def test_corridor_plan_alerts_once_when_200_are_stranded_two_days(world: World) -> None:
    c = world.client
    r = c.post("/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin"))
    assert r.status_code == 201 and (r.json()["name"], r.json()["version"]) == ("corridor-100", 1)
    _post(world, "ed_chl", "concordia-strip", "2025-11-28", 120)
    _post(world, "ed_chl", "concordia-strip", "2025-11-29", 150)
    _post(world, "ed_chl", "chacalluta", "2025-11-29", 60)
    assert _alerts(world) == []  # one day at 210 is not two days
    _post(world, "ed_per", "concordia-strip", "2025-11-30", 250)
    alerts = _alerts(world)
    assert len(alerts) == 1
    a = alerts[0]
    assert (a["plan_name"], a["trigger"], a["met_since"]) == (
        "corridor-100",
        "stranded-200-2d",
        "2025-11-30",
    )
    assert [(x["action"], x["agency"], x["country"], x["due"]) for x in a["actions"]] == [
        ("corridor-santa-rosa", "migraciones", "PER", "2025-12-01")
    ]
    assert a["agencies"] == ["Superintendencia Nacional de Migraciones (PER)"]
    # more reports during the same episode raise nothing new
    _post(world, "ed_chl", "concordia-strip", "2025-11-30", 240)
    _post(world, "ed_chl", "concordia-strip", "2025-12-01", 260)
    assert len(_alerts(world)) == 1
    assert c.get(f"/api/v1/alerts/{a['id']}", headers=world.h("viewer")).json() == a


def test_a_switched_off_plan_raises_nothing(world: World) -> None:
    pid = world.client.post(
        "/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin")
    ).json()["id"]
    assert (
        world.client.patch(
            f"/api/v1/plans/{pid}", json={"active": False}, headers=world.h("admin")
        ).status_code
        == 200
    )
    for day in ("2025-11-29", "2025-11-30", "2025-12-01"):
        _post(world, "ed_chl", "concordia-strip", day, 300)
    assert _alerts(world) == []


def test_plans_are_versioned_and_validated(world: World) -> None:
    c = world.client
    c.post("/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin"))
    second = c.post(
        "/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin")
    ).json()
    assert second["version"] == 2
    latest = c.get("/api/v1/plans", headers=world.h("viewer")).json()
    assert [(p["name"], p["version"]) for p in latest["data"]] == [("corridor-100", 2)]
    every = c.get("/api/v1/plans", params={"all_versions": True}, headers=world.h("viewer")).json()
    assert every["count"] == 2
    bad = second["text"].replace("threshold: 200", "threshold: lots")
    r = c.post("/api/v1/plans", json={"text": bad}, headers=world.h("admin"))
    assert r.status_code == 422 and "threshold" in r.json()["detail"]
    r = c.post("/api/v1/plans", json={"builtin": "no-such-plan"}, headers=world.h("admin"))
    assert r.status_code == 422 and "expected one of: " in r.json()["detail"]
    r = c.post("/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("ed_chl"))
    assert r.status_code == 403
    assert c.post("/api/v1/plans", json={}, headers=world.h("admin")).status_code == 422


@pytest.mark.parametrize("scenario", ["tacna-arica-2099", "/etc/passwd", "../my-border.yaml"])
def test_a_plan_of_a_scenario_the_service_does_not_hold_is_refused(
    world: World, scenario: str
) -> None:
    """It was stored unchecked (its routes and places too): its forecast triggers never fire."""
    c = world.client
    text = c.post(
        "/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin")
    ).json()["text"]
    other = re.sub(r"(?m)^scenario: .*$", f"scenario: {scenario}", text)
    assert other != text
    r = c.post("/api/v1/plans", json={"text": other}, headers=world.h("admin"))
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["loc"] == ["body", "text"]
    assert error["msg"].startswith(
        f"plan: scenario: got {scenario!r}, expected one of the service's scenarios: "
    )
    every = c.get("/api/v1/plans", params={"all_versions": True}, headers=world.h("viewer"))
    assert every.json()["count"] == 1


def test_a_batch_over_many_days_reads_the_plans_once(world: World) -> None:
    import datetime as dt
    import re

    from sqlalchemy import event

    from hito.counts import Count
    from hito.store import intake
    from hito.store.alerts import after_report

    statements: list[str] = []

    def seen(_conn, _cursor, sql, *_args) -> None:  # type: ignore[no-untyped-def]
        if re.search(r'FROM\s+"?plan"?(\s|$)', sql):
            statements.append(sql)

    items = [
        intake.Submission(
            token=world.tokens["ed_chl"],
            site_id="concordia-strip",
            observed_at=dt.datetime(2025, 11, day, 9, tzinfo=dt.UTC),
            counts=[Count(nationality="VEN", documented=False, people=10, stranded=10)],
        )
        for day in range(1, 29)
    ]
    event.listen(world.db.engine, "before_cursor_execute", seen)
    try:
        with world.db.session() as s:
            outcomes = intake.store_batch(s, items, after=after_report)
    finally:
        event.remove(world.db.engine, "before_cursor_execute", seen)
    assert all(not isinstance(o, Exception) for o in outcomes)
    assert len(statements) == 1  # not once per observation date (28)


def test_two_concurrent_saves_of_one_plan_take_two_versions_not_a_500(world: World) -> None:
    import threading
    import time

    from sqlalchemy import text

    from hito.store import plans, tokens

    def save(session: Any) -> int:
        admin = tokens.authenticate(session, token=world.tokens["admin"])
        return plans.create_builtin_plan(session, actor=admin, name="corridor-100").version

    outcomes: list[Any] = []

    def second() -> None:
        try:
            with world.db.session() as s:
                outcomes.append(save(s))
        except Exception as exc:  # noqa: BLE001 - the outcome is asserted below
            outcomes.append(exc)

    with world.db.session() as first:
        first_version = save(first)  # version 1, not committed yet
        thread = threading.Thread(target=second)
        thread.start()
        if world.db.dialect == "postgresql":  # wait until the second save waits on the first
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with world.db.lookup() as s:
                    waiting = s.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        )
                    ).scalar()
                if waiting:
                    break
                time.sleep(0.02)
            assert waiting, "the second save never waited for the first"
    thread.join(timeout=60)
    assert (first_version, outcomes) == (1, [2])
    r = world.client.get(
        "/api/v1/plans", params={"all_versions": True}, headers=world.h("admin")
    ).json()
    assert sorted(p["version"] for p in r["data"]) == [1, 2]


def test_a_late_report_of_the_day_before_raises_the_alert_it_completes(world: World) -> None:
    """Chile counts 220 on the 30th; Peru's 250 of the 29th arrives after it (no signal then).

    The 29th and the 30th at 200 or more meet the trigger on the 30th: the overview showed it
    met, but no alert was stored and nobody was told (only the 29th was evaluated again).
    """
    c = world.client
    r = c.post("/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin"))
    assert r.status_code == 201
    _post(world, "ed_chl", "concordia-strip", "2025-11-30", 220)
    assert _alerts(world) == []
    _post(world, "ed_per", "concordia-strip", "2025-11-29", 250)  # the late one
    assert [(a["plan_name"], a["trigger"], a["met_since"]) for a in _alerts(world)] == [
        ("corridor-100", "stranded-200-2d", "2025-11-30")
    ]
    _post(world, "ed_per", "concordia-strip", "2025-11-29", 260)  # again: nothing new
    assert len(_alerts(world)) == 1


def test_evening_counts_in_arica_meet_the_trigger_on_their_own_days(world: World) -> None:
    """23:30 in Arica on the 29th and the 30th (02:30 UTC the next days): met on the 30th."""
    c = world.client
    r = c.post("/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin"))
    assert r.status_code == 201
    for at, n in (("2025-11-29T23:30:00-03:00", 220), ("2025-11-30T23:30:00-03:00", 230)):
        r = c.post(
            "/api/v1/reports",
            json=report("concordia-strip", at, people=n, stranded=n),
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 201, r.text
    assert [(a["trigger"], a["met_since"]) for a in _alerts(world)] == [
        ("stranded-200-2d", "2025-11-30")
    ]


def test_two_reports_completing_one_trigger_at_once_raise_one_alert_and_both_are_stored(
    world: World,
) -> None:
    """Peru's count and Chile's of the same day, written at the same moment: each one's
    trigger check found no alert of the episode, so both inserted one; the second broke the
    alert's uniqueness and its report was lost with it (a 500, then a 409)."""
    import datetime as dt
    from functools import partial

    from hito.store import alerts, reports, tokens
    from hito.store.reports import CountIn
    from service_db import while_written_meanwhile

    c = world.client
    assert c.post("/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin"))
    r = c.post(
        "/api/v1/reports",
        json=report("concordia-strip", "2025-11-29T09:00:00Z", people=250, stranded=250),
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 201, r.text

    def peru(s: Any) -> None:
        reports.create_report(
            s,
            actor=tokens.authenticate(s, token=world.tokens["ed_per"]),
            site_id="concordia-strip",
            observed_at=dt.datetime(2025, 11, 30, 9, tzinfo=dt.UTC),
            counts=[CountIn(nationality="VEN", documented=False, people=250, stranded=250)],
            after=alerts.after_report,
        )

    r = while_written_meanwhile(
        world.db,
        peru,
        partial(
            c.post,
            "/api/v1/reports",
            json=report("concordia-strip", "2025-11-30T10:00:00Z", people=260, stranded=260),
            headers=world.h("ed_chl"),
        ),
    )
    assert r.status_code == 201, r.text
    listed = c.get("/api/v1/reports", headers=world.h("viewer")).json()
    assert listed["count"] == 3
    assert len(c.get("/api/v1/alerts", headers=world.h("viewer")).json()["data"]) == 1


def test_paging_alerts_after_the_last_one_read_gives_each_once_though_one_is_raised_meanwhile(
    world: World,
) -> None:
    """Pages of two, newest episode first: with an offset, an alert raised between the pages
    moves the others down one place and the first page's last alert comes again."""
    import datetime as dt

    from hito.store.models import Alert

    c = world.client
    plan = c.post("/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin"))
    assert plan.status_code == 201, plan.text

    def raise_alert(day: int) -> None:
        with world.db.session() as s:
            s.add(
                Alert(
                    plan_id=plan.json()["id"],
                    plan_name="corridor-100",
                    trigger="strip-over-200",
                    met_since=dt.date(2025, 11, day),
                    actions=[],
                    agencies=[],
                )
            )

    for day in (25, 26, 27, 28, 29):
        raise_alert(day)

    def page(**q: object) -> dict[str, Any]:
        r = c.get("/api/v1/alerts", params={"limit": 2, **q}, headers=world.h("viewer"))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def days_of(body: dict[str, Any]) -> list[str]:
        return [a["met_since"] for a in body["data"]]

    first = page()
    assert days_of(first) == ["2025-11-29", "2025-11-28"] and first["count"] == 5
    raise_alert(30)  # while a partner's script pages
    assert days_of(page(offset=2))[0] == "2025-11-28"  # read already: offset paging repeats it
    second = page(after=first["next_after"])
    assert days_of(second) == ["2025-11-27", "2025-11-26"] and second["count"] == 6
    last = page(after=second["next_after"])
    assert days_of(last) == ["2025-11-25"] and last["next_after"] is None
    gone = c.get("/api/v1/alerts", params={"after": 999}, headers=world.h("viewer"))
    assert gone.status_code == 422
    assert gone.json()["errors"] == [
        {"loc": ["query", "after"], "msg": "no alert with id 999 to continue after"}
    ]
