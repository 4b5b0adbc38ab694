"""Every case in ../shared/data/flee-cases runs with both rulesets (fast settings: hasten 100).

The ARD against Flee 3.1's own figure (baseline.json, hasten 10) is checked loosely here,
since a hundredth of the people is noisier; benchmarks/vs_flee.py checks it at hasten 10.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from flee_helpers import SHARED_CASES
from hito.engine.seeds import run_seed
from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.run import simulate

CASES = SHARED_CASES
NAMES = (
    sorted(p.name for p in CASES.iterdir() if (p / "input_csv").is_dir()) if CASES.exists() else []
)
BASELINE = json.loads((CASES / "baseline.json").read_text()) if CASES.exists() else {}


def test_the_shared_cases_are_there():
    assert len(NAMES) >= 6 and set(NAMES) <= set(BASELINE)


@pytest.mark.parametrize("name", NAMES)
def test_every_shared_case_runs_with_both_rulesets(name):
    c = compile_flee(read_case(CASES / name), hasten=100)
    assert np.array_equal(c.initial[c.camps], c.data[0])  # day-0 camp populations
    ards = {}
    for ruleset in ("agents", "cohorts"):
        r = simulate(c, run_seed(1, 0), ruleset=ruleset)
        assert r.conservation_error() == 0
        assert r.people == int(c.initial.sum() + c.new_refs.sum())
        assert r.sim.shape == (c.days, len(c.camps))
        assert abs(r.sim[0] - c.data[0]).sum() <= 0.01 * c.data[0].sum() + 2  # from the data
        ards[ruleset] = r.ard
    base = BASELINE[name]["ard"]
    for ruleset, a in ards.items():
        assert a <= base * 1.25 + 0.05, (ruleset, a, base)
