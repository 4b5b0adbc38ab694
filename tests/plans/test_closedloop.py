"""Closed-loop runs on the deterministic tiny corridor: exact stranded counts under each action."""

from __future__ import annotations

import numpy as np

from conftest import build
from hito.engine.compile import compile_scenario
from hito.engine.run import simulate
from hito.plans.closedloop import apply, prepare, run_plan
from hito.plans.model import Plan
from hito.plans.triggers import Episode
from plans.helpers import closed_tiny, corridor, plan_dict, stranded_trigger


def strip_series(pr, c) -> list[int]:
    return pr.result.state("stranded")[:, c.place_ids.index("strip")].sum(axis=1).tolist()


def setup(d=None):
    s = build(d or closed_tiny())
    return s, compile_scenario(s)


def test_no_plan_strands_everyone_from_day_2():
    s, c = setup()
    pr = run_plan(s, c, None, 7)
    assert strip_series(pr, c) == [0, 0] + [100] * 28
    assert pr.result.conservation_error() == 0


def test_corridor_fires_on_day_4_and_empties_the_strip_30_a_day_from_day_5():
    s, c = setup()
    plan = Plan.model_validate(plan_dict([stranded_trigger()], [corridor()]))
    pr = run_plan(s, c, plan, 7)
    assert strip_series(pr, c)[:10] == [0, 0, 100, 100, 100, 70, 40, 10, 0, 0]
    # 0 on days 8 and 9 meets the end condition (< 5 for 2 days) on the morning of day 10
    assert pr.episodes == {"t": [Episode(4, 10)]}
    assert np.flatnonzero(pr.action_days["c"]).tolist() == [5, 6, 7, 8, 9]
    assert pr.cost == {"USD": 500.0}
    assert pr.result.conservation_error() == 0
    assert pr.result.state("exited")[-1].sum() == 100


def test_lead_time_delays_the_corridor():
    s, c = setup()
    plan = Plan.model_validate(plan_dict([stranded_trigger()], [corridor(lead_time_days=3)]))
    assert strip_series(run_plan(s, c, plan, 7), c)[:11] == [
        0,
        0,
        100,
        100,
        100,
        100,
        100,
        70,
        40,
        10,
        0,
    ]


def test_plan_that_never_fires_gives_the_same_run_as_no_plan():
    s, c = setup(
        closed_tiny() | {"inflows": [{"origin": "home", "group": "ven-undoc", "per_day": 7}]}
    )
    plan = Plan.model_validate(plan_dict([stranded_trigger(threshold=10**6)], [corridor()]))
    a = run_plan(s, c, plan, 3).result.states
    assert np.array_equal(a, simulate(c, 3).states)
    assert np.array_equal(a, run_plan(s, c, None, 3).result.states)


def test_per_unit_cost_counts_quota_places():
    s, c = setup()
    act = corridor(cost={"currency": "CLP", "amount": 2, "per": "unit"})
    pr = run_plan(s, c, Plan.model_validate(plan_dict([stranded_trigger()], [act])), 1)
    assert pr.cost == {"CLP": 2 * 30 * 5}


def test_return_flights_fly_weekly_from_the_firing_day():
    d = closed_tiny()
    d["places"].append(
        {
            "id": "home-flight",
            "name": "Flight",
            "kind": "exit",
            "country": "VEN",
            "lat": 10.6,
            "lon": -67.0,
        }
    )
    d["routes"].append(
        {"id": "fly", "from": "post-b", "to": "home-flight", "km": 4000, "kind": "flight"}
    )
    s, c = setup(d)
    act = {
        "id": "f",
        "type": "return_flights",
        "trigger": "t",
        "agency": "mig",
        "route": "fly",
        "seats_per_week": 40,
        "pickup": ["strip"],
        "lead_time_days": 0,
        "cost": {"currency": "USD", "amount": 500, "per": "unit"},
    }
    plan = Plan.model_validate(
        plan_dict([stranded_trigger(end=None, window_days=1, threshold=1)], [act])
    )
    pr = run_plan(s, c, plan, 2)
    st = strip_series(pr, c)
    # fires on day 3 (day 2 had 100 stranded); flights on days 3, 10, 17
    assert st[2:5] == [100, 60, 60] and st[9:11] == [60, 20] and st[16:18] == [20, 0]
    assert pr.result.state("exited")[-1, c.place_ids.index("home-flight")].sum() == 100
    # the trigger ends on day 18 (0 stranded on day 17): seats flown on days 3, 10, 17
    assert pr.cost == {"USD": 500 * 40 * 3}


def test_shelter_places_added_after_occupancy_passes_the_threshold():
    d = closed_tiny()
    d["places"].append(
        {
            "id": "camp",
            "name": "Camp",
            "kind": "shelter",
            "country": "CHL",
            "lat": -18.3,
            "lon": -70.3,
            "capacity": 10,
            "serves": ["strip"],
        }
    )
    d["behaviour"]["shelter_seek"] = 1.0
    s, c = setup(d)
    trig = {"id": "full", "indicator": "shelter_occupancy", "places": ["camp"], "threshold": 1.0}
    act = {
        "id": "more",
        "type": "shelter_places",
        "trigger": "full",
        "agency": "muni",
        "place": "camp",
        "add": 20,
        "lead_time_days": 0,
        "duration_days": 5,
    }
    pr = run_plan(s, c, Plan.model_validate(plan_dict([trig], [act])), 4)
    camp = pr.result.state("present")[:, c.place_ids.index("camp")].sum(axis=1).tolist()
    # day 3: 10 of 100 find a place; full on day 3 -> fires day 4 -> 30 places on days 4-8
    assert camp[:10] == [0, 0, 0, 10, 30, 30, 30, 30, 30, 30]
    assert pr.capacity[:, c.place_ids.index("camp")].tolist()[:10] == [10] * 4 + [30] * 5 + [10]


def test_reopen_lets_documented_people_through_a_route_closed_to_all():
    d = closed_tiny()
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "to": "all", "start": "2025-01-01"}]
    d["population"] = [
        {"place": "city", "group": "ven-undoc", "people": 50},
        {"place": "city", "group": "ven-doc", "people": 40},
    ]
    s, c = setup(d)
    act = {
        "id": "r",
        "type": "reopen",
        "trigger": "t",
        "agency": "mig",
        "routes": ["strip-b"],
        "lead_time_days": 0,
    }
    plan = Plan.model_validate(plan_dict([stranded_trigger(window_days=1, end=None)], [act]))
    pr = run_plan(s, c, plan, 5)
    assert strip_series(pr, c)[:6] == [0, 0, 90, 50, 50, 50]


def test_health_team_lowers_hazard_only_on_its_days_and_routes():
    s, c = setup()
    plan = Plan.model_validate(
        plan_dict(
            [stranded_trigger()],
            [
                {
                    "id": "h",
                    "type": "health_team",
                    "trigger": "t",
                    "agency": "muni",
                    "routes": ["strip-desert"],
                    "hazard_reduction": 0.5,
                    "lead_time_days": 0,
                }
            ],
        )
    )
    work = prepare(c, plan)
    on = np.zeros(c.days, dtype=bool)
    on[10:15] = True
    apply(c, work, plan, {"h": on}, np.array([False, True]), 0)
    k = c.route_ids.index("strip-desert")
    assert work.hazard[9, k] == 0.1 and work.hazard[10, k] == 0.05 and work.hazard[15, k] == 0.1
    assert (work.hazard[:, c.route_ids.index("desert-onward")] == 0).all()
    assert (c.hazard[:, k] == 0.1).all()  # the scenario's own arrays are untouched
