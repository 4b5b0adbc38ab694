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
