"""`hito plans list|validate|compare|check`: contingency plans, on futures and on field reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from hito.cli.options import ExecutorOpt, SchedulerOpt, WorkersOpt, date_option
from hito.cli.run import advancer, check_ensemble_options, emit_text, progress, write_atomic
from hito.errors import InputError

if TYPE_CHECKING:  # the plan and scenario models load inside the commands
    from hito.plans.check import CheckReport
    from hito.plans.model import Plan
    from hito.scenario.model import Scenario

console = Console(highlight=False)
app = typer.Typer(
    no_args_is_help=True,
    help="Joint contingency plans: list, validate, compare on simulated futures, check live.",
)


@app.command("list")
def list_() -> None:
    """List the built-in plans with their triggers and actions."""
    from hito.plans.load import builtin_names, load

    table = Table("name", "title", "triggers", "actions (agency, country)")
    table.columns[0].no_wrap = True
    for name in builtin_names():
        p = load(name)
        table.add_row(
            name,
            p.title,
            "\n".join(t.id for t in p.triggers) or "—",
            "\n".join(f"{a.type} ({a.agency}, {p.agency(a.agency).country})" for a in p.actions)
            or "—",
        )
    console.print(table)


@app.command()
def validate(
    plans: Annotated[list[str], typer.Argument(help="plan files or built-in names")],
    scenario: Annotated[
        str | None,
        typer.Option(help="check places and routes against this scenario (default: the plan's)"),
    ] = None,
) -> None:
    """Check plan files; print every problem with file, line and field."""
    from hito.plans.load import load
    from hito.scenario.load import load as load_scenario

    for ref in plans:
        p = load(ref)
        scen = scenario or p.scenario
        if scen:
            p = load(ref, load_scenario(scen))
        where = f" against scenario {scen}" if scen else ""
        console.print(
            f"{ref}: valid{where} ({len(p.triggers)} triggers, {len(p.actions)} actions, "
            f"{len(p.agencies)} agencies)"
        )


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option(help="write to this file instead of stdout")] = None,
) -> None:
    """Print the JSON Schema of the plan format (for editors)."""
    from hito.plans.load import json_schema

    text = json_schema()
    emit_text(text, out, "schema")


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
) -> None:
    """Run each plan and "no plan" on the same futures; write comparison.{json,csv,html}."""
    from hito.ensemble.executors import make_executor
    from hito.ensemble.sampling import METHODS
    from hito.plans.compare import compare
    from hito.plans.load import load
    from hito.report.plans_report import render, rows_csv
    from hito.scenario.load import load as load_scenario

    check_ensemble_options(runs=runs, seed=seed, days=days)
    if sampling not in METHODS:
        raise InputError(f"--sampling: got {sampling!r}, expected one of: {', '.join(METHODS)}")
    s = load_scenario(scenario)
    loaded = [(_label(ref), load(ref, s)) for ref in plans]
    labels = [lbl for lbl, _ in loaded]
    dupes = sorted({lbl for lbl in labels if labels.count(lbl) > 1})
    if dupes:
        raise InputError(f"plans: {', '.join(dupes)} given twice, expected each plan once")
    ex = make_executor(executor, scheduler=scheduler, workers=workers)
    try:
        with progress() as bar:
            task = bar.add_task(f"{s.name}: plan runs", total=runs * (len(loaded) + 1), rate="")

            advance = advancer(bar, task)

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
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "comparison.json", json.dumps(cmp.rows, indent=2).encode())
    write_atomic(out / "comparison.csv", rows_csv(cmp.rows).encode())
    write_atomic(out / "comparison.html", render(s, cmp, loaded, seed=seed).encode())
    table = Table(
        "plan",
        "stranded person-days P50 (P10–P90)",
        "peak P50",
        "diverted P50",
        "harmed P50",
        *(f"cost {c} P50" for c in cmp.currencies),
    )
    for r in cmp.rows:
        pd = r["stranded_person_days"]
        table.add_row(
            r["plan"],
            f"{pd['p50']:,.0f} ({pd['p10']:,.0f}–{pd['p90']:,.0f})",
            f"{r['peak_stranded']['p50']:,.0f}",
            f"{r['diverted']['p50']:,.0f}",
            f"{r['harmed']['p50']:,.0f}",
            *(f"{r[f'total_cost_{c}']['p50']:,.0f}" for c in cmp.currencies),
        )
    console.print(table)
    bad = max(r["conservation_error"] for r in cmp.rows)
    console.print(f"conservation error {bad}; report: {(out / 'comparison.html').resolve()}")


def _label(ref: str) -> str:
    from hito.plans.load import builtin_names

    return ref if ref in builtin_names() else Path(ref).stem


def _scenario_for(plan: Plan, as_of: dt.date, given: str | None) -> Scenario | None:
    """The scenario for forecasts: --scenario, a built-in covering the date, or the plan's."""
    from hito.scenario.load import builtin_names as scenario_names
    from hito.scenario.load import load as load_scenario

    if given:
        return load_scenario(given)
    if not any(t.source == "forecast" for t in plan.triggers):
        return None
    for name in scenario_names():
        s = load_scenario(name)
        if s.start <= as_of < s.date_of(s.days):
            return s
    return load_scenario(plan.scenario) if plan.scenario else None


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
) -> None:
    """Which triggers are met on a date, since when, and which actions are due by whom."""
    from hito.plans.check import check, read_observations
    from hito.plans.load import builtin_names, load

    day = date_option(as_of, "--as-of") or dt.date.today()
    if range_as not in ("low", "mid", "high"):
        raise InputError(f"--range: got {range_as!r}, expected one of: low, mid, high")
    if runs < 1:
        raise InputError(f"--runs: got {runs}, expected a whole number of at least 1")
    obs = read_observations(observations)
    reports = []
    p_by_name = {}
    for ref in plans or builtin_names():
        p = load(ref)
        s = _scenario_for(p, day, scenario)
        if s is not None:
            p = load(ref, s)
        p_by_name[p.name] = p
        reports.append(check(p, obs, day, s, range_as=_range(range_as), runs=runs))
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in reports], indent=2, ensure_ascii=False))
        return
    for r in reports:
        console.print(_status_table(r, p_by_name[r.plan]))
        for note in r.notes:
            console.print(f"  [dim]note: {note}[/dim]")


def _status_table(r: CheckReport, plan: Plan) -> Table:
    """One plan's triggers on the date: met or not, since when, value, condition, actions due."""
    used = f", forecasts from {r.scenario}" if r.scenario else ""
    table = Table(
        "trigger",
        "met",
        "since",
        "value (date)",
        "condition",
        "actions due",
        title=f"{r.plan} on {r.as_of}{used}",
        title_justify="left",
    )
    for st in r.statuses:
        value = "—" if st.value is None else f"{st.value:g}"
        if st.value_date is not None:
            value += f" ({st.value_date})"
        due = "\n".join(
            f"{a.due}: {a.type} — {a.agency_name} ({a.country})" for a in st.actions_due
        )
        what = st.indicator
        if st.source == "forecast":
            t = next(t for t in plan.triggers if t.id == st.trigger)
            what = f"forecast {t.quantile.upper()} of {what} in {t.horizon_days} d"
        cond = f"{what} {st.compare} {st.threshold:g} for {st.window_days} d"
        if st.note:
            cond += f"\n[dim]{st.note}[/dim]"
        table.add_row(
            st.trigger,
            "[bold red]MET[/]" if st.met else "no",
            str(st.since or "—"),
            value,
            cond,
            due or "—",
        )
    return table


def _range(v: str) -> Literal["low", "mid", "high"]:
    return "low" if v == "low" else "high" if v == "high" else "mid"
