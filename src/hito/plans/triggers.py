"""The trigger state machine over a daily indicator series: window, hysteresis, cooldown, lead time.

A trigger is checked once a day on that day's value (NaN: no value, which breaks a window).
It *fires* on the day its condition has held for `window_days` consecutive days, unless it is
already active or cooling down. It *switches off* on the day its end condition has held for
the end window (with no end condition: the first day the firing condition fails). After it
switches off it cannot fire again for `cooldown_days` days (the switch-off day is day 1).
An action with lead time L switched on by a firing on day f runs from day f + L for its
duration, or, with no duration, until the trigger switches off (nothing if that comes first).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hito.plans.model import EndCondition, Operator, Trigger


def holds(value: float, op: Operator, threshold: float) -> bool:
    """`value op threshold`; a missing value (NaN) never satisfies a comparison."""
    if math.isnan(value):
        return False
    if op == ">=":
        return value >= threshold
    if op == ">":
        return value > threshold
    if op == "<=":
        return value <= threshold
    return value < threshold


@dataclass(frozen=True)
class Episode:
    """One activation: the day it fired and the day it switched off (None: still on)."""

    fired: int
    ended: int | None = None


@dataclass
class TriggerMachine:
    """Incremental trigger state: feed one value per day with `step`."""

    trigger: Trigger
    day: int = -1
    run: int = 0  # consecutive days the firing condition held
    end_run: int = 0  # consecutive days the end condition held while active
    active: bool = False
    cooldown_until: int = -1  # first day it may fire again
    episodes: list[Episode] = field(default_factory=list)

    def step(self, day: int, value: float) -> str | None:
        """Check the trigger on `day` with its value; return 'fire', 'end' or None."""
        t = self.trigger
        if day != self.day + 1 and self.day >= 0:
            self.run = self.end_run = 0  # a gap in the days breaks every window
        self.day = day
        met = holds(value, t.compare, t.threshold)
        self.run = self.run + 1 if met else 0
        if self.active:
            end: EndCondition | None = t.end
            if end is None:
                done = not met
            else:
                self.end_run = self.end_run + 1 if holds(value, end.compare, end.threshold) else 0
                done = self.end_run >= end.window_days
            if done:
                self.active = False
                self.end_run = 0
                self.episodes[-1] = Episode(self.episodes[-1].fired, day)
                self.cooldown_until = day + t.cooldown_days
                return "end"
            return None
        if self.run >= t.window_days and day >= self.cooldown_until:
            self.active = True
            self.end_run = 0
            self.episodes.append(Episode(day))
            return "fire"
        return None


def episodes(trigger: Trigger, values: Sequence[float] | np.ndarray) -> list[Episode]:
    """Every activation of a trigger over a daily series starting at day 0."""
    m = TriggerMachine(trigger)
    for day, v in enumerate(values):
        m.step(day, float(v))
    return m.episodes


def active_days(eps: Sequence[Episode], lead: int, duration: int | None, days: int) -> np.ndarray:
    """Bool mask over `days` days of when an action runs, given its trigger's episodes."""
    mask = np.zeros(days, dtype=bool)
    for e in eps:
        start = e.fired + lead
        if duration is not None:
            stop = start + duration
        else:
            stop = days if e.ended is None else e.ended
        if start < stop:
            mask[max(start, 0) : max(min(stop, days), 0)] = True
    return mask
