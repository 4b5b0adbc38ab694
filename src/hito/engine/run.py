"""One run: a compiled scenario and a seed give a day x state x place x group array."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from hito.engine.compile import HELD_STATES, PLACE_KINDS, STATES, Compiled
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
        total = sum(self.state(n).sum(axis=(1, 2)) for n in HELD_STATES)
        return int(np.abs(total - self.initial - self.arrivals).max(initial=0))


def _out_routes(c: Compiled) -> tuple[np.ndarray, np.ndarray]:
    """Routes grouped by the place they leave, as (start offsets [P+1], route order)."""
    order = np.argsort(c.route_from, kind="stable").astype(np.int64)
    counts = np.bincount(c.route_from, minlength=len(c.place_ids))
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return start, order


class Simulation:
    """A run that can be advanced day by day, so plans can change its future inputs.

    The compiled arrays for days not yet simulated may be changed between steps (closed-loop
    plans do that on their own copy, see `Compiled.copy`); days already run stay as they were.
    """

    def __init__(self, c: Compiled, seed: int | np.random.SeedSequence):
        self.compiled = c
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        P, G = len(c.place_ids), len(c.group_ids)
        self.day = 0
        self.out = np.zeros((c.days, len(STATES), P, G), dtype=np.int64)
        self.arrivals = np.zeros(c.days, dtype=np.int64)
        self._start, self._order = _out_routes(c)
        self.free = c.init_free.copy()
        self.stranded = c.init_stranded.copy()
        self.transit = np.zeros((len(c.route_ids), G, c.max_route_days), dtype=np.int64)
        self.cumulative = np.zeros((5, P, G), dtype=np.int64)  # crossed .. exited
        self._arrived = np.zeros(1, dtype=np.int64)
        self._irregular_place = c.place_kind == PLACE_KINDS.index("irregular_crossing")

    def branch(self, seed: int | np.random.SeedSequence, history: bool = True) -> Simulation:
        """A copy at the current day, with its own generator, to run ahead.

        With history=False the copy keeps only the last recorded day of the daily output
        (enough to read the days ahead and their changes; cheaper when branching every day).
        """
        new = copy.copy(self)
        new.seed = seed
        new.rng = np.random.default_rng(seed)
        for name in ("arrivals", "free", "stranded", "transit", "cumulative", "_arrived"):
            setattr(new, name, getattr(self, name).copy())
        if history:
            new.out = self.out.copy()
        else:
            new.out = np.zeros_like(self.out)
            if self.day > 0:
                new.out[self.day - 1] = self.out[self.day - 1]
        return new

    def resume(
        self,
        day: int,
        state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int],
        out: np.ndarray | None = None,
        arrivals: np.ndarray | None = None,
    ) -> None:
        """Start from a state at `day` (free, stranded, transit, cumulative, arrived so far).

        `out` and `arrivals`, when given, are the recorded days before `day` (what triggers
        that look back read); the days from `day` on are simulated from the state.
        """
        free, stranded, transit, cumulative, arrived = state
        self.free, self.stranded = free.copy(), stranded.copy()
        self.transit, self.cumulative = transit.copy(), cumulative.copy()
        self._arrived = np.array([arrived], dtype=np.int64)
        if out is not None:
            self.out[:day] = out[:day]
        if arrivals is not None:
            self.arrivals[:day] = arrivals[:day]
        self.day = day

    def step_to(self, day: int) -> None:
        """Simulate every day up to (not including) `day`."""
        day = min(day, self.compiled.days)
        if day <= self.day:
            return
        c = self.compiled
        crossed, returned, diverted, harmed, exited = self.cumulative
        simulate_kernel(
            self.rng,
            self.day,
            day,
            c.move_chance,
            c.is_exit,
            self._irregular_place,
            c.serves,
            self._start,
            self._order,
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
            c.back_place,
            c.turn_back,
            c.readmit,
            c.leak,
            c.clear_chance,
            c.clear_share,
            c.clear_complete,
            c.transfer_from,
            c.transfer_to,
            c.transfer_share,
            self.free,
            self.stranded,
            self.transit,
            crossed,
            returned,
            diverted,
            harmed,
            exited,
            self._arrived,
            c.awareness,
            c.giveup,
            c.divert_share,
            c.shelter_seek,
            c.arrival_cv,
            self.out,
            self.arrivals,
        )
        self.day = day

    def result(self) -> RunResult:
        """The run's outputs so far (all days once it has been stepped to the end)."""
        c = self.compiled
        initial = int(c.init_free.sum() + c.init_stranded.sum())
        seed = self.seed if isinstance(self.seed, int) else int(self.seed.generate_state(1)[0])
        return RunResult(
            seed=seed,
            states=self.out[: self.day],
            arrivals=self.arrivals[: self.day],
            initial=initial,
        )


def simulate(c: Compiled, seed: int | np.random.SeedSequence) -> RunResult:
    """Run the border ruleset once, start to end, with its own seeded generator."""
    sim = Simulation(c, seed)
    sim.step_to(c.days)
    return sim.result()
