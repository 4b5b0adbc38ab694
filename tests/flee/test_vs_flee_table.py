"""benchmarks/vs_flee.py's verdicts: each case's ARD against Flee's, and the 1000x target."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "vs_flee.py"


def vs_flee():
    spec = importlib.util.spec_from_file_location("vs_flee", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def result(flee_ard: float, cohorts_ard: float, flee_cpu: float, cohorts_cpu: float) -> dict:
    hito = {"ards": [cohorts_ard], "cpus": [cohorts_cpu], "whole_cpu": cohorts_cpu}
    return {
        "flee": {"ards": [flee_ard], "cpus": [flee_cpu]},
        "agents": {**hito, "cpus": [1.0]},
        "cohorts": {**hito, "days": 10, "people": 5},
    }


def test_a_case_without_a_baseline_is_held_to_this_runs_flee_ard():
    table = vs_flee().table({"new": result(0.30, 0.35, 10.0, 0.001)}, {}, 10)
    assert "| +0.0500 |" in table
    assert "cohorts ARD ≤ Flee's + 0.02 (missed)" in table
    assert "Flee 3.1's CPU time per run (met: per-run ratios 10000x)" in table


def test_baseline_json_is_preferred_when_it_has_the_case():
    table = vs_flee().table({"old": result(0.30, 0.31, 10.0, 0.1)}, {"old": {"ard": 0.40}}, 10)
    assert "| -0.0900 |" in table
    assert "(met)." in table and "(missed on old 100x)" in table


def test_the_speed_verdict_names_the_cases_that_miss_and_those_that_meet():
    table = vs_flee().table(
        {"slow": result(0.3, 0.3, 10.0, 0.05), "fast": result(0.3, 0.3, 10.0, 0.002)}, {}, 10
    )
    assert "CPU time per run (missed on slow 200x; met on fast 5000x)" in table
