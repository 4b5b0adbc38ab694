"""Turn a scenario (and drawn parameter values) into the day-by-day arrays the kernel reads."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, fields, replace
from functools import lru_cache

import numpy as np

from hito.scenario.model import (
    PLACE_KINDS,
    Close,
    Corridor,
    Militarize,
    Readmit,
    Reopen,
    ReturnFlights,
    Scenario,
    ShelterCapacity,
    Shock,
    Transfer,
)
from hito.scenario.uncertain import Draws, value

STATES = (
    "present",
    "stranded",
    "in_transit",
    "crossed",
    "returned",
    "diverted",
    "harmed",
    "exited",
)
UNBOUNDED = -1


@dataclass(frozen=True)
class Compiled:
    """Numeric form of a scenario: every array the kernel needs, nothing else."""

    place_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    route_ids: tuple[str, ...]  # directed edges; reverse edges end in "~back"
    start: dt.date
    days: int
    place_kind: np.ndarray  # [P] index into PLACE_KINDS
    move_chance: np.ndarray  # [P]
    is_exit: np.ndarray  # [P] bool
    serves: np.ndarray  # [P, P] bool: shelter s takes in stranded people of place p
    route_from: np.ndarray  # [R]
    route_to: np.ndarray  # [R]
    route_days: np.ndarray  # [R] >= 1
    route_irregular: np.ndarray  # [R] bool
    route_crosses: np.ndarray  # [R] bool: ends in another country
    route_harm_place: np.ndarray  # [R] where harm on this route is counted
    open_: np.ndarray  # [T, R, G] bool
    blocked_ahead: np.ndarray  # [T, R, G] bool: closed, or leads only to closures
    place_blocked: np.ndarray  # [T, P, G] bool: every onward road is closed for the group
    weight: np.ndarray  # [T, R]
    hazard: np.ndarray  # [T, R]
    quota: np.ndarray  # [T, R] int corridor quota
    flight_route: np.ndarray  # [F]
    flight_seats: np.ndarray  # [T, F] int
    flight_pickup: np.ndarray  # [F, P] bool
    capacity: np.ndarray  # [T, P] int, UNBOUNDED for none
    inflow: np.ndarray  # [T, P, G] expected arrivals
    init_free: np.ndarray  # [P, G] int
    init_stranded: np.ndarray  # [P, G] int
    back_place: np.ndarray  # [P] where people who turn back go (-1: they return home)
    turn_back: np.ndarray  # [T, P] daily chance a stranded person walks back (behaviour)
    readmit: np.ndarray  # [T, P] daily share of the stranded taken back by the country they left
    leak: np.ndarray  # [T, P] daily share of the stranded who get through a closed road
    transfer_from: np.ndarray  # [K, P] bool: sites emptied by transfer k
    transfer_to: np.ndarray  # [K] the shelter or city of transfer k
    transfer_share: np.ndarray  # [T, K] share of the stranded moved that day
    awareness: float
    giveup: float
    divert_share: float
    shelter_seek: float

    @property
    def max_route_days(self) -> int:
        """Longest travel time of any route, in days."""
        return int(self.route_days.max()) if len(self.route_days) else 1

    def date(self, day: int) -> dt.date:
        """Calendar date of a simulation day."""
        return self.start + dt.timedelta(days=day)

    def copy(self) -> Compiled:
        """A copy whose arrays can be changed (closed-loop plans change future days)."""
        arrays = {
            f.name: getattr(self, f.name).copy()
            for f in fields(self)
            if isinstance(getattr(self, f.name), np.ndarray)
        }
        return replace(self, **arrays)

    def refresh_lookahead(self, from_day: int = 0) -> None:
        """Recompute dead ends after `open_` was changed from `from_day` on (in place)."""
        ba, pb = _lookahead(
            self.open_[from_day:],
            self.route_from,
            self.route_to,
            self.route_irregular,
            self.is_exit,
            self.serves,
            len(self.place_ids),
        )
        self.blocked_ahead[from_day:] = ba
        self.place_blocked[from_day:] = pb


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


def _active(start: dt.date, end: dt.date | None, dates: np.ndarray) -> np.ndarray:
    """Bool mask over day dates (numpy datetime64[D]) for an inclusive date window."""
    mask = dates >= np.datetime64(start)
    if end is not None:
        mask &= dates <= np.datetime64(end)
    return mask


def compile_scenario(s: Scenario, draws: Draws | None = None, days: int | None = None) -> Compiled:
    """Build the arrays of a scenario for `days` days (default: its horizon)."""
    T = s.days if days is None else days
    pidx, gidx = s.place_index(), s.group_index()
    P, G = len(s.places), len(s.groups)
    dates = np.datetime64(s.start) + np.arange(T).astype("timedelta64[D]")
    b = s.behaviour

    kinds = np.array([PLACE_KINDS.index(p.kind) for p in s.places], dtype=np.int64)
    move = np.array(
        [
            value(b.move_chance[p.kind], f"behaviour.move_chance.{p.kind}", draws)
            if p.kind in b.move_chance
            else 0.0
            for p in s.places
        ]
    )
    is_exit = np.array([p.kind == "exit" for p in s.places])
    move[is_exit] = 0.0
    serves = np.zeros((P, P), dtype=bool)
    for p in s.places:
        for q in p.serves:
            serves[pidx[p.id], pidx[q]] = True

    # Directed edges: each route, plus its reverse when two-way.
    edges: list[tuple[int, str, str, str]] = []  # (route index, id, from, to)
    for i, r in enumerate(s.routes):
        edges.append((i, r.id, r.from_, r.to))
        if r.two_way:
            edges.append((i, f"{r.id}~back", r.to, r.from_))
    R = len(edges)
    src = np.array([pidx[e[2]] for e in edges], dtype=np.int64)
    dst = np.array([pidx[e[3]] for e in edges], dtype=np.int64)
    rdays = np.ones(R, dtype=np.int64)
    irregular = np.zeros(R, dtype=bool)
    crosses = np.zeros(R, dtype=bool)
    harm_place = dst.copy()
    base_w = np.zeros(R)
    base_h = np.zeros(R)
    documented_only = np.zeros(R, dtype=bool)
    for k, (i, _rid, a, z) in enumerate(edges):
        r = s.routes[i]
        speed = (
            value(b.speed_km_per_day[r.kind], f"behaviour.speed_km_per_day.{r.kind}", draws)
            if r.kind in b.speed_km_per_day
            else 500.0
        )
        rdays[k] = max(1, math.ceil(r.km / max(speed, 1e-9)))
        irregular[k] = r.kind == "irregular"
        crosses[k] = s.places[pidx[a]].country != s.places[pidx[z]].country
        if (
            s.places[pidx[a]].kind == "irregular_crossing"
            and s.places[pidx[z]].kind != "irregular_crossing"
        ):
            harm_place[k] = pidx[a]
        base_w[k] = (
            value(b.route_weight[r.kind], f"behaviour.route_weight.{r.kind}", draws)
            if r.kind in b.route_weight
            else 0.0
        )
        base_w[k] *= value(r.weight, f"routes[{i}].weight", draws)
        base_h[k] = value(r.hazard, f"routes[{i}].hazard", draws)
        documented_only[k] = r.access == "documented"
    route_ids = tuple(e[1] for e in edges)
    edges_of_route: dict[str, list[int]] = {}
    for k, e in enumerate(edges):
        edges_of_route.setdefault(e[1].removesuffix("~back"), []).append(k)

    documented = np.array([g.documented for g in s.groups])
    closed_all = np.zeros((T, R), dtype=bool)
    closed_undoc = np.zeros((T, R), dtype=bool)
    closed_undoc[:, documented_only] = True
    reopens = [(i, p) for i, p in enumerate(s.policies) if isinstance(p, Reopen)]
    weight = np.tile(base_w, (T, 1))
    hazard = np.tile(base_h, (T, 1))
    quota = np.zeros((T, R), dtype=np.int64)
    capacity = np.full((T, P), UNBOUNDED, dtype=np.int64)
    for p in s.places:
        if p.capacity is not None:
            capacity[:, pidx[p.id]] = p.capacity
    flights: list[tuple[int, np.ndarray, np.ndarray]] = []
    not_exit = ~is_exit
    leak = np.zeros((T, P))
    leak[:, not_exit] = value(b.leak, "behaviour.leak", draws)
    turn_back = np.zeros((T, P))
    turn_back[:, not_exit] = value(b.turn_back, "behaviour.turn_back", draws)
    stay = np.ones((T, P))  # chance of not being taken back, per day and place
    transfers: list[tuple[np.ndarray, int, np.ndarray]] = []

    for i, pol in enumerate(s.policies):
        active = _active(pol.start, pol.end, dates)
        if isinstance(pol, Close):
            for rid in pol.routes:
                for k in edges_of_route[rid]:
                    mask = active.copy()
                    for _j, ro in reopens:
                        if rid in ro.routes and ro.start > pol.start:
                            mask &= dates < np.datetime64(ro.start)
                    (closed_all if pol.to == "all" else closed_undoc)[mask, k] = True
        elif isinstance(pol, Militarize):
            close = near_places(
                tuple((p.lat, p.lon) for p in s.places),
                tuple((s.places[pidx[n]].lat, s.places[pidx[n]].lon) for n in pol.near),
                pol.radius_km,
            )
            mult = value(pol.hazard_multiplier, f"policies[{i}].hazard_multiplier", draws)
            deter = value(pol.deterrence, f"policies[{i}].deterrence", draws)
            for kk in np.flatnonzero(irregular & (close[src] | close[dst])):
                hazard[active, kk] = np.minimum(1.0, hazard[active, kk] * mult)
                weight[active, kk] *= 1.0 - deter
            lm = value(pol.leak_multiplier, f"policies[{i}].leak_multiplier", draws)
            leak[np.ix_(active, close)] = np.minimum(1.0, leak[np.ix_(active, close)] * lm)
        elif isinstance(pol, Readmit):
            share = value(pol.daily_share, f"policies[{i}].daily_share", draws)
            for q in pol.places:
                stay[active, pidx[q]] *= 1.0 - share
        elif isinstance(pol, Transfer):
            frm = np.zeros(P, dtype=bool)
            frm[[pidx[q] for q in pol.from_]] = True
            moved = np.where(active, value(pol.daily_share, f"policies[{i}].daily_share", draws), 0)
            transfers.append((frm, pidx[pol.to], moved))
        elif isinstance(pol, Corridor):
            daily = round(value(pol.daily_quota, f"policies[{i}].daily_quota", draws))
            for k in edges_of_route[pol.route]:
                if not route_ids[k].endswith("~back"):
                    quota[active, k] += daily
        elif isinstance(pol, ReturnFlights):
            seats = round(value(pol.seats_per_week, f"policies[{i}].seats_per_week", draws))
            day0 = s.day_of(pol.start)
            last = T - 1 if pol.end is None else min(T - 1, s.day_of(pol.end))
            per_day = np.zeros(T, dtype=np.int64)
            first = day0 % 7 if day0 < 0 else day0  # the first flight day inside the run
            per_day[first : last + 1 : 7] = seats
            pick = np.zeros(P, dtype=bool)
            if pol.pickup:
                pick[[pidx[q] for q in pol.pickup]] = True
            else:
                pick[~is_exit] = True
            flights.append((edges_of_route[pol.route][0], per_day, pick))
        elif isinstance(pol, ShelterCapacity):
            cap = round(value(pol.capacity, f"policies[{i}].capacity", draws))
            capacity[active, pidx[pol.place]] = cap

    open_ = ~(closed_all[:, :, None] | (closed_undoc[:, :, None] & ~documented[None, None, :]))
    blocked_ahead, place_blocked = _lookahead(open_, src, dst, irregular, is_exit, serves, P)

    inflow = np.zeros((T, P, G))
    month = (dates.astype("datetime64[M]").astype(np.int64) % 12) + 1
    season = np.ones(T)
    for m, rng in s.season.months.items():
        season[month == m] = value(rng, f"season.months.{m}", draws)
    shock = np.ones(T)
    for i, sh in enumerate(s.shocks):
        shock *= shock_profile(sh, f"shocks[{i}]", dates, draws)
    for i, f in enumerate(s.inflows):
        rate = value(f.per_day, f"inflows[{i}].per_day", draws)
        mask = np.ones(T, dtype=bool) if f.start is None else dates >= np.datetime64(f.start)
        if f.end is not None:
            mask &= dates <= np.datetime64(f.end)
        inflow[mask, pidx[f.origin], gidx[f.group]] += rate * season[mask] * shock[mask]

    init_free = np.zeros((P, G), dtype=np.int64)
    init_stranded = np.zeros((P, G), dtype=np.int64)
    for i, pop in enumerate(s.population):
        target = init_stranded if pop.stranded else init_free
        people = round(value(pop.people, f"population[{i}].people", draws))
        target[pidx[pop.place], gidx[pop.group]] += people

    F = len(flights)
    tolerance = value(b.tolerance_days, "behaviour.tolerance_days", draws)
    return Compiled(
        place_ids=tuple(p.id for p in s.places),
        group_ids=tuple(g.id for g in s.groups),
        route_ids=route_ids,
        start=s.start,
        days=T,
        place_kind=kinds,
        move_chance=move,
        is_exit=is_exit,
        serves=serves,
        route_from=src,
        route_to=dst,
        route_days=rdays,
        route_irregular=irregular,
        route_crosses=crosses,
        route_harm_place=harm_place,
        open_=open_,
        blocked_ahead=blocked_ahead,
        place_blocked=place_blocked,
        weight=weight,
        hazard=hazard,
        quota=quota,
        flight_route=np.array([f[0] for f in flights], dtype=np.int64),
        flight_seats=np.stack([f[1] for f in flights], axis=1) if F else np.zeros((T, 0), np.int64),
        flight_pickup=np.stack([f[2] for f in flights]) if F else np.zeros((0, P), dtype=bool),
        capacity=capacity,
        inflow=inflow,
        init_free=init_free,
        init_stranded=init_stranded,
        back_place=_back_places(s),
        turn_back=turn_back,
        readmit=1.0 - stay,
        leak=leak,
        transfer_from=np.stack([t[0] for t in transfers]) if transfers else np.zeros((0, P), bool),
        transfer_to=np.array([t[1] for t in transfers], dtype=np.int64),
        transfer_share=(
            np.stack([t[2] for t in transfers], axis=1) if transfers else np.zeros((T, 0))
        ),
        awareness=value(b.awareness, "behaviour.awareness", draws),
        giveup=1.0 / max(tolerance, 1.0),
        divert_share=value(b.divert_share, "behaviour.divert_share", draws),
        shelter_seek=value(b.shelter_seek, "behaviour.shelter_seek", draws),
    )


def shock_profile(sh: Shock, path: str, dates: np.ndarray, draws: Draws | None) -> np.ndarray:
    """The daily multiplier of a shock: a step, or a pulse rising to its peak, then decaying."""
    m = value(sh.multiplier, f"{path}.multiplier", draws)
    if sh.half_life_days is None:
        return np.where(_active(sh.start, sh.end, dates), m, 1.0)
    half = value(sh.half_life_days, f"{path}.half_life_days", draws)
    day = (dates - np.datetime64(sh.start)).astype(np.int64).astype(float)
    peak = float(((sh.peak or sh.start) - sh.start).days)
    rise = np.clip((day + 1.0) / (peak + 1.0), 0.0, 1.0)
    decay = 0.5 ** (np.maximum(day - peak, 0.0) / max(half, 1e-9))
    out = 1.0 + (m - 1.0) * np.where(day <= peak, rise, decay)
    return np.where(_active(sh.start, sh.end, dates), out, 1.0)


def _back_places(s: Scenario) -> np.ndarray:
    """Where people who turn back from each place go (-1: home, out of the corridor).

    A place's `back_to`, else the start of its most preferred road in.
    """
    pidx = s.place_index()
    back = np.full(len(s.places), -1, dtype=np.int64)
    best = np.full(len(s.places), -np.inf)
    for p in s.places:
        if p.back_to is not None:
            back[pidx[p.id]], best[pidx[p.id]] = pidx[p.back_to], np.inf
    for r in s.routes:
        if r.kind != "road":
            continue
        ends = [(r.from_, r.to), (r.to, r.from_)] if r.two_way else [(r.from_, r.to)]
        for a, z in ends:
            if s.places[pidx[a]].kind in ("origin", "exit"):
                continue
            if r.weight.value > best[pidx[z]]:
                best[pidx[z]], back[pidx[z]] = r.weight.value, pidx[a]
    return back


def _lookahead(
    open_: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    irregular: np.ndarray,
    is_exit: np.ndarray,
    serves: np.ndarray,
    P: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Which places are dead ends for a group (all onward roads closed or leading to dead ends).

    Computed once per distinct pattern of open routes (policies change rarely), and kept for the
    next run of the same network: ensemble runs differ in drawn numbers, not in closures.
    """
    key = b"|".join(
        a.tobytes() for a in (np.array(open_.shape), open_, src, dst, irregular, is_exit, serves)
    )
    if key not in _LOOKAHEAD_CACHE:
        if len(_LOOKAHEAD_CACHE) >= 32:
            _LOOKAHEAD_CACHE.pop(next(iter(_LOOKAHEAD_CACHE)))
        _LOOKAHEAD_CACHE[key] = _lookahead_uncached(open_, src, dst, irregular, is_exit, serves, P)
    ba, pb = _LOOKAHEAD_CACHE[key]
    return ba.copy(), pb.copy()


_LOOKAHEAD_CACHE: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}


def _lookahead_uncached(
    open_: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    irregular: np.ndarray,
    is_exit: np.ndarray,
    serves: np.ndarray,
    P: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The dead-end arrays of `_lookahead`, computed day by day (patterns repeat)."""
    T, R, G = open_.shape
    blocked_ahead = np.zeros((T, R, G), dtype=bool)
    place_blocked = np.zeros((T, P, G), dtype=bool)
    roads = ~irregular
    has_road = np.zeros(P, dtype=bool)
    has_road[src[roads]] = True
    cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
    for t in range(T):
        key = open_[t].tobytes()
        if key not in cache:
            pb = np.zeros((P, G), dtype=bool)
            for _ in range(P + 1):  # least fixed point
                dead_route = ~open_[t] | pb[dst]  # [R, G]
                new = np.ones((P, G), dtype=bool)
                for k in np.flatnonzero(roads):
                    new[src[k]] &= dead_route[k]
                new[~has_road] = False
                new[is_exit] = False
                if (new == pb).all():
                    break
                pb = new
            for s_ in np.flatnonzero(serves.any(axis=1)):
                pb[s_] = pb[serves[s_]].all(axis=0)
            ba = ~open_[t] | pb[dst]
            cache[key] = (ba, pb)
        blocked_ahead[t], place_blocked[t] = cache[key]
    return blocked_ahead, place_blocked
