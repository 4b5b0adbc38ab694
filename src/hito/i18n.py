"""Languages of the pages and reports: gettext catalogues (Babel) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "hito"
LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
LANGUAGE_NAMES = {"es": "Español", "en": "English"}


def pick(lang: str | None) -> str:
    """A supported language code: the one given when supported, else the default."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> Translations:
    """The compiled catalogue of a language (from the .mo files shipped in the package)."""
    t = Translations.load(str(LOCALE_DIR), [pick(lang)], domain=DOMAIN)
    if not isinstance(t, Translations):  # no catalogue found: babel returns NullTranslations
        raise FileNotFoundError(f"no compiled catalogue for {lang!r} under {LOCALE_DIR}")
    return t


def gettext(lang: str, message: str) -> str:
    """One message in a language."""
    return translations(lang).gettext(message)


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """A number with the language's separators ('—' for none)."""
    if value is None:
        return "—"
    fmt = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return format_decimal(round(value, digits) if digits else round(value), fmt, locale=lang)


def date(value: dt.date | str | None, lang: str, style: str = "medium") -> str:
    """A date (or an ISO date string) in the language's style ('—' for none)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return "—" if value is None else format_date(value, style, locale=lang)


def datetime(value: dt.datetime | None, lang: str) -> str:
    """A date and time (UTC) in the language's style ('—' for none)."""
    return "—" if value is None else format_datetime(value, "medium", tzinfo=dt.UTC, locale=lang)


def age(then: dt.datetime | None, now: dt.datetime, lang: str) -> str:
    """How long ago, in words ('hace 3 días', '3 days ago')."""
    if then is None:
        return "—"
    return format_timedelta(then - now, add_direction=True, locale=lang, threshold=1.0)


def environment(packages: tuple[str, ...], lang: str) -> Any:
    """A Jinja2 environment for one language: gettext (newstyle) and formatting filters.

    Templates come from the packages' `templates` folders, the first package first.
    """
    return _environment(packages, pick(lang))


@lru_cache(maxsize=16)
def _environment(packages: tuple[str, ...], lang: str) -> Any:
    from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=ChoiceLoader([PackageLoader(p, "templates") for p in packages]),
        autoescape=select_autoescape(["html", "j2", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(lang=lang, languages=LANGUAGES, language_names=LANGUAGE_NAMES)
    env.filters.update(
        num=lambda v, digits=0: number(v, lang, digits),
        day=lambda v, style="medium": date(v, lang, style),
        when=lambda v: datetime(v, lang),
        ago=lambda v, now: age(v, now, lang),
    )
    return env
