"""`hito run`, `hito scenarios`, `hito validate` and `hito schema`."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from hito.engine.compile import compile_scenario
from hito.engine.outputs import daily_table, run_seed, summary
from hito.engine.run import simulate
from hito.errors import InputError
from hito.report.run_report import render
from hito.scenario.load import builtin_descriptions, json_schema, load

console = Console(highlight=False)

DEFAULT_SCENARIO = "tacna-arica-2025"


def progress() -> Progress:
    """The progress bar used by long commands: count, rate, time left."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary name so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(
    scenario: Annotated[
        str, typer.Argument(help="a built-in scenario name or a path to a scenario file")
    ] = DEFAULT_SCENARIO,
    days: Annotated[
        int | None, typer.Option(help="days to simulate (default: the horizon)")
    ] = None,
    runs: Annotated[int, typer.Option(help="number of runs")] = 20,
    seed: Annotated[int, typer.Option(help="seed of the first generator")] = 0,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out"),
) -> None:
    """Forecast a scenario: daily.parquet, summary.json and report.html in OUT."""
    if runs < 1:
        raise InputError(f"--runs: got {runs}, expected a whole number of at least 1")
    if days is not None and not 1 <= days <= 3650:
        raise InputError(f"--days: got {days}, expected between 1 and 3650")
    if seed < 0:
        raise InputError(f"--seed: got {seed}, expected a non-negative whole number")
    s = load(scenario)
    c = compile_scenario(s, days=days)
    results = []
    with progress() as bar:
        task = bar.add_task(f"{s.name}: runs", total=runs, rate="")
        for i in range(runs):
            results.append(simulate(c, run_seed(seed, i)))
            done = bar.tasks[task]
            rate = f"{(i + 1) / done.elapsed:.1f} runs/s" if done.elapsed else ""
            bar.update(task, advance=1, rate=rate)
    table = daily_table(c, results)
    facts = summary(c, results, scenario=scenario, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        table.write_parquet(Path(tmp) / "daily.parquet", statistics=False)
        write_atomic(out / "daily.parquet", (Path(tmp) / "daily.parquet").read_bytes())
    write_atomic(out / "summary.json", json.dumps(facts, indent=2).encode())
    write_atomic(out / "report.html", render(s, c, results, facts).encode())
    pk = facts["stranded_peak"]
    console.print(
        f"{s.name}: peak stranded P50 {pk['p50']:.0f} (P10–P90 {pk['p10']:.0f}–{pk['p90']:.0f}), "
        f"conservation error {facts['conservation_error']}"
    )
    console.print(f"report: {(out / 'report.html').resolve()}")


def scenarios() -> None:
    """List the built-in scenarios."""
    table = Table("name", "description")
    for name, text in builtin_descriptions().items():
        table.add_row(name, text)
    console.print(table)


def validate(
    file: Annotated[str, typer.Argument(help="a scenario file or a built-in name")],
) -> None:
    """Check a scenario file; print every problem with file, line and field."""
    s = load(file)
    console.print(
        f"{file}: valid ({len(s.places)} places, {len(s.routes)} routes, "
        f"{len(s.groups)} groups, {len(s.policies)} policies)"
    )


def schema(
    out: Annotated[Path | None, typer.Option(help="write to this file instead of stdout")] = None,
) -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    text = json_schema()
    if out is None:
        typer.echo(text)
    else:
        write_atomic(out, text.encode())
        console.print(f"schema written to {out}")
