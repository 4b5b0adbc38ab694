"""`hito audit verify`: the server's own check of its log (`hito log verify` is a country's)."""

from __future__ import annotations

import typer

from hito.cli.db import SettingsOpt
from hito.cli.options import ConsoleLangOpt, language_option

app = typer.Typer(no_args_is_help=True, help="The log of the coordination service.")


@app.command("verify")
def verify(settings: SettingsOpt = None, lang: ConsoleLangOpt = None) -> None:
    """Check the log against the heads stored with it and the rows against the log (exit 1)."""
    from hito.cli.log import check

    language_option(lang)
    check(against=None, public_key=None, rows=True, settings=settings)
