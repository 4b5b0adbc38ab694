"""Flee's conflict zones by day and its conflict-driven spawning (``flee/spawning.py``).

Conflict zones start on the first day a place's ``conflicts.csv`` value rises above zero
(with that day's intensity) and end only when a value of exactly 1 drops to zero, as
``InputGeography.AddNewConflictZones`` and ``Ecosystem.remove_conflict_zone`` do. With
``spawn_rules.conflict_driven_spawning`` people leave each conflict zone at a daily rate
instead of following the UNHCR totals; the counts depend on no draw, so they are worked
out once per compiled case.
"""

from __future__ import annotations

import numpy as np

from hito.errors import InputError, Problem
from hito.flee.model import FleeConflictSpawning


def conflict_events(cvals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends): per ``conflicts.csv`` row and column, a zone starts or ends that day."""
    prev = np.vstack([np.zeros((1, cvals.shape[1])), cvals[:-1]])
    starts: np.ndarray = (cvals > 1e-6) & (prev < 1e-6)
    ends: np.ndarray = (cvals < 1e-6) & (prev == 1)
    ends[0] = False
    return starts, ends


def conflict_by_day(
    base: np.ndarray, columns: list[int], cvals: np.ndarray, days: int
) -> np.ndarray:
    """Conflict intensity of each place on each day (days x places; below 0: none)."""
    starts, ends = conflict_events(cvals)
    cols = np.array(columns, np.int64)
    now = base.astype(float).copy()
    out = np.empty((days, len(now)))
    for t in range(days):
        if t < len(cvals):
            now[cols[starts[t]]] = cvals[t, starts[t]]
            now[cols[ends[t]]] = -1.0
        out[t] = now
    return out


def conflict_spawns(
    rule: FleeConflictSpawning,
    conflict: np.ndarray,
    pop: np.ndarray,
    take_from_population: bool,
    names: list[str],
) -> np.ndarray:
    """People who leave each place each day (days x places), as Flee 3.1 spawns them.

    With ``take_from_population`` each one is taken from the place's population (which
    the ``pop_ratio`` rate reads the next day); Flee stops with an error when a place has
    nobody left to take, and so does this.
    """
    rate = rule.rate()
    pop = pop.astype(np.int64).copy()
    out = np.zeros(conflict.shape, np.int64)
    for t in range(conflict.shape[0]):
        c = conflict[t]
        zone = c > 0.0
        if rule.spawn_mode == "pop_ratio":
            want = rate * pop * c
        else:
            want = rate * c
        num = np.where(zone, np.floor(want), 0).astype(np.int64)
        if take_from_population:
            short = np.flatnonzero(num > pop)
            if short.size:
                x = int(short[0])
                raise InputError(
                    Problem(
                        "spawn_rules.conflict_driven_spawning: on day %(t)s %(num)s people would "
                        "leave %(names)s, which has %(pop)s left (take_from_population); Flee 3.1 "
                        "stops there too, expected a population at least as large as the people it"
                        " sends",
                        t=t,
                        num=int(num[x]),
                        names=repr(names[x]),
                        pop=int(pop[x]),
                    )
                )
            pop -= num
        out[t] = num
    return out
