"""`hito flee run` and `hito flee import`: Flee's validation cases on hito's engine."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hito.errors import InputError

app = typer.Typer(no_args_is_help=True, help="Run Flee cases (Flee-compatible ruleset).")
console = Console(highlight=False, stderr=True)


@app.command("run")
def run(
    case_dir: Annotated[Path, typer.Argument(help="a Flee case: input_csv/, source_data/")],
    out: Annotated[Path, typer.Option("--out", help="directory for validation.json, out.csv")],
    runs: Annotated[int, typer.Option(min=1, help="seeds to run")] = 1,
    seed: Annotated[int, typer.Option(help="first seed")] = 0,
    hasten: Annotated[int | None, typer.Option(min=1, help="population divisor")] = None,
    days: Annotated[int | None, typer.Option(min=1, help="stop after this many days")] = None,
    all_settings: Annotated[bool, typer.Option(
        "--all-settings", help="also honour settings Flee 3.1 does not read")] = False,
) -> None:
    """Run a Flee case; write validation.json (ARD) and out.csv in Flee's layout."""
    import numpy as np
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from hito.flee.compile import compile_flee
    from hito.flee.outcsv import write_out_csv
    from hito.flee.run import simulate
    from hito.flee.validation import ard
    from hito.interop.flee import read_case

    t0 = time.perf_counter()
    scenario = read_case(case_dir)
    c = compile_flee(scenario, hasten=hasten, days=days, flee31=not all_settings)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(f"{scenario.name}", total=runs * c.days)
        for k in range(runs):
            res = simulate(c, seed + k, progress=lambda _t: bar.advance(task))
            res.start = scenario.start
            results.append(res)
            target = out / "out.csv" if k == 0 else out / "runs" / f"seed_{seed + k}" / "out.csv"
            target.parent.mkdir(parents=True, exist_ok=True)
            write_out_csv(target, res, c)
    scores = [ard(r.sim, r.data, r.raw_total) for r in results]
    doc = {
        "case": scenario.name,
        "ard": float(np.mean([s.ard for s in scores])),
        "ard_rescaled": float(np.mean([s.ard_rescaled for s in scores])),
        "ard_sd": float(np.std([s.ard for s in scores])),
        "ard_rescaled_sd": float(np.std([s.ard_rescaled for s in scores])),
        "ard_per_run": [s.ard for s in scores],
        "ard_rescaled_per_run": [s.ard_rescaled for s in scores],
        "camps": {
            nm: {"mean_abs_error": float(np.mean([s.camp_mean_abs_error[j] for s in scores])),
                 "mean_rel_error": float(np.mean([s.camp_mean_rel_error[j] for s in scores]))}
            for j, nm in enumerate(c.camp_names)
        },
        "days": c.days,
        "people": int(results[0].people),
        "runs": runs,
        "seeds": [seed + k for k in range(runs)],
        "hasten": c.hasten,
        "ignored_settings": c.ignored,
        "wall_seconds": round(time.perf_counter() - t0, 3),
    }
    (out / "validation.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    console.print(f"{scenario.name}: ARD {doc['ard']:.4f} (rescaled {doc['ard_rescaled']:.4f}) "
                  f"over {runs} run(s), {doc['people']} people, {c.days} days, "
                  f"{doc['wall_seconds']:.2f} s -> {out}")


@app.command("import")
def import_(
    case_dir: Annotated[Path, typer.Argument(help="a Flee case: input_csv/, source_data/")],
    out: Annotated[Path, typer.Option("--out", help="scenario YAML file to write")],
) -> None:
    """Convert a Flee case into a hito scenario file (with its flee section)."""
    import yaml

    from hito.interop.flee import read_case

    scenario = read_case(case_dir)
    if out.suffix not in (".yaml", ".yml"):
        raise InputError(f"--out {out}: expected a .yaml or .yml file name")
    data = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {"schema_version": scenario.schema_version, **data}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    console.print(f"{scenario.name}: {len(scenario.places)} places, {len(scenario.routes)} "
                  f"routes, {scenario.days} days -> {out}")
