"""The shared names: one identifier rule, one country rule, site kinds within place kinds."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pydantic import TypeAdapter, ValidationError

from hito.domain import (
    COUNTRY_PATTERN,
    ID_PATTERN,
    SITE_KINDS,
    SITE_STATUSES,
    CountryCode,
    Ident,
    day_shown,
    one_of,
    site_day,
    site_time,
)
from hito.scenario.model import PLACE_KINDS


@pytest.mark.parametrize("ok", ["a", "0", "concordia-strip", "tacna_arica-2025", "x" * 64])
def test_identifiers_that_pass(ok: str) -> None:
    assert TypeAdapter(Ident).validate_python(ok) == ok


@pytest.mark.parametrize("bad", ["", "-a", "_a", "Concordia", "a b", "a.b", "x" * 65, "a'--"])
def test_identifiers_that_fail(bad: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Ident).validate_python(bad)


def test_country_codes_are_three_capitals() -> None:
    assert TypeAdapter(CountryCode).validate_python("PER") == "PER"
    for bad in ("pe", "PE", "PERU", "per"):
        assert not re.match(COUNTRY_PATTERN, bad)
        with pytest.raises(ValidationError):
            TypeAdapter(CountryCode).validate_python(bad)


def test_every_site_kind_is_a_place_kind_of_the_scenario_format() -> None:
    assert set(SITE_KINDS) <= set(PLACE_KINDS)


def test_one_of_matches_exactly_the_values() -> None:
    rx = re.compile(one_of(SITE_STATUSES))
    assert all(rx.match(s) for s in SITE_STATUSES)
    assert not rx.match("open2") and not rx.match("xopen") and not rx.match("")
    assert re.match(ID_PATTERN, "chacalluta")


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("country", "utc", "day"),
    [
        ("PER", "2025-12-02T01:00", dt.date(2025, 12, 1)),  # 20:00 in Tacna (UTC-5)
        ("PER", "2025-12-02T05:00", dt.date(2025, 12, 2)),  # midnight in Tacna
        ("CHL", "2025-12-01T02:30", dt.date(2025, 11, 30)),  # 23:30 in Arica, summer (UTC-3)
        ("CHL", "2025-12-01T03:00", dt.date(2025, 12, 1)),  # midnight in Arica, summer
        ("CHL", "2025-07-01T03:30", dt.date(2025, 6, 30)),  # 23:30 in Arica, winter (UTC-4)
        ("CHL", "2025-07-01T04:00", dt.date(2025, 7, 1)),  # midnight in Arica, winter
        # Chile's clocks go back at midnight on 5-6 April 2025: 23:30 twice, both the 5th's
        ("CHL", "2025-04-06T02:30", dt.date(2025, 4, 5)),  # 23:30 at UTC-3
        ("CHL", "2025-04-06T03:30", dt.date(2025, 4, 5)),  # 23:30 again, at UTC-4
        # and forward at midnight on 6-7 September 2025: from 00:00 (UTC-4) to 01:00 (UTC-3)
        ("CHL", "2025-09-07T03:30", dt.date(2025, 9, 6)),  # 23:30 at UTC-4
        ("CHL", "2025-09-07T04:30", dt.date(2025, 9, 7)),  # 01:30 at UTC-3
        ("BOL", "2025-12-02T03:30", dt.date(2025, 12, 1)),  # 23:30 in Bolivia (UTC-4)
        ("VEN", "2025-12-02T01:00", dt.date(2025, 12, 2)),  # no zone known: the UTC day
    ],
)
def test_a_moment_counts_on_the_local_day_at_its_site(country: str, utc: str, day: dt.date) -> None:
    assert site_day(country, _utc(utc)) == day


def test_a_naive_moment_is_utc_and_a_site_keeps_its_offset() -> None:
    assert site_day("PER", dt.datetime(2025, 12, 2, 1, 0)) == dt.date(2025, 12, 1)
    at = site_time("PER", _utc("2025-12-02T01:00"))
    assert at.isoformat() == "2025-12-01T20:00:00-05:00"
    assert site_time("VEN", _utc("2025-12-02T01:00")).isoformat() == "2025-12-02T01:00:00+00:00"


@pytest.mark.parametrize(
    ("zone", "instant", "day"),
    [
        # 00:30 on 1 December in Arica (UTC-3), 22:30 on 30 November in Tacna (UTC-5)
        ("America/Lima", dt.datetime(2025, 12, 1, 3, 30, tzinfo=dt.UTC), dt.date(2025, 12, 1)),
        ("America/Santiago", dt.datetime(2025, 12, 1, 3, 30, tzinfo=dt.UTC), dt.date(2025, 12, 1)),
        # before Chile's midnight every reader at the border is still on 30 November
        ("America/Lima", dt.datetime(2025, 12, 1, 2, 30, tzinfo=dt.UTC), dt.date(2025, 11, 30)),
        # in Chile's winter (UTC-4) the gap is an hour: 00:30 in Arica, 23:30 in Tacna
        ("America/Lima", dt.datetime(2025, 7, 1, 4, 30, tzinfo=dt.UTC), dt.date(2025, 7, 1)),
        # a reader whose day began before the border's keeps their own
        ("Asia/Tokyo", dt.datetime(2025, 12, 1, 16, 0, tzinfo=dt.UTC), dt.date(2025, 12, 2)),
    ],
)
def test_the_day_shown_is_the_readers_or_the_borders_when_it_began_first(
    zone: str, instant: dt.datetime, day: dt.date
) -> None:
    assert day_shown(zone, instant) == day


@pytest.mark.parametrize(
    ("machine", "day"),
    [
        ("America/Lima", dt.date(2025, 12, 2)),  # 22:30 in Peru, already 00:30 in Chile
        ("UTC", dt.date(2025, 12, 2)),
        ("Pacific/Kiritimati", dt.date(2025, 12, 2)),  # UTC+14: 17:30 on the 2nd
        ("Pacific/Pago_Pago", dt.date(2025, 12, 2)),  # UTC-11: the 1st there, the border's 2nd
    ],
)
def test_the_day_shown_on_this_machines_clock_is_its_day_or_the_borders(
    machine: str, day: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's today (zone None): `hito plans check` at 03:30 UTC is the border's 2 December."""
    import time

    monkeypatch.setenv("TZ", machine)
    time.tzset()
    try:
        assert day_shown(None, dt.datetime(2025, 12, 2, 3, 30, tzinfo=dt.UTC)) == day
        assert day_shown(None, dt.datetime(2025, 12, 2, 4, 30, tzinfo=dt.UTC)) == dt.date(
            2025, 12, 2
        )
    finally:
        monkeypatch.undo()
        time.tzset()
