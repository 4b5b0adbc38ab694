"""Peak and clearance of a place: what the counts after a forecast showed, what it said."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from hito.forecast.events import event_scores, forecast_events

ISSUED = dt.date(2025, 1, 1)
DATES = [dt.date(2025, 1, 2), dt.date(2025, 1, 4), dt.date(2025, 1, 8)]


def test_the_peak_is_the_highest_later_count_and_its_day_after_the_issue():
    said = np.array([[10, 50, 0], [20, 30, 5], [5, 5, 80], [40, 60, 0]], dtype=float)
    e = forecast_events(ISSUED, "strip", DATES, [30, 70, 0], [30, 70, 0], said)
    assert e.days == 3
    assert e.peak_observed == 70 and e.peak_day_observed == 3
    # each particle's highest report: 50, 30, 80, 60 -> P10, P50, P90
    assert e.peak == pytest.approx(np.quantile([50, 30, 80, 60], [0.1, 0.5, 0.9]).tolist())
    # on days 3, 1, 7, 3 after the issue: median 3
    assert e.peak_day == 3.0


def test_the_clearance_is_the_first_count_of_nobody():
    said = np.array([[10, 50, 0], [20, 30, 5], [5, 0, 0], [40, 60, 0]], dtype=float)
    e = forecast_events(ISSUED, "strip", DATES, [30, 70, 0], [30, 70, 0], said)
    assert e.cleared and e.clear_day_observed == 7
    assert e.clear_chance == 0.75  # three particles of four said 0 on some day
    assert e.clear_day == 7.0  # their first zero on days 7, 3, 7: median 7
    none = forecast_events(ISSUED, "strip", DATES, [30, 70, 10], [30, 70, 10], said)
    assert not none.cleared and none.clear_day_observed is None


def test_scores_count_a_peak_only_where_a_window_has_two_days_or_more():
    said = np.array([[10, 50, 0], [20, 30, 5]], dtype=float)
    a = forecast_events(ISSUED, "strip", DATES, [30, 70, 0], [30, 70, 0], said)
    b = forecast_events(ISSUED, "strip", DATES[:1], [30], [30], said[:, :1])
    ev = event_scores([a, b])
    assert ev["n"] == 2 and ev["peak"]["n"] == 1
    assert ev["peak"]["coverage_p10_p90"] == 0.0  # 70 above both particles' peaks (30, 50)
    assert ev["peak"]["median_abs_error"] == pytest.approx(70 - 40)
    # clearance: a came (chance 1/2), b did not (chance 0): Brier ((0.5 - 1)^2 + 0) / 2
    assert ev["clearance"]["brier"] == pytest.approx(0.125)
    assert ev["clearance"]["cleared"] == 1
    assert ev["clearance"]["date_abs_error_days"] == 0.0  # the one zero said day 7, as it came
    assert event_scores([]) == {"n": 0}


def test_a_day_with_a_count_of_nobody_and_one_of_twenty_peaks_at_twenty_and_clears():
    said = np.array([[10, 0, 0], [20, 30, 5]], dtype=float)
    e = forecast_events(ISSUED, "strip", DATES, [30, 20, 40], [30, 0, 40], said)
    assert e.peak_observed == 40 and e.peak_day_observed == 7
    assert e.cleared and e.clear_day_observed == 3
    assert e.clear_day == 3.0  # the one particle that said 0 did so first on day 3
