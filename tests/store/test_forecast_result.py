"""The stored result of a forecast carries what people did after its as-of date."""

from __future__ import annotations

import datetime as dt

from hito.forecast.observations import Observations
from hito.store.db import Database
from hito.store.forecast_result import forecast_result
from hito.store.forecasts import latest_result
from hito.store.models import Forecast
from hito.testing import fates_scenario

AS_OF = dt.date(2025, 1, 4)


def same(n: float) -> dict[str, float]:
    return {"p10": n, "p50": n, "p90": n}


def fates_result(days: int = 20) -> dict:
    return forecast_result(fates_scenario(), Observations((), ()), AS_OF, days, 4, 3)


def test_the_result_holds_the_people_diverted_harmed_crossed_and_returned() -> None:
    res = fates_result()
    out = res["outcomes"]
    assert out["total"] == {
        "diverted": same(100.0),  # the strip's 100, on day 4
        "harmed": same(0.0),  # the camp's 30 were harmed on the as-of day, before the forecast
        "crossed": same(100.0),
        "returned": same(40.0),
    }
    assert out["after"] == "2025-01-04" and out["until"] == res["dates"][-1] == "2025-01-23"
    assert list(out["by_place"]) == ["strip", "desert", "city"]
    assert [d["days"] for d in out["by_day"]] == [7, 14]
    # the stranded bands it always held are still there
    assert res["calibrated"]["counts"] == 0 and len(res["stranded_total"]["p50"]) == 20


def test_the_outcomes_survive_the_database_and_an_old_result_has_none(db: Database) -> None:
    res = fates_result()
    with db.session() as session:
        for day, result in ((dt.date(2025, 1, 3), {"dates": []}), (AS_OF, res)):
            session.add(
                Forecast(
                    status="done",
                    scenario="fates",
                    as_of=day,
                    days=20,
                    runs=4,
                    seed=3,
                    user_id=None,
                    result=result,
                )
            )
    with db.session(readonly=True) as session:
        newest = latest_result(session)
        old = latest_result(session, dt.date(2025, 1, 3))
    assert newest is not None and newest["outcomes"] == res["outcomes"]
    assert old is not None and "outcomes" not in old
