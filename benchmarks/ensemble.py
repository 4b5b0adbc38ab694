"""Ensemble benchmark: prints the three figures of the ensemble targets (no asserts).

1. 1,000 runs of tacna-arica-2025 for 120 days with the local executor (target < 30 s, 2 cores);
2. the dask executor on a 2-worker LocalCluster against local (target ratio <= 1.5);
3. the client's peak memory for 10,000 runs (target < 1 GiB), in a fresh process.

Usage: python benchmarks/ensemble.py [--runs 1000] [--big 10000] [--workers 2]
       [--skip-big | --only-big]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

from hito.ensemble.executors import DaskExecutor, LocalExecutor
from hito.ensemble.run import run_ensemble
from hito.ensemble.spec import EnsembleSpec
from hito.scenario.load import load

SCENARIO = "tacna-arica-2025"
DAYS = 120


def spec(runs: int) -> EnsembleSpec:
    return EnsembleSpec(load(SCENARIO), days=DAYS, runs=runs, seed=2025)


def timed(label: str, fn):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    return out, dt


def local_vs_dask(runs: int, workers: int) -> None:
    s = spec(runs)
    local = LocalExecutor(processes=workers)
    try:
        a, t_local = timed("local", lambda: run_ensemble(s, executor=local))
    finally:
        local.close()
    cpu = a.stats["worker_cpu_seconds"]
    print(
        f"local executor, {workers} processes: {runs} runs x {DAYS} days in {t_local:.1f} s "
        f"wall ({runs / t_local:.0f} runs/s; pool start included); worker CPU {cpu:.1f} s "
        f"({1000 * cpu / runs:.1f} ms/run); {a.stats['bytes_received'] / 2**20:.0f} MiB "
        "sent to the client"
    )
    cluster = DaskExecutor(processes=workers)
    try:
        _, t_start = timed("start", cluster.client)
        b, t_dask = timed("dask", lambda: run_ensemble(s, executor=cluster))
        _, t_dask2 = timed("dask warm", lambda: run_ensemble(s, executor=cluster))
    finally:
        cluster.close()
    same = np.array_equal(a.quantiles, b.quantiles)
    print(
        f"dask executor, LocalCluster of {workers} workers: {t_dask:.1f} s first ensemble, "
        f"{t_dask2:.1f} s second (warm workers); cluster start {t_start:.1f} s"
    )
    print(
        f"dask / local: {t_dask / t_local:.2f} (first ensemble), {t_dask2 / t_local:.2f} (warm), "
        f"{(t_start + t_dask) / t_local:.2f} (with cluster start); same quantiles: {same}"
    )


def big_child(runs: int, workers: int) -> None:
    """In a fresh process: run the big ensemble and report the client's peak memory."""
    s = spec(runs)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ex = LocalExecutor(processes=workers)
    try:
        e, dt = timed("big", lambda: run_ensemble(s, executor=ex))
    finally:
        ex.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "runs": runs,
                "seconds": dt,
                "peak_mib": peak / 1024,
                "baseline_mib": base / 1024,
                "stats": e.stats,
            }
        )
    )


def big(runs: int, workers: int) -> None:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(runs), "--workers", str(workers)],
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(done.stdout.strip().splitlines()[-1])
    st = r["stats"]
    print(
        f"client peak memory, {runs} runs (local, {workers} processes): "
        f"{r['peak_mib']:.0f} MiB (after imports {r['baseline_mib']:.0f} MiB); "
        f"{r['seconds']:.0f} s wall, worker CPU {st['worker_cpu_seconds']:.0f} s, "
        f"client CPU {st['client_cpu_seconds']:.0f} s, "
        f"{st['bytes_received'] / 2**20:.0f} MiB received, "
        f"histogram pairs held at most {st['histogram_pairs_peak']:,}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--big", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--only-big", action="store_true")
    ap.add_argument("--child", type=int, default=0)
    a = ap.parse_args()
    if a.child:
        big_child(a.child, a.workers)
        return
    load_avg = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load_avg[0]:.1f} at start")
    if not a.only_big:
        local_vs_dask(a.runs, a.workers)
    if not a.skip_big:
        big(a.big, a.workers)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
