"""`hito demo`: the whole product on one machine: a seeded database, a forecast, the dashboard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hito.cli.options import date_option

console = Console(highlight=False)


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
) -> None:
    """Seed a fresh demo database, run the forecast and the plan comparison, then serve.

    The database is made anew from the built-in 2025 scenario; the demo users are printed.
    The dashboard opens on `--as-of`, so a newcomer sees the crisis as it stood that day.
    """
    from hito.errors import InputError
    from hito.store import migrate
    from hito.store.db import Database
    from hito.store.settings import load_settings
    from hito.web import demo as seed

    if password is not None and len(password) < 8:
        raise InputError(f"--password: expected at least 8 characters, got {len(password)}")
    last = max(ob.date for ob in seed.read_observations(seed.OBSERVATIONS))
    day = date_option(as_of, "--as-of", example=last) or last
    if as_of is not None and day > dt.date.today():
        raise InputError(f"--as-of: {day} is in the future; expected today or earlier")
    out.mkdir(parents=True, exist_ok=True)
    path = (out / "hito-demo.sqlite3").resolve()
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    db = Database(url)
    migrate.upgrade(db)
    console.print(f"[1/4] scenario {seed.SCENARIO}: sites, agencies, users, plans, past counts")
    accounts = seed.seed(db, password=password)
    console.print(f"[2/4] forecast from the counts of {day} ({runs} runs)")
    seed.forecast(db, as_of=day, runs=runs)
    console.print(f"[3/4] plan comparison ({runs} runs per plan)")
    comparison = seed.comparison(out, runs=runs)
    db.dispose()
    table = Table("user", "password", "role", "agency", title="demo users")
    for a in accounts:
        table.add_row(a.username, a.password, a.role, a.agency or "—")
    console.print(table)
    console.print(
        f"field: shelter {seed.SHELTER['site_id']} ({seed.SHELTER['capacity_people']} places, "
        f"{seed.SHELTER['area_m2']:g} m², {seed.SHELTER['toilets']} toilets); "
        f"{len(seed.SUBSCRIPTIONS)} alert subscriptions; SMS reports from "
        f"{', '.join(p for p, _, _ in seed.SMS_SENDERS)}; needs on the overview and site pages"
    )
    console.print(
        f"send the queued alerts: HITO_DATABASE_URL={url} HITO_SMTP_HOST=<your SMTP server> "
        "hito alerts deliver"
    )
    console.print(f"database: {path}")
    console.print(f"plan comparison: {comparison}")
    if not serve:
        return
    import uvicorn

    from hito.service import create_app

    app = create_app(load_settings(database_url=url, comparison=comparison, as_of=day))
    console.print(f"[4/4] dashboard on http://{host}:{port}, as of {day}  (Ctrl+C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
