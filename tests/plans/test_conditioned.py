"""Plans compared from a posterior: the particles' states at the as-of date, run on per plan."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import build
from ensemble_helpers import uncertain_tiny
from hito.engine.compile import compile_scenario
from hito.engine.run import simulate
from hito.ensemble.executors import SerialExecutor
from hito.errors import InputError
from hito.forecast.calibrate import run_filter
from hito.forecast.observations import Observation, Observations
from hito.forecast.posterior import calibrated_ensemble, load, save
from hito.plans.conditioned import HORIZONS, compare_calibrated
from hito.plans.model import Plan
from plans.helpers import closed_tiny, corridor, plan_dict, stranded_trigger

pytestmark = pytest.mark.usefixtures("english_reader")


def counts(s, days, place="strip", people=None):
    """Exact counts of a place on days 2..days-1 (people given, else one run's)."""
    if people is None:
        c = compile_scenario(s, {"inflows[0].per_day": 28.0})
        r = simulate(c, 99)
        people = r.state("present")[:, c.place_ids.index(place)].sum(axis=1)
    items = tuple(
        Observation(
            date=s.date_of(t),
            place=place,
            low=float(people[t]),
            high=float(people[t]),
            line=0,
            site=place,
            source="test",
        )
        for t in range(2, days)
    )
    return Observations(items, ())


def closed_posterior(as_of_day=5):
    """100 people stuck at the strip from day 2, counted there on days 2..as_of_day."""
    s = build(closed_tiny())
    obs = counts(s, as_of_day + 1, people=[100] * s.days)
    return run_filter(s, obs, s.date_of(as_of_day), particles=20, seed=3, executor=SerialExecutor())


def uncertain_posterior():
    s = uncertain_tiny(days=20)
    post = run_filter(
        s, counts(s, 8), s.date_of(7), particles=60, seed=4, executor=SerialExecutor()
    )
    return s, post


def test_no_plan_is_the_calibrated_forecast_itself_band_for_band():
    s, post = uncertain_posterior()
    cmp = compare_calibrated(post, [], SerialExecutor())
    ens = calibrated_ensemble(post, post.spec.days, SerialExecutor(), keep_runs=0)
    assert np.array_equal(cmp.stranded["no-plan"], ens.fan("stranded"))
    assert cmp.as_of == s.date_of(7) and cmp.rows[0]["calibrated_as_of"] == "2025-01-08"
    fan = ens.fan("stranded", "strip")
    for h in HORIZONS:
        band = cmp.after["no-plan"]["strip"][h]
        if 7 + h < 20:
            assert band == {"p10": fan[0, 7 + h], "p50": fan[1, 7 + h], "p90": fan[2, 7 + h]}
        else:
            assert band is None
    assert fan[2, 14] > 0  # the bands are not all zero


def test_a_corridor_fires_on_the_as_of_morning_after_and_moves_30_a_day_from_then_only():
    post = closed_posterior(as_of_day=5)
    plan = Plan.model_validate(plan_dict([stranded_trigger()], [corridor()]))
    cmp = compare_calibrated(post, [("corr", plan)], SerialExecutor())
    # from the scenario's start the trigger fired on day 4 (test_closedloop); from the
    # posterior it fires on day 6 at the earliest, its window filled by the counted days
    assert cmp.stranded["no-plan"][1].tolist() == [0, 0] + [100] * 28
    assert cmp.stranded["corr"][1].tolist() == [0, 0] + [100] * 5 + [70, 40, 10] + [0] * 20
    none, corr = cmp.rows
    assert corr["triggers"][0]["median_first_day"] == 6
    assert corr["triggers"][0]["median_first_date"] == "2025-01-07"
    assert corr["total_cost_USD"] == {"p10": 500.0, "p50": 500.0, "p90": 500.0}
    # figures count the days from the day after the as-of date: 100 + 70 + 40 + 10
    assert corr["stranded_person_days"]["p50"] == 220
    assert none["stranded_person_days"]["p50"] == 100 * 24
    assert cmp.after["corr"]["strip"] == {
        7: {"p10": 0.0, "p50": 0.0, "p90": 0.0},
        14: {"p10": 0.0, "p50": 0.0, "p90": 0.0},
        28: None,
    }
    assert cmp.after["no-plan"]["strip"][14] == {"p10": 100.0, "p50": 100.0, "p90": 100.0}


def test_a_plan_that_never_fires_shares_every_future_with_no_plan():
    s, post = uncertain_posterior()
    quiet = Plan.model_validate(plan_dict([stranded_trigger(threshold=10**9)], [corridor()]))
    cmp = compare_calibrated(post, [("quiet", quiet)], SerialExecutor())
    assert np.array_equal(cmp.stranded["quiet"], cmp.stranded["no-plan"])
    for m in ("stranded_person_days", "peak_stranded", "diverted", "harmed"):
        assert cmp.rows[1][m] == cmp.rows[0][m]
    assert cmp.rows[1]["triggers"][0]["probability"] == 0


def test_the_same_posterior_gives_the_same_comparison_also_from_disk(tmp_path):
    s, post = uncertain_posterior()
    plan = Plan.model_validate(plan_dict([stranded_trigger(threshold=20)], [corridor()]))
    a = compare_calibrated(post, [("corr", plan)], SerialExecutor())
    save(post, tmp_path)
    b = compare_calibrated(load(tmp_path), [("corr", plan)], SerialExecutor())
    assert a.rows == b.rows and a.after == b.after
    for k in a.stranded:
        assert np.array_equal(a.stranded[k], b.stranded[k])
    assert a.rows[1]["triggers"][0]["probability"] > 0  # the plan did something to compare


def test_a_posterior_as_of_the_last_day_is_refused_with_nothing_left_to_compare():
    s = build(closed_tiny(days=8))
    post = run_filter(
        s,
        counts(s, 8, people=[100] * 8),
        s.date_of(7),
        particles=4,
        seed=1,
        executor=SerialExecutor(),
    )
    with pytest.raises(InputError) as e:
        compare_calibrated(post, [], SerialExecutor())
    assert str(e.value) == (
        "--calibration: calibrated as of 2025-01-08, the last simulated day of scenario "
        "'tiny'; expected an as-of date before 2025-01-08, so plans have days to act"
    )


def test_a_forecast_trigger_counts_its_window_from_the_as_of_morning_after():
    """A forecast trigger has no forecasts of the days before the as-of date to look back on."""
    post = closed_posterior(as_of_day=5)
    trig = stranded_trigger(source="forecast", horizon_days=3, quantile="p90")
    plan = Plan.model_validate(plan_dict([trig], [corridor()]))
    cmp = compare_calibrated(post, [("ahead", plan)], SerialExecutor())
    # window of 2 days: the mornings of days 6 and 7 see 100 stranded 3 days ahead
    assert cmp.rows[1]["triggers"][0]["median_first_day"] == 7
    # the corridor runs from day 8; the forecasts made with it on see the strip empty 3 days
    # ahead on the mornings of days 9 and 10, so it ends on day 10 (no duration), 40 left
    assert cmp.stranded["ahead"][1].tolist() == [0, 0] + [100] * 6 + [70] + [40] * 21
