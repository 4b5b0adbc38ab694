"""What each policy of a scenario does to the day-by-day arrays the kernel reads."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from hito.scenario.model import Scenario
from hito.scenario.policies import (
    Clearances,
    Close,
    Corridor,
    Militarize,
    Readmit,
    Reopen,
    ReturnFlights,
    ShelterCapacity,
    Transfer,
)
from hito.scenario.uncertain import Draws, value

UNBOUNDED = -1  # no capacity limit


@dataclass(frozen=True)
class Edges:
    """The directed edges of a scenario's routes: each route, and its reverse when two-way."""

    ids: tuple[str, ...]  # reverse edges end in "~back"
    route: tuple[int, ...]  # index of the edge's route in the scenario
    src: np.ndarray  # [R] place index
    dst: np.ndarray  # [R] place index
    of_route: dict[str, list[int]]  # route id -> its edges

    @classmethod
    def of(cls, s: Scenario) -> Edges:
        """The edges of a scenario, in the order of its routes (a route's reverse after it)."""
        pidx = s.place_index()
        edges: list[tuple[int, str, str, str]] = []  # (route index, id, from, to)
        for i, r in enumerate(s.routes):
            edges.append((i, r.id, r.from_, r.to))
            if r.two_way:
                edges.append((i, f"{r.id}~back", r.to, r.from_))
        of_route: dict[str, list[int]] = {}
        for k, e in enumerate(edges):
            of_route.setdefault(e[1].removesuffix("~back"), []).append(k)
        return cls(
            ids=tuple(e[1] for e in edges),
            route=tuple(e[0] for e in edges),
            src=np.array([pidx[e[2]] for e in edges], dtype=np.int64),
            dst=np.array([pidx[e[3]] for e in edges], dtype=np.int64),
            of_route=of_route,
        )


@dataclass
class Days:
    """The arrays policies change: per day (rows) and directed edge or place (columns)."""

    closed_all: np.ndarray  # [T, R] bool: closed to everyone
    closed_undoc: np.ndarray  # [T, R] bool: closed to undocumented groups
    weight: np.ndarray  # [T, R]
    hazard: np.ndarray  # [T, R]
    quota: np.ndarray  # [T, R] int corridor quota
    capacity: np.ndarray  # [T, P] int, UNBOUNDED for none
    leak: np.ndarray  # [T, P]
    turn_back: np.ndarray  # [T, P]
    stay: np.ndarray  # [T, P] chance of not being taken back
    no_clearance: np.ndarray  # [T, P] chance that no clearance happens that day
    clear_share: np.ndarray  # [T, P] share of the stranded a partial clearance takes back
    clear_complete: np.ndarray  # [T, P] chance that a clearance takes everyone
    flights: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)
    transfers: list[tuple[np.ndarray, int, np.ndarray]] = field(default_factory=list)

    def flight_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flights as (route [F], seats [T, F], pickup [F, P])."""
        T, P = self.capacity.shape
        if not self.flights:
            return np.zeros(0, np.int64), np.zeros((T, 0), np.int64), np.zeros((0, P), bool)
        return (
            np.array([f[0] for f in self.flights], dtype=np.int64),
            np.stack([f[1] for f in self.flights], axis=1),
            np.stack([f[2] for f in self.flights]),
        )

    def transfer_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Transfers as (from [K, P], to [K], share [T, K])."""
        T, P = self.capacity.shape
        if not self.transfers:
            return np.zeros((0, P), bool), np.zeros(0, np.int64), np.zeros((T, 0))
        return (
            np.stack([t[0] for t in self.transfers]),
            np.array([t[1] for t in self.transfers], dtype=np.int64),
            np.stack([t[2] for t in self.transfers], axis=1),
        )


@dataclass(frozen=True)
class Scene:
    """What every policy reads: the scenario, its drawn values, days, places and edges."""

    s: Scenario
    draws: Draws | None
    dates: np.ndarray  # [T] datetime64[D]
    pidx: dict[str, int]
    edges: Edges
    irregular: np.ndarray  # [R] bool
    is_exit: np.ndarray  # [P] bool

    def value(self, i: int, pol: Any, name: str) -> float:
        """The drawn (or fixed) value of policy `i`'s field `name`."""
        return value(getattr(pol, name), f"policies[{i}].{name}", self.draws)

    def places(self, ids: list[str]) -> np.ndarray:
        """A [P] mask of the given place ids."""
        out = np.zeros(len(self.pidx), dtype=bool)
        out[[self.pidx[q] for q in ids]] = True
        return out


def active(start: dt.date, end: dt.date | None, dates: np.ndarray) -> np.ndarray:
    """Bool mask over day dates (numpy datetime64[D]) for an inclusive date window."""
    mask = dates >= np.datetime64(start)
    if end is not None:
        mask &= dates <= np.datetime64(end)
    return mask


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between (lat, lon) points."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


@lru_cache(maxsize=256)
def near_places(
    places: tuple[tuple[float, float], ...], near: tuple[tuple[float, float], ...], radius: float
) -> np.ndarray:
    """Which places lie within `radius` km of any of the `near` points (kept per layout)."""
    out = np.array([any(_km(p, c) <= radius for c in near) for p in places], dtype=bool)
    out.flags.writeable = False
    return out


def _close(sc: Scene, d: Days, i: int, pol: Close, on: np.ndarray) -> None:
    """Close routes to everyone or to the undocumented, until a later reopening of them."""
    reopens = [p for p in sc.s.policies if isinstance(p, Reopen) and p.start > pol.start]
    for rid in pol.routes:
        mask = on.copy()
        for ro in reopens:
            if rid in ro.routes:
                mask &= sc.dates < np.datetime64(ro.start)
        for k in sc.edges.of_route[rid]:
            (d.closed_all if pol.to == "all" else d.closed_undoc)[mask, k] = True


def _militarize(sc: Scene, d: Days, i: int, pol: Militarize, on: np.ndarray) -> None:
    """Irregular routes near the places: more hazard, less weight; less leaking through."""
    places = sc.s.places
    close = near_places(
        tuple((p.lat, p.lon) for p in places),
        tuple((places[sc.pidx[n]].lat, places[sc.pidx[n]].lon) for n in pol.near),
        pol.radius_km,
    )
    mult = sc.value(i, pol, "hazard_multiplier")
    deter = sc.value(i, pol, "deterrence")
    for kk in np.flatnonzero(sc.irregular & (close[sc.edges.src] | close[sc.edges.dst])):
        d.hazard[on, kk] = np.minimum(1.0, d.hazard[on, kk] * mult)
        d.weight[on, kk] *= 1.0 - deter
    lm = sc.value(i, pol, "leak_multiplier")
    d.leak[np.ix_(on, close)] = np.minimum(1.0, d.leak[np.ix_(on, close)] * lm)


def _readmit(sc: Scene, d: Days, i: int, pol: Readmit, on: np.ndarray) -> None:
    """The country left takes back a daily share of the people at the places."""
    share = sc.value(i, pol, "daily_share")
    for q in pol.places:
        d.stay[on, sc.pidx[q]] *= 1.0 - share


def _clearances(sc: Scene, d: Days, i: int, pol: Clearances, on: np.ndarray) -> None:
    """On each day of the window, by chance, a clearance takes back everyone or a share."""
    chance = sc.value(i, pol, "daily_chance")
    share = sc.value(i, pol, "share")
    complete = sc.value(i, pol, "complete_chance")
    for q in pol.places:
        j = sc.pidx[q]
        d.no_clearance[on, j] *= 1.0 - chance
        d.clear_share[on, j] = np.maximum(d.clear_share[on, j], share)
        d.clear_complete[on, j] = np.maximum(d.clear_complete[on, j], complete)


def _transfer(sc: Scene, d: Days, i: int, pol: Transfer, on: np.ndarray) -> None:
    """A daily share of the stranded at some places moved to a shelter or city."""
    moved = np.where(on, sc.value(i, pol, "daily_share"), 0)
    d.transfers.append((sc.places(pol.from_), sc.pidx[pol.to], moved))


def _corridor(sc: Scene, d: Days, i: int, pol: Corridor, on: np.ndarray) -> None:
    """A daily quota of people let through along a route (in its own direction)."""
    daily = round(sc.value(i, pol, "daily_quota"))
    for k in sc.edges.of_route[pol.route]:
        if not sc.edges.ids[k].endswith("~back"):
            d.quota[on, k] += daily


def _return_flights(sc: Scene, d: Days, i: int, pol: ReturnFlights, on: np.ndarray) -> None:
    """Seats once a week along a flight route, from its start day, filled at the pickups."""
    T = len(sc.dates)
    seats = round(sc.value(i, pol, "seats_per_week"))
    day0 = sc.s.day_of(pol.start)
    last = T - 1 if pol.end is None else min(T - 1, sc.s.day_of(pol.end))
    per_day = np.zeros(T, dtype=np.int64)
    first = day0 % 7 if day0 < 0 else day0  # the first flight day inside the run
    per_day[first : last + 1 : 7] = seats
    pick = sc.places(pol.pickup) if pol.pickup else ~sc.is_exit
    d.flights.append((sc.edges.of_route[pol.route][0], per_day, pick))


def _shelter_capacity(sc: Scene, d: Days, i: int, pol: ShelterCapacity, on: np.ndarray) -> None:
    """A shelter's capacity while the policy is in force."""
    d.capacity[on, sc.pidx[pol.place]] = round(sc.value(i, pol, "capacity"))


APPLY: dict[type, Callable[[Scene, Days, int, Any, np.ndarray], None]] = {
    Close: _close,
    Militarize: _militarize,
    Readmit: _readmit,
    Clearances: _clearances,
    Transfer: _transfer,
    Corridor: _corridor,
    ReturnFlights: _return_flights,
    ShelterCapacity: _shelter_capacity,
}  # a Reopen acts through the closures it ends


def apply_policies(sc: Scene, d: Days) -> None:
    """Apply every policy of the scenario, in its order, to the arrays of `d` (in place)."""
    for i, pol in enumerate(sc.s.policies):
        act = APPLY.get(type(pol))
        if act is not None:
            act(sc, d, i, pol, active(pol.start, pol.end, sc.dates))
