"""The trigger state machine on hand-built daily series: windows, hysteresis, cooldown, lead time."""

from __future__ import annotations

import math

import numpy as np

from hito.plans.model import Trigger
from hito.plans.triggers import Episode, TriggerMachine, active_days, episodes, holds

NAN = math.nan


def trig(**kw) -> Trigger:
    base = {"id": "t", "indicator": "stranded", "threshold": 10}
    return Trigger.model_validate(base | kw)


def test_window_needs_consecutive_days():
    t = trig(window_days=3)
    assert episodes(t, [10, 10, 5, 10, 10, 10, 10]) == [Episode(fired=5, ended=None)]


def test_window_of_one_fires_on_the_first_day_and_ends_when_condition_fails():
    assert episodes(trig(), [0, 12, 11, 3, 0, 15]) == [Episode(1, 3), Episode(5, None)]


def test_missing_value_breaks_the_window():
    t = trig(window_days=2)
    assert episodes(t, [10, NAN, 10, 10]) == [Episode(3, None)]


def test_missing_value_ends_an_episode_without_end_condition():
    assert episodes(trig(), [10, NAN, 10]) == [Episode(0, 1), Episode(2, None)]


def test_hysteresis_keeps_the_trigger_on_until_the_end_condition_holds_for_its_window():
    t = trig(end={"compare": "<", "threshold": 4, "window_days": 2})
    # falls below 10 on day 2 but stays on; 3 on day 4 (1 day), 5 on day 5 resets, 2, 1 -> off day 7
    values = [12, 11, 8, 6, 3, 5, 2, 1, 0]
    assert episodes(t, values) == [Episode(0, 7)]


def test_cooldown_blocks_refiring_for_its_days():
    t = trig(cooldown_days=3)
    # fires 0, ends 1 (cooldown days 1, 2, 3), may fire again on day 4
    values = [10, 0, 10, 10, 10, 0]
    assert episodes(t, values) == [Episode(0, 1), Episode(4, 5)]


def test_cooldown_zero_allows_refiring_the_next_day():
    assert episodes(trig(), [10, 0, 10]) == [Episode(0, 1), Episode(2, None)]


def test_window_keeps_counting_during_cooldown():
    t = trig(window_days=2, cooldown_days=2)
    # ends on day 2; days 3-4 meet the condition during/after cooldown; may fire on day 4
    assert episodes(t, [10, 10, 0, 10, 10, 10]) == [Episode(1, 2), Episode(4, None)]


def test_comparisons():
    assert holds(5, ">=", 5) and not holds(5, ">", 5)
    assert holds(5, "<=", 5) and not holds(5, "<", 5)
    assert not holds(NAN, "<", 5)


def test_machine_reports_events_and_gap_in_days_resets_windows():
    m = TriggerMachine(trig(window_days=2))
    assert m.step(0, 10) is None
    assert m.step(2, 10) is None  # day 1 skipped: the window restarts
    assert m.step(3, 10) == "fire"
    assert m.step(4, 0) == "end"
    assert m.active is False and m.cooldown_until == 4


def test_lead_time_shifts_the_action_and_it_runs_until_the_trigger_ends():
    mask = active_days([Episode(2, 6)], lead=1, duration=None, days=10)
    assert np.flatnonzero(mask).tolist() == [3, 4, 5]


def test_action_called_off_when_the_trigger_ends_before_its_lead_time():
    assert not active_days([Episode(2, 4)], lead=3, duration=None, days=10).any()


def test_fixed_duration_outlives_the_episode_and_is_cut_at_the_horizon():
    mask = active_days([Episode(2, 3), Episode(7, None)], lead=2, duration=3, days=10)
    assert np.flatnonzero(mask).tolist() == [4, 5, 6, 9]


def test_open_episode_runs_to_the_horizon():
    assert np.flatnonzero(active_days([Episode(5)], 0, None, 8)).tolist() == [5, 6, 7]
