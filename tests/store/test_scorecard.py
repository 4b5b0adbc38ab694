"""The service's issued forecasts scored by later reports, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hito.store import agencies, sites
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.models import Forecast
from hito.store.reports import CountIn, create_report
from hito.store.scorecard import live_scorecard

D = dt.date


@pytest.fixture
def db(db: Database) -> Database:
    """An empty database with the scenario's sites and one agency."""
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        agencies.create_agency(
            s, actor=SYSTEM, code="pdi-arica", name="PDI Arica", country_code="CHL"
        )
    return db


def report(db: Database, day: str, stranded: int, site: str = "concordia-strip") -> None:
    with db.session() as s:
        agency = agencies.list_agencies(s)[0][0]
        create_report(
            s,
            actor=SYSTEM,
            site_id=site,
            observed_at=dt.datetime.fromisoformat(f"{day}T12:00:00+00:00"),
            counts=[
                CountIn(nationality="VEN", documented=False, people=stranded, stranded=stranded)
            ],
            agency_id=agency.id,
        )


def forecast(
    db: Database, as_of: D, low: float, mid: float, high: float, status: str = "done"
) -> None:
    """A finished forecast whose field-count band at the strip is the same on its 10 days."""
    dates = [(as_of + dt.timedelta(days=i)).isoformat() for i in range(10)]
    band = {"p10": [low] * 10, "p50": [mid] * 10, "p90": [high] * 10}
    with db.session() as s:
        s.add(
            Forecast(
                status=status,
                scenario="tacna-arica-2025",
                as_of=as_of,
                days=10,
                runs=20,
                seed=1,
                result={"dates": dates, "count_by_place": {"concordia-strip": band}},
            )
        )


def test_no_forecast_no_scorecard(db: Database) -> None:
    report(db, "2025-12-01", 40)
    with db.session(readonly=True) as s:
        assert live_scorecard(s) is None


def test_the_newest_forecast_of_each_day_is_scored_by_the_later_reports(db: Database) -> None:
    report(db, "2025-12-01", 40)
    forecast(db, D(2025, 12, 1), 0, 10, 20)  # replaced by the refresh of the same day below
    forecast(db, D(2025, 12, 1), 20, 40, 60)
    forecast(db, D(2025, 12, 2), 0, 1, 2, status="failed")  # not finished: not scored
    report(db, "2025-12-02", 50)
    report(db, "2025-12-02", 5, site="chacalluta")  # the band is the strip's only
    report(db, "2025-12-04", 90)
    with db.session(readonly=True) as s:
        card = live_scorecard(s)
        assert card is not None
        assert card.issued == 1
        assert [(p.target, p.horizon, p.observed, p.band, p.covered) for p in card.pairs] == [
            (D(2025, 12, 2), 1, 50.0, (20, 40, 60), True),
            (D(2025, 12, 4), 3, 90.0, (20, 40, 60), False),
        ]
        # as of 2025-12-03 the report of the 4th has not come yet
        early = live_scorecard(s, D(2025, 12, 3))
        assert early is not None
        assert [p.target for p in early.pairs] == [D(2025, 12, 2)]


def test_a_new_report_changes_the_scorecard(db: Database) -> None:
    report(db, "2025-12-01", 40)
    forecast(db, D(2025, 12, 1), 20, 40, 60)
    with db.session(readonly=True) as s:
        first = live_scorecard(s)
    assert first is not None and first.pairs == []
    report(db, "2025-12-02", 50)
    with db.session(readonly=True) as s:
        then = live_scorecard(s)
    assert then is not None and len(then.pairs) == 1


def test_forecasts_older_than_the_longest_horizon_are_not_read(
    db: Database, tmp_path: Path
) -> None:
    report(db, "2025-10-01", 40)
    for k in range(35):
        forecast(db, D(2025, 10, 1) + dt.timedelta(days=k), 20, 40, 60)
    report(db, "2025-11-05", 40)
    with db.session(readonly=True) as s:
        card = live_scorecard(s)
    assert card is not None
    assert card.issued == 29  # the newest 29 issue dates: 2025-10-07 to 2025-11-04
    assert min(p.issued for p in card.pairs) == D(2025, 10, 27)  # 10-day bands reach 11-05
