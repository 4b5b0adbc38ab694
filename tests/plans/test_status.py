"""evaluate_observed: the status of each trigger on a date, from daily values (no files)."""

from __future__ import annotations

import datetime as dt

from hito.plans.model import Plan
from hito.plans.status import daily, evaluate_observed
from plans.helpers import corridor, plan_dict, stranded_trigger

D = dt.date(2025, 1, 1)


def day(k: int) -> dt.date:
    return D + dt.timedelta(days=k)


PLAN = Plan.model_validate(
    plan_dict([stranded_trigger(), stranded_trigger(id="quiet")], [corridor(lead_time_days=2)])
)


def test_met_since_the_firing_day_with_the_actions_due_after_their_lead_time():
    series = {"t": {day(0): 60, day(1): 70, day(2): 80}}
    st, quiet = evaluate_observed(PLAN, series, day(3))
    assert st.met and st.since == day(1) and st.last_fired == day(1)
    assert st.value == 80 and st.value_date == day(2) and st.condition_days == 4
    (due,) = st.actions_due
    assert (due.action, due.agency, due.agency_name, due.country, due.due) == (
        "c",
        "mig",
        "Migraciones",
        "PER",
        day(3),
    )
    assert not quiet.met and quiet.note == "no stranded values on or before 2025-01-04"
    assert st.to_json()["actions_due"][0]["due"] == "2025-01-04"


def test_window_not_yet_full_says_how_many_days_it_has():
    (st, _) = evaluate_observed(PLAN, {"t": {day(0): 10, day(1): 60}}, day(1))
    assert not st.met and st.condition_days == 1 and st.actions_due == []
    assert st.note == "condition holds for 1 of the 2 days the window needs"


def test_values_after_the_date_are_ignored_and_stale_counts_lapse():
    series = {"t": {day(0): 60, day(1): 60, day(9): 0}}
    st, _ = evaluate_observed(PLAN, series, day(2))
    assert st.met and st.since == day(1)
    st, _ = evaluate_observed(PLAN, series, day(8))  # last count of day 1 stood until day 4
    # with an end condition, no value is no evidence that it ended: it stays on, with a note
    assert st.met and st.value is None and st.value_date == day(1)
    assert st.note == "no value on 2025-01-09: the latest, of 2025-01-02, is older than 3 days"
    plain = Plan.model_validate(plan_dict([stranded_trigger(end=None)], []))
    (st,) = evaluate_observed(plain, series, day(8))
    assert not st.met and st.last_fired == day(1)


def test_end_condition_switches_off():
    series = {"t": {day(0): 60, day(1): 60, day(2): 1, day(3): 2}}
    st, _ = evaluate_observed(PLAN, series, day(3))
    assert not st.met and st.since is None and st.last_fired == day(1)


def test_daily_carries_counts_forward_until_a_newer_one():
    got = daily({day(0): 5, day(2): 7}, day(7), carry_days=3)
    assert got == {day(0): 5, day(1): 5, day(2): 7, day(3): 7, day(4): 7, day(5): 7}
