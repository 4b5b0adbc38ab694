"""Streaming reduction of runs: per-cell histograms on workers, quantiles on the client.

A chunk of runs becomes (a) a sparse histogram of every cell's integer values (cell = day x
state x place x group, plus group totals and all-place totals) over fixed buckets, zeros
left implicit, and (b) a few numbers per run (peak, person-days, final counts, events).
Buckets are one person wide below 2**(SIG_BITS+1) = 512 and 1/256 of the value above
(log-linear, as in HDR histograms), so a cell's histogram is bounded by its value range,
not by the number of runs. Histograms add exactly, in any order: the quantiles are the
same whatever the executor, the workers or the chunking, and equal `np.quantile` over all
runs wherever the order statistics are below 512 (elsewhere within 0.2%).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from hito.engine.compile import STATES
from hito.ensemble.spec import Event

LEVELS: dict[str, float] = {
    "p5": 0.05,
    "p10": 0.10,
    "p25": 0.25,
    "p50": 0.50,
    "p75": 0.75,
    "p90": 0.90,
    "p95": 0.95,
}
VALUE_BITS = 31  # key = cell << 31 | bucket; counts of people stay below 2**31
SIG_BITS = 8  # exact below 2**(SIG_BITS + 1), then 2**SIG_BITS buckets per doubling
VALUE_MASK = (1 << VALUE_BITS) - 1
STRANDED = STATES.index("stranded")


@dataclass(frozen=True)
class Layout:
    """Shape of one run's cells: [T, S, P, G], then group totals [T, S, P], then all [T, S]."""

    days: int
    places: int
    groups: int

    @property
    def sizes(self) -> tuple[int, int, int]:
        """Number of cells in each of the three blocks."""
        T, S, P, G = self.days, len(STATES), self.places, self.groups
        return T * S * P * G, T * S * P, T * S

    @property
    def cells(self) -> int:
        """Cells per run."""
        return sum(self.sizes)

    def blocks(self, states: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """[n, T, S, P, G] runs -> (first cell, [n, cells of the block]) for the three blocks."""
        n = states.shape[0]
        by_place = states.sum(axis=4)
        a, b, _ = self.sizes
        return [
            (0, states.reshape(n, -1)),
            (a, by_place.reshape(n, -1)),
            (a + b, by_place.sum(axis=3).reshape(n, -1)),
        ]

    def flatten(self, states: np.ndarray) -> np.ndarray:
        """[n, T, S, P, G] runs -> [n, cells] values."""
        return np.concatenate([v for _, v in self.blocks(states)], axis=1)

    def split(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """[L, cells] -> ([L, T, S, P, G], [L, T, S, P], [L, T, S])."""
        a, b, _ = self.sizes
        L, T, S, P, G = q.shape[0], self.days, len(STATES), self.places, self.groups
        return (
            q[:, :a].reshape(L, T, S, P, G),
            q[:, a : a + b].reshape(L, T, S, P),
            q[:, a + b :].reshape(L, T, S),
        )


def bucket(values: np.ndarray) -> np.ndarray:
    """Bucket of each non-negative integer: itself below 512, then 256 buckets per doubling."""
    out = np.array(values, dtype=np.int32, order="C")  # a copy; values stay below 2**31
    flat = out.reshape(-1)
    big = np.flatnonzero(flat >= 1 << (SIG_BITS + 1))
    if big.size:
        v = flat[big].astype(np.int64)
        shift = np.frexp(v.astype(np.float64))[1] - 1 - SIG_BITS  # floor(log2 v) - SIG_BITS
        flat[big] = (shift << SIG_BITS) + (v >> shift)
    return out


def representative(buckets: np.ndarray) -> np.ndarray:
    """The middle of each bucket's range of integers (the value itself where exact)."""
    b = buckets.astype(np.int64)
    shift = np.maximum((b >> SIG_BITS) - 1, 0)
    low = (b - (shift << SIG_BITS)) << shift
    return low + ((1 << shift) - 1) / 2.0


@dataclass
class Histogram:
    """Sparse exact histogram of non-zero cell values: sorted unique keys and their counts."""

    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))

    @classmethod
    def of(cls, values: np.ndarray, first_cell: int = 0) -> Histogram:
        """Histogram of a [n, cells] array of non-negative integers, cells from `first_cell`."""
        n, cells = values.shape
        if n == 0 or cells == 0:
            return cls()
        top = values.max(axis=0)
        if top.max() > VALUE_MASK:
            raise ValueError(f"cell values must stay below {VALUE_MASK + 1}")
        live = np.flatnonzero(top > 0)  # cells with someone in them in some run
        if live.size == 0:
            return cls()
        sub = values[:, live]
        if sub.min() < 0:
            raise ValueError("cell values must be non-negative counts of people")
        ordered = np.sort(bucket(sub).T, axis=1).ravel()  # by cell, then bucket
        new = np.ones(ordered.size, dtype=bool)
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
        new[::n] = True  # every cell starts a new pair
        first = np.flatnonzero(new)
        c = np.diff(np.r_[first, ordered.size])
        v = ordered[first].astype(np.int64)
        keep = v != 0
        k = ((live[first[keep] // n].astype(np.int64) + first_cell) << VALUE_BITS) | v[keep]
        c = c[keep]
        return cls(k, c.astype(np.int32))

    @property
    def size(self) -> int:
        """Number of distinct (cell, value) pairs held."""
        return int(self.keys.size)

    @staticmethod
    def merge(parts: Sequence[Histogram]) -> Histogram:
        """Add histograms exactly (the order of parts does not matter)."""
        parts = [p for p in parts if p.size]
        if not parts:
            return Histogram()
        if len(parts) == 1:
            return parts[0]
        keys = np.concatenate([p.keys for p in parts])
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        counts = np.concatenate([p.counts for p in parts])[order]
        del order
        first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        return Histogram(keys[first], np.add.reduceat(counts, first))

    def quantiles(self, n: int, cells: int, levels: Sequence[float]) -> np.ndarray:
        """[len(levels), cells] quantiles over n runs, as `np.quantile(..., method='linear')`."""
        cell = self.keys >> VALUE_BITS
        value = representative(self.keys & VALUE_MASK)
        nonzero = np.bincount(cell, weights=self.counts, minlength=cells).astype(np.int64)
        zeros = n - nonzero
        if (zeros < 0).any():
            raise ValueError("histogram holds more values than runs")
        before = np.zeros(cells + 1, dtype=np.int64)  # pairs held by earlier cells
        np.cumsum(np.bincount(cell, minlength=cells), out=before[1:])
        upto = np.cumsum(self.counts)  # values counted up to and including each pair
        counted_before = np.r_[0, upto][before[:-1]]

        def order_stat(rank: int) -> np.ndarray:
            """The value of rank `rank` (0-based) in every cell."""
            out = np.zeros(cells)
            big = rank >= zeros
            target = counted_before[big] + (rank - zeros[big])
            out[big] = value[np.searchsorted(upto, target, side="right")]
            return out

        out = np.empty((len(levels), cells))
        for i, q in enumerate(levels):
            h = (n - 1) * q
            lo = int(np.floor(h))
            hi = min(lo + 1, n - 1)
            g = h - lo
            a, b = order_stat(lo), order_stat(hi)
            diff = b - a
            out[i] = b - diff * (1 - g) if g >= 0.5 else a + diff * g
        return out


@dataclass
class ChunkResult:
    """What a worker sends back for a chunk of runs (sizes: histogram + a few numbers a run)."""

    runs: np.ndarray  # [n] run numbers
    hist: Histogram
    scalars: dict[str, np.ndarray]  # name -> [n, ...]
    kept: dict[int, np.ndarray]  # run number -> [T, S, P, G] (only runs < keep_runs)
    cpu_seconds: float = 0.0  # processor time the chunk took on its worker

    @property
    def nbytes(self) -> int:
        """Bytes of arrays carried (what crosses the network)."""
        return (
            self.hist.keys.nbytes
            + self.hist.counts.nbytes
            + sum(v.nbytes for v in self.scalars.values())
            + sum(v.nbytes for v in self.kept.values())
        )


def run_scalars(
    states: np.ndarray,
    conservation: np.ndarray,
    events: Sequence[Event],
    place_ids: tuple[str, ...],
    extras: Sequence[Mapping[str, float]],
) -> dict[str, np.ndarray]:
    """Per-run figures of [n, T, S, P, G] runs: peak and person-days, finals, events."""
    stranded = states[:, :, STRANDED].sum(axis=3)  # [n, T, P]
    total = stranded.sum(axis=2)  # [n, T]
    out = {
        "stranded_peak": total.max(axis=1),
        "stranded_peak_day": total.argmax(axis=1),
        "stranded_person_days": total.sum(axis=1),
        "place_stranded_peak": stranded.max(axis=1),
        "place_stranded_person_days": stranded.sum(axis=1),
        "final": states[:, -1].sum(axis=(2, 3)),  # [n, S]
        "conservation_error": conservation,
        "events": np.array(
            [[e.occurred(run, place_ids) for e in events] for run in states], dtype=bool
        ).reshape(len(states), len(events)),
    }
    names = sorted(extras[0]) if extras else []
    for x in extras:
        if sorted(x) != names:
            raise ValueError(f"runner extras differ between runs: {sorted(x)} vs {names}")
    for name in names:
        out[f"extra.{name}"] = np.array([float(x[name]) for x in extras])
    return out


def summarize_chunk(
    runs: Sequence[int],
    states: np.ndarray,
    conservation: np.ndarray,
    layout: Layout,
    events: Sequence[Event],
    place_ids: tuple[str, ...],
    keep_runs: int,
    extras: Sequence[Mapping[str, float]] = (),
) -> ChunkResult:
    """Reduce a chunk's [n, T, S, P, G] states (on the worker) to what the client merges."""
    runs_arr = np.asarray(runs, dtype=np.int64)
    parts = [Histogram.of(v, first) for first, v in layout.blocks(states)]
    kept = {int(r): states[i].astype(np.int32) for i, r in enumerate(runs_arr) if r < keep_runs}
    return ChunkResult(
        runs=runs_arr,
        hist=Histogram(
            np.concatenate([h.keys for h in parts]), np.concatenate([h.counts for h in parts])
        ),
        scalars=run_scalars(states, conservation, events, place_ids, extras),
        kept=kept,
    )


class Reducer:
    """Client side: merges chunk results as they arrive, in any order, in bounded memory.

    Histograms are held per block of cells; a block's pending parts are merged into it
    once they outgrow it, so each pair is re-sorted O(log chunks) times.
    """

    def __init__(self, runs: Sequence[int], layout: Layout, blocks: int = 16):
        self.order = {int(r): i for i, r in enumerate(runs)}
        if len(self.order) != len(runs):
            raise ValueError("run numbers must be unique")
        self.layout = layout
        self.done = np.zeros(len(runs), dtype=bool)
        self.scalars: dict[str, np.ndarray] = {}
        self.kept: dict[int, np.ndarray] = {}
        cells = layout.cells
        self.edges = np.linspace(0, cells, blocks + 1).astype(np.int64)
        self.bounds = self.edges[1:-1] << VALUE_BITS
        self.acc = [Histogram() for _ in range(blocks)]
        self.pending: list[list[Histogram]] = [[] for _ in range(blocks)]
        self.peak_pairs = 0

    def add(self, chunk: ChunkResult) -> int:
        """Take one chunk; returns the number of runs it carried."""
        pos = np.array([self.order[int(r)] for r in chunk.runs], dtype=np.int64)
        if self.done[pos].any():
            raise ValueError(f"runs {chunk.runs[self.done[pos]].tolist()} were reduced twice")
        for name, arr in chunk.scalars.items():
            if name not in self.scalars:
                self.scalars[name] = np.zeros((len(self.done), *arr.shape[1:]), dtype=arr.dtype)
            self.scalars[name][pos] = arr
        self.done[pos] = True
        self.kept.update(chunk.kept)
        cuts = np.searchsorted(chunk.hist.keys, self.bounds)
        for b, (k, c) in enumerate(
            zip(np.split(chunk.hist.keys, cuts), np.split(chunk.hist.counts, cuts), strict=True)
        ):
            if k.size:
                self.pending[b].append(Histogram(k, c))
                if sum(p.size for p in self.pending[b]) >= max(self.acc[b].size, 1 << 16):
                    self._flush(b)
        held = sum(a.size for a in self.acc) + sum(p.size for ps in self.pending for p in ps)
        self.peak_pairs = max(self.peak_pairs, held)
        return len(pos)

    def _flush(self, b: int) -> None:
        self.acc[b] = Histogram.merge([self.acc[b], *self.pending[b]])
        self.pending[b] = []

    def missing(self) -> list[int]:
        """Run numbers not reduced yet."""
        inv = np.array(list(self.order), dtype=np.int64)
        return inv[~self.done].tolist()

    def quantiles(self, levels: Sequence[float]) -> np.ndarray:
        """[len(levels), cells] quantiles over every run (all runs must be in), block by block."""
        out = np.empty((len(levels), self.layout.cells))
        for b in range(len(self.acc)):
            self._flush(b)
            lo, hi = self.edges[b], self.edges[b + 1]
            h = self.acc[b]
            local = Histogram(h.keys - (int(lo) << VALUE_BITS), h.counts)
            out[:, lo:hi] = local.quantiles(len(self.done), int(hi - lo), levels)
        return out
