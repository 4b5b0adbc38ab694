"""Where the two Flee rulesets part: mean count per place and per day over many seeds.

Usage:
    python benchmarks/ruleset_places.py CASE_DIR [--seeds 30] [--hasten 10] [--day D ...]

``benchmarks/ruleset_ard.py`` says whether the cohorts' ARD distribution is told apart from
the per-agent ruleset's; this says where. Both rulesets run ``--seeds`` times (run i from
``run_seed(1, i)``) in this process; it prints, for every camp and every place whose mean
count over the run differs (Mann–Whitney p < 0.01), both means, then the first days on
which a camp's mean count parts by more than 1% of its capacity, and every place's mean
on each ``--day`` asked for. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy import stats

from hito.engine.seeds import run_seed
from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.run import simulate


def main() -> None:
    """Run both rulesets over the seeds and print where their counts part."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", type=Path)
    p.add_argument("--seeds", type=int, default=30)
    p.add_argument("--hasten", type=int, default=10)
    p.add_argument("--day", type=int, action="append", default=[])
    a = p.parse_args()
    c = compile_flee(read_case(a.case), hasten=a.hasten)
    runs = {
        rs: [simulate(c, run_seed(1, i), ruleset=rs) for i in range(a.seeds)]
        for rs in ("agents", "cohorts")
    }
    ards = {rs: np.array([r.ard for r in runs[rs]]) for rs in runs}
    n = {rs: np.array([r.counts for r in runs[rs]]) for rs in runs}  # seed, day, place
    ag, co = n["agents"], n["cohorts"]
    mw = stats.mannwhitneyu(ards["agents"], ards["cohorts"]).pvalue
    print(
        f"{a.case.name}, {a.seeds} seeds, hasten {a.hasten}: ARD agents "
        f"{ards['agents'].mean():.4f}, cohorts {ards['cohorts'].mean():.4f} (MW p {mw:.2g})"
    )
    print("\n| place | capacity | agents | cohorts | cohorts − agents | MW p |")
    print("|---|---:|---:|---:|---:|---:|")
    for x, name in enumerate(c.names):
        ma, mc = ag[:, :, x].mean(1), co[:, :, x].mean(1)
        pv = stats.mannwhitneyu(ma, mc).pvalue if (ma.any() or mc.any()) else 1.0
        if pv < 0.01 or x in c.camps:
            cap = f"{c.capacity[x]:.0f}" if c.capacity[x] >= 1 else ""
            print(
                f"| {name} | {cap} | {ma.mean():.1f} | {mc.mean():.1f} | "
                f"{mc.mean() - ma.mean():+.1f} | {pv:.1g} |"
            )
    print()
    for x in c.camps:
        gap = co[:, :, x].mean(0) - ag[:, :, x].mean(0)
        days = np.flatnonzero(np.abs(gap) > 0.01 * max(c.capacity[x], 100.0))
        if len(days):
            t = int(days[0])
            print(
                f"{c.names[x]}: parts from day {t} "
                f"({ag[:, t, x].mean():.1f} agents, {co[:, t, x].mean():.1f} cohorts)"
            )
    for t in a.day:
        print(f"\nday {t}, places whose mean counts part by more than 3 people:")
        for x, name in enumerate(c.names):
            if abs(ag[:, t, x].mean() - co[:, t, x].mean()) > 3:
                m_a, m_c = ag[:, t, x].mean(), co[:, t, x].mean()
                print(f"  {name}: agents {m_a:.1f}, cohorts {m_c:.1f}")


if __name__ == "__main__":
    main()
