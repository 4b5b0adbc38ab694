"""Remarks on a plan's check: a catalogued message and its values, said in any language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - gettext's name for a message marked, not translated
    """A message for the catalogues (scripts/i18n.sh extracts it); translated where it is shown."""
    return message


NO_VALUES = N_("no %(indicator)s values on or before %(date)s")
STALE = N_("no value on %(date)s: the latest, of %(latest)s, is older than %(days)s days")
PARTIAL = N_("condition holds for %(run)s of the %(days)s days the window needs")
UNMAPPED = N_(
    "%(indicator)s counts at site %(site)s left out: not mapped to a place in plan %(plan)s "
    "(its places: %(places)s)"
)


@dataclass(frozen=True)
class Note:
    """A remark: one of the messages above and its values (dates, numbers, codes, texts)."""

    message: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, message: str, **values: Any) -> Note:
        """A remark with its values by name (hashable ones: dates, numbers, texts, tuples)."""
        return cls(message, tuple(values.items()))

    def say(self, gettext: Callable[[str], str], shown: Callable[[str, Any], str]) -> str:
        """The remark in a language: its gettext, and `shown(name, value)` for each value."""
        return gettext(self.message) % {k: shown(k, v) for k, v in self.values}

    def __str__(self) -> str:
        """In English, dates as YYYY-MM-DD (what the JSON of a check holds)."""
        return self.say(lambda m: m, plain)


def plain(_name: str, value: Any) -> str:
    """A value as the English remark shows it: dates in ISO, lists joined by commas."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    return str(value)
