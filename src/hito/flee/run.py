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

from hito.errors import InputError
from hito.flee import rulesets
from hito.flee.compile import FleeCompiled, compile_flee
from hito.flee.validation import ard

MAX_HOPS = rulesets.MAX_HOPS


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


def _decay(c: FleeCompiled, elapsed: np.ndarray) -> np.ndarray:
    """Flee's SimulationSettings.get_conflict_decay, per location."""
    sr = c.settings.spawn_rules
    if not sr.conflict_spawn_decay:
        return np.ones_like(elapsed, dtype=float)
    interval = (
        30 if "conflict_spawn_decay_interval" in c.ignored else sr.conflict_spawn_decay_interval
    )
    table = np.asarray(sr.conflict_spawn_decay, dtype=float)
    idx = np.minimum(np.trunc(elapsed / interval).astype(np.int64), len(table) - 1)
    return table[np.maximum(idx, 0)]


def candidate_paths(c: FleeCompiled, link_open: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every path an agent weighs at each location (flee/moving.py calculateLinkWeight).

    One hop per awareness level, never back to a place already on the path; markers add
    no candidate of their own and do not use up a level. Returns (offsets, first link,
    end, km, hops, number of hops), offsets by location.
    """
    aw = max(1, c.settings.move_rules.awareness_level)
    n = len(c.names)
    rows: list[list[tuple[int, float, list[int]]]] = [[] for _ in range(n)]

    def walk(
        origin: int,
        j: int,
        prior: float,
        seen: list[int],
        step: int,
        hops: list[int],
        out: list[tuple[int, float, list[int]]],
    ) -> None:
        end = int(c.link_dst[j])
        km = prior + float(c.link_dist[j])
        path = hops + [end]
        if c.is_marker[end]:
            step -= 1
        else:
            out.append((end, km, path))
        if aw > step and len(path) < MAX_HOPS:
            for k in range(c.out_off[end], c.out_off[end + 1]):
                if link_open[k] and int(c.link_dst[k]) not in seen:
                    walk(origin, k, km, seen + [end], step + 1, path, out)

    for here in range(n):
        for j in range(c.out_off[here], c.out_off[here + 1]):
            if link_open[j]:
                walk(here, j, 0.0, [here], 1, [], rows[here])
    off = np.zeros(n + 1, np.int64)
    off[1:] = np.cumsum([len(r) for r in rows])
    total = int(off[-1])
    end = np.zeros(total, np.int64)
    km = np.zeros(total)
    hops = np.zeros((max(total, 1), MAX_HOPS), np.int64)
    nh = np.zeros(total, np.int64)
    k = 0
    for r in rows:
        for e, d, path in r:
            end[k], km[k], nh[k] = e, d, len(path)
            hops[k, : len(path)] = path
            k += 1
    return off, end, km, hops, nh


def _find(c: FleeCompiled, name: str) -> int:
    return c.names.index(name)


def _close(
    c: FleeCompiled,
    kind: str,
    a: str,
    b: str,
    link_open: np.ndarray,
    body: rulesets.Agents | rulesets.Cohorts,
    t: int,
    close: bool,
    state: dict[str, np.ndarray],
) -> bool:
    """Apply a closure or reopening (flee/flee.py enact_border_closures); True if links changed."""
    mr = c.settings.move_rules
    if kind in ("camp", "idpcamp"):
        i = _find(c, a)
        idp = kind == "idpcamp"
        state["conflict"][i] = -1.0
        if close:  # Location.close_camp: becomes a town
            state["is_camp"][i], state["is_town"][i] = False, True
            state["movechance"][i] = mr.default_movechance
        else:  # Location.open_camp
            state["is_camp"][i], state["is_town"][i] = True, False
            state["movechance"][i] = mr.idpcamp_movechance if idp else mr.camp_movechance
        return False
    if kind == "remove_forced_redirection":
        return False  # forced redirection does not change movement in Flee 3.1
    src, dst = c.link_src, c.link_dst
    if kind == "country":
        ca = np.array([x == a for x in c.country])
        cb = np.array([x == b for x in c.country])
        sel = (ca[src] & cb[dst]) | (cb[src] & ca[dst])
    elif kind == "location":
        i = _find(c, a)
        sel = (src == i) | (dst == i)
    else:  # link: both directions
        i, k = _find(c, a), _find(c, b)
        sel = ((src == i) & (dst == k)) | ((src == k) & (dst == i))
    target = sel & (link_open if close else ~link_open)
    if not target.any():
        return False
    link_open[target] = not close
    if close:
        body.closed(target, t)
    return True


def simulate(
    c: FleeCompiled,
    seed: int | np.random.SeedSequence,
    progress: Callable[[int], None] | None = None,
    ruleset: str = "agents",
) -> FleeResult:
    """One seeded run of a compiled case; the same seed gives the same result."""
    t0 = time.perf_counter()
    mr, sr = c.settings.move_rules, c.settings.spawn_rules
    rng = np.random.default_rng(seed)
    body = rulesets.make(ruleset, c, rng)
    n = len(c.names)
    state = {
        "conflict": c.conflict.copy(),
        "is_camp": c.is_camp.copy(),
        "is_town": c.is_town.copy(),
        "movechance": c.movechance.copy(),
    }
    toc = c.time_of_conflict.copy()
    pop = c.pop.copy()
    link_open = np.ones(len(c.link_src), np.bool_)
    paths = candidate_paths(c, link_open)
    camps = np.array(c.camps, np.int64)
    counts = np.zeros((c.days, n), np.int64)
    agents = np.zeros(c.days, np.int64)
    on_links = np.zeros(c.days, np.int64)
    cvals = c.conflict_values
    # conflict zones starting and ending each day (InputGeography.AddNewConflictZones)
    conf = np.array(c.conflict_names, np.int64)
    prev_vals = np.vstack([np.zeros((1, cvals.shape[1])), cvals[:-1]])
    starts = (cvals > 1e-6) & (prev_vals < 1e-6)
    ends = (cvals < 1e-6) & (prev_vals == 1)
    ends[0] = False
    closure_days = {d for *_, start, end in c.closures for d in (start, end)}
    decaying = bool(sr.conflict_spawn_decay)
    weights = base = mc = np.zeros(0)
    for t in range(c.days):
        changed = bool(starts[t].any() or ends[t].any())
        if changed:
            on, off = conf[starts[t]], conf[ends[t]]
            state["movechance"][on] = mr.conflict_movechance
            state["conflict"][on] = cvals[t, starts[t]]
            state["is_town"][on] = False
            toc[on] = t
            state["movechance"][off] = mr.default_movechance
            state["conflict"][off] = -1.0
            state["is_town"][off] = True
        conflict = state["conflict"]
        dirty = t == 0 or changed or decaying or t in closure_days
        if dirty:
            t_w = t if (changed or t == 0) else t - 1
            weights = np.where(conflict > 0, pop * conflict * _decay(c, t_w - toc), 0.0)
        new = int(c.new_refs[t])
        if new > 0:
            cum = np.cumsum(weights)
            if cum[-1] <= 0:
                raise InputError(
                    f"day {t}: {new} people to spawn but no conflict zone with "
                    "population, expected at least one"
                )
            got = body.spawn(new, cum)
            if sr.take_from_population:
                pop = np.maximum(pop - np.where(conflict > 0, got, 0), 0)
                weights = np.where(conflict > 0, pop * conflict * _decay(c, t - toc), 0.0)
                dirty = True
        if t in closure_days:
            relink = False
            for kind, a, b, start, end in c.closures:
                if t == start:
                    relink |= _close(c, kind, a, b, link_open, body, t, True, state)
                if t == end:
                    relink |= _close(c, kind, a, b, link_open, body, t, False, state)
            if relink:
                paths = candidate_paths(c, link_open)
        if dirty:  # route weights and move chances change only with the above
            score = np.ones(n)
            score[c.foreign] *= mr.foreign_weight
            score[state["is_camp"]] *= mr.camp_weight
            hot = conflict > 0
            score[hot] *= mr.conflict_weight ** (_decay(c, t - toc)[hot] * conflict[hot])
            _off, end_, km, _hops, _nh = paths
            base = (mr.weight_softening + score[end_]) / (mr.softening + km) ** mr.distance_power
            mc = (
                state["movechance"]
                * (np.maximum(pop, c.capacity).astype(float) / mr.movechance_pop_base)
                ** mr.movechance_pop_scale_factor
            )
        body.day(t, c, mc, state, link_open, paths, base)
        counts[t] = body.loc_num
        agents[t] = body.count
        on_links[t] = body.on_links()
        if progress is not None:
            progress(t)
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
        people=body.count,
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
