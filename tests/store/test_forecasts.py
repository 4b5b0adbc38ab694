"""Queueing a forecast: its day is the caller's local day, not the UTC one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hito import i18n
from hito.errors import Problem, kept, said_in
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.errors import InvalidError, TooManyAttemptsError
from hito.store.forecasts import create_forecast, get_forecast, run_forecast
from hito.store.models import Forecast
from races import at_once

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


def test_a_forecast_before_the_scenarios_start_is_refused_when_asked_not_failed_later(
    db: Database,
) -> None:
    with (
        db.session() as session,
        pytest.raises(InvalidError, match="as_of: 2020-01-01 es anterior al inicio del escenario"),
    ):
        create_forecast(
            session, actor=SYSTEM, scenario="tacna-arica-2025", as_of=dt.date(2020, 1, 1)
        )
    with db.session(readonly=True) as session:
        assert session.scalars(select(Forecast)).all() == []


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


def test_a_failed_forecast_keeps_its_reason_to_be_said_in_spanish_and_english(
    db: Database,
) -> None:
    """Not English words alone: the dashboard says why in the visitor's language, the API in
    English."""
    with db.session() as session:  # queued before the scenario's start moved past its date
        row = Forecast(
            status="queued",
            scenario="tacna-arica-2025",
            as_of=dt.date(2020, 1, 1),
            days=3,
            runs=1,
            seed=1,
        )
        session.add(row)
        session.flush()
        forecast_id = row.id
    run_forecast(db, forecast_id=forecast_id)
    with db.session(readonly=True) as session:
        row = get_forecast(session, forecast_id=forecast_id)
        assert row.status == "failed"
        assert kept(row.error) == [
            Problem(
                "as_of: got %(as_of)s, expected a date from %(start)s (the scenario's start)",
                as_of="2020-01-01",
                start="2025-11-22",
            )
        ]
        assert said_in(row.error, "en") == (
            "as_of: got 2020-01-01, expected a date from 2025-11-22 (the scenario's start)"
        )
        assert said_in(row.error, "es") == (
            "as_of: se recibió 2020-01-01; se esperaba una fecha a partir de 2025-11-22 (el inicio "
            "del escenario)"
        )


def test_starts_at_the_same_moment_stop_at_the_quota(db: Database) -> None:
    """Race: eight starts at once each counted two active forecasts (PostgreSQL, READ
    COMMITTED) and all eight were queued, past a limit of three."""

    def one(_i: int) -> str:
        with db.session() as session:
            create_forecast(
                session,
                actor=SYSTEM,
                scenario="tacna-arica-2025",
                as_of=dt.date(2025, 12, 1),
                quota=(3, 3),
            )
        return "queued"

    got = at_once(8, one)
    refused = [g for g in got if isinstance(g, TooManyAttemptsError)]
    assert (got.count("queued"), len(refused)) == (3, 5)
    with db.session(readonly=True) as session:
        assert len(session.scalars(select(Forecast)).all()) == 3
