"""`hito report`: the situation report of a date, in Spanish and English, as HTML and PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hito.cli.db import SettingsOpt
from hito.cli.options import date_option, language_option, out_folder
from hito.errors import InputError, Problem


def report(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="date of the picture, YYYY-MM-DD (default today)")
    ] = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/sitrep"),
    comparison: Annotated[
        Path | None, typer.Option(help="plan comparison JSON (default: HITO_COMPARISON)")
    ] = None,
    lang: Annotated[
        list[str] | None, typer.Option(help="language(s): es, en (default: both)")
    ] = None,
    zone: Annotated[
        str,
        typer.Option(help="time zone of the times shown: America/Santiago, America/Lima, ..."),
    ] = "America/Santiago",
    settings: SettingsOpt = None,
) -> None:
    """Write sitrep-DATE-LANG.html and .pdf from the service's database."""
    import datetime as dt

    from hito import i18n
    from hito.cli.db import open_database
    from hito.domain import day_shown
    from hito.store.settings import load_settings
    from hito.web.sitrep import write

    languages = tuple(lang or i18n.LANGUAGES)
    bad = [x for x in languages if x not in i18n.LANGUAGES]
    if len(languages) == 1 and not bad:  # one language asked: the errors are said in it too
        language_option(languages[0])
    if bad:
        raise InputError(
            Problem(
                "--lang: got %(bad)s, expected one of: %(languages)s",
                bad=", ".join(repr(x) for x in bad),
                languages=", ".join(i18n.LANGUAGES),
            )
        )
    if zone not in i18n.ZONES:
        raise InputError(  # its own message: Spanish says "una de" for a zone (una zona)
            Problem(
                "--zone: got %(zone)s, expected one of: %(zones)s",
                zone=repr(zone),
                zones=", ".join(i18n.ZONES),
            )
        )
    day = date_option(as_of, "--as-of")
    # the readers' day, or the border's when a site's began first (as the default report's)
    today = day_shown(zone, dt.datetime.now(dt.UTC))
    if day is not None and day > today:
        raise InputError(
            Problem(
                "--as-of: got %(day)s, expected a date no later than today (%(today)s in "
                "%(zone)s): a situation report tells what was counted",
                day=day,
                today=today,
                zone=zone,
            )
        )
    where = "--comparison"  # named as the reader gave it
    if comparison is None:
        comparison, where = load_settings(settings).comparison, "HITO_COMPARISON"
    if comparison is not None and not comparison.exists():  # a folder: said by its reader
        raise InputError(
            Problem("%(where)s: %(comparison)s: no such file", where=where, comparison=comparison)
        )
    out_folder(out)
    db = open_database(settings, existing=True)
    try:
        for path in write(
            db, as_of=day, out=out, comparison=comparison, languages=languages, zone=zone
        ):
            typer.echo(path)
    finally:
        db.dispose()
