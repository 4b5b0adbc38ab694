"""Trigger indicators computed from a run's daily states: stranded, shelter occupancy, flows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hito.engine.compile import PLACE_KINDS, STATES, Compiled
from hito.plans.model import Trigger

_STRANDED = STATES.index("stranded")
_PRESENT = STATES.index("present")
_DIVERTED = STATES.index("diverted")
_SHELTER = PLACE_KINDS.index("shelter")


@dataclass(frozen=True)
class Selector:
    """Which places a trigger's indicator sums over, as a bool mask over the compiled places."""

    indicator: str
    mask: np.ndarray  # [P] bool
    kind: np.ndarray | None = None  # [P] place kinds (need_gap tells shelters apart)


def selector(trigger: Trigger, c: Compiled) -> Selector:
    """The places a trigger reads (empty list: every place, or every shelter with a capacity)."""
    P = len(c.place_ids)
    if trigger.places:
        mask = np.isin(np.array(c.place_ids), trigger.places)
    elif trigger.indicator == "shelter_occupancy":
        mask = (c.place_kind == _SHELTER) & (c.capacity.max(axis=0) >= 0)
    else:
        mask = np.ones(P, dtype=bool)
    return Selector(trigger.indicator, mask, np.asarray(c.place_kind))


def series(
    sel: Selector, states: np.ndarray, arrivals: np.ndarray, capacity: np.ndarray
) -> np.ndarray:
    """The indicator on every recorded day: states [T, S, P, G], cumulative arrivals [T].

    stranded: people stranded at the places (shelter residents count, as in the engine);
    need_gap: stranded people at the places that are not shelters, beyond the shelters' free
    places (capacity minus the people present there) that day;
    shelter_occupancy: people present at the shelters over their capacity that day;
    arrivals: new arrivals at the origins that day; diverted: people newly diverted that day.
    """
    T = states.shape[0]
    kind = sel.kind if sel.kind is not None else np.full(sel.mask.shape, -1)
    if sel.indicator == "stranded":
        return states[:, _STRANDED][:, sel.mask].sum(axis=(1, 2)).astype(float)
    if sel.indicator == "shelter_occupancy":
        people = states[:, _PRESENT][:, sel.mask].sum(axis=(1, 2)).astype(float)
        cap = capacity[:T, sel.mask]
        room = np.where(cap < 0, 0, cap).sum(axis=1).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(room > 0, people / np.maximum(room, 1), np.nan)
    if sel.indicator == "need_gap":
        outside = sel.mask & (kind != _SHELTER)
        stranded = states[:, _STRANDED][:, outside].sum(axis=(1, 2)).astype(float)
        shelters = kind == _SHELTER
        cap = capacity[:T, shelters]
        room = np.where(cap < 0, 0, cap).sum(axis=1).astype(float)
        present = states[:, _PRESENT][:, shelters].sum(axis=(1, 2)).astype(float)
        return np.maximum(0.0, stranded - np.maximum(0.0, room - present))
    if sel.indicator == "arrivals":
        return np.diff(arrivals[:T].astype(float), prepend=0.0)
    cum = states[:, _DIVERTED][:, sel.mask].sum(axis=(1, 2)).astype(float)
    return np.diff(cum, prepend=0.0)


def value_on(
    sel: Selector, states: np.ndarray, arrivals: np.ndarray, capacity: np.ndarray, day: int
) -> float:
    """The indicator on one recorded day (cheaper than the whole series)."""
    lo = max(day - 1, 0)
    sl = slice(lo, day + 1)
    return float(series(sel, states[sl], arrivals[sl], capacity[lo:])[-1])
