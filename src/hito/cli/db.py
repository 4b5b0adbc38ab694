"""`hito db`: the service database's schema (Alembic migrations)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hito.store.db import Database

app = typer.Typer(no_args_is_help=True, help="The service database: migrations.")

SettingsOpt = Annotated[
    Path | None,
    typer.Option("--settings", help="a file of HITO_* settings (else the environment)"),
]


def open_database(settings_file: Path | None, *, migrate_if_needed: bool = True) -> Database:
    """The database the settings point to, upgraded to the newest schema unless told not to."""
    from hito.store import migrate
    from hito.store.db import Database
    from hito.store.settings import load_settings

    db = Database.from_settings(load_settings(settings_file))
    if migrate_if_needed and migrate.needs_upgrade(db):
        migrate.upgrade(db)
    return db


def _where(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=True)


@app.command("upgrade")
def upgrade(settings: SettingsOpt = None) -> None:
    """Bring the schema up to the newest revision shipped with hito."""
    from hito.store import migrate

    db = open_database(settings, migrate_if_needed=False)
    before = migrate.current(db)
    migrate.upgrade(db)
    typer.echo(f"{_where(db)}: schema at {migrate.current(db)} (was {before or 'empty'})")


@app.command("current")
def current(settings: SettingsOpt = None) -> None:
    """Print the schema revision of the database and the newest one available."""
    from hito.store import migrate

    db = open_database(settings, migrate_if_needed=False)
    typer.echo(f"{_where(db)}: schema at {migrate.current(db) or 'empty'}, newest {migrate.head()}")
