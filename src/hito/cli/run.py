"""`hito run`, `hito scenarios`, `hito validate` and `hito schema`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hito import i18n, names
from hito.cli.options import (
    ConsoleLangOpt,
    ExecutorOpt,
    SchedulerOpt,
    WorkersOpt,
    command_language,
    executor_of,
    language_option,
    out_file,
    out_folder,
    runs_within,
)
from hito.cli.outfiles import OutputSet, output_set, write_atomic
from hito.cli.terminal import plain_console
from hito.domain import MAX_DAYS
from hito.ensemble.syntax import EVENT_SYNTAX
from hito.errors import InputError, Problem, not_one_of
from hito.forecast.files import CALIBRATION_FILES

if TYPE_CHECKING:  # the models, numba, polars and pyarrow load inside the commands
    import pyarrow as pa
    from rich.progress import Progress, TaskID

    from hito.ensemble.result import Ensemble
    from hito.ensemble.spec import EnsembleSpec

console = plain_console()

DEFAULT_SCENARIO = "tacna-arica-2025"
KEEP_RUNS = 100  # runs written in full to daily.parquet; quantiles cover every run


def progress(lang: str | None = None) -> Progress:
    """The progress bar used by long commands: count, rate, time left.

    Before it, on an empty kernel cache (after an install or an update), a line saying the
    simulation kernel compiles first: the bar stays at 0 meanwhile.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Column

    from hito import kernel_cache

    if not kernel_cache.cached("engine/kernel.simulate_kernel"):
        notice = i18n.translations(lang or command_language()).gettext(
            "Compiling the simulation kernel: once after an install or an update (about half a "
            "minute); the runs start after"
        )
        plain_console(stderr=True).print(notice)
    # the counts and times keep their width; a long description (Spanish, a long scenario
    # name) folds onto a second line, never cut short, and the bar narrows (80 columns too)
    return Progress(
        TextColumn(
            "[bold]{task.description}",
            table_column=Column(ratio=2, no_wrap=False, overflow="fold"),
        ),
        BarColumn(bar_width=None, table_column=Column(ratio=1)),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=plain_console(stderr=True),
        transient=False,
        expand=True,
    )


def check_ensemble_options(
    *, runs: int, seed: int, days: int | None, sampling: str | None = None
) -> None:
    """Refuse run counts, seeds, horizons and samplings no ensemble can use (exit 2, naming it)."""
    runs_within(runs)
    if seed < 0:
        raise InputError(
            Problem("--seed: got %(seed)s, expected a non-negative whole number", seed=seed)
        )
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InputError(
            Problem(
                "--days: got %(days)s, expected between 1 and %(most)s", days=days, most=MAX_DAYS
            )
        )
    from hito.ensemble.sampling import METHODS

    if sampling is not None and sampling not in METHODS:
        raise InputError(not_one_of("--sampling", sampling, METHODS))


def run(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="a built-in scenario name or a path to a scenario file (default: "
            "tacna-arica-2025; with --calibration, the one calibrated)",
            show_default=False,
        ),
    ] = None,
    days: Annotated[
        int | None, typer.Option(help="days to simulate (default: the horizon)")
    ] = None,
    runs: Annotated[int, typer.Option(help="number of runs")] = 20,
    seed: Annotated[int, typer.Option(help="seed of the first generator")] = 0,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out"),
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    keep_runs: Annotated[
        int, typer.Option(help="runs written in full to daily.parquet (the first N; 0: none)")
    ] = KEEP_RUNS,
    event: Annotated[
        list[str] | None,
        typer.Option(help=f"an event to give the probability of: {EVENT_SYNTAX}"),
    ] = None,
    sampling: Annotated[
        str, typer.Option(help="how uncertain numbers are drawn: lhs, random or none")
    ] = "lhs",
    calibration: Annotated[
        Path | None,
        typer.Option(help="forecast from a posterior written by `hito calibrate` (a folder)"),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            help="language of the console lines and report.html: es or en"
            " (default: HITO_LANG, else the locale: English for en_*, else Spanish)"
        ),
    ] = None,
) -> None:
    """Forecast a scenario: summary.json, report.html and Parquet tables in OUT.

    daily.parquet holds the first --keep-runs runs in full; quantiles.parquet P5..P95 of every
    day, place, group and state over all runs; runs.parquet one row per run with its draws.
    """
    lang = language_option(lang)
    if calibration is not None:
        from hito.cli.calibrated import only_calibration, run_calibrated

        only_calibration(days=days, runs=runs, seed=seed, event=event, sampling=sampling)
        out_folder(out)
        run_calibrated(calibration, out, executor, scheduler, workers, keep_runs, lang, scenario)
        return
    scenario = scenario or DEFAULT_SCENARIO
    out_folder(out)
    from hito.ensemble.spec import EnsembleSpec, parse_event
    from hito.scenario.load import load

    check_ensemble_options(runs=runs, seed=seed, days=days, sampling=sampling)
    if keep_runs < 0:
        raise InputError(
            Problem("--keep-runs: got %(keep_runs)s, expected 0 or more", keep_runs=keep_runs)
        )
    s = load(scenario)
    spec = EnsembleSpec(
        s,
        days=days,
        seed=seed,
        runs=runs,
        sampling=sampling,  # type: ignore[arg-type]
        events=tuple(parse_event(e, s, where="--event") for e in event or ()),
        keep_runs=min(keep_runs, runs),
    )
    ex = executor_of(executor, scheduler, workers)
    try:
        label = i18n.translations(lang).gettext("%(name)s: runs") % {"name": s.name}
        ens = ensemble_with_progress(spec, ex, label, lang)
    finally:
        ex.close()
    facts = ens.summary()
    facts["scenario"] = scenario
    with output_set(out) as files:
        write_outputs(files, s, ens, facts, lang)
    gettext = i18n.translations(lang).gettext
    console.print(f"{s.name}:")
    for line in summary_lines(facts, lang):
        console.print(f"  {line}", highlight=False)
    for event, p in facts["events"].items():
        console.print(f"P({event}) = {i18n.number(p, lang, 3)}")
    console.print(gettext("report: %(path)s") % {"path": (out / "report.html").resolve()})


def summary_lines(facts: dict[str, Any], lang: str) -> list[str]:
    """A run's figures as its report names them (`hito.names.figures`): P50 and P10–P90 each."""
    named = names.figures(i18n.translations(lang).gettext)
    out = []
    for key in names.RUN_FIGURES:
        q = facts[key] if key in facts else facts["final"][key]
        p10, p50, p90 = (i18n.number(q[k], lang) for k in ("p10", "p50", "p90"))
        out.append(f"{named[key]}: P50 {p50} (P10–P90 {p10}–{p90})")
    error = i18n.number(facts["conservation_error"], lang)
    return [*out, f"{named['conservation_error']}: {error}"]


def advancer(bar: Progress, task: TaskID, lang: str) -> Callable[[int], None]:
    """A callback that advances a progress task by n runs and shows runs per second."""
    per_second = i18n.translations(lang).gettext("%(rate)s runs/s")

    def advance(n: int) -> None:
        bar.update(task, advance=n)
        done = bar.tasks[task]
        if done.elapsed:
            rate = i18n.number(done.completed / done.elapsed, lang, 1)
            bar.update(task, rate=per_second % {"rate": rate})

    return advance


def emit_text(text: str, out: Path | None) -> None:
    """Print text to stdout, or write it atomically to `out` and say where (reader's language)."""
    if out is None:
        typer.echo(text)
    else:
        write_atomic(out_file(out), text.encode())
        _ = i18n.translations(command_language()).gettext
        console.print(_("JSON Schema written to %(path)s") % {"path": out})


def ensemble_with_progress(spec: EnsembleSpec, ex: Any, label: str, lang: str) -> Ensemble:
    """run_ensemble with a progress bar: runs done, runs per second, time left."""
    from hito.ensemble.run import run_ensemble

    with progress(lang) as bar:
        task = bar.add_task(label, total=spec.runs, rate="")

        advance = advancer(bar, task, lang)

        return run_ensemble(spec, executor=ex, progress=advance)


def daily_schema() -> pa.Schema:
    """The Arrow schema of daily.parquet: one row per run, day, place, group and state."""
    import pyarrow as pa

    return pa.schema(
        [
            ("run", pa.int32()),
            ("day", pa.int32()),
            ("date", pa.date32()),
            ("place", pa.dictionary(pa.int32(), pa.large_string())),
            ("group", pa.dictionary(pa.int32(), pa.large_string())),
            ("state", pa.dictionary(pa.int32(), pa.large_string())),
            ("people", pa.int64()),
        ]
    )


def write_outputs(
    files: OutputSet,
    s: Any,
    ens: Ensemble,
    facts: dict[str, Any],
    lang: str = "es",
    *,
    calibration_here: bool = False,
) -> None:
    """daily.parquet (kept runs, streamed), quantiles.parquet, runs.parquet, summary, report.

    Unless this forecast comes from the calibration in the folder (`calibration_here`), a
    calibration's files left there by an earlier command are removed.
    """
    from hito.report.run_report import render

    said = i18n.translations(lang).gettext("writing the tables and the report in %(out)s")
    with plain_console(stderr=True).status(said % {"out": files.folder}):  # on a terminal only
        if not calibration_here:
            for name in CALIBRATION_FILES:
                files.drop(name)
        files.write_parquet("daily.parquet", ens.daily_frames(), daily_schema())
        q = ens.quantile_table()
        files.write_parquet("quantiles.parquet", [q], q.to_arrow().schema)
        r = ens.runs_table()
        files.write_parquet("runs.parquet", [r], r.to_arrow().schema)
        files.write_bytes("summary.json", json.dumps(facts, indent=2).encode())
        files.write_bytes("report.html", render(s, ens, facts, lang).encode())


def scenarios(
    lang: Annotated[
        str | None,
        typer.Option(
            help="language of the table: es or en"
            " (default: HITO_LANG, else the locale: English for en_*, else Spanish)"
        ),
    ] = None,
) -> None:
    """List the built-in scenarios."""
    from rich.table import Table

    from hito.scenario.load import builtin_descriptions

    lang = language_option(lang)
    _ = i18n.translations(lang).gettext
    table = Table(_("name"), _("description"))
    for name, text in builtin_descriptions(lang).items():
        table.add_row(name, text)
    console.print(table)


def validate(
    file: Annotated[str, typer.Argument(help="a scenario file or a built-in name")],
    lang: ConsoleLangOpt = None,
) -> None:
    """Check a scenario file; print every problem with file, line and field."""
    from hito.scenario.load import load

    lang = language_option(lang)
    s = load(file)
    _ = i18n.translations(lang).gettext
    console.print(
        _(
            "%(file)s: valid (places: %(places)s; routes: %(routes)s; groups: %(groups)s; "
            "policies: %(policies)s)"
        )
        % {
            "file": file,
            "places": i18n.number(len(s.places), lang),
            "routes": i18n.number(len(s.routes), lang),
            "groups": i18n.number(len(s.groups), lang),
            "policies": i18n.number(len(s.policies), lang),
        }
    )
    first, last = s.start, s.date_of(s.days - 1)
    for i, p in enumerate(s.policies):  # valid, but a date typo would go unseen
        said = {
            "i": i,
            "type": p.type,
            "start": p.start,
            "end": p.end,
            "first": first,
            "last": last,
        }
        if p.start > last:
            note = _(
                "note: policies[%(i)s] (%(type)s) never applies: it starts %(start)s, after the "
                "scenario's last day, %(last)s"
            )
        elif p.end is not None and p.end < first:
            note = _(
                "note: policies[%(i)s] (%(type)s) never applies: it ends %(end)s, before the "
                "scenario's first day, %(first)s"
            )
        else:
            continue
        console.print(note % said, markup=False)


def schema(
    out: Annotated[Path | None, typer.Option(help="write to this file instead of stdout")] = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    language_option(lang)
    from hito.scenario.load import json_schema

    text = json_schema()
    emit_text(text, out)
