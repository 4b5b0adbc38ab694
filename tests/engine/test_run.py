"""The border ruleset on tiny hand-built networks: exact paths, balance, closures, corridors."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import build
from hito.engine.compile import STATES, compile_scenario
from hito.engine.run import Simulation, simulate
from hito.engine.seeds import run_seed


def deterministic(d: dict) -> dict:
    """Everyone moves every day, only roads are chosen, nobody arrives from outside."""
    d["inflows"] = []
    d["behaviour"] = {
        "move_chance": {
            "origin": 1,
            "city": 1,
            "border_post": 1,
            "between_posts": 1,
            "shelter": 1,
            "irregular_crossing": 1,
            "exit": 0,
        },
        "route_weight": {"road": 1, "irregular": 0, "flight": 0},
        "tolerance_days": 1,
        "divert_share": 0,
        "awareness": 0,
    }
    return d


def test_people_walk_the_corridor_one_route_a_day(tiny):
    s = build(deterministic(tiny))
    r = simulate(compile_scenario(s), 1)
    c = compile_scenario(s)
    ip = {p: i for i, p in enumerate(c.place_ids)}
    transit = r.state("in_transit").sum(axis=2)
    # day 0: 100 leave the city for post A; they arrive on day 1, and so on, one route a day
    assert transit[0, ip["post-a"]] == 100
    assert r.state("present")[1, ip["post-a"]].sum() == 0  # they moved on the same day
    assert transit[1, ip["strip"]] == 100
    assert transit[3, ip["onward"]] == 100
    assert r.state("exited")[4, ip["onward"]].sum() == 100
    assert r.state("crossed")[3, ip["post-b"]].sum() == 100  # Chile -> Peru at post B
    assert r.conservation_error() == 0


def test_closure_strands_then_giving_up_returns_exactly(tiny):
    d = deterministic(tiny)
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-01"}]
    s = build(d)
    c = compile_scenario(s)
    r = simulate(c, 3)
    strip = c.place_ids.index("strip")
    stranded = r.state("stranded")[:, strip].sum(axis=1)
    # arrive in the strip on day 2, blocked the same day; tolerance 1 day -> all give up on day 3
    assert list(stranded[:5]) == [0, 0, 100, 0, 0]
    assert r.state("returned")[3, strip].sum() == 100
    assert r.conservation_error() == 0


def test_documented_people_pass_a_closure_to_undocumented(tiny):
    d = deterministic(tiny)
    d["population"] = [{"place": "city", "group": "ven-doc", "people": 40}]
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-01"}]
    r = simulate(compile_scenario(build(d)), 3)
    assert r.state("stranded").sum() == 0
    assert r.state("exited")[-1].sum() == 40


def test_corridor_lets_a_daily_quota_through(tiny):
    d = deterministic(tiny)
    d["policies"] = [
        {"type": "close", "routes": ["strip-b"], "start": "2025-01-01"},
        {"type": "corridor", "route": "strip-b", "daily_quota": 30, "start": "2025-01-01"},
    ]
    d["behaviour"]["tolerance_days"] = 1
    c = compile_scenario(build(d))
    r = simulate(c, 5)
    strip, post_b = c.place_ids.index("strip"), c.place_ids.index("post-b")
    # day 2: 100 stranded; day 3: 30 through the corridor, the other 70 give up
    assert r.state("stranded")[2, strip].sum() == 100
    assert r.state("returned")[3, strip].sum() == 70
    assert r.state("crossed")[4, post_b].sum() == 30
    assert r.conservation_error() == 0


def test_reopen_releases_the_stranded(tiny):
    d = deterministic(tiny)
    d["behaviour"]["tolerance_days"] = 1000
    d["policies"] = [
        {"type": "close", "routes": ["strip-b"], "start": "2025-01-01"},
        {"type": "reopen", "routes": ["strip-b"], "start": "2025-01-10"},
    ]
    c = compile_scenario(build(d))
    r = simulate(c, 4)
    strip = c.place_ids.index("strip")
    assert r.state("stranded")[8, strip].sum() > 0
    assert r.state("stranded")[9:, strip].sum() == 0


def test_return_flight_takes_seats_from_the_stranded(tiny):
    d = deterministic(tiny)
    d["behaviour"]["tolerance_days"] = 1000
    d["places"].append(
        {
            "id": "home-flight",
            "name": "Flight home",
            "kind": "exit",
            "country": "VEN",
            "lat": 10.6,
            "lon": -67.0,
        }
    )
    d["routes"].append(
        {"id": "flight", "from": "post-b", "to": "home-flight", "km": 4000, "kind": "flight"}
    )
    d["policies"] = [
        {"type": "close", "routes": ["strip-b"], "start": "2025-01-01"},
        {
            "type": "return_flights",
            "route": "flight",
            "seats_per_week": 25,
            "start": "2025-01-04",
            "pickup": ["strip"],
        },
    ]
    c = compile_scenario(build(d))
    r = simulate(c, 4)
    flight = c.place_ids.index("home-flight")
    exited = r.state("exited")[:, flight].sum(axis=1)
    assert exited[3] == 25 and exited[9] == 25 and exited[10] == 50  # days 3, 10, 17 ...
    assert r.conservation_error() == 0


def test_shelter_takes_no_more_than_its_capacity(tiny):
    d = deterministic(tiny)
    d["behaviour"]["tolerance_days"] = 1000
    d["behaviour"]["shelter_seek"] = 1
    d["places"].append(
        {
            "id": "shelter",
            "name": "Shelter",
            "kind": "shelter",
            "country": "CHL",
            "lat": -18.4,
            "lon": -70.3,
            "capacity": 40,
            "serves": ["strip"],
        }
    )
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-01"}]
    c = compile_scenario(build(d))
    r = simulate(c, 4)
    sh, strip = c.place_ids.index("shelter"), c.place_ids.index("strip")
    assert r.state("present")[3, sh].sum() == 40
    # the rest wait in the strip, save the few who gave up (1 in 1000 a day)
    assert r.state("stranded")[3, strip].sum() + r.state("returned")[3, strip].sum() == 60
    assert r.state("present")[:, sh].sum(axis=1).max() == 40


def test_irregular_route_harm_and_diversion_are_counted(tiny):
    d = deterministic(tiny)
    d["behaviour"]["divert_share"] = 1
    d["routes"][5]["hazard"] = 1.0  # strip -> desert harms everyone who takes it
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-01"}]
    d["behaviour"]["route_weight"]["irregular"] = 0.000001
    c = compile_scenario(build(d))
    r = simulate(c, 4)
    strip, desert = c.place_ids.index("strip"), c.place_ids.index("desert")
    assert r.state("diverted")[-1, strip].sum() == 100
    assert r.state("harmed")[-1, desert].sum() == 100
    assert r.conservation_error() == 0


def test_same_seed_same_run_and_other_seed_differs(tiny):
    c = compile_scenario(build(tiny))
    a, b, other = (
        simulate(c, run_seed(7, 0)),
        simulate(c, run_seed(7, 0)),
        simulate(c, run_seed(7, 1)),
    )
    assert np.array_equal(a.states, b.states)
    assert not np.array_equal(a.states, other.states)


def test_stepping_in_pieces_equals_one_go(tiny):
    c = compile_scenario(build(tiny))
    whole = simulate(c, 11)
    sim = Simulation(c, 11)
    for day in (3, 4, 17, 30):
        sim.step_to(day)
    assert np.array_equal(sim.result().states, whole.states)


def test_people_are_conserved_every_day_on_random_runs(tiny):
    tiny["policies"] = [
        {"type": "close", "routes": ["strip-b"], "start": "2025-01-03", "end": "2025-01-20"},
        {
            "type": "militarize",
            "near": ["strip"],
            "start": "2025-01-05",
            "hazard_multiplier": 3,
            "deterrence": 0.5,
        },
        {"type": "corridor", "route": "strip-b", "daily_quota": 5, "start": "2025-01-10"},
    ]
    c = compile_scenario(build(tiny))
    for i in range(20):
        r = simulate(c, run_seed(1, i))
        assert r.conservation_error() == 0
        assert (r.states >= 0).all()
        assert (r.state("stranded") <= r.state("present")).all()


def _stranded_days(d: dict, runs: int = 30) -> float:
    c = compile_scenario(build(d))
    return float(
        np.mean([simulate(c, run_seed(2, i)).state("stranded").sum() for i in range(runs)])
    )


def test_closing_raises_and_a_corridor_lowers_stranded_person_days(tiny):
    tiny["behaviour"] = {"tolerance_days": 10}
    open_border = _stranded_days(tiny)
    tiny["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-01"}]
    closed = _stranded_days(tiny)
    tiny["policies"].append(
        {"type": "corridor", "route": "strip-b", "daily_quota": 10, "start": "2025-01-01"}
    )
    corridor = _stranded_days(tiny)
    assert open_border == 0
    assert closed > corridor > 0
    tiny["policies"][1]["daily_quota"] = 50
    assert _stranded_days(tiny) < corridor


@pytest.mark.parametrize("state", STATES)
def test_every_state_is_reported(tiny, state):
    r = simulate(compile_scenario(build(tiny)), 1)
    assert r.state(state).shape == (30, 7, 2)
