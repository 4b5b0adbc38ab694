"""The Flee-compatible ruleset on tiny hand-built Flee cases: exact days, places and counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flee_helpers import SETTINGS, make_case, shared_case
from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.csvread import values
from hito.flee.run import candidate_paths, simulate

LINE = [
    "A,RegA,Land,1.0,1.0,conflict_zone,0,1000",
    "B,RegB,Land,1.1,1.1,town,,500",
    "C,RegC,Land,1.2,1.2,camp,,100",
]
ONLY_C = {"C": ["2020-01-01,0", "2020-03-01,5"]}


RULESETS = pytest.mark.parametrize("ruleset", ["agents", "cohorts"])


def run(root: Path, seed: int = 1, ruleset: str = "agents", **kw):
    c = compile_flee(read_case(root), **kw)
    r = simulate(c, seed, ruleset=ruleset)
    assert r.conservation_error() == 0  # everybody is at a place or on a link, every day
    return c, r


@RULESETS
def test_several_short_links_are_travelled_on_the_day_people_spawn(tmp_path, ruleset):
    c, r = run(
        make_case(tmp_path, locations=LINE, routes=["A,B,100,0", "B,C,50,0"], camps=ONLY_C),
        ruleset=ruleset,
    )
    a, b, cc = (c.names.index(n) for n in "ABC")
    assert list(c.new_refs[:3]) == [0, 10, 0]
    assert r.counts[0].tolist() == [0, 0, 0]
    # spawned at A on day 1, A->B (100 km), a short stint forces a move on from the town,
    # B->C (50 km): 150 km < 400 km a day, so all 10 reach the camp that day
    assert r.counts[1, cc] == 10 and r.counts[1, a] == 0 and r.counts[1, b] == 0
    assert r.counts[-1, cc] == 10


@RULESETS
def test_a_long_link_takes_days_at_max_move_speed(tmp_path, ruleset):
    c, r = run(
        make_case(tmp_path, locations=[LINE[0], LINE[2]], routes=["A,C,1000,0"], camps=ONLY_C),
        ruleset=ruleset,
    )
    cc = c.names.index("C")
    # 400 km on day 1, 800 on day 2, past 1000 on day 3
    assert r.counts[1:5, cc].tolist() == [0, 0, 10, 10]
    assert r.agents[1:5].tolist() == [10, 10, 10, 10]


@RULESETS
def test_people_on_a_link_closed_under_them_go_back_to_its_start(tmp_path, ruleset):
    locs = [LINE[0], "C,RegC,Abroad,1.2,1.2,camp,,100"]
    c, r = run(
        make_case(
            tmp_path,
            locations=locs,
            routes=["A,C,1000,0"],
            camps=ONLY_C,
            closures=["country,Land,Abroad,2,10"],
        ),
        ruleset=ruleset,
    )
    a, cc = c.names.index("A"), c.names.index("C")
    assert r.counts[3, a] == 10  # would have arrived on day 3: sent back to A
    assert r.counts[3:10, a].tolist() == [10] * 7  # no open link out of A until day 10
    assert r.counts[11, cc] == 0 and r.counts[12, cc] == 10


@RULESETS
def test_a_full_camp_takes_nobody_past_its_capacity(tmp_path, ruleset):
    locs = LINE[:2] + ["C,RegC,Land,1.2,1.2,camp,,5"]
    c, r = run(
        make_case(tmp_path, locations=locs, routes=["A,B,100,0", "B,C,50,0"], camps=ONLY_C),
        ruleset=ruleset,
    )
    cc = c.names.index("C")
    assert c.capacity[cc] == 5
    assert r.counts[:, cc].max() == 5 and r.counts[-1, cc] == 5
    assert r.counts[-1].sum() + (r.agents[-1] - r.counts[-1].sum()) == 10


def test_capacity_scaling_is_ignored_like_flee_31_unless_asked(tmp_path):
    settings = SETTINGS.replace(
        "  awareness_level: 1", "  awareness_level: 1\n  capacity_scaling: 2.0"
    )
    root = make_case(tmp_path, settings=settings)
    s = read_case(root)
    c = s.scenario.place_index()["c"]
    assert compile_flee(s).capacity[c] == 100
    assert compile_flee(s, flee31=False).capacity[c] == 200
    assert "capacity_scaling" in compile_flee(s).ignored


def test_hasten_divides_populations_capacities_and_data(tmp_path):
    root = make_case(tmp_path, totals=["2020-01-01,0", "2020-01-02,100", "2020-03-01,100"])
    c = compile_flee(read_case(root), hasten=10)
    assert c.hasten == 10
    assert c.pop[c.names.index("A")] == 100 and c.capacity[c.names.index("C")] == 10
    assert c.new_refs[1] == 10


def test_refugee_debt_holds_back_spawning_after_a_fall_in_the_total(tmp_path):
    totals = [
        "2020-01-01,100",
        "2020-01-02,150",
        "2020-01-03,120",
        "2020-01-04,140",
        "2020-01-05,200",
    ]
    c = compile_flee(read_case(make_case(tmp_path, days=5, totals=totals)))
    assert c.raw_total.tolist() == [100, 150, 120, 140, 200]
    assert c.new_refs.tolist() == [0, 50, 0, 0, 50]  # day 0 is in the camps already
    assert c.debt.tolist() == [0, 0, 30, 10, 0]


def test_registration_corrections_rescale_the_counts_before_their_date(tmp_path):
    camps = {
        "C": ["2020-01-01,100", "2020-01-05,200", "2020-01-10,100"],
        "D": ["2020-01-01,0", "2020-03-01,5"],
    }
    root = make_case(tmp_path, camps=camps, corrections=["C,2020-01-10"])
    c = compile_flee(read_case(root))
    j = c.camp_names.index("C")
    # level-1 counts before 2020-01-10 scaled by 100/200
    assert c.data[[0, 2, 4, 9, 15], j].tolist() == [50, 75, 100, 100, 100]
    assert c.initial[c.names.index("C")] == 50


def test_interpolation_truncates_like_flee():
    table = np.array([[1.0, 0.0], [4.0, 10.0]])
    assert values(table, 10).tolist() == [0, 0, 3, 6, 10, 10, 10, 10, 10, 10]


def test_awareness_two_weighs_two_hop_paths_but_never_back_home(tmp_path):
    settings = SETTINGS.replace("awareness_level: 1", "awareness_level: 2")
    c = compile_flee(read_case(make_case(tmp_path, settings=settings)))
    off, end, km, hops, nh = candidate_paths(c, np.ones(len(c.link_src), bool))
    a = c.names.index("A")
    got = sorted(
        (tuple(c.names[h] for h in hops[k, : nh[k]]), km[k]) for k in range(off[a], off[a + 1])
    )
    assert got == [(("B",), 100.0), (("B", "C"), 150.0), (("B", "D"), 1100.0)]


@RULESETS
def test_same_seed_same_run_other_seed_other_run(tmp_path, ruleset):
    root = make_case(tmp_path)  # B chooses between camps C and D at random
    _, r1 = run(root, seed=3, ruleset=ruleset)
    _, r2 = run(root, seed=3, ruleset=ruleset)
    assert np.array_equal(r1.counts, r2.counts)
    finals = {tuple(run(root, seed=s, ruleset=ruleset)[1].counts[-1]) for s in range(8)}
    assert len(finals) > 1


@pytest.mark.slow
def test_mali2012_first_weeks_at_a_hundredth(tmp_path):
    case = shared_case("mali2012")
    c = compile_flee(read_case(case), hasten=100, days=40)
    r = simulate(c, 0)
    assert r.sim[0].tolist() == c.data[0].tolist()  # day-0 camp populations from the data
    assert r.people == c.initial.sum() + c.new_refs.sum()
    assert r.conservation_error() == 0
    from hito.flee.validation import ard

    assert 0.0 < ard(r.sim, r.data, r.raw_total).ard < 1.0
