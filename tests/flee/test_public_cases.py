"""Public Flee cases beyond the shared six (tests/data/flee-public): each runs with both rulesets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.run import simulate

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "flee-public"
CASES = sorted(p.name for p in PUBLIC.iterdir() if (p / "input_csv").is_dir())


def test_the_public_cases_are_there():
    assert CASES == [
        "nigeria2016", "nigeria2024", "syria2013", "tigray2020", "ukraine2022", "venezuela2022"
    ]  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_every_public_case_runs_with_both_rulesets_and_keeps_everybody(name):
    case = read_case(PUBLIC / name)
    c = compile_flee(case, hasten=200, days=40)
    runs = {rs: simulate(c, 3, ruleset=rs) for rs in ("agents", "cohorts")}
    for r in runs.values():
        assert r.conservation_error() == 0
    # the same people enter both runs: spawning follows the data (or the conflict rule)
    assert runs["agents"].agents.tolist() == runs["cohorts"].agents.tolist()
    assert runs["agents"].agents[-1] == c.initial.sum() + c.new_refs.sum() > 0


def test_nigeria2024_spawns_from_conflict_zones_as_flee_31_does():
    c = compile_flee(read_case(PUBLIC / "nigeria2024"), hasten=10, days=30)
    # Flee 3.1 (benchmarks/vs_flee.py's run_flee, seed 1, hasten 10, 30 days): 117,241 people
    # on day 30 and 6,385 on day 10
    assert int(c.spawn_at.sum()) == 117_241
    assert int(c.spawn_at[:10].sum()) == 6_385
    assert not c.raw_total.any()
    assert np.array_equal(c.new_refs, c.spawn_at.sum(axis=1))


def test_ukraine2022_weighs_paths_five_places_deep():
    case = read_case(PUBLIC / "ukraine2022")
    assert case.flee.settings.move_rules.awareness_level == 5
    from hito.flee.run import candidate_paths

    c = compile_flee(case, hasten=100, days=5)
    _, _, _, _, nh = candidate_paths(c, np.ones(len(c.link_src), bool))
    assert int(nh.max()) >= 5
