"""Scores by hand: the weighted interval score, coverage, persistence; horizons of a backtest."""

from __future__ import annotations

import datetime as dt
import math
import statistics

import numpy as np
import pytest

from hito.forecast.observations import Observation
from hito.forecast.pairs import horizon_of, scored
from hito.forecast.scoring import (
    LEVELS,
    PERSISTENCE_LOG_SD,
    central_share,
    covered,
    crps,
    persistence,
    pit_histogram,
    pit_range,
    quantiles,
    wis,
    wis80,
    wis_log,
)


def test_wis_by_hand():
    q = [0, 2, 5, 8, 12, 15, 20]  # P5 P10 P25 P50 P75 P90 P95
    y = 18.0
    # intervals: 90% [0, 20], 80% [2, 15], 50% [5, 12]; IS = width + 2/alpha * miss
    is90 = 20 - 0
    is80 = (15 - 2) + 2 / 0.2 * (18 - 15)
    is50 = (12 - 5) + 2 / 0.5 * (18 - 12)
    expected = (0.5 * abs(18 - 8) + 0.05 * is90 + 0.1 * is80 + 0.25 * is50) / 3.5
    assert wis(y, q) == pytest.approx(expected)


def test_wis_on_the_log_scale_by_hand():
    # a point forecast (every quantile m) scores |y - m|: (0.5 + 3 * 1) / 3.5 per unit
    assert wis(8.0, [5.0] * 7) == pytest.approx(3.0)
    assert wis_log(math.expm1(2.0), [0.0] * 7) == pytest.approx(2.0)
    q = [0, 2, 5, 8, 12, 15, 20]
    assert wis_log(18.0, q) == pytest.approx(wis(math.log1p(18.0), np.log1p(q)))
    # a count 40 times the median weighs as log(40), not as 3,900 people
    assert wis_log(4000.0, [100.0] * 7) == pytest.approx(math.log(4001 / 101))


def test_a_sharp_right_forecast_scores_better_than_a_vague_one():
    assert wis(10, [9, 9.5, 9.8, 10, 10.2, 10.5, 11]) < wis(10, [0, 1, 5, 10, 20, 40, 80])
    rng = np.random.default_rng(0)
    assert crps(10, rng.normal(10, 1, 500)) < crps(10, rng.normal(10, 10, 500))


def test_coverage_counts_the_ends_as_inside():
    q = [0, 2, 5, 8, 12, 15, 20]
    assert covered(2, q, 1, 5) and covered(15, q, 1, 5) and not covered(16, q, 1, 5)


def test_persistence_carries_the_last_days_median_forward():
    d = dt.date(2025, 1, 1)
    q = persistence([(d, 10.0), (d, 30.0), (d, 20.0)], d, d + dt.timedelta(days=1))
    assert q is not None and q[LEVELS.index(0.5)] == pytest.approx(20.0)
    # fewer than three changes known: the default spread, growing with the square root of the lead
    z90 = 1.2815515655446004
    assert q[LEVELS.index(0.9)] == pytest.approx(
        math.expm1(math.log1p(20) + z90 * PERSISTENCE_LOG_SD)
    )
    q4 = persistence([(d, 20.0)], d, d + dt.timedelta(days=4))
    assert q4[LEVELS.index(0.9)] == pytest.approx(
        math.expm1(math.log1p(20) + z90 * PERSISTENCE_LOG_SD * 2)
    )


def test_persistence_takes_its_spread_from_the_changes_seen():
    d = dt.date(2025, 1, 1)
    history = [(d + dt.timedelta(days=i), v) for i, v in enumerate([10.0, 10.0, 10.0, 10.0])]
    q = persistence(history, d + dt.timedelta(days=3), d + dt.timedelta(days=4))
    assert q[0] < 10 < q[-1] and q[-1] - q[0] < 2  # no change seen: a narrow band (floor 0.05)
    assert persistence([], d, d) is None


def test_persistence_spread_stops_at_that_of_the_counts_themselves():
    d = dt.date(2025, 1, 1)
    counts = [10.0, 20.0, 35.0, 50.0, 40.0, 60.0, 80.0]  # a camp growing by tens a day
    history = [(d + dt.timedelta(days=i), v) for i, v in enumerate(counts)]
    issued = d + dt.timedelta(days=6)
    logs = [math.log1p(v) for v in counts]
    changes = [b - a for a, b in zip(logs, logs[1:], strict=False)]
    walk, cap = statistics.stdev(changes), math.sqrt(2) * statistics.stdev(logs)
    z95 = 1.6448536269514722
    # a day on: the spread of the day-to-day changes (0.30), below the cap (0.96)
    q1 = persistence(history, issued, issued + dt.timedelta(days=1))
    assert walk < cap
    assert q1[-1] == pytest.approx(math.expm1(math.log1p(80) + z95 * walk))
    # thirty days on, a random walk would give P95 1,213; the band stops at the spread of a
    # change between two of the counts: 392
    q30 = persistence(history, issued, issued + dt.timedelta(days=30))
    assert walk * math.sqrt(30) > cap
    assert q30[-1] == pytest.approx(math.expm1(math.log1p(80) + z95 * cap))
    assert q30[-1] == pytest.approx(392.4, abs=0.1)
    # a camp that fills and empties day after day: capped from the first day on
    wild = [(d + dt.timedelta(days=i), v) for i, v in enumerate([40.0, 450.0, 45.0, 0.0, 45.0])]
    wild_logs = [math.log1p(v) for _, v in wild]
    far = persistence(wild, d + dt.timedelta(days=4), d + dt.timedelta(days=34))
    assert far[-1] == pytest.approx(
        math.expm1(math.log1p(45) + z95 * math.sqrt(2) * statistics.stdev(wild_logs))
    )
    assert far[-1] < 10_000  # about 7,650, not the billion of a random walk at 30 days


def test_leads_go_to_the_first_horizon_at_or_beyond_them():
    hs = (1, 3, 7, 14, 28)
    assert [horizon_of(x, hs) for x in (1, 2, 3, 4, 8, 28, 29)] == [1, 3, 3, 7, 14, 28, None]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(40, 40, True), (40, 50, True), (0, 0, True), (0, 60, False), (100, None, False)],
)
def test_only_counts_with_both_ends_are_scored(low, high, expected):
    o = Observation(
        date=dt.date(2025, 1, 1), place="x", low=low, high=high, line=1, site="x", source=""
    )
    assert scored(o) is expected


def test_pit_range_of_a_count_the_forecast_holds_is_the_mass_at_it():
    samples = np.array([0, 0, 0, 5, 10, 10, 20, 30, 40, 50], dtype=float)
    assert pit_range(0.0, samples) == (0.0, 0.3)
    assert pit_range(10.0, samples) == (0.4, 0.6)
    assert pit_range(7.0, samples) == (0.4, 0.4)  # between samples: one point
    assert pit_range(99.0, samples) == (1.0, 1.0)


def test_central_share_counts_a_tied_count_by_its_part_inside_the_band():
    # a 0 the forecast gives 30%: [0, 0.3] overlaps [0.1, 0.9] on 0.2 of its 0.3
    assert central_share((0.0, 0.3)) == pytest.approx(2 / 3)
    assert central_share((0.0, 0.05)) == 0.0  # below P10 whole
    assert central_share((0.4, 0.4)) == 1.0
    assert central_share((0.95, 0.95)) == 0.0
    assert central_share((0.85, 0.95)) == pytest.approx(0.5)
    # the literal rule counts the 0 inside whenever P10 is 0
    q = quantiles(np.array([0, 0, 0, 5, 10, 10, 20, 30, 40, 50], dtype=float))
    assert covered(0.0, q, 1, 5)


def test_pit_histogram_spreads_each_count_over_its_range_and_sums_to_one():
    hist = pit_histogram([(0.0, 0.3), (0.45, 0.45), (1.0, 1.0)])
    assert len(hist) == 10 and sum(hist) == pytest.approx(1.0)
    third = 1 / 3
    expected = [third * third] * 3 + [0.0, third, 0.0, 0.0, 0.0, 0.0, third]
    assert hist == pytest.approx(expected)
    assert pit_histogram([]) == []


def test_wis80_by_hand():
    # inside: |y - m| = 2, interval width 7: (0.5 * 2 + 0.1 * 7) / 1.5
    assert wis80(10, (5, 8, 12)) == pytest.approx(1.7 / 1.5)
    # above: |y - m| = 12; width 7 plus 2 / 0.2 * (20 - 12) = 80
    assert wis80(20, (5, 8, 12)) == pytest.approx((0.5 * 12 + 0.1 * 87) / 1.5)
