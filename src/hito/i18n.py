"""Languages of the pages and reports: gettext catalogues (Babel) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_decimal, format_scientific
from babel.support import Translations

from hito import domain
from hito.domain import LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "hito"
DEFAULT_LANGUAGE = "es"
LANGUAGE_NAMES = {"es": "Español", "en": "English"}
ZONES = ("America/Santiago", "America/Lima", "America/La_Paz", "UTC")
COUNTRY_ZONE = domain.COUNTRY_ZONE  # the zone of a country's people and sites (one definition)
DEFAULT_ZONE = "America/Santiago"


def pick(lang: str | None) -> str:
    """A supported language code: the one given when supported, else the default."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def reader_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the person at a terminal (the command line's help).

    HITO_LANG when it names a language hito has (es, en); else the locale, the first of LC_ALL,
    LC_MESSAGES and LANG that is set: English for one starting with 'en', Spanish for any other
    (es_*, C, POSIX) and for none.
    """
    env = os.environ if environ is None else environ
    chosen = env.get("HITO_LANG", "")
    if chosen in LANGUAGES:
        return chosen
    locale = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), "")
    return "en" if locale.startswith("en") else DEFAULT_LANGUAGE


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


def catalogued(lang: str, message: str | tuple[str, int]) -> bool:
    """True when the language's catalogue has the message (a translation of it).

    A plural entry is named by its singular and a form's index: (singular, 0).
    """
    return message in translations(lang)._catalog


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """A number with the language's separators ('—' for none)."""
    if value is None:
        return "—"
    fmt = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    shown = round(value, digits) if digits else round(value)
    return minus(format_decimal(shown or 0, fmt, locale=lang))  # no "−0"


def figure(value: float, lang: str) -> str:
    """A scenario's number as its file may write it: up to six decimals, with separators.

    One too large to write out (a range up to 1e300) in scientific form: written out, it
    would be hundreds of digits, and Python's decimals cannot round it.
    """
    if abs(value) >= 1e15:
        return minus(format_scientific(value, "0.######E0", locale=lang))
    return minus(format_decimal(value, "#,##0.######", locale=lang))


def minus(text: str) -> str:
    """A formatted number with the typographic minus ('−3,5', as the pages write it), not '-'."""
    return "\u2212" + text[1:] if text.startswith("-") else text


_RANGE = re.compile(r"\d+(?:[–-]\d+|\+)")


def whole_ranges(text: str) -> Any:
    """HTML of `text` with each age range ("0–17", "60+") kept on one line.

    A narrow column then wraps between words, never inside a range (after its dash).
    """
    from markupsafe import Markup, escape

    return Markup(_RANGE.sub(lambda m: f'<span class="nw">{m.group(0)}</span>', str(escape(text))))


def signed(value: float | int | None, lang: str) -> str:
    """A change with its sign ('+12', '−3', '±0'; '—' for none), with the language's separators."""
    if value is None:
        return "—"
    if round(value) == 0:
        return "±0"
    return ("+" if value > 0 else "\u2212") + number(abs(value), lang)


def percent(value: float | None, lang: str) -> str:
    """A share as a percentage in the language's style ('90 %', '90%')."""
    from babel.numbers import format_percent

    return "—" if value is None else format_percent(value, locale=lang)


def signed_percent(value: float | None, lang: str) -> str:
    """A change as a percentage with its sign in the language's style ('+92 %', '+92%', '−3%')."""
    if value is None:
        return "—"
    whole = round(100 * value)
    if whole == 0:
        return "±" + percent(0.0, lang)
    return ("+" if whole > 0 else "\u2212") + percent(abs(whole) / 100, lang)


def date(value: dt.date | str | None, lang: str, style: str = "medium") -> str:
    """A date (or an ISO date string) in the language's style ('—' for none)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return "—" if value is None else format_date(value, style, locale=lang)


def zone(name: str | None) -> str:
    """A supported time zone name: the one given when supported, else the default."""
    return name if name in ZONES else DEFAULT_ZONE


def local(value: dt.datetime, zone_name: str) -> dt.datetime:
    """A moment in a time zone (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(ZoneInfo(zone(zone_name)))


def today(zone_name: str, now: dt.datetime | None = None) -> dt.date:
    """The local calendar day in a time zone at `now` (default: this moment): "today" there.

    At 21:00 in Lima on 1 December it is 1 December, though 2 December in UTC.
    """
    return local(now or dt.datetime.now(dt.UTC), zone_name).date()


def offset(value: dt.datetime, zone_name: str) -> str:
    """The zone's offset from UTC at that moment, as 'UTC−3' (a real minus sign)."""
    delta = local(value, zone_name).utcoffset() or dt.timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    h, m = divmod(abs(minutes), 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "") if minutes else "UTC"


def datetime(value: dt.datetime | None, lang: str, zone_name: str = "UTC") -> str:
    """A date and 24-hour time in a time zone, in the language's style ('—' for none)."""
    if value is None:
        return "—"
    at = local(value, zone_name)
    return f"{format_date(at, 'medium', locale=lang)}, {format_time(at, 'HH:mm', locale=lang)}"


def iso(value: dt.datetime | dt.date | None, zone_name: str = "UTC") -> str:
    """ISO 8601 for exports: dates as YYYY-MM-DD, moments with their zone's offset."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return local(value, zone_name).isoformat(timespec="minutes")
    return value.isoformat()


def localized(value: Any, lang: str, fallback: str = "") -> str:
    """A title in a language: a {es, en} mapping or model, or one text; `fallback` for none."""
    if value is None:
        return fallback
    if isinstance(value, str):
        return value or fallback
    if isinstance(value, dict):
        return str(value.get(lang) or fallback or next(iter(value.values()), ""))
    got = getattr(value, lang, None) or getattr(value, "en", None)
    return str(got) if got else fallback


def age(then: dt.datetime | None, now: dt.datetime, lang: str) -> str:
    """How long ago, in words ('hace 3 días', '3 days ago')."""
    if then is None:
        return "—"
    return format_timedelta(then - now, add_direction=True, locale=lang, threshold=1.0)


def span(then: dt.datetime | None, now: dt.datetime, lang: str) -> str:
    """How long from `then` to `now`, without a direction ('3 días', '3 days')."""
    if then is None:
        return "—"
    return format_timedelta(now - then, locale=lang, threshold=1.0)


def environment(packages: tuple[str, ...], lang: str, zone_name: str = DEFAULT_ZONE) -> Any:
    """A Jinja2 environment for one language and time zone: gettext and formatting filters.

    Templates come from the packages' `templates` folders, the first package first.
    """
    return _environment(packages, pick(lang), zone(zone_name))


@lru_cache(maxsize=32)
def _environment(packages: tuple[str, ...], lang: str, zone_name: str) -> Any:
    from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=ChoiceLoader([PackageLoader(p, "templates") for p in packages]),
        autoescape=select_autoescape(["html", "j2", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    from hito import names

    env.globals.update(
        lang=lang,
        languages=LANGUAGES,
        language_names=LANGUAGE_NAMES,
        zone=zone_name,
        zones=ZONES,
        # whose clock the times are ('hora de Chile'), and the chooser's names of the zones
        zone_label=names.zones(translations(lang).gettext)[zone_name],
        zone_names=names.zones(translations(lang).gettext),
        # whose calendar each country's sites keep (hito.domain.site_day): its clock's name
        site_zone_names={
            c: names.zones(translations(lang).gettext)[z] for c, z in COUNTRY_ZONE.items()
        },
        # the names.html.j2 macros' names of codes, from their one definition
        country_names=names.countries(translations(lang).gettext),
        place_kind_names=names.place_kinds(translations(lang).gettext),
        policy_kind_names=names.policy_kinds(translations(lang).gettext),
        role_names=names.roles(translations(lang).gettext),
        severity_names=names.severities(translations(lang).gettext),
        indicator_names=names.indicators(translations(lang).gettext),
        comparison_names=names.comparisons(translations(lang).gettext),
        final_state_names=names.final_states(translations(lang).gettext),
        figure_names=names.figures(translations(lang).gettext),
    )
    env.filters.update(
        num=lambda v, digits=0: number(v, lang, digits),
        signed=lambda v: signed(v, lang),
        whole_ranges=whole_ranges,
        pct=lambda v: percent(v, lang),
        day=lambda v, style="medium": date(v, lang, style),
        when=lambda v: datetime(v, lang, zone_name),
        iso=lambda v: iso(v, zone_name),
        utc_offset=lambda v: offset(v, zone_name),
        ago=lambda v, now: age(v, now, lang),
        span=lambda v, now: span(v, now, lang),
        t=lambda v, fallback="": localized(v, lang, fallback),
        # a stored text (a standard's source) in the language when the catalogues hold it
        catalogued=lambda v: translations(lang).gettext(v) if v else v,
    )
    return env
