"""Forecast runs: queued, computed in the background from the observed state, fetched."""

from __future__ import annotations

import datetime as dt

import pytest

from hito.domain import day_shown
from service_world import World, report, stored_forecast


def test_a_forecast_starts_from_the_observed_strip_and_returns_quantiles(world: World) -> None:
    c = world.client
    c.post(
        "/api/v1/reports",
        json=report("concordia-strip", "2025-12-01T09:00:00Z", people=300, stranded=300),
        headers=world.h("ed_chl"),
    )
    r = c.post(
        "/api/v1/forecasts",
        json={"scenario": "tacna-arica-2025", "as_of": "2025-12-02", "days": 5, "runs": 3},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 202 and r.json()["status"] == "queued"
    fid = r.json()["id"]
    done = c.get(f"/api/v1/forecasts/{fid}", headers=world.h("viewer")).json()
    assert done["status"] == "done", done["error"]
    res = done["result"]
    assert res["observed"] == {"concordia-strip": 300.0}
    assert res["calibrated"]["counts"] == 1 and res["calibrated"]["particles"] == 3
    assert [e["date"] for e in res["calibrated"]["ess"]] == ["2025-12-01"]
    assert set(res["present_by_place"]) == {"concordia-strip"}
    # what a field count there would say, every forecast day (the band the backtest scores)
    said = res["count_by_place"]["concordia-strip"]
    assert set(said) == {"p10", "p50", "p90"} and all(len(v) == 5 for v in said.values())
    assert all(lo <= mid <= hi for lo, mid, hi in zip(*said.values(), strict=True))
    assert res["dates"] == ["2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05", "2025-12-06"]
    assert (
        set(res["stranded_total"]) == {"p10", "p50", "p90"}
        and len(res["stranded_total"]["p50"]) == 5
    )
    assert (
        res["stranded_total"]["p10"][0]
        <= res["stranded_total"]["p50"][0]
        <= res["stranded_total"]["p90"][0]
    )
    strip = res["stranded_by_place"]["concordia-strip"]  # each site's own band for its page
    assert len(strip["p50"]) == 5 and strip["p50"][0] <= res["stranded_total"]["p50"][0]
    assert c.get("/api/v1/forecasts", headers=world.h("viewer")).json()["count"] == 1


def test_a_failed_forecasts_reason_is_english_in_the_api(world: World) -> None:
    """The store keeps hito's reason to be said in any language; the API speaks English."""
    from hito.errors import Problem, keep
    from hito.store.models import Forecast

    with world.db.session() as s:
        row = Forecast(status="failed", scenario="tacna-arica-2025", as_of=dt.date(2025, 12, 1))
        row.days, row.runs, row.seed = 3, 1, 1
        row.error = keep(Problem("%(as_of)s is in the future", as_of="2025-12-01"))
        s.add(row)
        s.flush()
        fid = row.id
    got = world.client.get(f"/api/v1/forecasts/{fid}", headers=world.h("viewer")).json()
    assert (got["status"], got["error"]) == ("failed", "2025-12-01 is in the future")


def test_forecast_input_is_checked(world: World) -> None:
    c = world.client
    r = c.post("/api/v1/forecasts", json={"scenario": "atlantis"}, headers=world.h("ed_chl"))
    assert (
        r.status_code == 422
        and "unknown scenario 'atlantis', expected one of: " in r.json()["detail"]
    )
    r = c.post(
        "/api/v1/forecasts",
        json={"scenario": "tacna-arica-2025", "runs": 500},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 422 and "expected 1 to 200 runs, got 500" in r.json()["detail"]
    assert (
        c.post(
            "/api/v1/forecasts", json={"scenario": "tacna-arica-2025"}, headers=world.h("viewer")
        ).status_code
        == 403
    )
    assert c.get("/api/v1/forecasts/77", headers=world.h("viewer")).status_code == 404
    r = c.post(
        "/api/v1/forecasts",
        json={"scenario": "tacna-arica-2025", "as_of": "2020-01-01"},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 422
    assert "2020-01-01 is before the scenario's start, 2025-11-22" in r.json()["detail"]


def test_forecasts_left_running_by_a_stopped_server_are_marked_failed(world: World) -> None:
    from fastapi.testclient import TestClient

    from hito.service import create_app
    from hito.store import forecastrun, forecasts
    from hito.store.actors import SYSTEM
    from hito.store.coltypes import utcnow
    from service_world import settings

    with world.db.session() as s:
        left, computed = (
            forecasts.create_forecast(s, actor=SYSTEM, scenario="tacna-arica-2025", days=3, runs=1)
            for _ in "ab"
        )
        left.created_at = utcnow() - dt.timedelta(minutes=10)  # its server stopped since
        computed.status, computed.beat_at = "running", utcnow()  # another worker computes it
        ids = left.id, computed.id
    with TestClient(create_app(settings(), database=world.db)) as c:
        got, other = (
            c.get(f"/api/v1/forecasts/{fid}", headers=world.h("viewer")).json() for fid in ids
        )
    assert got["status"] == "failed"
    assert got["error"] == "the server stopped before this forecast finished; start it again"
    assert other["status"] == "running"
    # and once that worker has stopped beating for it, whichever process looks next says so
    assert forecastrun.fail_stale(world.db, now=utcnow() + 2 * forecastrun.STALE) == 1


def test_counts_at_a_site_outside_the_scenario_are_left_out_of_its_forecast(world: World) -> None:
    from hito.store.models import Site

    c = world.client
    with world.db.session() as s:
        s.add(
            Site(
                id="visviri",
                name="Visviri",
                kind="border_post",
                country_code="CHL",
                lat=-17.6,
                lon=-69.48,
                status="open",
                scenario="elsewhere",
            )
        )
    for site, n in (("concordia-strip", 40), ("visviri", 12)):
        r = c.post(
            "/api/v1/reports",
            json=report(site, "2025-12-01T09:00:00Z", people=n, stranded=n),
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 201, r.text
    r = c.post(
        "/api/v1/forecasts",
        json={"scenario": "tacna-arica-2025", "as_of": "2025-12-02", "days": 3, "runs": 3},
        headers=world.h("ed_chl"),
    )
    done = c.get(f"/api/v1/forecasts/{r.json()['id']}", headers=world.h("viewer")).json()
    assert done["status"] == "done", done["error"][:300]
    assert done["result"]["observed"] == {"concordia-strip": 40.0}


def test_the_scorecard_scores_an_issued_forecast_by_the_reports_that_came_after(
    world: World,
) -> None:
    c = world.client
    empty = c.get("/api/v1/forecasts/scorecard", headers=world.h("viewer")).json()
    assert empty == {"issued": 0, "horizons": [], "pairs": []}
    c.post(
        "/api/v1/reports",
        json=report("concordia-strip", "2025-12-01T09:00:00Z", people=40, stranded=40),
        headers=world.h("ed_chl"),
    )
    r = c.post(
        "/api/v1/forecasts",
        json={"scenario": "tacna-arica-2025", "as_of": "2025-12-01", "days": 10, "runs": 20},
        headers=world.h("ed_chl"),
    )
    fid = r.json()["id"]
    said = c.get(f"/api/v1/forecasts/{fid}", headers=world.h("viewer")).json()["result"]
    band = said["count_by_place"]["concordia-strip"]
    c.post(
        "/api/v1/reports",
        json=report("concordia-strip", "2025-12-04T09:00:00Z", people=0, stranded=0),
        headers=world.h("ed_per"),
    )
    card = c.get("/api/v1/forecasts/scorecard", headers=world.h("viewer")).json()
    (pair,) = card["pairs"]
    assert pair["issued"] == "2025-12-01" and pair["target"] == "2025-12-04"
    assert pair["lead"] == 3 and pair["horizon"] == 3 and pair["observed"] == 0.0
    assert [pair["p10"], pair["p50"], pair["p90"]] == [band[k][3] for k in ("p10", "p50", "p90")]
    assert pair["covered"] == (band["p10"][3] <= 0.0)
    (h,) = card["horizons"]
    assert h["horizon"] == 3 and h["n"] == 1 and h["covered"] == int(pair["covered"])
    assert h["wis"] > 0 and h["wis_persistence"] > 0
    # as of the 3rd, the report of the 4th had not come
    early = c.get("/api/v1/forecasts/scorecard?as_of=2025-12-03", headers=world.h("viewer"))
    assert early.json()["issued"] == 1 and early.json()["pairs"] == []
    bad = c.get("/api/v1/forecasts/scorecard?as_of=yesterday", headers=world.h("viewer"))
    assert bad.status_code == 422


def _same(n: float) -> dict[str, float]:
    return {"p10": n, "p50": n, "p90": n}


def test_a_forecast_gives_the_people_diverted_harmed_crossed_and_returned(world: World) -> None:
    c = world.client
    r = c.post(
        "/api/v1/forecasts",
        json={"scenario": "tacna-arica-2025", "as_of": "2025-12-02", "days": 10, "runs": 3},
        headers=world.h("ed_chl"),
    )
    done = c.get(f"/api/v1/forecasts/{r.json()['id']}", headers=world.h("viewer")).json()
    assert done["status"] == "done", done["error"][:300]
    out = done["result"]["outcomes"]
    assert set(out) == {"after", "until", "days", "total", "by_kind", "by_place", "by_day"}
    assert (out["after"], out["until"], out["days"]) == ("2025-12-02", "2025-12-11", 9)
    assert list(out["total"]) == ["diverted", "harmed", "crossed", "returned"]
    for q in out["total"].values():
        assert set(q) == {"p10", "p50", "p90"} and q["p10"] <= q["p50"] <= q["p90"]
    assert [(d["days"], d["date"]) for d in out["by_day"]] == [(7, "2025-12-09")]
    for place in out["by_place"].values():
        assert place["kind"] in {
            "border_post",
            "between_posts",
            "irregular_crossing",
            "city",
            "shelter",
            "origin",
            "exit",
        }


def test_the_api_gives_stored_outcomes_exactly_and_null_for_an_old_forecast(world: World) -> None:
    import datetime as dt

    from hito.forecast.observations import Observations
    from hito.store.forecast_result import forecast_result
    from hito.store.models import Forecast
    from hito.testing import fates_scenario

    res = forecast_result(fates_scenario(), Observations((), ()), dt.date(2025, 1, 4), 20, 4, 3)
    with world.db.session() as s:
        rows = [
            Forecast(
                status="done",
                scenario=name,
                as_of=dt.date(2025, 1, 4),
                days=20,
                runs=4,
                seed=3,
                result=result,
            )
            for name, result in (("fates", res), ("tacna-arica-2025", {"dates": ["2025-01-04"]}))
        ]
        s.add_all(rows)
        s.flush()
        new, old = (row.id for row in rows)
    got = world.client.get(f"/api/v1/forecasts/{new}", headers=world.h("viewer")).json()
    assert got["result"]["outcomes"]["total"] == {
        "diverted": _same(100.0),
        "harmed": _same(0.0),
        "crossed": _same(100.0),
        "returned": _same(40.0),
    }
    assert got["result"]["outcomes"]["by_place"]["strip"]["kind"] == "between_posts"
    assert got["result"]["dates"] == res["dates"]  # the other keys, as stored
    was = world.client.get(f"/api/v1/forecasts/{old}", headers=world.h("viewer")).json()
    assert was["result"] == {"dates": ["2025-01-04"], "outcomes": None}
    schema = world.client.get("/openapi.json").json()["components"]["schemas"]
    assert (
        "null: not computed for this forecast"
        in (schema["ForecastResult"]["properties"]["outcomes"]["description"])
    )
    assert set(schema["OutcomeBands"]["required"]) == {"diverted", "harmed", "crossed", "returned"}


def test_a_forecasts_today_is_the_day_the_pages_show_between_chiles_midnight_and_perus(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 00:30 in Chile it is 22:30 the day before in Peru: a deployment in Lima's zone took
    "today" as Peru's day, so a forecast as of Chile's day was "in the future", while the pages
    (hito.domain.day_shown) already show Chile's day."""
    import hito.api.routes.forecasts as route

    instant = dt.datetime(2025, 12, 2, 3, 30, tzinfo=dt.UTC)  # Chile 00:30, Peru 22:30 (1 Dec)
    assert day_shown("America/Lima", instant) == dt.date(2025, 12, 2)
    app = world.client.app
    app.state.settings = app.state.settings.model_copy(update={"zone": "America/Lima"})  # type: ignore[attr-defined]
    monkeypatch.setattr(route, "utcnow", lambda: instant)
    for body in ({"as_of": "2025-12-02"}, {}):
        r = world.client.post(
            "/api/v1/forecasts",
            json={"scenario": "tacna-arica-2025", "days": 1, "runs": 1, **body},
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 202, r.json()  # was 422: "2025-12-02 is in the future"
        assert r.json()["as_of"] == "2025-12-02"
    r = world.client.post(
        "/api/v1/forecasts",
        json={"scenario": "tacna-arica-2025", "as_of": "2025-12-03", "days": 1, "runs": 1},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 422 and "2025-12-03 is in the future" in r.json()["detail"]


def _stored_forecast(world: World, day: int) -> int:
    """A finished forecast as of 2025-11-`day` (as a refresh after a report stores one)."""
    return stored_forecast(world.db, as_of=dt.date(2025, 11, day))


def test_paging_after_the_last_forecast_read_gives_each_once_though_one_is_queued_meanwhile(
    world: World,
) -> None:
    """Pages of two: with an offset, a refresh queued between the pages (every report queues
    one) moves the others down one place and the first page's last forecast comes again."""
    c = world.client
    ids = [_stored_forecast(world, day) for day in (25, 26, 27, 28, 29)]

    def page(**q: object) -> dict[str, object]:
        r = c.get("/api/v1/forecasts", params={"limit": 2, **q}, headers=world.h("viewer"))
        assert r.status_code == 200, r.text
        body: dict[str, object] = r.json()
        return body

    def read(body: dict[str, object]) -> list[int]:
        return [ids.index(f["id"]) for f in body["data"]]  # type: ignore[attr-defined]

    first = page()
    assert read(first) == [4, 3] and first["count"] == 5
    ids.append(_stored_forecast(world, 30))  # a report came: its refresh is queued
    assert read(page(offset=2))[0] == 3  # read already: offset paging repeats it
    second = page(after=first["next_after"])
    assert read(second) == [2, 1] and second["count"] == 6
    last = page(after=second["next_after"])
    assert read(last) == [0] and last["next_after"] is None
    gone = c.get("/api/v1/forecasts", params={"after": 999}, headers=world.h("viewer"))
    assert gone.status_code == 422
    assert gone.json()["errors"] == [
        {"loc": ["query", "after"], "msg": "no forecast with id 999 to continue after"}
    ]
