"""`hito demo`: the whole product on one machine: a seeded database, a forecast, the dashboard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hito import i18n, names
from hito.cli.options import date_option, free_address, language_option, out_folder
from hito.cli.terminal import plain_console
from hito.errors import Problem

console = plain_console()


def demo(
    out: Annotated[Path, typer.Option(help="folder for the demo database and comparison")] = Path(
        "out/demo"
    ),
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    runs: Annotated[int, typer.Option(min=1, max=200, help="runs per forecast and per plan")] = 20,
    password: Annotated[
        str | None, typer.Option(help="one password for every demo user (default: random)")
    ] = None,
    serve: Annotated[bool, typer.Option(help="serve the dashboard when ready")] = True,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="the date the dashboard shows, YYYY-MM-DD "
            "(default: the latest episode's last count)",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            help="language of the console lines: es or en"
            " (default: HITO_LANG, else the locale: English for en_*, else Spanish)"
        ),
    ] = None,
) -> None:
    """Seed a fresh demo database, run the forecast and the plan comparison, then serve.

    The database is made anew from the built-in 2025 scenario; the demo users are printed.
    The dashboard opens on `--as-of`, so a newcomer sees the crisis as it stood that day.
    """
    from hito.cli.run import advancer, progress
    from hito.domain import day_shown
    from hito.errors import InputError
    from hito.plans.load import builtin_names as plan_names
    from hito.store import migrate, users
    from hito.store.db import Database
    from hito.store.errors import InvalidError
    from hito.store.logkey import load_key
    from hito.store.settings import load_settings, log_key_path
    from hito.web import demo as seed

    lang = language_option(lang)
    gettext = i18n.translations(lang).gettext
    if serve:  # a port already taken is said now, not after the forecasts
        free_address(host, port)
    if password is not None and len(password) < 8:
        raise InputError(
            Problem(
                "--password: expected at least 8 characters, got %(password)s",
                password=len(password),
            )
        )
    if password is not None:  # refused now, as the option, not as the API's body.password
        try:
            users.password_problem(password)
        except InvalidError as exc:
            labels = {"password": "--password"}
            raise InputError(exc.by_label(labels, lang)) from None
    last = max(ob.date for ob in seed.read_observations(seed.OBSERVATIONS))
    day = date_option(as_of, "--as-of", example=last) or last
    if as_of is not None and day > day_shown(None, dt.datetime.now(dt.UTC)):
        raise InputError(
            Problem("--as-of: %(day)s is in the future; expected today or earlier", day=day)
        )
    out_folder(out).mkdir(parents=True, exist_ok=True)
    path = (out / "hito-demo.sqlite3").resolve()
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    db = Database(url)
    db.use_key(load_key(log_key_path(load_settings(database_url=url)), create=True))
    migrate.upgrade(db)

    def step(i: int) -> str:  # without the dashboard (--no-serve) there are three steps
        return f"[{i}/{4 if serve else 3}] "

    scenario_line = step(1) + gettext(
        "scenario %(name)s: sites, agencies, users, plans, past counts"
    )
    console.print(scenario_line % {"name": seed.SCENARIO})
    accounts = seed.seed(db, password=password)
    when = {"date": i18n.date(day, lang), "runs": runs}
    console.print(
        step(2)
        + gettext(
            "forecasts as the counts came in, the last from those of %(date)s (%(runs)s runs)"
        )
        % when
    )
    with progress(lang) as bar:
        task = bar.add_task(gettext("forecasts"), total=None, rate="")
        seed.issued_forecasts(
            db,
            until=day,
            runs=runs,
            on_count_dates=lambda n: bar.update(task, total=n),
            on_forecast=lambda: bar.advance(task),
        )
    console.print(step(3) + gettext("plan comparison (%(runs)s runs per plan)") % when)
    with progress(lang) as bar:
        task = bar.add_task(
            gettext("runs of the plans"), total=runs * (len(plan_names()) + 1), rate=""
        )
        comparison = seed.comparison(out, runs=runs, on_runs=advancer(bar, task, lang))
    db.dispose()
    console.print(_accounts(accounts, gettext))
    console.print(_field_line(seed, lang))
    console.print(
        gettext("send the queued alerts: %(command)s")
        % {"command": f"HITO_DATABASE_URL={url} HITO_SMTP_HOST=<smtp> hito alerts deliver"}
    )
    console.print(gettext("database: %(path)s") % {"path": path})
    console.print(gettext("plan comparison: %(path)s") % {"path": comparison})
    if not serve:
        return
    import uvicorn

    from hito.service import create_app

    app = create_app(load_settings(database_url=url, comparison=comparison, as_of=day))
    console.print(
        step(4)
        + gettext("dashboard on %(url)s, as of %(date)s (Ctrl+C stops it)")
        % {"url": f"http://{host}:{port}", "date": i18n.date(day, lang)}
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _accounts(accounts: list[Any], gettext: Any) -> Table:
    """The demo users and their passwords, as a table."""
    table = Table(
        gettext("user"),
        gettext("password"),
        gettext("role"),
        gettext("agency"),
        title=gettext("demo users"),
    )
    role = names.roles(gettext)
    for a in accounts:
        table.add_row(a.username, a.password, role.get(a.role, a.role), a.agency or "—")
    return table


def _field_line(seed: Any, lang: str) -> str:
    """What the demo seeds for field work: the shelter, subscriptions, SMS senders, needs."""
    from hito.report.labels import place_name
    from hito.scenario.load import load

    shelter = seed.SHELTER
    return i18n.translations(lang).gettext(
        "field work: %(site)s (%(places)s places, %(area)s m², %(toilets)s toilets); "
        "%(subs)s alert subscriptions; SMS reports from %(phones)s; needs on the overview and "
        "site pages"
    ) % {
        "site": place_name(load(seed.SCENARIO), shelter["site_id"], lang),
        "places": i18n.number(shelter["capacity_people"], lang),
        "area": i18n.number(shelter["area_m2"], lang),
        "toilets": shelter["toilets"],
        "subs": len(seed.SUBSCRIPTIONS),
        "phones": ", ".join(phone for phone, _, _ in seed.SMS_SENDERS),
    }
