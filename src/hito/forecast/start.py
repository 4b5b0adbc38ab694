"""Start forecasts from a known state: a running simulation, or field counts on a date."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from hito.engine.compile import Compiled, compile_scenario
from hito.engine.run import Simulation
from hito.errors import InputError
from hito.scenario.model import Population, Scenario
from hito.scenario.numbers import Num

if TYPE_CHECKING:
    from hito.ensemble.result import Ensemble


def branch(sim: Simulation, seed: int | np.random.SeedSequence, history: bool = True) -> Simulation:
    """A copy of a simulation at its current day, with its own generator, to run ahead.

    With history=False the copy keeps only the last recorded day of the daily output (enough
    to read the days ahead and their changes; cheaper when branching every day).
    """
    new = copy.copy(sim)
    new.seed = seed
    new.rng = np.random.default_rng(seed)
    for name in ("arrivals", "free", "stranded", "transit", "cumulative", "_arrived"):
        setattr(new, name, getattr(sim, name).copy())
    if history:
        new.out = sim.out.copy()
    else:
        new.out = np.zeros_like(sim.out)
        if sim.day > 0:
            new.out[sim.day - 1] = sim.out[sim.day - 1]
    return new


def _group_shares(s: Scenario) -> dict[str, float]:
    """How stranded people split over groups: the undocumented groups' shares of the inflows."""
    undoc = [g.id for g in s.groups if not g.documented] or [g.id for g in s.groups]
    rate = {g: 0.0 for g in undoc}
    for f in s.inflows:
        if f.group in rate:
            rate[f.group] += f.per_day.value
    for p in s.population:
        if p.group in rate:
            rate[p.group] += p.people.value
    total = sum(rate.values())
    if total <= 0:
        return {g: 1.0 / len(undoc) for g in undoc}
    return {g: v / total for g, v in rate.items() if v > 0}


def from_observed(
    s: Scenario, as_of: dt.date, stranded: Mapping[str, float], days: int
) -> Scenario:
    """The scenario restarted on `as_of` for `days` days with the observed stranded counts.

    Counts at a place are split over the undocumented groups in proportion to their inflows
    and initial population (whole people, largest remainders); inflows, season, shocks and
    policies keep their calendar dates, so whatever is in force on `as_of` applies.
    """
    known = s.place_index()
    bad = sorted(set(stranded) - set(known))
    if bad:
        raise InputError(
            f"observed places {bad} are not in scenario {s.name!r}; "
            f"expected some of: {', '.join(sorted(known))}"
        )
    if days < 1:
        raise InputError(f"forecast horizon: got {days} days, expected at least 1")
    shares = _group_shares(s)
    pop: list[Population] = []
    for place, count in stranded.items():
        n = int(round(count))
        exact = {g: n * w for g, w in shares.items()}
        whole = {g: int(v) for g, v in exact.items()}
        for g in sorted(exact, key=lambda g: whole[g] - exact[g])[: n - sum(whole.values())]:
            whole[g] += 1
        pop += [
            Population(place=place, group=g, people=Num(value=k), stranded=True, source="observed")
            for g, k in whole.items()
            if k > 0
        ]
    return s.model_copy(update={"start": as_of, "days": days, "population": pop})


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
