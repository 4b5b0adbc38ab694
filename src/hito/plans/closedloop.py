"""Run one simulated future with a plan: check triggers each day, switch their actions on."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hito.engine.compile import UNBOUNDED, Compiled
from hito.engine.run import RunResult, Simulation
from hito.plans.indicators import Selector, selector, value_on
from hito.plans.model import Plan, Trigger
from hito.plans.triggers import Episode, TriggerMachine, active_days, holds
from hito.scenario.model import Scenario

FORECAST_MEMBERS = 5


@dataclass(frozen=True)
class PlanRun:
    """One future under a plan: the run, each trigger's episodes, each action's days and cost."""

    result: RunResult
    episodes: dict[str, list[Episode]]
    action_days: dict[str, np.ndarray]  # action id -> [T] bool
    cost: dict[str, float]  # currency -> total
    capacity: np.ndarray | None = None  # [T, P] with added shelter places (None: unchanged)


@dataclass(frozen=True)
class Start:
    """A run's state at `day` and its recorded days before it (a posterior's particle)."""

    day: int
    state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]  # as Simulation.resume
    out: np.ndarray  # [day, S, P, G] the days before
    arrivals: np.ndarray  # [day]


def _simulation(c: Compiled, seed: int | np.random.SeedSequence, start: Start | None) -> Simulation:
    """A run at the scenario's start, or resumed from a state."""
    sim = Simulation(c, seed)
    if start is not None:
        sim.resume(start.day, start.state, start.out, start.arrivals)
    return sim


def _edges(c: Compiled, route: str, forward_only: bool) -> list[int]:
    """Directed edges of a scenario route (its reverse too unless forward_only)."""
    return [
        k
        for k, rid in enumerate(c.route_ids)
        if rid == route or (not forward_only and rid == f"{route}~back")
    ]


def prepare(c: Compiled, plan: Plan) -> Compiled:
    """A working copy of the compiled arrays with one empty flight column per flight action."""
    work = c.copy()
    flights = [a for a in plan.actions if a.type == "return_flights"]
    if not flights:
        return work
    P = len(c.place_ids)
    routes, picks = [], []
    for a in flights:
        routes.append(_edges(c, a.route, True)[0])
        pick = np.isin(np.array(c.place_ids), a.pickup) if a.pickup else ~c.is_exit
        picks.append(pick)
    T = c.days
    return replace(
        work,
        flight_route=np.concatenate([work.flight_route, np.array(routes, dtype=np.int64)]),
        flight_seats=np.concatenate(
            [work.flight_seats, np.zeros((T, len(flights)), dtype=np.int64)], axis=1
        ),
        flight_pickup=np.concatenate(
            [work.flight_pickup.reshape(-1, P), np.array(picks, dtype=bool)]
        ),
    )


def _weekly(mask: np.ndarray) -> np.ndarray:
    """Flight days: the first day of each stretch of active days, then every 7th day."""
    out = np.zeros(len(mask), dtype=bool)
    start = -1
    for d, on in enumerate(mask):
        if on and (d == 0 or not mask[d - 1]):
            start = d
        if on and (d - start) % 7 == 0:
            out[d] = True
    return out


def _corridor(base: Compiled, work: Compiled, a: Any, on: np.ndarray, t: int) -> None:
    """A daily quota along the route (its own direction) on the days the action is on."""
    for k in _edges(base, a.route, True):
        work.quota[t:, k] += on * a.daily_quota


def _shelter_places(base: Compiled, work: Compiled, a: Any, on: np.ndarray, t: int) -> None:
    """Places added to a shelter's capacity (a shelter without a limit stays without one)."""
    q = base.place_ids.index(a.place)
    cap = base.capacity[t:, q]
    work.capacity[t:, q] = np.where(cap == UNBOUNDED, cap, cap + on * a.add)


def _health_team(base: Compiled, work: Compiled, a: Any, on: np.ndarray, t: int) -> None:
    """Less harm on the action's irregular routes (all of them when it names none)."""
    ks = (
        [k for r in a.routes for k in _edges(base, r, False)]
        if a.routes
        else [int(k) for k in np.flatnonzero(base.route_irregular)]
    )
    for k in ks:
        work.hazard[t:, k] *= np.where(on, 1.0 - a.hazard_reduction, 1.0)


ACTIONS: dict[str, Callable[[Compiled, Compiled, Any, np.ndarray, int], None]] = {
    "corridor": _corridor,
    "shelter_places": _shelter_places,
    "health_team": _health_team,
}  # return flights fill their own column; a reopening opens routes to the documented


def apply(
    base: Compiled,
    work: Compiled,
    plan: Plan,
    days_on: dict[str, np.ndarray],
    documented: np.ndarray,
    from_day: int,
) -> None:
    """Rewrite the working arrays for days >= from_day: base inputs plus every active action."""
    t = from_day
    work.quota[t:] = base.quota[t:]
    work.capacity[t:] = base.capacity[t:]
    work.hazard[t:] = base.hazard[t:]
    open_before = work.open_[t:].copy()
    work.open_[t:] = base.open_[t:]
    flights = itertools.count(base.flight_route.shape[0])  # the columns `prepare` added
    for a in plan.actions:
        on = days_on[a.id][t:]
        if a.type == "return_flights":
            work.flight_seats[t:, next(flights)] = _weekly(days_on[a.id])[t:] * a.seats_per_week
        elif a.type == "reopen":
            for k in [k for r in a.routes for k in _edges(base, r, False)]:
                work.open_[t:, k, :] |= on[:, None] & documented[None, :]
        elif a.type in ACTIONS:
            ACTIONS[a.type](base, work, a, on, t)
    reopened = any(a.type == "reopen" for a in plan.actions)
    if reopened or not np.array_equal(open_before, work.open_[t:]):
        work.refresh_lookahead(t)


def units(a: object, days_on: np.ndarray) -> float:
    """Units an action provided: quota-days, shelter place-nights, seats flown, or team-days."""
    n = float(days_on.sum())
    kind = a.type  # type: ignore[attr-defined]
    if kind == "corridor":
        return n * a.daily_quota  # type: ignore[attr-defined]
    if kind == "shelter_places":
        return n * a.add  # type: ignore[attr-defined]
    if kind == "return_flights":
        return float(_weekly(days_on).sum()) * a.seats_per_week  # type: ignore[attr-defined]
    return n


def cost(plan: Plan, days_on: dict[str, np.ndarray]) -> dict[str, float]:
    """Total cost per currency of the actions that ran."""
    out: dict[str, float] = {}
    for a in plan.actions:
        if a.cost is None:
            continue
        q = float(days_on[a.id].sum()) if a.cost.per == "day" else units(a, days_on[a.id])
        out[a.cost.currency] = out.get(a.cost.currency, 0.0) + q * a.cost.amount
    for a in plan.actions:
        if a.cost is not None:
            out.setdefault(a.cost.currency, 0.0)
    return out


def run_plan(
    s: Scenario,
    c: Compiled,
    plan: Plan | None,
    seed: int | np.random.SeedSequence,
    forecast_members: int = FORECAST_MEMBERS,
    start: Start | None = None,
) -> PlanRun:
    """Simulate one future of a compiled scenario under a plan (None: no plan).

    With `start`, the run resumes from that state: triggers are checked from its day on
    (the earliest firing), observed ones counting the days of their window that the recorded
    days before it already hold; forecast ones count from its day.

    Each morning (day t >= 1) every trigger reads the state recorded at the end of day t-1;
    forecast triggers read the P50/P90 of `forecast_members` branches of the run stepped
    `horizon_days` ahead with the actions decided so far. A firing on day t switches its
    actions on from day t + lead time, in a private copy of the compiled arrays.
    """
    if plan is None or not plan.triggers:
        sim = _simulation(c, seed, start)
        sim.step_to(c.days)
        return PlanRun(sim.result(), {}, {}, cost(plan, {}) if plan else {})
    work = prepare(c, plan)
    T = c.days
    documented = np.array([g.documented for g in s.groups])
    sim = _simulation(work, seed, start)
    sels: dict[str, Selector] = {t.id: selector(t, work) for t in plan.triggers}
    t0 = 0 if start is None else start.day
    machines = {t.id: _machine(t, sels[t.id], sim, work, t0) for t in plan.triggers}
    days_on = {a.id: np.zeros(T, dtype=bool) for a in plan.actions}
    fseq = _forecast_seeds(seed)
    for t in range(t0, T):
        if t > 0:
            changed = False
            for trig in plan.triggers:
                if trig.source == "observed":
                    v = value_on(sels[trig.id], sim.out, sim.arrivals, work.capacity, t - 1)
                else:
                    v = _forecast_value(sim, work, sels[trig.id], trig, t, fseq, forecast_members)
                event = machines[trig.id].step(t, v)
                if event is None:
                    continue
                eps = machines[trig.id].episodes
                for a in plan.actions_of(trig.id):
                    new = active_days(eps, a.lead_time_days, a.duration_days, T)
                    if not np.array_equal(new, days_on[a.id]):
                        days_on[a.id] = new
                        changed = True
            if changed:
                apply(c, work, plan, days_on, documented, t)
        sim.step_to(t + 1)
    return PlanRun(
        sim.result(),
        {k: list(m.episodes) for k, m in machines.items()},
        days_on,
        cost(plan, days_on),
        work.capacity,
    )


def _machine(
    trig: Trigger, sel: Selector, sim: Simulation, work: Compiled, t0: int
) -> TriggerMachine:
    """A trigger's machine on the eve of day t0, none fired (from a start: the days before).

    An observed trigger has counted the recorded days before t0 that meet it, so its window
    may be full on t0; a forecast one starts counting on t0.
    """
    m = TriggerMachine(trig)
    if t0 <= 1 or trig.source != "observed":
        return m
    run = 0
    for d in range(1, t0):
        v = value_on(sel, sim.out, sim.arrivals, work.capacity, d - 1)
        run = run + 1 if holds(v, trig.compare, trig.threshold) else 0
    m.day, m.run = t0 - 1, run
    return m


def _forecast_seeds(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """Seeds of the forecast branches, apart from the run's own stream (which stays as is)."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, 2**31 - 1))
    return np.random.SeedSequence(seed, spawn_key=(2**31 - 1,))


def _forecast_value(
    sim: Simulation,
    work: Compiled,
    sel: Selector,
    trig: object,
    t: int,
    fseq: np.random.SeedSequence,
    members: int,
) -> float:
    """P50 or P90 over branches of the run of the indicator `horizon_days` after day t-1."""
    h = trig.horizon_days  # type: ignore[attr-defined]
    target = min(t - 1 + h, work.days - 1)
    if target <= t - 1:
        return value_on(sel, sim.out, sim.arrivals, work.capacity, t - 1)
    vals = []
    for child in fseq.spawn(members):
        b = sim.branch(child, history=False)
        b.step_to(target + 1)
        vals.append(value_on(sel, b.out, b.arrivals, work.capacity, target))
    q = 0.5 if trig.quantile == "p50" else 0.9  # type: ignore[attr-defined]
    return float(np.quantile(np.array(vals), q))
