"""The needs panel: people per site from the forecast's band of that site, or the newest counts."""

from __future__ import annotations

import datetime as dt

from hito.store import needs, sites
from hito.store.actors import SYSTEM
from hito.store.db import Database

AS_OF = dt.date(2025, 12, 3)
DAYS = [(AS_OF + dt.timedelta(days=k)).isoformat() for k in range(10)]


def band(p10: float, p50: float, p90: float) -> dict[str, list[float]]:
    return {"p10": [p10] * len(DAYS), "p50": [p50] * len(DAYS), "p90": [p90] * len(DAYS)}


FORECAST = {
    "dates": DAYS,
    "stranded_total": band(50, 120, 200),
    # the model strands people on the strip only; at the counted border post they are present
    "stranded_by_place": {"concordia-strip": band(40, 100, 180)},
    "present_by_place": {"chacalluta": band(20, 45, 90), "concordia-strip": band(30, 90, 170)},
}


def test_a_counted_border_post_needs_what_its_present_people_need(db: Database) -> None:
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
    with db.session(readonly=True) as s:
        pic = needs.picture(s, forecast=FORECAST, as_of=AS_OF, horizon_days=7)
    rows = {r.site_id: r for r in pic.sites}
    assert pic.basis == "forecast"
    assert (rows["chacalluta"].p50, rows["chacalluta"].p90) == (45.0, 90.0)
    assert rows["chacalluta"].needs.people == 90
    # a counted site: its present people, as its page's chart shows them
    assert (rows["concordia-strip"].p50, rows["concordia-strip"].p90) == (90.0, 170.0)
    # a site the forecast holds neither band of: nobody
    assert (rows["santa-rosa"].p50, rows["santa-rosa"].p90) == (0.0, 0.0)
    assert pic.people == 200  # in all: the P90 of everyone stranded


def test_needs_from_a_more_than_100_count_say_it_is_a_lower_bound(db: Database) -> None:
    """No forecast: the newest counts, one of them "more than 100", make a lower bound."""
    from hito.store import agencies
    from hito.store.reports import CountIn, create_report

    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        chl = agencies.create_agency(s, actor=SYSTEM, code="chl", name="chl", country_code="CHL")
        for site, count in (
            ("chacalluta", CountIn(nationality="VEN", documented=False, people_low=100)),
            (
                "concordia-strip",
                CountIn(nationality="VEN", documented=False, people=30, stranded=30),
            ),
        ):
            create_report(
                s,
                actor=SYSTEM,
                site_id=site,
                observed_at=dt.datetime(2025, 11, 28, 12, tzinfo=dt.UTC),
                counts=[count.model_copy(update={"stranded": count.people})],
                agency_id=chl.id,
            )
    with db.session(readonly=True) as s:
        pic = needs.picture(s, forecast=None, as_of=AS_OF, horizon_days=7)
    rows = {r.site_id: r for r in pic.sites}
    assert pic.basis == "counts"
    assert (rows["chacalluta"].now, rows["chacalluta"].at_least) == (100, True)
    assert (rows["concordia-strip"].now, rows["concordia-strip"].at_least) == (30, False)
    assert (pic.people, pic.at_least) == (130, True)
