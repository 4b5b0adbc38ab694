"""Plans compared from a posterior: every particle's state at the as-of date, run on per plan.

Each particle of a posterior (`hito calibrate`) holds a state on the day after its as-of date,
its drawn numbers and its history. Every plan, and no plan, resumes each particle from that
state with the generator `hito run --calibration` gives it, so run i of every plan shares its
random stream (common random numbers) and no plan is that forecast itself; the plans'
triggers are checked from the as-of date on (`closedloop.run_plan` with a `Start`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hito.ensemble.result import Ensemble
from hito.ensemble.sampling import Design
from hito.errors import InputError, Problem
from hito.forecast.calibrate import FORECAST, particle_compiled, particle_seed, particle_tasks
from hito.forecast.particles import Cloud, FilterSpec, Posterior
from hito.forecast.posterior import particle_ensemble
from hito.plans.closedloop import Start, run_plan
from hito.plans.compare import NO_PLAN, Comparison, figures, summarize
from hito.plans.model import Plan

HORIZONS = (7, 14, 28)  # days after the as-of date of the stranded bands per place


@dataclass(frozen=True)
class Job:
    """What every worker needs: the posterior's spec, the plan, the cost currencies."""

    spec: FilterSpec
    plan: Plan | None
    currencies: tuple[str, ...]


def run_particles(
    job: Job,
    rows: Design,
    particles: np.ndarray,
    cloud: Cloud,
    out: np.ndarray,
    arrivals: np.ndarray,
    t0: int,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, float]]]:
    """On a worker: each particle resumed at day t0 under the plan, run to the last day.

    Returns ([n, T, S, P, G] daily states, [n, T] arrivals, each run's figures from t0 on).
    """
    states, arrs, figs = [], [], []
    for j, i in enumerate(particles):
        c = particle_compiled(job.spec, rows.paths, rows.values[j])
        seed = particle_seed(job.spec, (FORECAST, 0), i)  # as `hito run --calibration`'s
        start = Start(t0, cloud.state(j), out[j], arrivals[j])
        pr = run_plan(job.spec.scenario, c, job.plan, seed, start=start)
        states.append(pr.result.states.astype(np.int32))
        arrs.append(pr.result.arrivals.copy())
        figs.append(figures(c, pr, job.currencies, since=t0))
    return np.stack(states), np.stack(arrs), figs


def check_future(post: Posterior) -> None:
    """Refuse a posterior whose as-of date is the last simulated day: no days left for plans."""
    if post.day >= post.spec.days:
        s = post.spec.scenario
        raise InputError(
            Problem(
                "--calibration: calibrated as of %(as_of)s, the last simulated day of scenario "
                "%(name)s; expected an as-of date before %(last)s, so plans have days to act",
                as_of=post.as_of,
                name=repr(s.name),
                last=s.date_of(post.spec.days - 1),
            )
        )


def compare_calibrated(
    post: Posterior,
    plans: Sequence[tuple[str, Plan]],
    executor: Any,
    on_runs: Callable[[int], None] | None = None,
) -> Comparison:
    """Every plan, and no plan, on the posterior's particles from its as-of date on.

    Figures count the days from the day after the as-of date; `on_runs(n)` is told as
    particles finish.
    """
    check_future(post)
    assert post.cloud is not None
    s = post.spec.scenario
    currencies = tuple(
        sorted({a.cost.currency for _, p in plans for a in p.actions if a.cost is not None})
    )
    hist, arr = post.history()
    n, t0, T = post.particles, post.day, post.spec.days
    parts = particle_tasks(n)
    tasks = [(post.draws.rows(p), p, post.cloud.take(p), hist[p], arr[p], t0) for p in parts]
    rows, stranded, after = [], {}, {}
    for label, plan in [(NO_PLAN, None), *plans]:
        got: dict[int, tuple[np.ndarray, np.ndarray, list[dict[str, float]]]] = {}
        for i, res in executor.map_unordered(
            run_particles, Job(post.spec, plan, currencies), tasks
        ):
            got[i] = res
            if on_runs is not None:
                on_runs(len(parts[i]))
        order = [got.pop(i) for i in range(len(parts))]
        states = np.concatenate([o[0] for o in order], dtype=np.int64)
        arrivals = np.concatenate([o[1] for o in order])
        figs = [f for o in order for f in o[2]]
        del order  # the int32 pieces: only the int64 states stay while the ensemble is made
        ens = particle_ensemble(post, states, arrivals, executor, 0)
        del states
        scalars = {"conservation_error": ens.scalars["conservation_error"]}
        scalars.update({f"extra.{k}": np.array([f[k] for f in figs]) for k in figs[0]})
        row = summarize(s.start, label, plan, scalars, currencies)
        row["calibrated_as_of"] = post.as_of.isoformat()
        row["stranded_after"] = bands(ens, t0 - 1)
        after[label] = row["stranded_after"]
        rows.append(row)
        stranded[label] = ens.fan("stranded")
    return Comparison(rows, stranded, list(currencies), s.start, T, post.as_of, after)


def bands(ens: Ensemble, as_of_day: int) -> dict[str, dict[int, dict[str, float] | None]]:
    """Per place, P10/P50/P90 of people stranded HORIZONS days after the as-of day."""
    T = ens.layout.days
    out: dict[str, dict[int, dict[str, float] | None]] = {}
    for place in ens.place_ids:
        fan = ens.fan("stranded", place)
        out[place] = {
            h: dict(zip(("p10", "p50", "p90"), map(float, fan[:, as_of_day + h]), strict=True))
            if as_of_day + h < T
            else None
            for h in HORIZONS
        }
    return out


def stranded_places(after: dict[str, dict[str, dict[int, dict[str, float] | None]]]) -> list[str]:
    """The places where someone may be stranded (a P90 above 0) under some plan, in order."""
    first = next(iter(after.values()), {})
    return [
        place
        for place in first
        if any(b and b["p90"] > 0 for per in after.values() for b in per[place].values())
    ]
