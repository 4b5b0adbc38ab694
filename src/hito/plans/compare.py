"""Compare plans over the same simulated futures: stranded, diverted, harmed, cost, firings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hito.engine.compile import PLACE_KINDS, Compiled, compile_scenario
from hito.engine.outputs import QUANTILES, run_seed
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


def measure(c: Compiled, pr: PlanRun, capacity: np.ndarray) -> RunMetrics:
    """Figures of one run: person-days, peak, final counts, shelter days, cost, firings.

    A shelter day counts when some shelter with a capacity is full (present >= capacity),
    so stranded people who seek a place there are turned away.
    """
    r = pr.result
    stranded = r.state("stranded").sum(axis=2)  # [day, place]
    shelters = c.place_kind == _SHELTER
    present = r.state("present").sum(axis=2)[:, shelters]
    cap = capacity[: len(present), shelters]
    full = ((cap > 0) & (present >= cap)).any(axis=1)
    total = stranded.sum(axis=1)
    values = {
        "stranded_person_days": float(total.sum()),
        "unsheltered_person_days": float(stranded[:, ~shelters].sum()),
        "peak_stranded": float(total.max(initial=0)),
        "diverted": float(r.state("diverted")[-1].sum()),
        "harmed": float(r.state("harmed")[-1].sum()),
        "returned": float(r.state("returned")[-1].sum()),
        "days_over_shelter_capacity": float(full.sum()),
    }
    first = {k: (eps[0].fired if eps else None) for k, eps in pr.episodes.items()}
    return RunMetrics(values, pr.cost, first, total)


def _q(values: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=float)
    return {k: float(np.quantile(arr, q)) for k, q in QUANTILES.items()}


def summarize(
    c: Compiled, label: str, plan: Plan | None, runs: Sequence[RunMetrics], currencies: list[str]
) -> dict[str, Any]:
    """One comparison row: every metric as {p10, p50, p90}, and each trigger's firing."""
    row: dict[str, Any] = {
        "plan": label,
        "title": (plan.title or plan.name) if plan else "No plan",
        "runs": len(runs),
    }
    for m in METRICS:
        row[m] = _q([r.values[m] for r in runs])
    for cur in currencies:
        row[f"total_cost_{cur}"] = _q([r.cost.get(cur, 0.0) for r in runs])
    trig = []
    for t in plan.triggers if plan else []:
        days = [d for d in (r.first_fired.get(t.id) for r in runs) if d is not None]
        med = float(np.median(days)) if days else None
        trig.append(
            {
                "trigger": t.id,
                "description": t.description,
                "probability": len(days) / len(runs),
                "median_first_day": med,
                "median_first_date": c.date(int(round(med))).isoformat()
                if med is not None
                else None,
            }
        )
    row["triggers"] = trig
    return row


@dataclass(frozen=True)
class Comparison:
    """Rows per plan (no plan first) and the daily stranded totals for the charts."""

    rows: list[dict[str, Any]]
    stranded: dict[str, np.ndarray]  # label -> [run, day]
    currencies: list[str]
    compiled: Compiled


def compare(
    s: Scenario,
    plans: Sequence[tuple[str, Plan]],
    runs: int,
    seed: int = 0,
    days: int | None = None,
    on_run: Callable[[], None] | None = None,
) -> Comparison:
    """Run every plan, and no plan, on the same `runs` seeds of one scenario."""
    c = compile_scenario(s, days=days)
    currencies = sorted(
        {a.cost.currency for _, p in plans for a in p.actions if a.cost is not None}
    )
    rows, stranded = [], {}
    for label, plan in [(NO_PLAN, None), *plans]:
        measured = []
        for i in range(runs):
            pr = run_plan(s, c, plan, run_seed(seed, i))
            measured.append(measure(c, pr, _capacity(c, pr)))
            if on_run is not None:
                on_run()
        rows.append(summarize(c, label, plan, measured, currencies))
        stranded[label] = np.stack([m.stranded for m in measured])
    return Comparison(rows, stranded, currencies, c)


def _capacity(c: Compiled, pr: PlanRun) -> np.ndarray:
    """Shelter capacity per day with the run's added places (what the run's shelters held)."""
    return pr.capacity if pr.capacity is not None else c.capacity
