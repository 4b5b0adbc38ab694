"""A site's figures of a day: the local day at the site, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from hito.plans.model import Trigger
from hito.store import agencies, sites
from hito.store.actors import SYSTEM
from hito.store.alerts import series_for
from hito.store.db import Database
from hito.store.figures import daily_figures, daily_stranded
from hito.store.models import FieldReport
from hito.store.reports import CountIn, create_report, report_query, supersede_report

D = dt.date


@pytest.fixture
def border(db: Database) -> Database:
    """The Tacna-Arica sites, a Peruvian and a Chilean agency."""
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        for code, country in (("per", "PER"), ("chl", "CHL")):
            agencies.create_agency(s, actor=SYSTEM, code=code, name=code, country_code=country)
    return db


def ven(stranded: int) -> CountIn:
    return CountIn(nationality="VEN", documented=False, people=stranded, stranded=stranded)


def _report(db: Database, site: str, at: str, count: CountIn, agency: str) -> FieldReport:
    """An agency's report of one count at a site, at a time with its offset."""
    with db.session() as s:
        ids = {a.code: a.id for a in agencies.list_agencies(s)[0]}
        row, _ = create_report(
            s,
            actor=SYSTEM,
            site_id=site,
            observed_at=dt.datetime.fromisoformat(at),
            counts=[count],
            agency_id=ids[agency],
        )
        return row


def _count(db: Database, site: str, at: str, stranded: int, agency: str = "per") -> FieldReport:
    return _report(db, site, at, ven(stranded), agency)


def test_a_count_at_20_in_tacna_on_1_december_is_of_1_december(border: Database) -> None:
    row = _count(border, "santa-rosa", "2025-12-01T20:00:00-05:00", 70)  # 01:00 UTC on the 2nd
    assert row.day == D(2025, 12, 1)
    with border.session(readonly=True) as s:
        assert daily_stranded(s) == {"santa-rosa": {D(2025, 12, 1): 70}}
        # the figures up to 1 December hold it (they cut at the end of the site's day)
        assert daily_stranded(s, until=D(2025, 12, 1)) == {"santa-rosa": {D(2025, 12, 1): 70}}
        stored = s.get(FieldReport, row.id)
        assert stored is not None and stored.day == D(2025, 12, 1)


def test_a_count_at_20_in_tacna_meets_1_decembers_trigger(border: Database) -> None:
    _count(border, "santa-rosa", "2025-12-01T20:00:00-05:00", 70)
    trigger = Trigger(
        id="t", indicator="stranded", places=["santa-rosa"], compare=">=", threshold=50
    )
    with border.session(readonly=True) as s:
        assert series_for(s, trigger, D(2025, 12, 1)) == {D(2025, 12, 1): 70.0}


def test_a_peruvian_and_a_chilean_count_of_one_evening_fall_on_one_day(border: Database) -> None:
    """At the strip (a Chilean site), 21:30 in Tacna is 23:30 in Arica: both of 30 November."""
    _count(border, "concordia-strip", "2025-11-30T21:30:00-05:00", 100, "per")
    _count(border, "concordia-strip", "2025-11-30T23:30:00-03:00", 120, "chl")
    with border.session(readonly=True) as s:
        day = daily_figures(s)["concordia-strip"]
    assert list(day) == [D(2025, 11, 30)]
    assert (day[D(2025, 11, 30)].figure, day[D(2025, 11, 30)].low) == (110, 100)


def test_a_chilean_count_at_23_30_in_summer_and_in_winter(border: Database) -> None:
    summer = _count(border, "chacalluta", "2025-12-01T02:30:00+00:00", 10, "chl")  # UTC-3
    winter = _count(border, "chacalluta", "2025-07-01T03:30:00+00:00", 20, "chl")  # UTC-4
    back = _count(
        border, "chacalluta", "2025-04-06T03:30:00+00:00", 30, "chl"
    )  # after 00:00 -> 23:00
    assert (summer.day, winter.day, back.day) == (D(2025, 11, 30), D(2025, 6, 30), D(2025, 4, 5))
    with border.session(readonly=True) as s:
        assert daily_stranded(s) == {
            "chacalluta": {D(2025, 4, 5): 30, D(2025, 6, 30): 20, D(2025, 11, 30): 10}
        }


def test_a_correction_keeps_the_day_of_its_time_at_the_site(border: Database) -> None:
    row = _count(border, "santa-rosa", "2025-12-01T20:00:00-05:00", 70)
    with border.session() as s:
        fix = supersede_report(
            s, actor=SYSTEM, report_id=row.id, reason="recount", counts=[ven(60)]
        )
        assert fix.day == D(2025, 12, 1)
        listed = list(s.scalars(report_query(since=D(2025, 12, 1), until=D(2025, 12, 1))))
    assert [r.id for r in listed] == [fix.id, row.id]
    with border.session(readonly=True) as s:
        assert daily_stranded(s) == {"santa-rosa": {D(2025, 12, 1): 60}}


def _more_than(db: Database, site: str, at: str, low: int, agency: str) -> FieldReport:
    """An agency's "more than `low`" (all stranded) at a site."""
    count = CountIn(nationality="VEN", documented=False, people_low=low, stranded=low)
    return _report(db, site, at, count, agency)


def test_more_than_120_beside_100_makes_a_figure_of_at_least_110(border: Database) -> None:
    _count(border, "concordia-strip", "2025-11-30T10:00:00-03:00", 100, "chl")
    more = _more_than(border, "concordia-strip", "2025-11-30T11:00:00-05:00", 120, "per")
    with border.session(readonly=True) as s:
        f = daily_figures(s)["concordia-strip"][D(2025, 11, 30)]
        assert s.get(FieldReport, more.id).at_least  # type: ignore[union-attr]
        per = {a.code: a.id for a in agencies.list_agencies(s)[0]}["per"]
    assert (f.figure, f.low, f.high, f.open_agencies, f.at_least) == (
        110,
        100,
        120,
        frozenset({per}),
        True,
    )


def test_an_open_count_above_the_middle_leaves_the_figure_exact(border: Database) -> None:
    """50, 60 and "more than 200": more than 200 cannot move the median, 60."""
    with border.session() as s:
        agencies.create_agency(s, actor=SYSTEM, code="iom", name="IOM", country_code="CHL")
    _count(border, "concordia-strip", "2025-11-30T10:00:00-03:00", 50, "chl")
    _count(border, "concordia-strip", "2025-11-30T10:00:00-03:00", 60, "iom")
    _more_than(border, "concordia-strip", "2025-11-30T11:00:00-05:00", 200, "per")
    # a tie: an exact 60 and "more than 60" (the exact one ranks first, in the middle)
    _count(border, "chacalluta", "2025-11-30T10:00:00-03:00", 60, "chl")
    _count(border, "chacalluta", "2025-11-30T10:00:00-03:00", 60, "iom")
    _more_than(border, "chacalluta", "2025-11-30T11:00:00-05:00", 60, "per")
    with border.session(readonly=True) as s:
        figures = daily_figures(s)
    strip = figures["concordia-strip"][D(2025, 11, 30)]
    tie = figures["chacalluta"][D(2025, 11, 30)]
    assert (strip.figure, len(strip.open_agencies), strip.at_least) == (60, 1, False)
    assert (tie.figure, len(tie.open_agencies), tie.at_least) == (60, 1, False)


def test_more_than_60_below_an_exact_80_of_three_makes_at_least(border: Database) -> None:
    with border.session() as s:
        agencies.create_agency(s, actor=SYSTEM, code="iom", name="IOM", country_code="CHL")
    _more_than(border, "concordia-strip", "2025-11-30T11:00:00-05:00", 60, "per")
    _count(border, "concordia-strip", "2025-11-30T10:00:00-03:00", 80, "chl")
    _count(border, "concordia-strip", "2025-11-30T10:00:00-03:00", 90, "iom")
    with border.session(readonly=True) as s:
        f = daily_figures(s)["concordia-strip"][D(2025, 11, 30)]
    assert (f.figure, f.at_least) == (80, True)
