"""How the border engine's cost grows with the number of people (tacna-arica-2025, 365 days).

Scales the built-in scenario's initial population and inflows so that about N people take part
over the year, runs it (after one warm-up run that compiles the kernel) and prints people-days
per second per size and the ratio of the largest size's time to the smallest's.

    .venv/bin/python benchmarks/scale.py [--sizes 1e4,1e5,1e6,1e7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from hito.engine.compile import compile_scenario
from hito.engine.run import simulate
from hito.scenario.load import load

DAYS = 365


def scaled(c, people: float):
    """The compiled scenario with population and inflows multiplied to reach about `people`."""
    base = c.init_free.sum() + c.init_stranded.sum() + c.inflow.sum()
    f = people / base
    return dataclasses.replace(
        c,
        inflow=c.inflow * f,
        init_free=np.round(c.init_free * f).astype(np.int64),
        init_stranded=np.round(c.init_stranded * f).astype(np.int64),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e5,1e6,1e7")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    t0 = time.perf_counter()
    c = compile_scenario(load("tacna-arica-2025"), days=DAYS)
    compile_s = time.perf_counter() - t0
    simulate(c, 0)  # warm-up: compiles the numba kernel (or loads it from cache)
    print(
        f"tacna-arica-2025, {DAYS} days, {len(c.place_ids)} places, {len(c.group_ids)} groups, "
        f"{len(c.route_ids)} routes; scenario compile {compile_s:.3f} s"
    )
    print(f"{'people':>12} {'arrived':>12} {'seconds':>9} {'people-days/s':>15} {'balance':>8}")
    times = {}
    for n in sizes:
        cs = scaled(c, n)
        best = float("inf")
        for rep in range(args.repeat):
            t = time.perf_counter()
            r = simulate(cs, rep + 1)
            best = min(best, time.perf_counter() - t)
        people = int(r.initial + r.arrivals[-1])
        times[n] = best
        print(
            f"{n:>12.0e} {people:>12,d} {best:>9.4f} {people * DAYS / best:>15.3e} "
            f"{r.conservation_error():>8d}"
        )
    lo, hi = min(sizes), max(sizes)
    print(
        f"time ratio {hi:.0e} / {lo:.0e} people: {times[hi] / times[lo]:.2f} "
        f"(people ratio {hi / lo:.0f})"
    )
    print(
        f"goal: {hi:.0e} people for {DAYS} days under 10 s -> "
        f"{'met' if times[hi] < 10 else 'NOT met'} ({times[hi]:.3f} s)"
    )


if __name__ == "__main__":
    main()
