"""`run_ensemble(spec, seeds, executor)`: a pure function from a spec to reduced results."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from hito.engine.compile import STATES, compile_scenario
from hito.engine.run import RunResult
from hito.engine.seeds import run_seed
from hito.ensemble.executors import ChunkFailures, EnsembleError, make_executor, spans
from hito.ensemble.reduce import LEVELS, ChunkResult, Layout, Reducer, summarize_chunk
from hito.ensemble.result import Ensemble
from hito.ensemble.sampling import Design, design
from hito.ensemble.spec import EnsembleSpec
from hito.errors import InputError, Problem

MAX_CHUNK = 100


def run_chunk(spec: EnsembleSpec, rows: Design, runs: Sequence[int]) -> ChunkResult:
    """On a worker: simulate a chunk of runs and reduce them (nothing else leaves the worker)."""
    cpu = time.process_time()
    s = spec.scenario
    T, P, G = spec.horizon, len(s.places), len(s.groups)
    states = np.zeros((len(runs), T, len(STATES), P, G), dtype=np.int64)
    conservation = np.zeros(len(runs), dtype=np.int64)
    extras = []
    fixed = None if rows.paths else compile_scenario(s, dict(spec.overrides) or None, days=T)
    place_ids = tuple(p.id for p in s.places)
    for i, run in enumerate(runs):
        c = fixed or compile_scenario(s, {**rows.draws(i), **spec.overrides}, days=T)
        out = spec.runner(s, c, run_seed(spec.seed, int(run)))
        result, extra = out if isinstance(out, tuple) else (out, None)
        if not isinstance(result, RunResult) or result.states.shape[0] != T:
            raise TypeError(f"runner must return a RunResult of {T} days, got {type(out)}")
        states[i] = result.states
        conservation[i] = result.conservation_error()
        if extra is not None:
            extras.append(dict(extra))
    chunk = summarize_chunk(
        runs,
        states,
        conservation,
        Layout(T, P, G),
        spec.events,
        place_ids,
        spec.keep_runs,
        extras,
    )
    chunk.cpu_seconds = time.process_time() - cpu
    return chunk


def chunks(runs: Sequence[int], workers: int, chunk_size: int | None = None) -> list[list[int]]:
    """Split run numbers into chunks (about four per worker, at most MAX_CHUNK runs each)."""
    size = chunk_size or max(1, min(MAX_CHUNK, math.ceil(len(runs) / (4 * workers))))
    return [list(runs[k : k + size]) for k in range(0, len(runs), size)]


def run_ensemble(
    spec: EnsembleSpec,
    seeds: Sequence[int] | None = None,
    executor: Any = "local",
    *,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Ensemble:
    """Run the runs numbered `seeds` (default 0..spec.runs-1) of a spec and reduce them.

    Run i always uses the generator `run_seed(spec.seed, i)` and row i of the design, so the
    result does not depend on the executor, the number of workers or the chunk size.
    `executor` is "local", "dask" or an executor object (left open for the caller to close).
    `progress` is called with the number of runs each finished chunk carried.
    """
    runs = list(range(spec.runs)) if seeds is None else [int(r) for r in seeds]
    bad = [r for r in runs if not 0 <= r < spec.runs]
    if bad or not runs or len(set(runs)) != len(runs):
        raise InputError(
            Problem(
                "seeds: got %(runs)s run numbers (%(bad)s out of range), expected distinct run "
                "numbers from 0 to %(value)s",
                runs=len(runs),
                bad=bad[:5],
                value=spec.runs - 1,
            )
        )
    plan = design(spec.sampled(), spec.runs, spec.seed, spec.sampling)
    own = isinstance(executor, str)
    ex = make_executor(executor) if own else executor
    t0, cpu0 = time.perf_counter(), time.process_time()
    s = spec.scenario
    layout = Layout(spec.horizon, len(s.places), len(s.groups))
    reducer = Reducer(runs, layout)
    try:
        workers = ex.workers
        parts = chunks(runs, workers, chunk_size)
        tasks = [(plan.rows(part), part) for part in parts]
        received = 0
        worker_cpu = 0.0
        try:
            for _i, chunk in ex.map_unordered(run_chunk, spec, tasks):
                received += chunk.nbytes
                worker_cpu += chunk.cpu_seconds
                n = reducer.add(chunk)
                if progress is not None:
                    progress(n)
        except ChunkFailures as exc:
            raise EnsembleError(exc.problems(parts, len(reducer.done))) from None
    finally:
        if own:
            ex.close()
    missing = reducer.missing()
    if missing:
        raise EnsembleError(
            Problem("runs %(spans)s never came back from the executor", spans=spans(missing))
        )
    quantiles = reducer.quantiles(list(LEVELS.values()))
    return Ensemble(
        info=spec.describe(),
        place_ids=tuple(p.id for p in s.places),
        group_ids=tuple(g.id for g in s.groups),
        start=s.start,
        layout=layout,
        runs=np.array(runs, dtype=np.int64),
        draws=plan.rows(runs),
        quantiles=quantiles,
        scalars=reducer.scalars,
        kept=reducer.kept,
        stats={
            "executor": ex.name,
            "workers": workers,
            "chunks": len(parts),
            "bytes_received": received,
            "worker_cpu_seconds": round(worker_cpu, 3),
            "histogram_pairs_peak": reducer.peak_pairs,
            "seconds": round(time.perf_counter() - t0, 3),
            "client_cpu_seconds": round(time.process_time() - cpu0, 3),
        },
    )
