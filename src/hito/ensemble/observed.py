"""Ensembles and compiled runs started from the stranded people counted on a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from hito.engine.compile import Compiled, compile_scenario
from hito.ensemble.result import Ensemble
from hito.scenario.model import Scenario
from hito.scenario.observed import from_observed


def ensemble_from_observed(
    s: Scenario,
    as_of: dt.date,
    stranded: Mapping[str, float],
    days: int,
    runs: int = 100,
    seed: int = 0,
    executor: Any = None,
    sampling: str = "lhs",
) -> Ensemble:
    """An ensemble of `runs` futures of `days` days started from the observed counts.

    Uses `hito.ensemble.run_ensemble` (executor None: here, one run after another; else
    "local", "dask" or an executor object); every uncertain number is drawn per run.
    """
    from hito.ensemble.executors import SerialExecutor
    from hito.ensemble.run import run_ensemble
    from hito.ensemble.spec import EnsembleSpec

    spec = EnsembleSpec(
        from_observed(s, as_of, stranded, days),
        seed=seed,
        runs=runs,
        sampling=sampling,  # type: ignore[arg-type]
    )
    return run_ensemble(spec, executor=SerialExecutor() if executor is None else executor)


def compile_from_observed(
    s: Scenario, as_of: dt.date, stranded: Mapping[str, float], days: int
) -> Compiled:
    """Compile the restarted scenario (best values of every range)."""
    return compile_scenario(from_observed(s, as_of, stranded, days))
