"""`hito calibrate` and `hito migrate`: forecasts that learn from field counts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from hito import i18n
from hito.cli.field_counts import counted_dates, counts_source, read_counts
from hito.cli.options import (
    ConsoleLangOpt,
    ExecutorOpt,
    SchedulerOpt,
    WorkersOpt,
    date_option,
    executor_of,
    language_option,
    out_file,
    out_folder,
    particles_option,
)
from hito.cli.outfiles import OutputSet
from hito.cli.run import DEFAULT_SCENARIO
from hito.errors import InputError, Problem, Said, say
from hito.forecast.files import (
    CALIBRATION_FACTS,
    CALIBRATION_PAGE,
    COUNT_QUANTILES,
    POSTERIOR_TABLE,
    PRIOR_TABLE,
)

ScenarioArg = Annotated[str, typer.Argument(help="a built-in scenario name or a scenario file")]
ObservationsOpt = Annotated[
    str | None,
    typer.Option(
        help="field counts: an HXL CSV file or a service database URL (default: the counts "
        "shipped for a built-in scenario)"
    ),
]
SeedOpt = Annotated[int, typer.Option(help="seed")]


def step_bar(label: str, lang: str) -> tuple[Any, Any]:
    """A progress bar of steps counted by the work itself, and the step(done, total) to feed it."""
    from hito.cli.run import progress

    bar = progress(lang)
    task = bar.add_task(label, total=1, rate="")

    def step(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, step


@contextmanager
def particle_bar(post: Any, lang: str) -> Iterator[Callable[[int], None]]:
    """A progress bar of the particles run on to the scenario's last day (the forecast)."""
    from hito.cli.run import advancer, progress

    _ = i18n.translations(lang).gettext
    last = post.spec.scenario.date_of(post.spec.days - 1)
    label = _("forecast to %(date)s") % {"date": i18n.date(last, lang)}
    with progress(lang) as bar:
        yield advancer(bar, bar.add_task(label, total=post.particles, rate=""), lang)


def calibrate(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    observations: ObservationsOpt = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/calibrated"),
    as_of: Annotated[
        str | None, typer.Option(help="use counts up to this date (default: the latest count)")
    ] = None,
    particles: Annotated[int, typer.Option(help="number of particles")] = 1000,
    seed: SeedOpt = 0,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    lang: Annotated[
        str | None,
        typer.Option(
            help="language of the console table, calibration.html and report.html"
            " (default: HITO_LANG, else the locale: English for en_*, else Spanish)"
        ),
    ] = None,
) -> None:
    """Condition a scenario on field counts; write the posterior and the calibrated forecast.

    OUT gets posterior.parquet and prior.parquet (the drawn numbers), calibration.json (the
    effective sample size per count date), calibration.html (prior against posterior, fans with
    the counts), posterior.npz (for `hito run --calibration OUT`), count_quantiles.parquet (what
    a field count would say at each counted site, from the as-of date on), and the files of
    `hito run`.
    """
    from hito.cli.outfiles import output_set
    from hito.cli.run import console, write_outputs
    from hito.scenario.load import load

    lang = language_option(lang)
    s = load(scenario)
    obs = read_counts(observations, s)
    dates = counted_dates(obs, s, observations, least=1)
    when = date_option(as_of, "--as-of") or dates[-1]
    particles_option(particles)
    if not s.start <= when <= s.date_of(s.days - 1):
        raise InputError(
            Problem(
                "--as-of: got %(when)s, expected a date from %(start)s (the scenario's start) to "
                "%(date_of)s (its last simulated day)",
                when=when,
                start=s.start,
                date_of=s.date_of(s.days - 1),
            )
        )
    if when < dates[0]:
        raise InputError(
            Problem(
                "--as-of: got %(when)s, before the first count (%(first)s); expected a date on or "
                "after it (`hito run` forecasts from the scenario alone)",
                when=when,
                first=dates[0],
            )
        )
    out_folder(out)
    post, ens, counts = _calibrate(
        s, obs, when, particles, seed, (executor, scheduler, workers), lang
    )
    facts = _facts(ens, post, scenario, observations is not None)
    with output_set(out) as files:  # the posterior and its forecast, in place together
        source = counts_source(observations, s)
        _write_calibration(files, s, obs, post, ens, lang, source, observations is not None)
        files.write_parquet(COUNT_QUANTILES, [counts], counts.to_arrow().schema)
        write_outputs(files, s, ens, facts, lang, calibration_here=True)
    t = i18n.translations(lang)
    _ = t.gettext
    n = sum(st.reports for st in post.steps)
    console.print(
        t.ngettext(
            "%(name)s: calibrated on %(n)s count up to %(date)s (%(particles)s particles; "
            "lowest effective sample size %(ess)s)",
            "%(name)s: calibrated on %(n)s counts up to %(date)s (%(particles)s particles; "
            "lowest effective sample size %(ess)s)",
            n,
        )
        % {
            "name": s.name,
            "n": i18n.number(n, lang),
            "date": i18n.date(when, lang),
            "particles": i18n.number(particles, lang),
            "ess": i18n.number(min((st.ess for st in post.steps), default=particles), lang),
        }
    )
    if observations is not None:  # a file of one's own: its rows left out are said
        for line in left_out_lines(obs.skipped, lang):
            console.print(line, markup=False)
    _print_forecast(s, obs, ens, when, lang, counts, observations is not None)
    console.print(_("report: %(path)s") % {"path": (out / "report.html").resolve()})
    console.print(_("calibration: %(path)s") % {"path": (out / CALIBRATION_PAGE).resolve()})


def left_out_lines(
    skipped: Sequence[Said], lang: str, listed: str = CALIBRATION_FACTS, shown: int = 5
) -> list[str]:
    """The rows of a counts file left out and why (the first `shown`; all in `listed`)."""
    if not skipped:
        return []
    t = i18n.translations(lang)
    n = len(skipped)
    lines = [
        t.ngettext("%(n)s row left out:", "%(n)s rows left out:", n) % {"n": i18n.number(n, lang)}
    ]
    lines += [f"  {say(p, lang)}" for p in skipped[:shown]]
    if n > shown:
        more = n - shown
        lines.append(
            "  "
            + t.ngettext(
                "and %(n)s more (%(file)s lists each)", "and %(n)s more (%(file)s lists each)", more
            )
            % {"n": i18n.number(more, lang), "file": listed}
        )
    return lines


def _print_forecast(
    s: Any, obs: Any, ens: Any, when: dt.date, lang: str, counts: Any, own_counts: bool
) -> None:
    """The calibrated forecast at each counted site, and the scenario's backtest skill."""
    from rich.table import Table

    from hito.cli.run import console
    from hito.report.forecast_skill import forecast_table
    from hito.report.skill_lines import reach_line, skill_lines

    title, headers, rows = forecast_table(s, obs, ens, when, lang, counts)
    if rows:
        table = Table(*headers, title=title)
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for line in skill_lines(s.name, lang, own_counts=own_counts):
        console.print(line)
    reach = reach_line(s.name, lang)
    if reach:  # the table's 28 days lie beyond what was scored in 2025
        console.print(reach)


def _calibrate(
    s: Any,
    obs: Any,
    when: dt.date,
    particles: int,
    seed: int,
    where: tuple[str, str | None, int | None],
    lang: str,
) -> tuple[Any, Any, Any]:
    from hito.forecast.calibrate import run_filter
    from hito.forecast.posterior import calibrated_parts, count_quantiles

    executor, scheduler, workers = where
    ex = executor_of(executor, scheduler, workers)
    bar, step = step_bar(
        i18n.translations(lang).gettext("%(name)s: count dates") % {"name": s.name}, lang
    )
    try:
        with bar:
            post = run_filter(
                s, obs, when, particles=particles, seed=seed, executor=ex, progress=step
            )
        with particle_bar(post, lang) as advance:
            ens, present = calibrated_parts(post, post.spec.days, ex, progress=advance)
    finally:
        ex.close()
    return post, ens, count_quantiles(post, present, sorted({o.place for o in obs.items}))


def _facts(ens: Any, post: Any, scenario: str, own_counts: bool) -> dict[str, Any]:
    from hito.forecast.posterior import steps_table

    facts = ens.summary()
    facts["scenario"] = scenario
    facts["calibration"] = {
        "as_of": post.as_of.isoformat(),
        "particles": post.particles,
        "steps": steps_table(post),
        "own_counts": own_counts,  # counts given with --observations, not the ones hito ships
    }
    return facts


def _write_calibration(
    files: OutputSet,
    s: Any,
    obs: Any,
    post: Any,
    ens: Any,
    lang: str,
    source: Said,
    own_counts: bool,
) -> None:
    from hito.forecast.posterior import STATE_FILE, draws_frame, saved_bytes, steps_table
    from hito.report.forecast_skill import render_calibration

    for file, label, draws in (
        (POSTERIOR_TABLE, "posterior", post.draws),
        (PRIOR_TABLE, "prior", post.prior),
    ):
        frame = draws_frame(draws, label)
        files.write_parquet(file, [frame], frame.to_arrow().schema)
    facts = {
        "scenario": s.name,
        "as_of": post.as_of.isoformat(),
        "particles": post.particles,
        "seed": post.spec.seed,
        "observations": say(source, "en"),
        "own_counts": own_counts,  # read by `hito run --calibration` for its report
        "reports": sum(st.reports for st in post.steps),
        "steps": steps_table(post),
        "skipped": [say(s, "en") for s in obs.skipped],  # the file's words: English
        "posterior_mean": {
            p: float(v)
            for p, v in zip(post.draws.paths, post.draws.values.mean(axis=0), strict=True)
        },
    }
    files.write_bytes(CALIBRATION_FACTS, json.dumps(facts, indent=2).encode())
    files.write_bytes(
        CALIBRATION_PAGE,
        render_calibration(
            s, ens, facts, obs, post.prior, post.draws, lang, source=say(source, lang)
        ).encode(),
    )
    files.write_bytes(STATE_FILE, saved_bytes(post))


def migrate(
    file: Annotated[Path, typer.Argument(help="a scenario file of schema_version 1")],
    out: Annotated[Path | None, typer.Option(help="write here (default: in place)")] = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Update a version-1 scenario file to schema_version 2, keeping its comments and layout."""
    lang = language_option(lang)
    from hito.cli.outfiles import write_atomic
    from hito.cli.run import console
    from hito.scenario.load import parse
    from hito.scenario.versions import migrated_text
    from hito.textfile import read_utf8

    text = read_utf8(file)
    new = migrated_text(text)
    if new is None:
        parse(text, str(file))  # says what is wrong, or that it is already version 2
        raise InputError(Problem("%(file)s: already schema_version 2 (nothing to do)", file=file))
    parse(new, str(file))
    write_atomic(out_file(out) if out else file, new.encode())
    _ = i18n.translations(lang).gettext
    console.print(_("%(path)s: updated to schema_version 2") % {"path": out or file})
