"""The names every layer shares: identifiers, country codes, site and shelter kinds, statuses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from hito.errors import N_


class Strict(BaseModel):
    """Base of the validated formats (scenario, plan, count, standards): no unknown keys, frozen.

    No number is inf or nan: a threshold of nan never fires, a weight of inf takes everyone.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# the days hito's data can be about (a report, a scenario's start, an as-of date): a year
# past 9999 or before 1 would overflow a date, and no crossing is counted outside these
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
MAX_DAYS = 3650  # the longest horizon a scenario simulates (ten years)

# an identifier (place, route, group, plan, trigger, site, agency, scenario): lower-case
# letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters
ID_CHARS = r"[a-z0-9][a-z0-9_\-]*"
ID_PATTERN = rf"^{ID_CHARS}$"
ID_MAX_LENGTH = 64
Ident = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]


def is_ident(text: str) -> bool:
    """Whether a text is an identifier (a site id typed in an address) before it is looked up."""
    return len(text) <= ID_MAX_LENGTH and re.fullmatch(ID_CHARS, text) is not None


# a country: its ISO 3166-1 alpha-3 code (PER, CHL, BOL, VEN...)
COUNTRY_PATTERN = r"^[A-Z]{3}$"
CountryCode = Annotated[str, Field(pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-3 code")]

# the time zone of each country whose sites hito knows the clock of (one zone per country)
COUNTRY_ZONE = {"CHL": "America/Santiago", "PER": "America/Lima", "BOL": "America/La_Paz"}


def site_time(country: str, instant: dt.datetime) -> dt.datetime:
    """A moment on the clock of a site of a country (naive moments are taken as UTC).

    A country without a zone in COUNTRY_ZONE keeps UTC (a clock no later setting can move).
    """
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    zone = COUNTRY_ZONE.get(country)
    return instant.astimezone(ZoneInfo(zone) if zone else dt.UTC)


def on_site_clock(country: str, local: dt.datetime) -> dt.datetime:
    """A time written without its UTC offset, read on the clock of a site of a country.

    A country without a zone in COUNTRY_ZONE reads it as UTC.
    """
    zone = COUNTRY_ZONE.get(country)
    return local.replace(tzinfo=ZoneInfo(zone) if zone else dt.UTC)


def site_day(country: str, instant: dt.datetime) -> dt.date:
    """The calendar day of a moment at a site of a country: its local day there.

    A count at 20:00 in Tacna (UTC-5) on 1 December is 1 December's, though it is 01:00 UTC
    on the 2nd. A country without a zone in COUNTRY_ZONE counts by the UTC day.
    """
    return site_time(country, instant).date()


def day_shown(zone: str | None, instant: dt.datetime) -> dt.date:
    """Today as the pages show it to a reader in a time zone: their local day, or a later one.

    The latest of the reader's day and the border's sites' days (COUNTRY_ZONE): from Chile's
    midnight to Peru's, a count made at the strip a minute ago is already of tomorrow (Chile's
    day), and a reader in Peru sees it today. `zone` None: the reader is this machine's clock
    (the CLI's).
    """
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    here = instant.astimezone(ZoneInfo(zone)) if zone is not None else instant.astimezone()
    reader = here.date()
    return max(reader, *(site_day(country, instant) for country in COUNTRY_ZONE))


# a currency: its ISO 4217 code (USD, PEN, CLP...); written apart from COUNTRY_PATTERN (same
# letters) so that PATTERN_WORDS tells the two apart
CURRENCY_PATTERN = r"^[A-Z][A-Z][A-Z]$"
CurrencyCode = Annotated[str, Field(pattern=CURRENCY_PATTERN, description="ISO 4217 code")]

# a user's login name: 3 to 64 letters, digits, '_', '.' or '@', starting with a letter or digit
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.@]{2,63}$"

# an idempotency key a client sends with a field report (also the offline form's)
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9._:\-]{1,100}$"

# what each pattern asks for, in words (a problem says this, not the regular expression)
PATTERN_WORDS: dict[str, str] = {
    ID_PATTERN: N_(
        "an identifier: lower-case letters, digits, '_' and '-', starting with a letter or a "
        "digit (such as arica-shelters)"
    ),
    COUNTRY_PATTERN: N_("a country's ISO 3166-1 alpha-3 code in capitals (such as CHL, PER, BOL)"),
    CURRENCY_PATTERN: N_("a currency's ISO 4217 code in capitals (such as USD, PEN, CLP)"),
    USERNAME_PATTERN: N_(
        "a user name of 3 to 64 letters, digits, '_', '.' or '@', starting with a letter or a digit"
    ),
    IDEMPOTENCY_KEY_PATTERN: N_("a key of 1 to 100 letters, digits, '.', '_', ':' or '-'"),
}

# the places of a scenario that are also sites of the shared picture
SiteKind = Literal["border_post", "between_posts", "shelter", "irregular_crossing"]
SITE_KINDS: tuple[str, ...] = get_args(SiteKind)

# the status of a site (a border post open to all, to documented people only, closed...)
SiteStatus = Literal["open", "documented_only", "closed", "militarized"]
SITE_STATUSES: tuple[str, ...] = get_args(SiteStatus)

# the status of a shelter in the registry
ShelterStatus = Literal["open", "full", "closed"]
SHELTER_STATUSES: tuple[str, ...] = get_args(ShelterStatus)

# how grave a trigger's alert is
Severity = Literal["info", "warning", "critical"]
SEVERITIES: tuple[str, ...] = get_args(Severity)

# how a subscriber is told of alerts
Channel = Literal["email", "webhook"]
CHANNELS: tuple[str, ...] = get_args(Channel)

# the languages every user-visible word exists in (Babel catalogues under hito/locale)
Language = Literal["es", "en"]
LANGUAGES: tuple[str, ...] = get_args(Language)


def one_of(values: tuple[str, ...]) -> str:
    """A regular expression matching exactly one of `values` (for query parameters)."""
    return "^(" + "|".join(values) + ")$"
