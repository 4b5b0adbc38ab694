"""Turn a scenario (and drawn parameter values) into the day-by-day arrays the kernel reads."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from hito.engine.lookahead import lookahead
from hito.engine.policies import UNBOUNDED, Days, Edges, Scene, active, apply_policies
from hito.scenario.model import PLACE_KINDS, Scenario, Shock
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
# the states that hold every person once (stranded people are counted among the present):
# their sum is the initial population plus the arrivals, every day
HELD_STATES = ("present", "in_transit", "exited", "returned", "harmed")


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
    clear_chance: np.ndarray  # [T, P] chance that a clearance happens that day at the place
    clear_share: np.ndarray  # [T, P] share of the stranded a partial clearance takes back
    clear_complete: np.ndarray  # [T, P] chance that a clearance takes everyone
    transfer_from: np.ndarray  # [K, P] bool: sites emptied by transfer k
    transfer_to: np.ndarray  # [K] the shelter or city of transfer k
    transfer_share: np.ndarray  # [T, K] share of the stranded moved that day
    awareness: float
    giveup: float
    divert_share: float
    shelter_seek: float
    arrival_cv: float = 0.0  # day-to-day variation of departures beyond chance (gamma-Poisson)

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
        ba, pb = lookahead(
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


def compile_scenario(s: Scenario, draws: Draws | None = None, days: int | None = None) -> Compiled:
    """Build the arrays of a scenario for `days` days (default: its horizon)."""
    T = s.days if days is None else days
    pidx = s.place_index()
    dates = np.datetime64(s.start) + np.arange(T).astype("timedelta64[D]")
    b = s.behaviour
    is_exit = np.array([p.kind == "exit" for p in s.places])
    edges = Edges.of(s)
    route = _route_arrays(s, edges, draws)
    d = _baseline(s, route, is_exit, T, draws)
    irregular = route["irregular"]
    apply_policies(Scene(s, draws, dates, pidx, edges, irregular, is_exit), d)
    documented = np.array([g.documented for g in s.groups])
    open_ = ~(d.closed_all[:, :, None] | (d.closed_undoc[:, :, None] & ~documented[None, None, :]))
    serves = _serves(s)
    blocked_ahead, place_blocked = lookahead(
        open_, edges.src, edges.dst, irregular, is_exit, serves, len(s.places)
    )
    init_free, init_stranded = _initial(s, draws)
    flight_route, flight_seats, flight_pickup = d.flight_arrays()
    transfer_from, transfer_to, transfer_share = d.transfer_arrays()
    tolerance = value(b.tolerance_days, "behaviour.tolerance_days", draws)
    return Compiled(
        place_ids=tuple(p.id for p in s.places),
        group_ids=tuple(g.id for g in s.groups),
        route_ids=edges.ids,
        start=s.start,
        days=T,
        place_kind=np.array([PLACE_KINDS.index(p.kind) for p in s.places], dtype=np.int64),
        move_chance=_move_chance(s, is_exit, draws),
        is_exit=is_exit,
        serves=serves,
        route_from=edges.src,
        route_to=edges.dst,
        route_days=route["days"],
        route_irregular=irregular,
        route_crosses=route["crosses"],
        route_harm_place=route["harm_place"],
        open_=open_,
        blocked_ahead=blocked_ahead,
        place_blocked=place_blocked,
        weight=d.weight,
        hazard=d.hazard,
        quota=d.quota,
        flight_route=flight_route,
        flight_seats=flight_seats,
        flight_pickup=flight_pickup,
        capacity=d.capacity,
        inflow=_inflow(s, dates, draws),
        init_free=init_free,
        init_stranded=init_stranded,
        back_place=_back_places(s),
        turn_back=d.turn_back,
        readmit=1.0 - d.stay,
        leak=d.leak,
        clear_chance=1.0 - d.no_clearance,
        clear_share=d.clear_share,
        clear_complete=d.clear_complete,
        transfer_from=transfer_from,
        transfer_to=transfer_to,
        transfer_share=transfer_share,
        awareness=value(b.awareness, "behaviour.awareness", draws),
        giveup=1.0 / max(tolerance, 1.0),
        divert_share=value(b.divert_share, "behaviour.divert_share", draws),
        shelter_seek=value(b.shelter_seek, "behaviour.shelter_seek", draws),
        arrival_cv=value(b.arrival_cv, "behaviour.arrival_cv", draws),
    )


def _by_kind(
    table: Mapping[Any, Any], kind: str, path: str, draws: Draws | None, default: float
) -> float:
    """A behaviour's value for a place or route kind (`default` when the kind is not listed)."""
    return value(table[kind], f"{path}.{kind}", draws) if kind in table else default


def _move_chance(s: Scenario, is_exit: np.ndarray, draws: Draws | None) -> np.ndarray:
    """[P] daily chance of moving on, by place kind (0 at exits)."""
    b = s.behaviour
    move = np.array(
        [_by_kind(b.move_chance, p.kind, "behaviour.move_chance", draws, 0.0) for p in s.places]
    )
    move[is_exit] = 0.0
    return move


def _serves(s: Scenario) -> np.ndarray:
    """[P, P] bool: shelter s takes in the stranded people of place p."""
    pidx = s.place_index()
    serves = np.zeros((len(s.places), len(s.places)), dtype=bool)
    for p in s.places:
        for q in p.serves:
            serves[pidx[p.id], pidx[q]] = True
    return serves


def _route_arrays(s: Scenario, edges: Edges, draws: Draws | None) -> dict[str, np.ndarray]:
    """Per directed edge: travel days, irregular, crossing, where harm counts, weight, hazard."""
    b, pidx, R = s.behaviour, s.place_index(), len(edges.ids)
    out = {
        "days": np.ones(R, dtype=np.int64),
        "irregular": np.zeros(R, dtype=bool),
        "crosses": np.zeros(R, dtype=bool),
        "harm_place": edges.dst.copy(),
        "weight": np.zeros(R),
        "hazard": np.zeros(R),
        "documented_only": np.zeros(R, dtype=bool),
    }
    for k, i in enumerate(edges.route):
        r = s.routes[i]
        a, z = s.places[edges.src[k]], s.places[edges.dst[k]]
        speed = _by_kind(b.speed_km_per_day, r.kind, "behaviour.speed_km_per_day", draws, 500.0)
        out["days"][k] = max(1, math.ceil(r.km / max(speed, 1e-9)))
        out["irregular"][k] = r.kind == "irregular"
        out["crosses"][k] = a.country != z.country
        if a.kind == "irregular_crossing" and z.kind != "irregular_crossing":
            out["harm_place"][k] = pidx[a.id]
        w = _by_kind(b.route_weight, r.kind, "behaviour.route_weight", draws, 0.0)
        out["weight"][k] = w * value(r.weight, f"routes[{i}].weight", draws)
        out["hazard"][k] = value(r.hazard, f"routes[{i}].hazard", draws)
        out["documented_only"][k] = r.access == "documented"
    return out


def _baseline(
    s: Scenario, route: dict[str, np.ndarray], is_exit: np.ndarray, T: int, draws: Draws | None
) -> Days:
    """The day-by-day arrays before any policy: route weights and hazards, capacities, leaks."""
    b, pidx, P = s.behaviour, s.place_index(), len(s.places)
    R = len(route["weight"])
    closed_undoc = np.zeros((T, R), dtype=bool)
    closed_undoc[:, route["documented_only"]] = True
    capacity = np.full((T, P), UNBOUNDED, dtype=np.int64)
    for p in s.places:
        if p.capacity is not None:
            capacity[:, pidx[p.id]] = p.capacity
    leak = np.zeros((T, P))
    leak[:, ~is_exit] = value(b.leak, "behaviour.leak", draws)
    turn_back = np.zeros((T, P))
    turn_back[:, ~is_exit] = value(b.turn_back, "behaviour.turn_back", draws)
    return Days(
        closed_all=np.zeros((T, R), dtype=bool),
        closed_undoc=closed_undoc,
        weight=np.tile(route["weight"], (T, 1)),
        hazard=np.tile(route["hazard"], (T, 1)),
        quota=np.zeros((T, R), dtype=np.int64),
        capacity=capacity,
        leak=leak,
        turn_back=turn_back,
        stay=np.ones((T, P)),
        no_clearance=np.ones((T, P)),
        clear_share=np.zeros((T, P)),
        clear_complete=np.zeros((T, P)),
    )


def _inflow(s: Scenario, dates: np.ndarray, draws: Draws | None) -> np.ndarray:
    """[T, P, G] expected arrivals: each inflow's rate times the season and the shocks."""
    T = len(dates)
    pidx, gidx = s.place_index(), s.group_index()
    inflow = np.zeros((T, len(s.places), len(s.groups)))
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
    return inflow


def _initial(s: Scenario, draws: Draws | None) -> tuple[np.ndarray, np.ndarray]:
    """[P, G] people present on day 0: (free to move, stranded)."""
    pidx, gidx = s.place_index(), s.group_index()
    init_free = np.zeros((len(s.places), len(s.groups)), dtype=np.int64)
    init_stranded = np.zeros_like(init_free)
    for i, pop in enumerate(s.population):
        target = init_stranded if pop.stranded else init_free
        people = round(value(pop.people, f"population[{i}].people", draws))
        target[pidx[pop.place], gidx[pop.group]] += people
    return init_free, init_stranded


def shock_profile(sh: Shock, path: str, dates: np.ndarray, draws: Draws | None) -> np.ndarray:
    """The daily multiplier of a shock: a step, or a pulse rising to its peak, then decaying."""
    m = value(sh.multiplier, f"{path}.multiplier", draws)
    if sh.half_life_days is None:
        return np.where(active(sh.start, sh.end, dates), m, 1.0)
    half = value(sh.half_life_days, f"{path}.half_life_days", draws)
    day = (dates - np.datetime64(sh.start)).astype(np.int64).astype(float)
    peak = float(((sh.peak or sh.start) - sh.start).days)
    rise = np.clip((day + 1.0) / (peak + 1.0), 0.0, 1.0)
    decay = 0.5 ** (np.maximum(day - peak, 0.0) / max(half, 1e-9))
    out = 1.0 + (m - 1.0) * np.where(day <= peak, rise, decay)
    return np.where(active(sh.start, sh.end, dates), out, 1.0)


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
