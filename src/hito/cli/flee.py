"""`hito flee check`, `hito flee run` and `hito flee import`: Flee cases on hito's engine."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hito.cli.options import (
    ConsoleLangOpt,
    ExecutorOpt,
    SchedulerOpt,
    WorkersOpt,
    command_language,
    executor_options,
    language_option,
    out_file,
    out_folder,
    runs_within,
)
from hito.cli.terminal import plain_console
from hito.errors import InputError, Problem

if TYPE_CHECKING:
    from hito.flee.model import FleeCase


app = typer.Typer(
    no_args_is_help=True, help="Flee cases: check, run (Flee-compatible rulesets), import."
)
console = plain_console(stderr=True)

SortDates = Annotated[
    bool,
    typer.Option(
        "--sort-dates", help="sort each UNHCR series by date (Flee 3.1 reads rows in file order)"
    ),
]
Strict = Annotated[bool, typer.Option("--strict", help="treat every warning as an error (exit 2)")]


def _load(source: Path, *, sort_dates: bool, strict: bool) -> FleeCase:
    """A Flee case directory or a scenario file written by `hito flee import`; its warnings said."""
    from hito.flee.case import open_case

    case = open_case(source, sort_dates=sort_dates, strict=strict)
    for w in case.warnings:
        console.print(w.say(command_language()))
    return case


@app.command("check")
def check(
    case_dir: Annotated[Path, typer.Argument(help="a Flee case: input_csv/, source_data/")],
    sort_dates: SortDates = False,
    strict: Strict = False,
    lang: ConsoleLangOpt = None,
) -> None:
    """Read a Flee case without running it; list every warning (file:line: what hito did)."""
    from hito import i18n
    from hito.flee.case import read_case

    lang = language_option(lang)
    case = read_case(case_dir, sort_dates=sort_dates)
    if strict and case.warnings:  # said as errors, as `hito flee run --strict` says them
        raise InputError([Problem("%(where)s: %(msg)s", **w.values) for w in case.warnings])
    for w in case.warnings:
        console.print(w.say(command_language()))
    said = i18n.translations(lang).ngettext(
        "%(case)s: %(size)s, %(rows)s data_layout rows, %(warnings)s warning",
        "%(case)s: %(size)s, %(rows)s data_layout rows, %(warnings)s warnings",
        len(case.warnings),
    )
    console.print(
        said
        % {
            "case": case.scenario.name,
            "size": _size(case),
            "rows": len(case.flee.layout),
            "warnings": len(case.warnings),
        }
    )


@app.command("run")
def run(
    source: Annotated[
        Path,
        typer.Argument(
            help="a Flee case directory, or a scenario file written by `hito flee import`"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="directory for validation.json, out.csv")],
    runs: Annotated[int, typer.Option(help="number of runs")] = 1,
    seed: Annotated[int, typer.Option(min=0, help="seed of the ensemble (run i: stream i)")] = 0,
    hasten: Annotated[int | None, typer.Option(min=1, help="population divisor")] = None,
    days: Annotated[int | None, typer.Option(min=1, help="stop after this many days")] = None,
    ruleset: Annotated[
        str, typer.Option(help="agents (one record per person, the reference) or cohorts (counts)")
    ] = "agents",
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    all_settings: Annotated[
        bool, typer.Option("--all-settings", help="also honour settings Flee 3.1 does not read")
    ] = False,
    sort_dates: SortDates = False,
    strict: Strict = False,
    lang: ConsoleLangOpt = None,
) -> None:
    """Run a Flee case; write validation.json (ARD per run) and out.csv in Flee's layout."""
    import numpy as np
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from hito.flee.compile import compile_flee
    from hito.flee.ensemble import compile_kernels, kernels_cached, run_flee_ensemble
    from hito.flee.outcsv import write_out_csv
    from hito.flee.rulesets import check_ruleset
    from hito.flee.validation import ard

    lang = language_option(lang)
    check_ruleset(ruleset, "--ruleset")
    runs_within(runs)
    executor_options(executor, scheduler, workers)
    t0 = time.perf_counter()
    case = _load(source, sort_dates=sort_dates, strict=strict)
    c = compile_flee(case, hasten=hasten, days=days, flee31=not all_settings)
    out_folder(out)
    if scheduler is None and not kernels_cached(ruleset):  # workers on this machine
        _ = _gettext()
        console.print(
            _(
                "Compiling the %(ruleset)s ruleset's kernels: once after an install or an update "
                "(cohorts: a few minutes); the runs start after"
            )
            % {"ruleset": ruleset}
        )
        compile_kernels(case, ruleset, hasten=hasten, flee31=not all_settings)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(f"{case.scenario.name} ({ruleset})", total=runs)
        results = run_flee_ensemble(
            c,
            runs=runs,
            seed=seed,
            ruleset=ruleset,
            executor=executor,
            scheduler=scheduler,
            workers=workers,
            progress=lambda k: bar.advance(task, k),
        )
    out.mkdir(parents=True, exist_ok=True)
    for run_no, res, _cpu in results:
        res.start = case.scenario.start
        target = out / "out.csv" if run_no == 0 else out / "runs" / f"run_{run_no}" / "out.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_out_csv(target, res, c)
    scores = [ard(r.sim, r.data, r.raw_total) for _, r, _ in results]
    mean_ard = float(np.mean([s.ard for s in scores]))
    mean_rescaled = float(np.mean([s.ard_rescaled for s in scores]))
    people = int(results[0][1].people)
    wall = round(time.perf_counter() - t0, 3)
    doc = {
        "case": case.scenario.name,
        "ruleset": ruleset,
        "ard": mean_ard,
        "ard_rescaled": mean_rescaled,
        "ard_sd": float(np.std([s.ard for s in scores])),
        "ard_rescaled_sd": float(np.std([s.ard_rescaled for s in scores])),
        "ard_per_run": [s.ard for s in scores],
        "ard_rescaled_per_run": [s.ard_rescaled for s in scores],
        "camps": {
            nm: {
                "mean_abs_error": float(np.mean([s.camp_mean_abs_error[j] for s in scores])),
                "mean_rel_error": float(np.mean([s.camp_mean_rel_error[j] for s in scores])),
            }
            for j, nm in enumerate(c.camp_names)
        },
        "days": c.days,
        "people": people,
        "runs": runs,
        "seed": seed,
        "seed_streams": "run i uses SeedSequence(seed, spawn_key=(i,))",
        "executor": executor,
        "hasten": c.hasten,
        "ignored_settings": c.ignored,
        "warnings": [w.say("en") for w in case.warnings],  # the file's words: English
        "cpu_seconds_per_run": float(np.mean([cpu for _, _, cpu in results])),
        "wall_seconds": wall,
    }
    (out / "validation.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    from hito import i18n

    t = i18n.translations(lang)
    console.print(
        t.gettext(
            "%(case)s: ARD %(ard)s (rescaled %(rescaled)s) over %(runs)s with the %(ruleset)s "
            "ruleset, %(people)s, %(days)s, %(seconds)s s -> %(out)s"
        )
        % {
            "case": case.scenario.name,
            "ard": i18n.number(mean_ard, lang, 4),
            "rescaled": i18n.number(mean_rescaled, lang, 4),
            "runs": t.ngettext("%(n)s run", "%(n)s runs", runs) % {"n": i18n.number(runs, lang)},
            "ruleset": f"'{ruleset}'",
            "people": t.ngettext("%(n)s person", "%(n)s people", people)
            % {"n": i18n.number(people, lang)},
            "days": t.ngettext("%(n)s day", "%(n)s days", c.days)
            % {"n": i18n.number(c.days, lang)},
            "seconds": i18n.number(wall, lang, 2),
            "out": out,
        }
    )


@app.command("import")
def import_(
    case_dir: Annotated[Path, typer.Argument(help="a Flee case: input_csv/, source_data/")],
    out: Annotated[Path, typer.Option("--out", help="scenario YAML file to write")],
    sort_dates: SortDates = False,
    strict: Strict = False,
    lang: ConsoleLangOpt = None,
) -> None:
    """Convert a Flee case into a scenario file that `hito flee run` runs the same way."""
    from hito.cli.outfiles import write_atomic
    from hito.flee.model import dump_yaml

    language_option(lang)
    if out.suffix not in (".yaml", ".yml"):
        raise InputError(Problem("--out %(out)s: expected a .yaml or .yml file name", out=out))
    case = _load(case_dir, sort_dates=sort_dates, strict=strict)
    write_atomic(out_file(out), dump_yaml(case).encode("utf-8"))
    _ = _gettext()
    console.print(
        _("%(case)s: %(size)s -> %(out)s")
        % {"case": case.scenario.name, "size": _size(case), "out": out}
    )


def _gettext() -> Callable[[str], str]:
    """The command's language (its --lang, else HITO_LANG, else the locale) for its lines."""
    from hito import i18n

    return i18n.translations(command_language()).gettext


def _size(case: FleeCase) -> str:
    """'12 places, 20 routes, 300 days' in the command's language."""
    s = case.scenario
    _ = _gettext()
    return _("%(places)s places, %(routes)s routes, %(days)s days") % {
        "places": len(s.places),
        "routes": len(s.routes),
        "days": s.days,
    }
