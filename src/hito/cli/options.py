"""Option values the commands share, read with one message for each kind of mistake."""

from __future__ import annotations

import datetime as dt

from hito.errors import InputError


def date_option(text: str | None, option: str, example: dt.date | None = None) -> dt.date | None:
    """The date of an option given as YYYY-MM-DD (None when not given); InputError otherwise."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        such = f", such as {example.isoformat()}" if example else ""
        raise InputError(f"{option}: got {text!r}, expected a date as YYYY-MM-DD{such}") from None
