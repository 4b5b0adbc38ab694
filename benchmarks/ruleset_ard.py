"""The two Flee rulesets side by side over many seeds: can their ARD be told apart?

Usage:
    python benchmarks/ruleset_ard.py [CASE_DIR ...] [--all] [--seeds 30] [--hasten 10]
        [--executor local|serial] [--workers 2]

Issue 15 keeps the per-agent ruleset as the reference and asks the cohort ruleset to give
the same ARD distribution. For each case (default: the shared cases with
``avoid_short_stints``, where the cohorts approximate most; ``--all``: all six), both
rulesets run ``--seeds`` times (run i from ``run_seed(1, i)``, through ``hito.run_flee``),
and the script prints each ruleset's mean and sd, the two-sample Kolmogorov–Smirnov and
Mann–Whitney p-values, and each mean against Flee 3.1's ARD in ``baseline.json``
(target: within +0.02). It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
from scipy import stats

import hito

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "flee-cases"
AVOID_SHORT = ("burundi2015", "mali2012", "ssudan2014")


def compare(case_dir: Path, seeds: int, hasten: int, executor: str, workers: int) -> dict:
    """Both rulesets' ARD over the seeds and the two-sample tests."""
    case = hito.read_flee_case(case_dir)
    out: dict = {"case": case_dir.name}
    for ruleset in ("agents", "cohorts"):
        runs = hito.run_flee(
            case,
            runs=seeds,
            seed=1,
            ruleset=ruleset,
            hasten=hasten,
            executor=executor,
            workers=workers,
        )
        out[ruleset] = runs.ard_per_run
    a, c = np.array(out["agents"]), np.array(out["cohorts"])
    out["ks_p"] = float(stats.ks_2samp(a, c).pvalue)
    out["mw_p"] = float(stats.mannwhitneyu(a, c).pvalue)
    return out


def main() -> None:
    """Parse the arguments, compare the rulesets case by case, print a table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("cases", nargs="*", type=Path)
    p.add_argument("--all", action="store_true", help="all the shared cases")
    p.add_argument("--seeds", type=int, default=30)
    p.add_argument("--hasten", type=int, default=10)
    p.add_argument("--executor", default="local", choices=("local", "serial"))
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    names = sorted(d.name for d in SHARED.iterdir() if d.is_dir()) if a.all else AVOID_SHORT
    cases = a.cases or [SHARED / n for n in names]
    baseline = json.loads((SHARED / "baseline.json").read_text()) if SHARED.is_dir() else {}
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(
        f"{a.seeds} seeds per ruleset (run i from run_seed(1, i)), hasten {a.hasten}, "
        f"executor {a.executor}\n"
    )
    print(
        "| case | agents ARD (sd) | cohorts ARD (sd) | KS p | Mann–Whitney p | "
        "agents − baseline | cohorts − baseline |"
    )
    print("|---|---|---|---:|---:|---:|---:|")
    for case in cases:
        r = compare(case, a.seeds, a.hasten, a.executor, a.workers)
        base = baseline.get(case.name, {}).get("ard")
        ag, co = np.array(r["agents"]), np.array(r["cohorts"])

        def diff(x: np.ndarray, base: float | None = base) -> str:
            return "—" if base is None else f"{x.mean() - base:+.4f}"

        print(
            f"| {case.name} | {ag.mean():.4f} ({ag.std(ddof=1):.4f}) | "
            f"{co.mean():.4f} ({co.std(ddof=1):.4f}) | {r['ks_p']:.2g} | {r['mw_p']:.2g} | "
            f"{diff(ag)} | {diff(co)} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
