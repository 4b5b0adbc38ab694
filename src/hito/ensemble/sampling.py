"""Draw the uncertain numbers of a scenario for every run (Latin hypercube by default)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from hito.errors import InputError, not_one_of
from hito.scenario.numbers import Range

Method = Literal["lhs", "random", "none"]
METHODS: tuple[str, ...] = ("lhs", "random", "none")
# A lognormal Range: median `value`, the wider side of [low, high] at 1.96 sigma, truncated.
LOGNORMAL_Z = 1.959963984540054
DESIGN_KEY = 0x4C4853  # keeps the design's stream apart from the runs' streams


@dataclass(frozen=True)
class Design:
    """The values every run draws: one row per run, one column per uncertain path."""

    paths: tuple[str, ...]
    values: np.ndarray  # [runs, len(paths)]

    def draws(self, run: int) -> dict[str, float]:
        """The {path: value} mapping of run number `run`."""
        return {p: float(v) for p, v in zip(self.paths, self.values[run], strict=True)}

    def rows(self, runs: Sequence[int] | np.ndarray) -> Design:
        """Only the given runs (what is sent with a chunk of runs)."""
        return Design(self.paths, self.values[np.asarray(runs, dtype=np.int64)])


def design(ranges: Mapping[str, Range], runs: int, seed: int, method: Method = "lhs") -> Design:
    """Sample `runs` rows over the given ranges; the same arguments give the same design."""
    if method not in METHODS:
        raise InputError(not_one_of("sampling", method, METHODS))
    paths = tuple(ranges)
    if method == "none" or not paths:
        values = np.array([[r.value for r in ranges.values()]] * runs).reshape(runs, len(paths))
        return Design(paths, values)
    from scipy.stats import qmc  # here, not at import: workers never need scipy

    rng = np.random.default_rng(np.random.SeedSequence(entropy=[seed, DESIGN_KEY]))
    if method == "lhs":
        u = qmc.LatinHypercube(d=len(paths), rng=rng).random(runs)
    else:
        u = rng.random((runs, len(paths)))
    values = np.column_stack([inverse_cdf(r, u[:, j]) for j, r in enumerate(ranges.values())])
    return Design(paths, values)


def inverse_cdf(r: Range, u: np.ndarray) -> np.ndarray:
    """Map uniform numbers in [0, 1) to the Range's distribution over [low, high]."""
    from scipy import stats

    lo, hi = r.lo, r.hi
    if hi <= lo:
        return np.full(u.shape, r.value)
    if r.dist == "uniform":
        out = lo + u * (hi - lo)
    elif r.dist == "triangular":
        c = (r.value - lo) / (hi - lo)
        out = stats.triang.ppf(u, c, loc=lo, scale=hi - lo)
    else:  # lognormal, truncated to [low, high]
        mu = np.log(r.value)
        sigma = max(np.log(hi / r.value), np.log(r.value / lo)) / LOGNORMAL_Z
        a, b = stats.norm.cdf([(np.log(lo) - mu) / sigma, (np.log(hi) - mu) / sigma])
        out = np.exp(mu + sigma * stats.norm.ppf(a + u * (b - a)))
    return np.clip(out, lo, hi)
