"""Run a Flee case with the Flee-compatible ruleset: the daily loop around the numba kernel.

The order of a day is Flee 3.1's ``runscripts/run.py`` with ``flee/flee.py``: conflict
zones from ``conflicts.csv`` (``InputGeography.AddNewConflictZones``: a zone starts when
its intensity rises from 0 and ends when it falls from exactly 1), spawning of the day's
new people at conflict zones weighted by population x intensity x decay
(``flee/spawning.py``), border closures (``Ecosystem.enact_border_closures``), then every
agent moves (``Ecosystem.evolve``). Scores follow ``flee/scoring.py``: foreign, camp and
``conflict_weight ** (decay x intensity)`` factors.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hito.errors import InputError, Problem
from hito.flee import cohortrun, rulesets
from hito.flee.compile import FleeCompiled, compile_flee
from hito.flee.schedule import (
    Schedule,
    candidate_paths,
    decay_table,
    move_chances,
    route_settings,
    route_weights,
    schedule_of,
    spawn_weights,
)
from hito.flee.validation import ard

__all__ = ["FleeResult", "candidate_paths", "run_case", "simulate"]


@dataclass
class FleeResult:
    """One run: daily counts per location and the camp series against UNHCR data."""

    seed: int
    start: dt.date
    camps: list[str]
    sim: np.ndarray
    data: np.ndarray
    raw_total: np.ndarray
    debt: np.ndarray
    agents: np.ndarray
    on_links: np.ndarray
    counts: np.ndarray
    people: int
    wall: float
    conservation: int | None = None

    def conservation_error(self) -> int:
        """Largest daily gap between people created and people at places or on links."""
        if self.conservation is not None:
            return self.conservation
        return int(np.abs(self.agents - self.counts.sum(axis=1) - self.on_links).max())

    @property
    def ard(self) -> float:
        """Averaged relative difference of the camp counts."""
        return ard(self.sim, self.data, self.raw_total).ard


def _no_conflict_zone(t: int, new: int) -> None:
    raise InputError(
        Problem(
            "day %(t)s: %(new)s people to spawn but no conflict zone with population, expected at "
            "least one",
            t=t,
            new=new,
        )
    )


def _agents(
    c: FleeCompiled,
    sch: Schedule,
    rng: np.random.Generator,
    ruleset: str,
    progress: Callable[[int], None] | None,
) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """The daily loop of the per-agent ruleset (counts, people, on links, people per day)."""
    sr = c.settings.spawn_rules
    mr = c.settings.move_rules
    body = rulesets.make(ruleset, c, rng)
    n = len(c.names)
    pop = c.pop.astype(np.int64).copy()
    counts = np.zeros((c.days, n), np.int64)
    agents = np.zeros(c.days, np.int64)
    on_links = np.zeros(c.days, np.int64)
    table, interval = decay_table(c)
    route_s = route_settings(c)
    weights = np.zeros(n)
    base = np.zeros(max(1, len(sch.p_end)))
    mc = np.zeros(n)
    for t in range(c.days):
        a = sch.pre[t]
        dirty = bool(t == 0 or sch.changed[t] or len(table) or sch.closure_day[t])
        if dirty:
            t_w = t if (sch.changed[t] or t == 0) else t - 1
            spawn_weights(weights, pop, sch.conflict[a], sch.toc[a], t_w, table, interval)
        new = int(c.new_refs[t])
        if new > 0:
            if len(c.spawn_at):  # conflict-driven: so many people at each zone
                got = body.place(c.spawn_at[t])
            else:
                cum = np.cumsum(weights)
                if cum[-1] <= 0:
                    _no_conflict_zone(t, new)
                got = body.spawn(new, cum)
            if sr.take_from_population:
                pop = np.maximum(pop - np.where(sch.conflict[a] > 0, got, 0), 0)
                spawn_weights(weights, pop, sch.conflict[a], sch.toc[a], t, table, interval)
                dirty = True
        if sch.closed_today[t].any():
            body.closed(sch.closed_today[t], t)
        b, v = sch.post[t], sch.paths_at[t]
        paths = sch.paths(v)
        if dirty:  # route weights and move chances change only with the above
            lo, hi = int(sch.p_off[v, 0]), int(sch.p_off[v, -1])
            route_weights(
                base, lo, hi, sch.p_end, sch.p_km, sch.conflict[b], sch.toc[b],
                sch.is_camp[b], c.foreign, t, table, interval, route_s,
            )  # fmt: skip
            base_v = base[: hi - lo].copy()
            move_chances(
                mc, sch.movechance[b], pop, c.capacity, float(mr.movechance_pop_base),
                float(mr.movechance_pop_scale_factor),
            )  # fmt: skip
        state = {"is_camp": sch.is_camp[b], "is_town": sch.is_town[b]}
        body.day(t, c, mc.copy(), state, sch.link_open[v], paths, base_v)
        counts[t] = body.loc_num
        agents[t] = body.count
        on_links[t] = body.on_links()
        if progress is not None:
            progress(t)
    return counts, body.count, on_links, agents


def simulate(
    c: FleeCompiled,
    seed: int | np.random.SeedSequence,
    progress: Callable[[int], None] | None = None,
    ruleset: str = "agents",
) -> FleeResult:
    """One seeded run of a compiled case; the same seed gives the same result."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    sch = schedule_of(c)
    if ruleset == "cohorts":
        got = cohortrun.run(c, sch, rng, progress)
        if isinstance(got, int):
            _no_conflict_zone(got, int(c.new_refs[got]))
        counts, people, on_links, agents = got
    else:
        counts, people, on_links, agents = _agents(c, sch, rng, ruleset, progress)
    camps = np.array(c.camps, np.int64)
    return FleeResult(
        seed=seed if isinstance(seed, int) else -1,
        start=dt.date.min,
        camps=c.camp_names,
        sim=counts[:, camps].astype(float),
        data=c.data,
        raw_total=c.raw_total,
        debt=c.debt,
        agents=agents,
        on_links=on_links,
        counts=counts,
        people=people,
        wall=time.perf_counter() - t0,
    )


def run_case(
    case_dir: str | Path,
    *,
    seed: int = 0,
    hasten: int | None = None,
    days: int | None = None,
    flee31: bool = True,
    ruleset: str = "agents",
) -> FleeResult:
    """Read, compile and run a Flee case directory once."""
    from hito.flee.case import read_case

    case = read_case(case_dir)
    c = compile_flee(case, hasten=hasten, days=days, flee31=flee31)
    res = simulate(c, seed, ruleset=ruleset)
    res.start = case.scenario.start
    return res
