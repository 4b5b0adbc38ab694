"""Many seeded runs of a Flee case on the ensemble executors (local processes or Dask).

Run *i* of an ensemble started with seed *S* uses ``run_seed(S, i)``, the same per-run seed
stream as scenario ensembles, so the result does not depend on the executor, the number of
workers or the chunk size.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hito.engine.seeds import run_seed
from hito.ensemble.executors import ChunkFailures, EnsembleError, make_executor
from hito.errors import InputError, Problem
from hito.flee.compile import FleeCompiled, compile_flee
from hito.flee.model import FleeCase
from hito.flee.run import FleeResult, simulate

# the kernel whose first call compiles the rest of a ruleset's run
ENTRY = {"agents": "flee/kernel._day_flat", "cohorts": "flee/cohortrun.run_days"}


@dataclass(frozen=True)
class FleeSpec:
    """What every worker needs: the compiled case, the ruleset and the ensemble's seed."""

    compiled: FleeCompiled
    ruleset: str
    seed: int


@dataclass(frozen=True)
class FleeRuns:
    """The runs of a Flee case in run order: their ARD, and the camps beside UNHCR's counts."""

    case: str
    ruleset: str
    seed: int
    start: dt.date
    results: tuple[FleeResult, ...]

    @property
    def ard_per_run(self) -> list[float]:
        """Each run's averaged relative difference (Flee 3.1's ARD)."""
        return [r.ard for r in self.results]

    @property
    def ard(self) -> float:
        """The mean ARD over the runs."""
        return float(np.mean(self.ard_per_run))

    def camp_table(self) -> Any:
        """A polars table: run, day, date, camp, simulated and observed (UNHCR) people.

        Both are scaled down by the case's hasten, as Flee 3.1 compares them.
        """
        import polars as pl

        frames = []
        for run, r in enumerate(self.results):
            days, camps = r.sim.shape
            frames.append(
                pl.DataFrame(
                    {
                        "run": np.full(days * camps, run, np.int64),
                        "day": np.repeat(np.arange(days), camps),
                        "camp": np.tile(np.array(r.camps, dtype=object), days),
                        "simulated": r.sim.reshape(-1),
                        "observed": r.data.reshape(-1),
                    }
                )
            )
        table = pl.concat(frames)
        return table.with_columns(
            (pl.lit(self.start) + pl.duration(days=pl.col("day"))).alias("date")
        ).select("run", "day", "date", "camp", "simulated", "observed")


def kernels_cached(ruleset: str) -> bool:
    """Whether the ruleset's kernels are compiled in numba's cache (else the first run compiles)."""
    from hito import kernel_cache

    return kernel_cache.cached(ENTRY[ruleset])


def compile_kernels(case: FleeCase, ruleset: str, *, hasten: int | None, flee31: bool) -> None:
    """Compile the ruleset's kernels into the cache by one run of the case's first day.

    Done once in this process, workers then load them from the cache instead of each
    compiling them (the cohort kernels take minutes).
    """
    simulate(
        compile_flee(case, hasten=hasten, days=1, flee31=flee31), run_seed(0, 0), ruleset=ruleset
    )


def run_chunk(spec: FleeSpec, runs: Sequence[int]) -> list[tuple[int, FleeResult, float]]:
    """On a worker: the runs of a chunk, each (run number, result, CPU seconds).

    Daily counts per location are dropped once conservation is checked (only camp series
    leave the worker).
    """
    out = []
    for run in runs:
        cpu = time.process_time()
        res = simulate(spec.compiled, run_seed(spec.seed, int(run)), ruleset=spec.ruleset)
        res.conservation = res.conservation_error()
        res.counts = np.zeros((0, 0), np.int64)
        res.seed = int(run)
        out.append((int(run), res, time.process_time() - cpu))
    return out


def run_flee_ensemble(
    compiled: FleeCompiled,
    *,
    runs: int,
    seed: int = 0,
    ruleset: str = "agents",
    executor: Any = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[int, FleeResult, float]]:
    """Runs 0..runs-1 (run i seeded ``run_seed(seed, i)``), ordered by run number."""
    spec = FleeSpec(compiled=compiled, ruleset=ruleset, seed=seed)
    own = isinstance(executor, str)
    ex = make_executor(executor, scheduler=scheduler, workers=workers) if own else executor
    try:
        size = max(1, min(20, -(-runs // (4 * max(1, ex.workers)))))
        tasks = [(list(range(k, min(runs, k + size))),) for k in range(0, runs, size)]
        results: list[tuple[int, FleeResult, float]] = []
        try:
            for _i, chunk in ex.map_unordered(run_chunk, spec, tasks):
                results.extend(chunk)
                if progress is not None:
                    progress(len(chunk))
        except ChunkFailures as exc:  # said as a scenario ensemble's failed runs are
            raise EnsembleError(exc.problems([t[0] for t in tasks], runs)) from None
    finally:
        if own:
            ex.close()
    bad = [n for n, r, _ in results if r.conservation_error() != 0]
    if bad:
        raise InputError(
            Problem(
                "runs %(bad)s: people not conserved, expected a conservation error of 0",
                bad=sorted(bad),
            )
        )
    return sorted(results, key=lambda x: x[0])
