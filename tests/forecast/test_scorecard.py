"""The live scorecard by hand: issued bands paired with later counts, horizons, interval scores."""

from __future__ import annotations

import datetime as dt

import pytest

from hito.forecast.observations import Observation, Observations
from hito.forecast.scorecard import IssuedBand, score_issued
from hito.forecast.scoring import persistence, wis80

D0 = dt.date(2025, 12, 1)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def count(n: int, low: float, high: float | None = None, place: str = "strip") -> Observation:
    return Observation(day(n), place, low, low if high is None else high, 0, place, "test")


def band(issued: int, lows: list[float], mids: list[float], highs: list[float]) -> IssuedBand:
    """A band issued on day `issued` for the days after it, one value per day."""
    dates = tuple(day(issued + 1 + i) for i in range(len(lows)))
    return IssuedBand(day(issued), "strip", dates, tuple(lows), tuple(mids), tuple(highs))


def test_each_later_count_meets_the_band_of_its_date_and_goes_to_its_horizon():
    obs = Observations((count(0, 40), count(1, 30), count(2, 60), count(5, 0), count(9, 45)))
    b = band(0, [20] * 10, [35] * 10, [50] * 10)  # days 1..10
    card = score_issued([b], obs)
    # the count of the issue day is not scored; leads 1, 2, 5, 9
    assert [(p.target, p.lead, p.horizon) for p in card.pairs] == [
        (day(1), 1, 1),
        (day(2), 2, 3),
        (day(5), 5, 7),
        (day(9), 9, 14),
    ]
    assert [p.covered for p in card.pairs] == [True, False, False, True]
    rows = {h["horizon"]: h for h in card.by_horizon()}
    assert sorted(rows) == [1, 3, 7, 14]
    assert rows[3]["n"] == 1 and rows[3]["covered"] == 0 and rows[3]["coverage_p10_p90"] == 0.0
    assert rows[1]["wis"] == pytest.approx(wis80(30, (20, 35, 50)))
    assert card.issued == 1


def test_persistence_is_what_was_known_on_the_issue_day():
    obs = Observations((count(0, 40), count(1, 10)))
    card = score_issued([band(0, [20], [35], [50])], obs)
    (pair,) = card.pairs
    q = persistence([(day(0), 40.0)], day(0), day(1))
    assert q is not None
    assert pair.persistence == (float(q[1]), float(q[3]), float(q[5]))
    assert pair.persistence[1] == pytest.approx(40.0)
    assert card.by_horizon()[0]["wis_persistence"] == pytest.approx(wis80(10, pair.persistence))


def test_counts_that_cannot_be_scored_or_placed_are_left_out():
    obs = Observations(
        (
            count(0, 40),
            Observation(day(1), "strip", 100, None, 0, "strip", "more than 100"),
            count(2, 30, place="chacalluta"),  # another place
            count(20, 30),  # beyond the band's last date
        )
    )
    card = score_issued([band(0, [20, 20, 20], [35, 35, 35], [50, 50, 50])], obs)
    assert card.pairs == []
    assert card.by_horizon() == []


def test_no_count_before_the_forecast_means_no_persistence_to_beat():
    obs = Observations((count(1, 30),))
    assert score_issued([band(0, [20], [35], [50])], obs).pairs == []


def test_a_band_with_a_missing_level_on_a_date_is_not_scored_there():
    b = IssuedBand(day(0), "strip", (day(1), day(2)), (None, 20.0), (None, 35.0), (None, 50.0))
    obs = Observations((count(0, 40), count(1, 30), count(2, 30)))
    assert [p.target for p in score_issued([b], obs).pairs] == [day(2)]


def test_persistence_reads_a_one_sided_count_of_the_issue_day_at_its_bound():
    # "more than 100" and a rhetorical "4,000" on the issue day: persistence carries 100
    wild = Observation(day(0), "strip", 4000, 4000, 0, "strip", "4 mil")
    more = Observation(day(0), "strip", 100, None, 0, "strip", "more than 100")
    obs = Observations((more, more, wild, count(1, 40)))
    (pair,) = score_issued([band(0, [20], [35], [50])], obs).pairs
    assert pair.persistence[1] == pytest.approx(100.0)
