"""`hito sweep`: a grid of policy options, each an ensemble, compared in one table and page."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from hito import i18n, names
from hito.cli.options import (
    ExecutorOpt,
    SchedulerOpt,
    WorkersOpt,
    executor_of,
    language_option,
    out_folder,
    runs_within,
)
from hito.cli.outfiles import output_set
from hito.cli.run import (
    DEFAULT_SCENARIO,
    advancer,
    check_ensemble_options,
    progress,
)
from hito.cli.terminal import plain_console
from hito.ensemble.syntax import EVENT_SYNTAX, VARY_SYNTAX
from hito.errors import Problem

console = plain_console()


def sweep(
    scenario: Annotated[
        str, typer.Argument(help="a built-in scenario name or a path to a scenario file")
    ] = DEFAULT_SCENARIO,
    vary: Annotated[
        list[str] | None, typer.Option(help=f"an axis of the grid: {VARY_SYNTAX} (repeatable)")
    ] = None,
    runs: Annotated[int, typer.Option(help="runs per option")] = 100,
    days: Annotated[
        int | None, typer.Option(help="days to simulate (default: the horizon)")
    ] = None,
    seed: Annotated[int, typer.Option(help="seed shared by every option")] = 0,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("sweep"),
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    event: Annotated[
        list[str] | None, typer.Option(help=f"an event to give the probability of: {EVENT_SYNTAX}")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            help="language of the console lines and sweep.html: es or en"
            " (default: HITO_LANG, else the locale: English for en_*, else Spanish)"
        ),
    ] = None,
) -> None:
    """Compare policy options: sweep.parquet, sweep.csv, sweep.json and sweep.html in OUT."""
    from hito.ensemble.spec import parse_event
    from hito.ensemble.sweep import options, run_sweep
    from hito.ensemble.vary import parse_vary
    from hito.report.sweep_report import render
    from hito.scenario.load import load

    lang = language_option(lang)
    gettext = i18n.translations(lang).gettext
    check_ensemble_options(runs=runs, seed=seed, days=days)
    s = load(scenario)
    varies = [parse_vary(v) for v in vary or ()]
    # the grid's size before its options are built (2,000 of them take 15 s to validate)
    n = math.prod(len(v.values) for v in varies)
    runs_within(runs * n, Problem("--vary: %(n)s options x --runs", n=n))
    _, grid = options(s, varies)  # every bad path or value fails here, before any run
    events = [parse_event(e, s, where="--event") for e in event or ()]
    out_folder(out)
    ex = executor_of(executor, scheduler, workers)
    try:
        with progress(lang) as bar:
            label = i18n.translations(lang).ngettext(
                "%(name)s: %(n)s option", "%(name)s: %(n)s options", len(grid)
            ) % {"name": s.name, "n": len(grid)}
            task = bar.add_task(label, total=runs * len(grid), rate="")

            advance = advancer(bar, task, lang)

            result = run_sweep(
                s,
                varies,
                runs=runs,
                seed=seed,
                days=days,
                events=events,
                executor=ex,
                progress=advance,
            )
    finally:
        ex.close()
    table = result.table()
    summaries = {
        opt.label: ens.summary() for opt, ens in zip(result.options, result.ensembles, strict=True)
    }
    with output_set(out) as files:
        files.write_parquet("sweep.parquet", [table], table.to_arrow().schema)
        files.write_bytes("sweep.csv", table.write_csv().encode())
        files.write_bytes("sweep.json", json.dumps(summaries, indent=2, default=str).encode())
        files.write_bytes("sweep.html", render(result, lang).encode())
    named = names.figures(gettext)
    for row in table.iter_rows(named=True):
        pd = [i18n.number(row[f"stranded_person_days_{k}"], lang) for k in ("p50", "p10", "p90")]
        peak = i18n.number(row["stranded_peak_p50"], lang)
        console.print(
            f"{row['option']} — {named['stranded_person_days']}: P50 {pd[0]} (P10–P90 "
            f"{pd[1]}–{pd[2]}); {named['stranded_peak']}: P50 {peak}",
            highlight=False,
        )
    console.print(gettext("comparison: %(path)s") % {"path": (out / "sweep.html").resolve()})
