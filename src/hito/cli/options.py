"""Options the commands share: their help, and one message for each kind of mistake."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from hito.errors import N_, InputError, Problem, not_one_of

# where the runs of an ensemble execute (hito run, sweep, calibrate, backtest, plans compare, flee)
ExecutorOpt = Annotated[str, typer.Option(help="where runs execute: local (processes) or dask")]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster)"),
]
WorkersOpt = Annotated[
    int | None, typer.Option(help="processes (local) or LocalCluster workers (default: cores)")
]


def date_option(text: str | None, option: str, example: dt.date | None = None) -> dt.date | None:
    """The date of an option given as YYYY-MM-DD (None when not given); InputError otherwise."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = (
            N_("%(option)s: got %(text)s, expected a date as YYYY-MM-DD, such as %(example)s")
            if example
            else N_("%(option)s: got %(text)s, expected a date as YYYY-MM-DD")
        )
        raise InputError(
            Problem(
                message, option=option, text=repr(text), example=example and example.isoformat()
            )
        ) from None


def language_option(lang: str | None, option: str = "--lang") -> str:
    """The language of an option when hito has its catalogue; InputError otherwise.

    Not given: the reader's language, as the help is written in (HITO_LANG, else the locale).
    """
    from hito.i18n import LANGUAGES, reader_language

    if lang is None:
        return reader_language()
    if lang not in LANGUAGES:
        raise InputError(not_one_of(option, lang, LANGUAGES))
    return lang
