"""`hito backtest`: forecasts issued on every count date with what was known then, scored later."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hito import i18n
from hito.cli.field_counts import counted_dates, counts_source, read_counts
from hito.cli.forecast import ObservationsOpt, ScenarioArg, SeedOpt, left_out_lines, step_bar
from hito.cli.options import (
    ExecutorOpt,
    SchedulerOpt,
    WorkersOpt,
    executor_of,
    language_option,
    out_folder,
    particles_option,
)
from hito.cli.run import DEFAULT_SCENARIO
from hito.errors import InputError, Plural, Problem, say

HORIZONS_HELP = (
    "lead times in days, comma-separated (a count is scored at the first one >= its lead); "
    "at most the scenario's days less one (default: 1,3,7,14,28, those within it)"
)


def backtest(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    observations: ObservationsOpt = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/backtest"),
    horizons: Annotated[str | None, typer.Option(help=HORIZONS_HELP)] = None,
    particles: Annotated[
        int, typer.Option(help="particles per forecast (as `hito calibrate`: 1000)")
    ] = 1000,
    seed: SeedOpt = 0,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    lang: Annotated[
        str | None,
        typer.Option(
            help="language of the console lines and backtest.html: es or en"
            " (default: HITO_LANG, else the locale: English for en_*, else Spanish)"
        ),
    ] = None,
) -> None:
    """Issue a forecast on every count date with what was known then; score it against later counts.

    OUT gets backtest.json (per horizon: coverage of P10–P90 and P5–P95, WIS and the WIS of
    persistence and of the uncalibrated scenario, CRPS, median error and bias, n; the peak's
    size and day and the clearance's chance and day), pairs.csv (every forecast–count pair)
    and backtest.html.
    """
    import polars as pl

    from hito.cli.outfiles import output_set
    from hito.cli.run import console
    from hito.forecast.backtest import backtest as run_backtest
    from hito.report.backtest_lines import event_lines, horizon_lines
    from hito.report.forecast_skill import render_backtest
    from hito.scenario.load import load

    lang = language_option(lang)
    hs = _horizons(horizons) if horizons is not None else None
    particles_option(particles)
    s = load(scenario)
    hs = within_scenario(hs, s)
    obs = read_counts(observations, s)
    counted_dates(obs, s, observations, least=2)
    out_folder(out)
    ex = executor_of(executor, scheduler, workers)
    bar, step = step_bar(
        i18n.translations(lang).gettext("%(name)s: forecasts issued") % {"name": s.name}, lang
    )
    try:
        with bar:
            bt = run_backtest(
                s, obs, horizons=hs, particles=particles, seed=seed, executor=ex, progress=step
            )
    finally:
        ex.close()
    source = counts_source(observations, s)
    doc = bt.to_json() | {
        "observations": say(source, "en"),
        "skipped": [say(p, "en") for p in obs.skipped],  # English, as above
    }
    with output_set(out) as files:
        files.write_bytes("backtest.json", json.dumps(doc, indent=2).encode())
        rows = bt.rows()
        csv = pl.DataFrame(rows).write_csv() if rows else "issued,target,place,observed\n"
        files.write_bytes("pairs.csv", csv.encode())
        page = render_backtest(s, bt, obs, lang, source=say(source, lang))
        files.write_bytes("backtest.html", page.encode())
    if observations is not None:  # a file of one's own: its rows left out are said
        for line in left_out_lines(obs.skipped, lang, "backtest.json"):
            console.print(line, markup=False)
    for line in horizon_lines(bt.scores(), lang) + event_lines(bt.event_scores(), lang):
        console.print(line)
    if bt.beyond:
        console.print(beyond_line(bt.beyond, bt.horizons, s.days - 1).say(lang), markup=False)
    _ = i18n.translations(lang).gettext
    console.print(_("backtest: %(path)s") % {"path": (out / "backtest.html").resolve()})


def beyond_line(leads: list[int], horizons: tuple[int, ...], longest: int) -> Plural:
    """Counts that came later than the longest horizon: not scored, and how to score them."""
    reach = min(max(leads), longest)
    return Plural(
        "%(n)s count came %(lead)s days after its forecast, beyond the longest horizon (%(days)s "
        "days), and was not scored; --horizons %(given)s scores it",
        "%(n)s counts came up to %(lead)s days after their forecasts, beyond the longest horizon "
        "(%(days)s days), and were not scored; --horizons %(given)s scores them",
        len(leads),
        n=len(leads),
        lead=max(leads),
        days=max(horizons),
        given=",".join(str(h) for h in sorted({*horizons, reach})),
    )


def _horizons(text: str) -> tuple[int, ...]:
    try:
        hs = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise InputError(
            Problem(
                "--horizons: got %(text)s, expected whole numbers of days separated by commas",
                text=repr(text),
            )
        ) from None
    if not hs or any(h < 1 for h in hs):
        raise InputError(
            Problem("--horizons: got %(text)s, expected days of at least 1", text=repr(text))
        )
    return hs


def within_scenario(hs: tuple[int, ...] | None, s: Any) -> tuple[int, ...]:
    """The horizons a backtest of `s` can score: none beyond its last day seen from its first.

    None (not given): the default horizons that fit; a horizon given beyond them is refused.
    """
    from hito.forecast.pairs import HORIZONS

    longest = s.days - 1  # a count on the last day, of a forecast issued on the first
    if hs is None:
        return tuple(h for h in HORIZONS if h <= longest) or (1,)
    beyond = [h for h in hs if h > longest]
    if beyond:
        raise InputError(
            Plural(
                "--horizons: got %(given)s days, beyond what %(name)s can score; expected at "
                "most %(longest)s day (from its first day to its last)",
                "--horizons: got %(given)s days, beyond what %(name)s can score; expected at "
                "most %(longest)s days (from its first day to its last)",
                longest,
                given=max(beyond),
                name=s.name,
                longest=longest,
            )
        )
    return hs
