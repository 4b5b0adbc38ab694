"""Compare plans over the same simulated futures: stranded, diverted, harmed, cost, firings."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hito.engine.compile import PLACE_KINDS, Compiled
from hito.engine.run import RunResult
from hito.ensemble.executors import SerialExecutor, make_executor
from hito.ensemble.result import levels
from hito.ensemble.run import run_ensemble
from hito.ensemble.sampling import Method
from hito.ensemble.spec import EnsembleSpec
from hito.plans.closedloop import PlanRun, run_plan
from hito.plans.model import Plan
from hito.scenario.model import Scenario

NO_PLAN = "no-plan"
METRICS = (
    "stranded_person_days",
    "unsheltered_person_days",
    "peak_stranded",
    "diverted",
    "harmed",
    "returned",
    "days_over_shelter_capacity",
)
_SHELTER = PLACE_KINDS.index("shelter")


@dataclass(frozen=True)
class RunMetrics:
    """The figures of one future under one plan."""

    values: dict[str, float]
    cost: dict[str, float]
    first_fired: dict[str, int | None]  # trigger id -> first firing day
    stranded: np.ndarray  # [day] people stranded, all places


def measure(c: Compiled, pr: PlanRun, capacity: np.ndarray, since: int = 0) -> RunMetrics:
    """Figures of one run: person-days, peak, final counts, shelter days, cost, firings.

    A shelter day counts when some shelter with a capacity is full (present >= capacity),
    so stranded people who seek a place there are turned away. With `since`, the figures
    count the days from that day on (final counts: those added since).
    """
    r = pr.result
    stranded = r.state("stranded").sum(axis=2)[since:]  # [day, place]
    shelters = c.place_kind == _SHELTER
    present = r.state("present").sum(axis=2)[since:, shelters]
    cap = capacity[since : since + len(present), shelters]
    full = ((cap > 0) & (present >= cap)).any(axis=1)
    total = stranded.sum(axis=1)
    values = {
        "stranded_person_days": float(total.sum()),
        "unsheltered_person_days": float(stranded[:, ~shelters].sum()),
        "peak_stranded": float(total.max(initial=0)),
        **{k: _added(r, k, since) for k in ("diverted", "harmed", "returned")},
        "days_over_shelter_capacity": float(full.sum()),
    }
    first = {k: (eps[0].fired if eps else None) for k, eps in pr.episodes.items()}
    return RunMetrics(values, pr.cost, first, total)


def _added(r: RunResult, state: str, since: int) -> float:
    """People a cumulative state gained from day `since` on (all of them from day 0)."""
    x = r.state(state).sum(axis=(1, 2))
    return float(x[-1] - (x[since - 1] if since > 0 else 0))


def _q(values: Sequence[float] | np.ndarray) -> dict[str, float]:
    return levels(np.asarray(values, dtype=float))


@dataclass(frozen=True)
class PlanRunner:
    """The per-run model of an ensemble under a plan (picklable: plans go to the workers)."""

    plan: Plan | None
    currencies: tuple[str, ...] = ()

    def __call__(
        self, scenario: Scenario, compiled: Compiled, seed: np.random.SeedSequence
    ) -> tuple[RunResult, dict[str, float]]:
        """One future: the run, and its figures as extras (first firing day NaN: never)."""
        pr = run_plan(scenario, compiled, self.plan, seed)
        return pr.result, figures(compiled, pr, self.currencies)


def figures(
    c: Compiled, pr: PlanRun, currencies: Sequence[str], since: int = 0
) -> dict[str, float]:
    """A run's figures by name (`measure`), costs per currency, first firing days (NaN: never)."""
    m = measure(c, pr, _capacity(c, pr), since)
    out = dict(m.values)
    for cur in currencies:
        out[f"total_cost_{cur}"] = m.cost.get(cur, 0.0)
    for tid, day in m.first_fired.items():
        out[f"first.{tid}"] = math.nan if day is None else float(day)
    return out


def summarize(
    start: dt.date,
    label: str,
    plan: Plan | None,
    scalars: Mapping[str, np.ndarray],
    currencies: Sequence[str],
) -> dict[str, Any]:
    """One comparison row from an ensemble's per-run figures: {p10, p50, p90} per metric."""
    n = len(scalars["conservation_error"])
    row: dict[str, Any] = {
        "plan": label,
        "title": (plan.title or plan.name) if plan else "No plan",
        "runs": n,
        "conservation_error": int(np.max(scalars["conservation_error"], initial=0)),
    }
    for m in METRICS:
        row[m] = _q(scalars[f"extra.{m}"])
    for cur in currencies:
        row[f"total_cost_{cur}"] = _q(scalars[f"extra.total_cost_{cur}"])
    trig = []
    for t in plan.triggers if plan else []:
        first = np.asarray(scalars[f"extra.first.{t.id}"], dtype=float)
        fired = first[~np.isnan(first)]
        med = float(np.median(fired)) if len(fired) else None
        trig.append(
            {
                "trigger": t.id,
                "description": t.description,
                "probability": len(fired) / n,
                "median_first_day": med,
                "median_first_date": (start + dt.timedelta(days=round(med))).isoformat()
                if med is not None
                else None,
            }
        )
    row["triggers"] = trig
    return row


@dataclass(frozen=True)
class Comparison:
    """Rows per plan (no plan first) and the daily stranded P10/P50/P90 for the charts."""

    rows: list[dict[str, Any]]
    stranded: dict[str, np.ndarray]  # label -> [3, day] P10, P50, P90 of the total
    currencies: list[str]
    start: dt.date
    days: int
    as_of: dt.date | None = None  # conditioned on the counts up to this date (a posterior)
    # label -> place -> days after as_of -> {p10, p50, p90} of people stranded (None: past the end)
    after: dict[str, dict[str, dict[int, dict[str, float] | None]]] | None = None

    def date(self, day: int) -> dt.date:
        """Calendar date of a simulated day."""
        return self.start + dt.timedelta(days=day)


def compare(
    s: Scenario,
    plans: Sequence[tuple[str, Plan]],
    runs: int,
    seed: int = 0,
    days: int | None = None,
    *,
    executor: Any = None,
    sampling: Method = "lhs",
    on_runs: Callable[[int], None] | None = None,
) -> Comparison:
    """Run every plan, and no plan, on the same futures (seeds and sampled numbers).

    Each plan is an ensemble (`hito.ensemble.run_ensemble`) whose per-run model runs the
    plan closed-loop; run i of every plan uses the same generator and the same draws.
    `executor`: None runs here, one run after another; else "local", "dask" or an executor
    object (left open for the caller). `on_runs(n)` is told as runs finish.
    """
    currencies = tuple(
        sorted({a.cost.currency for _, p in plans for a in p.actions if a.cost is not None})
    )
    own = isinstance(executor, str)
    ex = SerialExecutor() if executor is None else make_executor(executor) if own else executor
    rows, stranded = [], {}
    try:
        for label, plan in [(NO_PLAN, None), *plans]:
            spec = EnsembleSpec(
                scenario=s,
                days=days,
                seed=seed,
                runs=runs,
                sampling=sampling,
                runner=PlanRunner(plan, currencies),
            )
            ens = run_ensemble(spec, executor=ex, progress=on_runs)
            rows.append(summarize(s.start, label, plan, ens.scalars, currencies))
            stranded[label] = ens.fan("stranded")
    finally:
        if own:
            ex.close()
    horizon = s.days if days is None else days
    return Comparison(rows, stranded, list(currencies), s.start, horizon)


def _capacity(c: Compiled, pr: PlanRun) -> np.ndarray:
    """Shelter capacity per day with the run's added places (what the run's shelters held)."""
    return pr.capacity if pr.capacity is not None else c.capacity
