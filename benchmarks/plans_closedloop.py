"""Closed-loop cost: runs per second of each built-in plan vs the open-loop engine."""

from __future__ import annotations

import time

from hito.engine.compile import compile_scenario
from hito.engine.run import simulate
from hito.engine.seeds import run_seed
from hito.plans.closedloop import run_plan
from hito.plans.load import builtin_names, load
from hito.scenario.load import load as load_scenario


def rate(fn, n: int) -> float:
    fn(0)  # compile and warm up
    t = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - t)


def main(n: int = 20) -> None:
    s = load_scenario("tacna-arica-2025")
    c = compile_scenario(s)
    print(f"{s.name}, {c.days} days, {n} runs each")
    print(
        f"  open loop (simulate):      {rate(lambda i: simulate(c, run_seed(0, i)), n):7.1f} runs/s"
    )
    for name in builtin_names():
        p = load(name, s)
        r = rate(lambda i, p=p: run_plan(s, c, p, run_seed(0, i)), n)
        print(f"  closed loop {name:<14} {r:7.1f} runs/s")


if __name__ == "__main__":
    main()
