"""The picture's reference moment: a past day ends at its local midnight, as the report days do."""

from __future__ import annotations

import datetime as dt

from hito.web.situation import reference_time

NOW = dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC)


def test_a_past_day_in_lima_ends_at_lima_midnight_not_utc_midnight() -> None:
    # 1 December ends in Lima (UTC-5) at 05:00 UTC on the 2nd
    got = reference_time(dt.date(2026, 12, 1), NOW, "America/Lima")
    assert got == dt.datetime(2026, 12, 2, 4, 59, 59, tzinfo=dt.UTC)


def test_a_past_day_in_santiago_summer_ends_at_its_midnight_utc_minus_3() -> None:
    got = reference_time(dt.date(2026, 12, 1), NOW, "America/Santiago")
    assert got == dt.datetime(2026, 12, 2, 2, 59, 59, tzinfo=dt.UTC)


def test_today_is_counted_from_now() -> None:
    assert reference_time(dt.date(2026, 12, 10), NOW, "America/Lima") == NOW
