"""One run: a compiled scenario and a seed give a day x state x place x group array."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hito.engine.compile import PLACE_KINDS, STATES, Compiled
from hito.engine.kernel import simulate_kernel


@dataclass(frozen=True)
class RunResult:
    """The daily states of one run and the cumulative arrivals that feed the balance."""

    seed: int
    states: np.ndarray  # [day, state, place, group] int64
    arrivals: np.ndarray  # [day] cumulative new arrivals
    initial: int

    def state(self, name: str) -> np.ndarray:
        """The [day, place, group] array of one state."""
        return self.states[:, STATES.index(name)]

    def conservation_error(self) -> int:
        """Largest absolute imbalance over days of people present + held - initial - arrivals."""
        held = ("present", "in_transit", "exited", "returned", "harmed")
        total = sum(self.state(n).sum(axis=(1, 2)) for n in held)
        return int(np.abs(total - self.initial - self.arrivals).max(initial=0))


def _out_routes(c: Compiled) -> tuple[np.ndarray, np.ndarray]:
    """Routes grouped by the place they leave, as (start offsets [P+1], route order)."""
    order = np.argsort(c.route_from, kind="stable").astype(np.int64)
    counts = np.bincount(c.route_from, minlength=len(c.place_ids))
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return start, order


def simulate(c: Compiled, seed: int | np.random.SeedSequence) -> RunResult:
    """Run the border ruleset once with its own seeded generator."""
    rng = np.random.default_rng(seed)
    P, G = len(c.place_ids), len(c.group_ids)
    out = np.zeros((c.days, len(STATES), P, G), dtype=np.int64)
    arrivals = np.zeros(c.days, dtype=np.int64)
    start, order = _out_routes(c)
    simulate_kernel(
        rng,
        c.days,
        c.move_chance,
        c.is_exit,
        c.place_kind == PLACE_KINDS.index("irregular_crossing"),
        c.serves,
        start,
        order,
        c.route_from,
        c.route_to,
        c.route_days,
        c.route_irregular,
        c.route_crosses,
        c.route_harm_place,
        c.open_,
        c.blocked_ahead,
        c.place_blocked,
        c.weight,
        c.hazard,
        c.quota,
        c.flight_route,
        c.flight_seats,
        c.flight_pickup,
        c.capacity,
        c.inflow,
        c.init_free,
        c.init_stranded,
        c.awareness,
        c.giveup,
        c.divert_share,
        c.shelter_seek,
        out,
        arrivals,
    )
    initial = int(c.init_free.sum() + c.init_stranded.sum())
    return RunResult(
        seed=int(seed) if isinstance(seed, int) else 0,
        states=out,
        arrivals=arrivals,
        initial=initial,
    )
