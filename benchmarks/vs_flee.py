"""Side-by-side benchmark: Flee 3.1 and hito's Flee-compatible ruleset on one Flee case.

Usage:
    python benchmarks/vs_flee.py CASE_DIR [--runs N] [--hasten H] [--speed-hasten 1]
                                 [--save FILE.json] [--only flee|hito] [--load FILE.json]

Installs nothing by itself: Flee 3.1 comes with the optional extra ``hito[bench]``.
Flee is driven through its Python API the way its ``runscripts/run.py`` drives it (period,
geography, UNHCR data with registration corrections, day-0 camp population, conflict
zones, spawning, closures, evolve), one seeded run at a time, in this process.

Accuracy: ``--runs`` seeds of each model at ``--hasten`` (Flee's population divisor),
ARD normal and rescaled (mean and standard deviation over runs).
Speed: one whole run of each model at ``--speed-hasten`` (default 1, the full population),
wall time from reading the case to the last day, and the ratio flee / hito.
``--load`` reuses the Flee part of an earlier ``--save`` (the table then says so).
"""

from __future__ import annotations

import argparse
import contextlib
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
    return {"sim": sim, "data": data, "raw": raw, "wall": wall, "cpu": cpu, "camps": camps,
            "people": people}


def run_hito(case: Path, seed: int, hasten: int, days: int | None = None) -> dict:
    """One run of hito's Flee-compatible ruleset, timed from reading the case."""
    t0, c0 = time.perf_counter(), time.process_time()
    from hito.flee.run import run_case

    res = run_case(case, seed=seed, hasten=hasten, days=days)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"sim": res.sim, "data": res.data, "raw": res.raw_total, "wall": wall, "cpu": cpu,
            "camps": res.camps, "people": res.people}


def _score(r: dict) -> tuple[float, float]:
    a = ard(r["sim"], r["data"], r["raw"])
    return a.ard, a.ard_rescaled


def measure(model: str, case: Path, runs: int, hasten: int, speed_hasten: int,
            seed0: int, log, save=None) -> dict:
    fn = run_flee if model == "flee" else run_hito
    if model == "hito":  # compile the numba kernel outside the timed runs
        fn(case, seed0, max(hasten, 1000), days=5)
    out: dict = {"runs": 0, "hasten": hasten, "speed_hasten": speed_hasten, "ards": [],
                 "ards_rescaled": [], "walls": [], "cpus": []}
    for i in range(runs):
        r = fn(case, seed0 + i, hasten)
        a, b = _score(r)
        out["ards"].append(a)
        out["ards_rescaled"].append(b)
        out["walls"].append(r["wall"])
        out["cpus"].append(r["cpu"])
        out["runs"] = i + 1
        _summarise(out)
        if save:
            save(out)
        log(f"{model} {case.name} seed {seed0 + i} hasten {hasten}: ARD {a:.4f} rescaled "
            f"{b:.4f} in {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU ({r['people']} people)")
    if speed_hasten > 0:
        r1 = fn(case, seed0, speed_hasten)
        out.update(speed_wall=r1["wall"], speed_cpu=r1["cpu"], speed_people=r1["people"],
                   speed_ard=_score(r1)[0], speed_ard_rescaled=_score(r1)[1])
        log(f"{model} {case.name} hasten {speed_hasten}: ARD {_score(r1)[0]:.4f} in "
            f"{r1['wall']:.2f} s wall, {r1['cpu']:.2f} s CPU ({r1['people']} people)")
        if save:
            save(out)
    return out


def _summarise(out: dict) -> None:
    s = np.array([out["ards"], out["ards_rescaled"]]).T
    out.update(ard_mean=float(s[:, 0].mean()), ard_sd=float(s[:, 0].std()),
               ard_rescaled_mean=float(s[:, 1].mean()), ard_rescaled_sd=float(s[:, 1].std()),
               wall_mean=float(np.mean(out["walls"])), cpu_mean=float(np.mean(out["cpus"])))


def table(case: str, res: dict, reused: bool) -> str:
    f, h = res.get("flee"), res.get("hito")
    rows = [f"### {case}", "",
            "| model | ARD (mean ± sd) | ARD rescaled (mean ± sd) | runs | hasten | "
            "CPU s/run | whole run at speed hasten: wall s, CPU s (people) |",
            "|---|---|---|---|---|---|---|"]
    for name, r in (("Flee 3.1" + (" (reused)" if reused else ""), f), ("hito", h)):
        if r is None:
            continue
        cpu = f"{r['cpu_mean']:.2f}" if r.get("cpu_mean") is not None else "not recorded"
        acc = (f"{r['ard_mean']:.3f} ± {r['ard_sd']:.3f} | {r['ard_rescaled_mean']:.3f} ± "
               f"{r['ard_rescaled_sd']:.3f} | {r['runs']} | {r['hasten']} | "
               f"{cpu}") if r.get("runs") else "– | – | 0 | – | –"
        spd = (f"{r['speed_wall']:.2f}, {r['speed_cpu']:.2f} ({r['speed_people']})"
               if "speed_wall" in r else "–")
        rows.append(f"| {name} | {acc} | {spd} |")
    if f and h and f.get("runs") and h.get("runs"):
        d1 = h["ard_mean"] - f["ard_mean"]
        d2 = h["ard_rescaled_mean"] - f["ard_rescaled_mean"]
        ok = d1 <= 0.02 and d2 <= 0.02
        rows += ["", f"hito − Flee: ARD {d1:+.3f}, rescaled {d2:+.3f} "
                 f"(target ≤ +0.02: {'met' if ok else 'missed'})."]
    if f and h and f.get("cpu_mean") and h.get("cpu_mean") and f["hasten"] == h["hasten"]:
        rows += [f"CPU time per run at hasten {h['hasten']}: "
                 f"{f['cpu_mean'] / h['cpu_mean']:.0f}x less for hito."]
    if f and h and "speed_wall" in f and "speed_wall" in h:
        rw = f["speed_wall"] / h["speed_wall"]
        rc = f["speed_cpu"] / h["speed_cpu"]
        def verdict(x: float) -> str:
            return "met" if x >= 100 else "missed"

        rows += [f"Speed at hasten {h['speed_hasten']} (target ≥ 100x): {rw:.0f}x by wall time "
                 f"({verdict(rw)}), {rc:.0f}x by CPU time ({verdict(rc)})."]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", type=Path)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--hasten", type=int, default=10)
    p.add_argument("--speed-hasten", type=int, default=1, help="0 skips the speed run")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--only", choices=["flee", "hito"])
    p.add_argument("--save", type=Path)
    p.add_argument("--load", type=Path, nargs="+",
                   help="reuse the Flee results of earlier --save files (merged in order)")
    a = p.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    res: dict = {}
    reused = False

    def saver(model: str):
        def save(out: dict) -> None:
            if a.save:
                res[model] = out
                a.save.write_text(json.dumps(res, indent=1))
        return save

    if a.load:  # several files merge: e.g. an accuracy batch and a separate speed run
        res["flee"] = {}
        for path in a.load:
            res["flee"].update(json.loads(path.read_text())["flee"])
        reused = True
    if a.only != "hito" and not a.load:
        try:
            import flee  # noqa: F401
        except ImportError:
            log("flee is not installed: pip install 'hito[bench]' (flee==3.1, mpich, mpi4py)")
            return 2
        res["flee"] = measure("flee", a.case, a.runs, a.hasten, a.speed_hasten, a.seed, log,
                              saver("flee"))
    if a.only != "flee":
        res["hito"] = measure("hito", a.case, a.runs, a.hasten, a.speed_hasten, a.seed, log,
                              saver("hito"))
    res["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    if a.save:
        a.save.write_text(json.dumps(res, indent=1))
    print(table(a.case.name, res, reused))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
