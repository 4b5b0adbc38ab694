"""Runs started from observed counts: the restarted scenario, its ensemble, branching."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from conftest import build, tiny_dict
from hito.engine.compile import compile_scenario
from hito.engine.run import Simulation
from hito.ensemble.observed import ensemble_from_observed
from hito.errors import InputError
from hito.scenario.observed import from_observed

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def test_observed_counts_split_over_undocumented_groups_in_whole_people():
    d = tiny_dict()
    d["groups"].append({"id": "hti-undoc", "nationality": "HTI", "documented": False})
    d["inflows"].append({"origin": "home", "group": "hti-undoc", "per_day": 5})
    s = build(d)  # undocumented shares: ven 20/day + 100 people, hti 5/day
    r = from_observed(s, dt.date(2025, 1, 10), {"strip": 101, "post-a": 3}, days=7)
    assert (r.start, r.days) == (dt.date(2025, 1, 10), 7)
    got = {(p.place, p.group): p.people.value for p in r.population}
    assert got == {
        ("strip", "ven-undoc"): 97,
        ("strip", "hti-undoc"): 4,
        ("post-a", "ven-undoc"): 3,
    }
    assert all(p.stranded for p in r.population)
    c = compile_scenario(r)
    assert c.init_stranded.sum() == 104 and c.days == 7


def test_unknown_place_is_refused():
    with pytest.raises(InputError, match=r"observed places \['camp'\] are not in scenario 'tiny'"):
        from_observed(build(tiny_dict()), dt.date(2025, 1, 1), {"camp": 3}, days=3)


def test_branch_runs_ahead_without_touching_the_parent():
    c = compile_scenario(build(tiny_dict()))
    sim = Simulation(c, 11)
    sim.step_to(5)
    before = sim.out.copy()
    a, b = sim.branch(1), sim.branch(1)
    a.step_to(12)
    b.step_to(12)
    assert np.array_equal(a.out, b.out)  # same seed, same future
    assert np.array_equal(sim.out, before) and sim.day == 5
    assert a.result().conservation_error() == 0
    sim.step_to(12)  # the parent continues on its own stream
    assert sim.result().conservation_error() == 0


def test_ensemble_from_observed_counts_starts_on_the_date():
    d = tiny_dict()
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-01"}]
    d["behaviour"] = {
        "tolerance_days": 1e12,
        "shelter_seek": 0.0,
        "route_weight": {"road": 1.0, "irregular": 0.0, "flight": 0.0},
    }
    d["inflows"] = []
    ens = ensemble_from_observed(build(d), dt.date(2025, 1, 10), {"strip": 40}, days=5, runs=3)
    assert ens.start == dt.date(2025, 1, 10) and ens.days == 5
    # nobody arrives, nobody gives up, the road ahead is closed: 40 stay stranded every day
    assert ens.fan("stranded", "strip").tolist() == [[40.0] * 5] * 3


def test_branch_without_history_gives_the_same_days_ahead():
    c = compile_scenario(build(tiny_dict()))
    sim = Simulation(c, 11)
    sim.step_to(5)
    a, b = sim.branch(4), sim.branch(4, history=False)
    a.step_to(9)
    b.step_to(9)
    assert np.array_equal(a.out[4:9], b.out[4:9])
    assert not b.out[:4].any()
