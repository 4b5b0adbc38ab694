"""The particle filter's state: what workers need, the particles, their history, the posterior."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np

from hito.ensemble.sampling import Design
from hito.scenario.model import Scenario


@dataclass(frozen=True)
class FilterSpec:
    """What every worker needs: the scenario, the days simulated and the seed (picklable).

    `digest` names the scenario's content: workers keep compiled scenarios by it, so two
    versions of one scenario (as known on two dates) never share compiled arrays.
    """

    scenario: Scenario
    days: int
    seed: int
    digest: str = ""

    @classmethod
    def of(cls, scenario: Scenario, days: int, seed: int) -> FilterSpec:
        """A spec with the scenario's content digest."""
        text = scenario.model_dump_json(by_alias=True).encode()
        return cls(scenario, days, seed, hashlib.sha256(text).hexdigest())


@dataclass
class Cloud:
    """The particles' current state, stacked over particles."""

    free: np.ndarray  # [N, P, G]
    stranded: np.ndarray  # [N, P, G]
    transit: np.ndarray  # [N, R, G, D]
    cumulative: np.ndarray  # [N, 5, P, G]
    arrived: np.ndarray  # [N]
    initial: np.ndarray  # [N] people at the start

    def take(self, idx: np.ndarray) -> Cloud:
        """The particles at positions idx (copies)."""
        return Cloud(*(a[idx] for a in self.arrays()))

    def state(self, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        """Particle j's state as `Simulation.resume` takes it."""
        return (
            self.free[j],
            self.stranded[j],
            self.transit[j],
            self.cumulative[j],
            int(self.arrived[j]),
        )

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The six arrays in field order."""
        return (
            self.free,
            self.stranded,
            self.transit,
            self.cumulative,
            self.arrived,
            self.initial,
        )


@dataclass
class Segment:
    """The daily states of days [t0, t1) of every particle, in the order they had then."""

    t0: int
    t1: int
    out: np.ndarray  # [N, t1 - t0, S, P, G] int32
    arrivals: np.ndarray  # [N, t1 - t0] cumulative new arrivals
    ancestors: np.ndarray  # [N] resampling after the segment: particle j continues ancestors[j]


@dataclass
class FilterStep:
    """What one count date did to the particles."""

    date: dt.date
    reports: int
    ess: float  # effective sample size before resampling
    log_evidence: float  # log mean likelihood of the day's reports


@dataclass
class Posterior:
    """The particles after every count up to `as_of`, equally weighted, with their history."""

    spec: FilterSpec
    as_of: dt.date
    prior: Design  # the numbers every particle started with
    draws: Design  # the numbers of every particle now, in particle order
    cloud: Cloud | None  # the state of every particle at day `day`
    day: int  # first day not simulated yet
    segments: list[Segment] = field(default_factory=list)
    steps: list[FilterStep] = field(default_factory=list)

    @property
    def particles(self) -> int:
        """Number of particles."""
        return len(self.draws.values)

    def history(self) -> tuple[np.ndarray, np.ndarray]:
        """([N, day, S, P, G] daily states, [N, day] arrivals) of each particle's lineage."""
        idx = np.arange(self.particles)
        outs, arrs = [], []
        for seg in reversed(self.segments):
            idx = seg.ancestors[idx]
            outs.append(seg.out[idx])
            arrs.append(seg.arrivals[idx])
        return np.concatenate(outs[::-1], axis=1), np.concatenate(arrs[::-1], axis=1)

    def snapshot(self) -> Posterior:
        """A copy whose lists later steps do not change (the arrays are shared, read only)."""
        return Posterior(
            self.spec,
            self.as_of,
            self.prior,
            self.draws,
            self.cloud,
            self.day,
            list(self.segments),
            list(self.steps),
        )
