"""Queueing a forecast: its day is the caller's local day, not the UTC one."""

from __future__ import annotations

import datetime as dt

import pytest

from hito import i18n
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.errors import InvalidError
from hito.store.forecasts import create_forecast

# 21:00 in Lima on 1 December 2026 is 02:00 UTC on the 2nd
LIMA_EVENING = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)


def test_today_is_the_local_day_of_the_zone_not_the_utc_day() -> None:
    assert i18n.today("America/Lima", LIMA_EVENING) == dt.date(2026, 12, 1)
    assert i18n.today("UTC", LIMA_EVENING) == dt.date(2026, 12, 2)


def test_a_forecast_as_of_today_in_lima_in_the_evening_is_of_that_local_day(db: Database) -> None:
    today = i18n.today("America/Lima", LIMA_EVENING)
    with db.session() as session:
        row = create_forecast(session, actor=SYSTEM, scenario="tacna-arica-2025", today=today)
        assert row.as_of == dt.date(2026, 12, 1)


def test_a_forecast_as_of_the_utc_day_ahead_of_the_local_day_is_in_the_future(
    db: Database,
) -> None:
    today = i18n.today("America/Lima", LIMA_EVENING)
    with (
        db.session() as session,
        pytest.raises(InvalidError, match="as_of: 2026-12-02 está en el futuro"),
    ):
        create_forecast(
            session,
            actor=SYSTEM,
            scenario="tacna-arica-2025",
            as_of=dt.date(2026, 12, 2),
            today=today,
        )
