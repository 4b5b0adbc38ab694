"""Side by side: Flee 3.1 and hito's two Flee rulesets (agents, cohorts) on Flee cases.

Usage:
    python benchmarks/vs_flee.py --all [--cases DIR] [--runs 5] [--flee-runs 1] [--hasten 10]
    python benchmarks/vs_flee.py CASE_DIR [CASE_DIR ...] [same options]
        [--save FILE.json] [--load FILE.json] [--only hito]

Installs nothing by itself: Flee 3.1 comes with the optional extra ``hito[bench]``.
Flee is driven through its Python API the way its ``runscripts/run.py`` drives it (period,
geography, UNHCR data with registration corrections, day-0 camp population, conflict
zones, spawning, closures, evolve), one seeded run at a time, in this process, with the
agent log off (``log_levels.agent: 0``; mali2022_2024's own settings turn it on, and Flee
then writes ~0.5 GB, which is not simulation).

For each case, in the same process one after the other: ``--flee-runs`` runs of Flee 3.1,
then ``--runs`` runs of each hito ruleset (run i seeded ``run_seed(1, i)``), all at
``--hasten``. Printed per case: ARD (Flee's post-processing definition), the CPU seconds
of one run (``time.process_time``; the machine is shared, so CPU time rather than wall
time), and the ratio Flee CPU / hito CPU, both per run (case read and compiled once, as an
ensemble does) and for a whole run (reading and compiling the case included). The ARD
target: hito cohorts within +0.02 of Flee 3.1's figure in ``baseline.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

from hito.flee.validation import ard


def _period(case: Path) -> tuple[str, int]:
    from flee.datamanager import read_period

    for name in ("sim_period.csv", "conflict_period.csv"):
        p = case / "input_csv" / name
        if p.exists():
            return read_period.read_conflict_period(str(p))
    raise SystemExit(f"{case}: no sim_period.csv or conflict_period.csv in input_csv/")


def run_flee(case: Path, seed: int, hasten: int, days: int | None = None) -> dict:
    """One Flee 3.1 run of a case; returns camp counts, data, raw totals and wall time."""
    t0, c0 = time.perf_counter(), time.process_time()
    from flee.datamanager import handle_refugee_data
    from flee.SimulationSettings import SimulationSettings

    from flee import InputGeography, flee, spawning

    random.seed(seed)
    np.random.seed(seed)
    sink = io.StringIO()
    with contextlib.redirect_stderr(sink), contextlib.redirect_stdout(sink):
        start_date, length = _period(case)
        end = days or length
        SimulationSettings.ReadFromYML(str(case / "simsetting.yml"))
        SimulationSettings.optimisations["PopulationScaleDownFactor"] = int(hasten)
        SimulationSettings.log_levels["agent"] = 0
        inp = case / "input_csv"
        SimulationSettings.ConflictInputFile = str(inp / "conflicts.csv")
        # spawning keeps its refugee debt in module globals: reset them between runs.
        spawning.__dict__["__refugees_raw"] = 0
        spawning.__dict__["__refugee_debt"] = 0
        e = flee.Ecosystem()
        ig = InputGeography.InputGeography()
        ig.ReadConflictInputCSV(str(inp / "conflicts.csv"))
        ig.ReadLocationsFromCSV(str(inp / "locations.csv"))
        ig.ReadLinksFromCSV(str(inp / "routes.csv"))
        ig.ReadClosuresFromCSV(str(inp / "closures.csv"))
        e, lm = ig.StoreInputGeographyInEcosystem(e)
        d = handle_refugee_data.RefugeeTable(
            csvformat="generic",
            data_directory=str(case / "source_data"),
            start_date=start_date,
            data_layout="data_layout.csv",
            population_scaledown_factor=int(hasten),
        )
        d.ReadL1Corrections(str(inp / "registration_corrections.csv"))
        camps = e.get_camp_names()
        for name in camps:
            spawning.add_initial_refugees(e, d, lm[name])
        sim = np.zeros((end, len(camps)))
        data = np.zeros((end, len(camps)))
        raw = np.zeros(end)
        for t in range(end):
            ig.AddNewConflictZones(e, t)
            _, refugees_raw, _ = spawning.spawn_daily_displaced(e, t, d)
            spawning.refresh_spawn_weights(e)
            e.enact_border_closures(t)
            e.evolve()
            for j, name in enumerate(camps):
                sim[t, j] = lm[name].numAgents
                data[t, j] = d.get_field(name, t)
            raw[t] = refugees_raw
        people = e.numAgents()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "sim": sim,
        "data": data,
        "raw": raw,
        "wall": wall,
        "cpu": cpu,
        "camps": camps,
        "people": people,
    }


def run_hito(case: Path, ruleset: str, runs: int, hasten: int) -> dict:
    """``runs`` seeded runs of one hito ruleset: ARD and CPU per run, and one whole run."""
    from hito.engine.seeds import run_seed
    from hito.flee.case import read_case
    from hito.flee.compile import compile_flee
    from hito.flee.run import simulate

    fc = read_case(case)
    simulate(compile_flee(fc, hasten=hasten, days=3), 0, ruleset=ruleset)  # numba loaded
    c0 = time.process_time()
    c = compile_flee(read_case(case), hasten=hasten)  # a whole run: read, compile, run
    r = simulate(c, run_seed(1, 0), ruleset=ruleset)
    whole = time.process_time() - c0
    ards, rescaled, cpus = [ard(r.sim, r.data, r.raw_total).ard], [], []
    rescaled.append(ard(r.sim, r.data, r.raw_total).ard_rescaled)
    for i in range(1, runs):
        gc.collect()
        c1 = time.process_time()
        r = simulate(c, run_seed(1, i), ruleset=ruleset)
        cpus.append(time.process_time() - c1)
        a = ard(r.sim, r.data, r.raw_total)
        ards.append(a.ard)
        rescaled.append(a.ard_rescaled)
        assert r.conservation_error() == 0
    return {
        "ards": ards,
        "ards_rescaled": rescaled,
        "cpus": cpus,
        "whole_cpu": whole,
        "people": r.people,
        "days": c.days,
    }


def _mean(xs: list[float]) -> float:
    return float(np.mean(xs)) if xs else float("nan")


def measure_case(case: Path, a: argparse.Namespace, log, prior: dict | None) -> dict:
    out: dict = dict(prior or {})
    if a.only != "hito" and "flee" not in out:
        fl = {"ards": [], "ards_rescaled": [], "cpus": [], "walls": []}
        for k in range(a.flee_runs):
            r = run_flee(case, 1 + k, a.hasten)
            sc = ard(r["sim"], r["data"], r["raw"])
            fl["ards"].append(sc.ard)
            fl["ards_rescaled"].append(sc.ard_rescaled)
            fl["cpus"].append(r["cpu"])
            fl["walls"].append(r["wall"])
            fl["people"] = r["people"]
            log(
                f"Flee 3.1 {case.name} seed {1 + k}: ARD {sc.ard:.4f}, {r['cpu']:.1f} s CPU, "
                f"{r['wall']:.1f} s wall ({r['people']} people)"
            )
        out["flee"] = fl
    for rs in ("agents", "cohorts"):
        h = run_hito(case, rs, a.runs, a.hasten)
        out[rs] = h
        log(
            f"hito {rs} {case.name}: ARD {_mean(h['ards']):.4f}, {_mean(h['cpus']):.3f} s CPU "
            f"per run, whole run {h['whole_cpu']:.3f} s CPU ({h['people']} people)"
        )
    return out


def _ref_ard(name: str, r: dict, baseline: dict) -> float:
    """Flee 3.1's ARD to compare with: baseline.json's, else this run's Flee runs', else nan."""
    base = baseline.get(name, {}).get("ard")
    if base is not None:
        return float(base)
    return _mean(r["flee"]["ards"]) if r.get("flee") else float("nan")


def table(results: dict, baseline: dict, hasten: int) -> str:
    rows = [
        "| case | days | people | Flee 3.1 ARD (baseline.json) | Flee 3.1 CPU s | "
        "agents ARD | agents CPU s/run | agents ratio | cohorts ARD | cohorts CPU s/run | "
        "cohorts ratio per run | cohorts whole-run CPU s | cohorts ratio whole run | "
        "cohorts − Flee ARD (baseline.json, else this run's) |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    diffs = {}
    for name, r in results.items():
        fl, ag, co = r.get("flee"), r["agents"], r["cohorts"]
        base = baseline.get(name, {}).get("ard")
        fcpu = _mean(fl["cpus"]) if fl else float("nan")
        fard = f"{_mean(fl['ards']):.4f}" if fl else "–"
        fard += f" ({base:.4f})" if base is not None else ""
        diff = diffs[name] = _mean(co["ards"]) - _ref_ard(name, r, baseline)
        rows.append(
            f"| {name} | {co['days']} | {co['people']} | {fard} | {fcpu:.2f} | "
            f"{_mean(ag['ards']):.4f} | {_mean(ag['cpus']):.3f} | "
            f"{fcpu / _mean(ag['cpus']):.0f}x | "
            f"{_mean(co['ards']):.4f} | {_mean(co['cpus']):.3f} | "
            f"{fcpu / _mean(co['cpus']):.0f}x | {co['whole_cpu']:.3f} | "
            f"{fcpu / co['whole_cpu']:.0f}x | {diff:+.4f} |"
        )
    ratios = {
        n: _mean(r["flee"]["cpus"]) / _mean(r["cohorts"]["cpus"])
        for n, r in results.items()
        if r.get("flee")
    }
    missed = {n: x for n, x in ratios.items() if x < 1000}
    met = {n: x for n, x in ratios.items() if x >= 1000}
    if not ratios:
        speed = "not measured: no Flee 3.1 run"
    elif not missed:
        speed = f"met: per-run ratios {', '.join(f'{x:.0f}x' for x in ratios.values())}"
    else:
        speed = "missed on " + ", ".join(f"{n} {x:.0f}x" for n, x in missed.items())
        if met:
            speed += "; met on " + ", ".join(f"{n} {x:.0f}x" for n, x in met.items())
    rows += [
        "",
        f"All at hasten {hasten}. Targets: cohorts ≥ 1000x Flee 3.1's CPU time per run "
        f"({speed}); cohorts ARD ≤ Flee's + 0.02 ("
        + ("met" if all(d <= 0.02 for d in diffs.values()) else "missed")
        + ").",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("cases", type=Path, nargs="*")
    p.add_argument("--all", action="store_true", help="every case folder under --cases")
    p.add_argument(
        "--cases-dir",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "data" / "flee-cases",
    )
    p.add_argument("--runs", type=int, default=5, help="runs of each hito ruleset")
    p.add_argument("--flee-runs", type=int, default=1)
    p.add_argument("--hasten", type=int, default=10)
    p.add_argument("--only", choices=["hito"])
    p.add_argument("--save", type=Path, help="write every figure here as JSON (after each case)")
    p.add_argument("--load", type=Path, help="reuse the Flee runs of an earlier --save")
    a = p.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    cases = (
        sorted(d for d in a.cases_dir.iterdir() if (d / "input_csv").is_dir()) if a.all else a.cases
    )
    if not cases:
        log("no case given: name case folders or use --all")
        return 2
    if a.only != "hito":
        try:
            import flee  # noqa: F401
        except ImportError:
            log("flee is not installed: pip install 'hito[bench]' (flee==3.1, mpich, mpi4py)")
            return 2
    bfile = a.cases_dir / "baseline.json"
    baseline = json.loads(bfile.read_text()) if bfile.exists() else {}
    earlier = json.loads(a.load.read_text()) if a.load else {}
    results: dict = {}
    for case in cases:
        prior = None
        if a.load and case.name in earlier.get("cases", {}):
            prior = {"flee": earlier["cases"][case.name]["flee"]}
        results[case.name] = measure_case(case, a, log, prior)
        if a.save:
            a.save.write_text(
                json.dumps(
                    {
                        "cases": results,
                        "hasten": a.hasten,
                        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                    },
                    indent=1,
                )
            )
    print(table(results, baseline, a.hasten))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
