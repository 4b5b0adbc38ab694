"""`hito plans list|validate|compare|check`: contingency plans, on futures and on field reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from hito import i18n, names
from hito.cli.options import (
    ConsoleLangOpt,
    ExecutorOpt,
    SchedulerOpt,
    WorkersOpt,
    date_option,
    executor_of,
    language_option,
    out_folder,
)
from hito.cli.outfiles import output_set
from hito.cli.plan_status import fit, shown, status_table
from hito.cli.plan_tables import after_table, comparison_table, trigger_lines
from hito.cli.run import advancer, check_ensemble_options, emit_text, progress
from hito.cli.terminal import plain_console
from hito.errors import InputError, Problem

if TYPE_CHECKING:  # the plan and scenario models load inside the commands
    from hito.forecast.observations import SiteMap
    from hito.plans.model import Plan
    from hito.scenario.model import Scenario

console = plain_console()
app = typer.Typer(
    no_args_is_help=True,
    help="Joint contingency plans: list, validate, compare on simulated futures, check live.",
)

TableLangOpt = Annotated[
    str | None,
    typer.Option(
        help="language of the table: es or en"
        " (default: HITO_LANG, else the locale: English for en_*, else Spanish)"
    ),
]


@app.command("list")
def list_(lang: TableLangOpt = None) -> None:
    """List the built-in plans with their triggers and actions."""
    from hito.plans.load import builtin_names, load

    lang = language_option(lang)
    _ = i18n.translations(lang).gettext
    table = Table(_("name"), _("title"), _("triggers"), _("actions (agency, country)"))
    table.columns[0].no_wrap = True
    for name in builtin_names():
        p = load(name)
        table.add_row(
            name,
            p.text("title", lang),
            "\n".join(t.id for t in p.triggers) or "—",
            "\n".join(_action(p, a.id, lang) for a in p.actions) or "—",
        )
    console.print(table)


def _action(plan: Plan, action: str, lang: str) -> str:
    """An action as users read it: its title, agency and country, in a language."""
    a = next(x for x in plan.actions if x.id == action)
    country = plan.agency(a.agency).country
    name = names.countries(i18n.translations(lang).gettext).get(country, country)
    return f"{i18n.localized(a.title, lang, a.description or a.type)} ({a.agency}, {name})"


@app.command()
def validate(
    plans: Annotated[list[str], typer.Argument(help="plan files or built-in names")],
    scenario: Annotated[
        str | None,
        typer.Option(help="check places and routes against this scenario (default: the plan's)"),
    ] = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Check plan files; print every problem with file, line and field."""
    from hito.plans.load import load, plan_scenario
    from hito.scenario.load import load as load_scenario

    lang = language_option(lang)
    _ = i18n.translations(lang).gettext
    for ref in plans:
        p = load(ref)
        scen = scenario or p.scenario
        if scen:
            p = load(ref, load_scenario(scenario) if scenario else plan_scenario(ref, p))
        counts = {
            "file": ref,
            "scenario": scen,
            "triggers": i18n.number(len(p.triggers), lang),
            "actions": i18n.number(len(p.actions), lang),
            "agencies": i18n.number(len(p.agencies), lang),
        }
        if scen:
            line = _(
                "%(file)s: valid against scenario %(scenario)s (triggers: %(triggers)s; "
                "actions: %(actions)s; agencies: %(agencies)s)"
            )
        else:
            line = _(
                "%(file)s: valid (triggers: %(triggers)s; actions: %(actions)s; "
                "agencies: %(agencies)s)"
            )
        console.print(line % counts)


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option(help="write to this file instead of stdout")] = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Print the JSON Schema of the plan format (for editors)."""
    language_option(lang)
    from hito.plans.load import json_schema

    text = json_schema()
    emit_text(text, out)


@app.command("compare")
def compare_cmd(
    scenario: Annotated[str, typer.Argument(help="a built-in scenario name or a scenario file")],
    plans: Annotated[list[str], typer.Argument(help="plan files or built-in names")],
    runs: Annotated[int, typer.Option(help="simulated futures per plan")] = 20,
    seed: Annotated[int, typer.Option(help="seed of the first future")] = 0,
    days: Annotated[int | None, typer.Option(help="days to simulate (default: horizon)")] = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/plans"),
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    sampling: Annotated[
        str, typer.Option(help="how uncertain numbers are drawn: lhs, random or none")
    ] = "lhs",
    lang: Annotated[
        str | None,
        typer.Option(
            help="language of the console lines and of comparison.html as it opens (its button"
            " shows the other): es or en (default: HITO_LANG, else the locale: English for en_*,"
            " else Spanish)"
        ),
    ] = None,
    calibration: Annotated[
        Path | None,
        typer.Option(
            help="run the plans from a posterior written by `hito calibrate` (a folder): each"
            " particle's state on its as-of date, so figures follow the counts up to it"
        ),
    ] = None,
) -> None:
    """Run each plan and "no plan" on the same futures; write comparison.{json,csv,html}.

    With --calibration, the futures are the posterior's particles from its as-of date on.
    """
    from hito.plans.compare import compare
    from hito.plans.load import load
    from hito.report.plans_report import render, rows_csv
    from hito.scenario.load import load as load_scenario

    lang = language_option(lang)
    post = None
    if calibration is not None:
        from hito.cli.calibrated import only_calibration, same_scenario
        from hito.forecast.posterior import load as load_posterior
        from hito.plans.conditioned import check_future

        only_calibration(days=days, runs=runs, seed=seed, event=None, sampling=sampling)
        post = load_posterior(calibration)
        same_scenario(calibration, post.spec.scenario, scenario)
        check_future(post)
        s, seed = post.spec.scenario, post.spec.seed
    else:
        check_ensemble_options(runs=runs, seed=seed, days=days, sampling=sampling)
        s = load_scenario(scenario)
    loaded = [(_label(ref), load(ref, s)) for ref in plans]
    labels = [lbl for lbl, _ in loaded]
    dupes = sorted({lbl for lbl in labels if labels.count(lbl) > 1})
    if dupes:
        raise InputError(
            Problem("plans: %(dupes)s given twice, expected each plan once", dupes=", ".join(dupes))
        )
    out_folder(out)
    ex = executor_of(executor, scheduler, workers)
    _ = i18n.translations(lang).gettext
    try:
        with progress(lang) as bar:
            label = _("%(name)s: runs of the plans") % {"name": s.name}
            futures = runs if post is None else post.particles
            task = bar.add_task(label, total=futures * (len(loaded) + 1), rate="")

            advance = advancer(bar, task, lang)
            if post is not None:
                from hito.plans.conditioned import compare_calibrated

                cmp = compare_calibrated(post, loaded, ex, on_runs=advance)
            else:
                cmp = compare(
                    s,
                    loaded,
                    runs=runs,
                    seed=seed,
                    days=days,
                    executor=ex,
                    sampling=sampling,  # type: ignore[arg-type]
                    on_runs=advance,
                )
    finally:
        ex.close()
    with output_set(out) as files:
        files.write_bytes("comparison.json", json.dumps(cmp.rows, indent=2).encode())
        files.write_bytes("comparison.csv", rows_csv(cmp.rows).encode())
        page = render(s, cmp, loaded, seed=seed, lang=lang)
        files.write_bytes("comparison.html", page.encode())
    console.print(fit(comparison_table(cmp.rows, cmp.currencies, lang), console.width))
    if cmp.as_of is not None:
        console.print(fit(after_table(s, cmp, lang), console.width))
    for line in trigger_lines(cmp, dict(loaded), lang):
        console.print(line, highlight=False)
    bad = max(r["conservation_error"] for r in cmp.rows)
    named = names.figures(_)
    console.print(f"{named['conservation_error']}: {i18n.number(bad, lang)}", highlight=False)
    console.print(_("report: %(path)s") % {"path": (out / "comparison.html").resolve()})


def _label(ref: str) -> str:
    from hito.plans.load import builtin_names

    return ref if ref in builtin_names() else Path(ref).stem


def _scenario_for(ref: str, plan: Plan, as_of: dt.date, given: str | None) -> Scenario | None:
    """The scenario for forecasts: --scenario, the plan's own file, a built-in covering the date.

    A plan that names a built-in scenario takes the built-in covering the date, else its own.
    """
    from hito.plans.load import plan_scenario
    from hito.scenario.load import builtin_names as scenario_names
    from hito.scenario.load import load as load_scenario

    if given:
        return load_scenario(given)
    if not any(t.source == "forecast" for t in plan.triggers):
        return None
    if plan.scenario and plan.scenario not in scenario_names():
        return plan_scenario(ref, plan)  # written for another border: its own scenario
    for name in scenario_names():
        s = load_scenario(name)
        if s.start <= as_of < s.date_of(s.days):
            return s
    return plan_scenario(ref, plan)


def _plan_site_names(ref: str, plan: Plan) -> SiteMap | None:
    """The site names of the scenario a plan names (built-in or file), for a check with no forecast.

    A plan's scenario that cannot be read is said as `hito plans validate` says it.
    """
    from hito.forecast.observations import SiteMap
    from hito.plans.load import plan_scenario

    s = plan_scenario(ref, plan)
    return SiteMap(s.observed_sites()) if s is not None else None


@app.command("check")
def check_cmd(
    plans: Annotated[
        list[str] | None,
        typer.Argument(help="plan files or built-in names (default: all built-in)"),
    ] = None,
    observations: Annotated[
        Path, typer.Option(help="CSV with HXL hashtags (#date, #loc+name, #affected+stranded...)")
    ] = ...,  # type: ignore[assignment]
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="date to check, YYYY-MM-DD (default: today)")
    ] = None,
    range_as: Annotated[
        str, typer.Option("--range", help="a reported range counts as: low, mid or high")
    ] = "mid",
    scenario: Annotated[
        str | None, typer.Option(help="scenario for forecast triggers (default: see docs)")
    ] = None,
    runs: Annotated[int, typer.Option(help="futures per forecast")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    lang: TableLangOpt = None,
) -> None:
    """Which triggers are met on a date, since when, and which actions are due by whom."""
    from hito.domain import day_shown
    from hito.plans.check import check
    from hito.plans.load import builtin_names, load
    from hito.plans.observed import read_observations

    lang = language_option(lang)
    day = date_option(as_of, "--as-of") or day_shown(None, dt.datetime.now(dt.UTC))
    if range_as not in ("low", "mid", "high"):
        raise InputError(
            Problem(
                "--range: got %(range_as)s, expected one of: low, mid, high",
                range_as=repr(range_as),
            )
        )
    if runs < 1:
        raise InputError(
            Problem("--runs: got %(runs)s, expected a whole number of at least 1", runs=runs)
        )
    obs = read_observations(observations)
    reports = []
    p_by_name = {}
    for ref in plans or builtin_names():
        p = load(ref)
        s = _scenario_for(ref, p, day, scenario)
        if s is not None:
            p = load(ref, s)
        p_by_name[p.name] = p
        site_names = _plan_site_names(ref, p) if s is None else None  # with s, check uses its
        reports.append(
            check(p, obs, day, s, range_as=_range(range_as), runs=runs, names=site_names)
        )
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in reports], indent=2, ensure_ascii=False))
        return
    _ = i18n.translations(lang).gettext
    for r in reports:
        console.print(fit(status_table(r, p_by_name[r.plan], lang), console.width))
        for note in r.remarks:
            line = _("note: %(note)s") % {"note": note.say(_, shown(lang))}
            console.print(f"  [dim]{line}[/dim]")


def _range(v: str) -> Literal["low", "mid", "high"]:
    return "low" if v == "low" else "high" if v == "high" else "mid"
