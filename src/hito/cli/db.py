"""`hito db`: the service database's schema (Alembic migrations)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hito.cli.options import ConsoleLangOpt, command_language, language_option

if TYPE_CHECKING:
    from hito.store.db import Database
    from hito.store.settings import Settings

app = typer.Typer(no_args_is_help=True, help="The service database: migrations.")

SettingsOpt = Annotated[
    Path | None,
    typer.Option("--settings", help="a file of HITO_* settings (else the environment)"),
]


def open_database(
    settings_file: Path | None,
    *,
    migrate_if_needed: bool = True,
    existing: bool = False,
    writes: bool | None = None,
) -> Database:
    """The database the settings point to, upgraded to the newest schema unless told not to.

    `existing`: refuse an SQLite file that is not there (a mistyped URL would make an empty
    one); `writes` (default: not `existing`): the command writes, with the log's key.
    """
    from hito.store import migrate
    from hito.store.db import Database
    from hito.store.settings import load_settings

    settings = load_settings(settings_file)
    db = Database.from_settings(settings, create=not existing).reachable()
    _use_key(db, settings, writes=not existing if writes is None else writes)
    if migrate_if_needed and migrate.needs_upgrade(db):
        migrate.upgrade(db)
    return db


def _use_key(db: Database, settings: Settings, *, writes: bool) -> None:
    """Give the database the log key's secret: writing entries and tokens needs it.

    A command that writes loads the key as the server would (created when allowed), and is
    refused (InputError) when the database's log is signed with another key, or keyed with
    another before its first head (`hito.store.logclaim`), or the key file is missing while
    the log has heads: what it wrote would not be the service's. One that
    only reads takes the key when its private half is there and it is the log's, and goes
    without otherwise (a verifier that holds only the public key).
    """
    from hito.store import audit, logclaim
    from hito.store.logkey import load_key, signing_key
    from hito.store.settings import log_key_path

    path = log_key_path(settings)
    signer = audit.log_signer(db)
    if writes:
        key = signing_key(path, create=settings.log_key_create, signer=signer)
        logclaim.claim(db, key, path)  # recorded as the database's when none is yet
        db.use_key(key)
        return
    if not path.exists():
        return
    key = load_key(path, create=False)
    if key.private is not None and (signer is None or key.key_id == signer):
        db.use_key(key)  # reading needs no key: one that is not the log's is left unused


def _where(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=True)


def _gettext() -> Callable[[str], str]:
    """The gettext of the reader's language (HITO_LANG, else the locale)."""
    from hito import i18n

    return i18n.translations(command_language()).gettext


@app.command("upgrade")
def upgrade(
    settings: SettingsOpt = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Bring the schema up to the newest revision shipped with hito."""
    language_option(lang)
    from hito.store import migrate

    db = open_database(settings, migrate_if_needed=False)
    before = migrate.current(db)
    migrate.upgrade(db)
    _ = _gettext()
    said = {"database": _where(db), "revision": migrate.current(db), "before": before}
    if before is None:
        typer.echo(_("%(database)s: schema created at revision %(revision)s") % said)
    else:
        typer.echo(_("%(database)s: schema at revision %(revision)s (was %(before)s)") % said)


@app.command("current")
def current(
    settings: SettingsOpt = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Print the schema revision of the database and the newest one available."""
    language_option(lang)
    from hito.store import migrate

    db = open_database(settings, migrate_if_needed=False, existing=True)
    _ = _gettext()
    said = {"database": _where(db), "revision": migrate.current(db), "head": migrate.head()}
    if said["revision"] is None:
        typer.echo(_("%(database)s: no schema yet (empty database); the newest is %(head)s") % said)
    else:
        typer.echo(
            _("%(database)s: schema at revision %(revision)s; the newest is %(head)s") % said
        )
