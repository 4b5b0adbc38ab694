"""`hito sites`: load the sites of a scenario into the service."""

from __future__ import annotations

from typing import Annotated

import typer

from hito.cli.db import SettingsOpt, open_database
from hito.cli.options import ConsoleLangOpt, language_option

app = typer.Typer(no_args_is_help=True, help="Sites of the coordination service.")


@app.command("load")
def load(
    scenario: Annotated[str, typer.Argument(help="built-in scenario name or YAML file")],
    settings: SettingsOpt = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Create or refresh the sites (posts, the strip, shelters, crossings) of a scenario."""
    lang = language_option(lang)
    from hito import i18n
    from hito.store import sites
    from hito.store.actors import SYSTEM

    db = open_database(settings)
    with db.session() as session:
        new, updated = sites.load_sites(session, actor=SYSTEM, scenario=scenario)
        _, total = sites.list_sites(session, limit=1)
    _ = i18n.translations(lang).gettext
    typer.echo(
        _("%(scenario)s: %(new)s new sites, %(updated)s updated, %(total)s in all")
        % {
            "scenario": scenario,
            "new": i18n.number(new, lang),
            "updated": i18n.number(updated, lang),
            "total": i18n.number(total, lang),
        }
    )
