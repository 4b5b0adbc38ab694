"""The particle filter on the tiny corridor: it learns from counts, keeps people, and gives the
same posterior for the same seed on every executor."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from conftest import build
from ensemble_helpers import uncertain_tiny
from hito.engine.compile import STATES, compile_scenario
from hito.engine.run import simulate
from hito.ensemble.executors import DaskExecutor, LocalExecutor, SerialExecutor
from hito.ensemble.sampling import Design
from hito.forecast.calibrate import (
    PRESENT,
    day_log_likelihood,
    forecast_ahead,
    rejuvenate,
    run_filter,
    systematic,
)
from hito.forecast.likelihood import log_likelihood, noisy_reports
from hito.forecast.observations import Observation, Observations
from hito.forecast.posterior import calibrated_ensemble, load, save
from hito.scenario.model import Scenario
from hito.scenario.uncertain import ranges

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

INFLOW = "inflows[0].per_day"


def obs(date: dt.date, place: str, low: float, high: float | None) -> Observation:
    return Observation(
        date=date, place=place, low=low, high=high, line=0, site=place, source="test"
    )


def truth_counts(days: int = 10, inflow: float = 29.0) -> tuple[object, Observations]:
    """Counts of the people at the strip, from one run of the tiny corridor with a high inflow."""
    s = uncertain_tiny(days=20)
    d = s.model_dump(by_alias=True)
    d["observation"] = {"log_sd": 0.1, "outlier_share": 0.01}  # counts known to be close
    d["behaviour"]["tolerance_days"] = 4  # so that the inflow alone sets the size of the camp
    s = build(d)
    c = compile_scenario(s, {INFLOW: inflow})
    r = simulate(c, 99)
    strip = c.place_ids.index("strip")
    present = r.state("present")[:, strip].sum(axis=1)
    items = tuple(
        obs(s.date_of(t), "strip", float(present[t]), float(present[t])) for t in range(2, days)
    )
    return s, Observations(items, ())


def test_a_count_is_likelier_near_the_people_there():
    o = obs(dt.date(2025, 1, 1), "strip", 40, 40)
    people = np.array([0, 10, 40, 100, 1000])
    ll = log_likelihood(o, people, np.full(5, 0.5), np.full(5, 0.05))
    assert ll.argmax() == 2
    assert list(np.argsort(-ll)[:3]) == [2, 3, 1]
    # the outlier share puts a floor under a wild miss: 5% spread over log counts up to 100,000
    assert ll[4] >= math.log(0.05 / math.log1p(1e5)) - 1e-9


def test_one_sided_counts_say_more_than_or_up_to():
    more = obs(dt.date(2025, 1, 1), "strip", 100, None)
    upto = obs(dt.date(2025, 1, 1), "strip", 0, 60)
    people = np.array([10.0, 1000.0])
    sd, eps = np.full(2, 0.3), np.zeros(2)
    assert log_likelihood(more, people, sd, eps)[1] == pytest.approx(0.0, abs=1e-9)
    assert log_likelihood(more, people, sd, eps)[0] < -20
    assert log_likelihood(upto, people, sd, eps)[0] == pytest.approx(0.0, abs=1e-6)
    assert log_likelihood(upto, people, sd, eps)[1] < -20


def test_a_range_spreads_like_its_width():
    narrow = obs(dt.date(2025, 1, 1), "strip", 40, 40)
    wide = obs(dt.date(2025, 1, 1), "strip", 10, 160)
    people = np.array([40.0, 160.0])
    sd, eps = np.full(2, 0.2), np.zeros(2)
    gap_narrow = np.diff(log_likelihood(narrow, people, sd, eps))[0]
    gap_wide = np.diff(log_likelihood(wide, people, sd, eps))[0]
    assert gap_narrow < gap_wide < 0


def test_a_report_of_nobody_is_likely_where_nobody_is_or_nobody_was_seen():
    nobody = obs(dt.date(2025, 1, 1), "strip", 0, 0)
    people = np.array([0.0, 40.0])
    sd, eps = np.full(2, 0.5), np.zeros(2)
    blind = log_likelihood(nobody, people, sd, eps)
    assert blind[0] == pytest.approx(math.log(0.79), abs=0.01)  # Phi(log(1.5) / 0.5)
    assert blind[1] < -20  # z = (log 1.5 - log 41) / 0.5 = -6.6
    # with 5% of reports seeing nobody, 40 people there still give a report of 0 that often
    seeing = log_likelihood(nobody, people, sd, eps, np.full(2, 0.05))
    assert seeing[1] == pytest.approx(math.log(0.05), abs=1e-6)
    # a number is never said by someone who saw nobody
    forty = obs(dt.date(2025, 1, 1), "strip", 40, 40)
    assert log_likelihood(forty, people, sd, eps, np.full(2, 0.05))[1] == pytest.approx(
        log_likelihood(forty, people, sd, eps)[1] + math.log(0.95)
    )


def test_reports_of_one_place_and_day_mix_so_one_wild_report_cannot_outweigh_the_rest():
    day = dt.date(2025, 1, 1)
    reports = [obs(day, "strip", 100, None), obs(day, "strip", 100, None)]
    wild = [*reports, obs(day, "strip", 4000, 4000)]
    present = np.array([[150.0], [1000.0]])
    draws = Design(("observation.log_sd",), np.full((2, 1), 0.7))
    best = {"observation.log_sd": 0.7, "observation.outlier_share": 0.06}
    best["observation.nobody_seen"] = 0.0
    calm = day_log_likelihood(reports, present, ("strip",), draws, best)
    loud = day_log_likelihood(wild, present, ("strip",), draws, best)
    # both reports of "more than 100" fit 150 and 1000 alike; the 4000 of a third reporter
    # moves the odds towards 1000 by less than a factor 3 (multiplied, by more than 10)
    assert abs(calm[1] - calm[0]) < 0.4  # P(more than 100): 0.72 at 150, 1.0 at 1000
    assert 0 < (loud[1] - loud[0]) < math.log(3)
    product = sum(log_likelihood(o, present[:, 0], np.full(2, 0.7), np.full(2, 0.06)) for o in wild)
    assert product[1] - product[0] > math.log(10)


def test_reports_of_one_place_and_day_agreeing_count_as_one():
    day = dt.date(2025, 1, 1)
    one = [obs(day, "strip", 40, 40)]
    three = one * 3
    present = np.array([[20.0], [40.0], [80.0]])
    draws = Design(("observation.log_sd",), np.full((3, 1), 0.5))
    best = {"observation.log_sd": 0.5, "observation.outlier_share": 0.05}
    best["observation.nobody_seen"] = 0.0
    a = day_log_likelihood(one, present, ("strip",), draws, best)
    b = day_log_likelihood(three, present, ("strip",), draws, best)
    np.testing.assert_allclose(a - a[1], b - b[1])


def test_systematic_resampling_keeps_each_particle_in_proportion():
    w = np.array([0.5, 0.25, 0.25, 0.0])
    idx = systematic(w, np.random.default_rng(3))
    assert sorted(np.bincount(idx, minlength=4).tolist()) == [0, 1, 1, 2]
    assert np.bincount(idx, minlength=4)[0] == 2 and np.bincount(idx, minlength=4)[3] == 0


def test_rejuvenation_keeps_numbers_in_their_ranges_and_their_mean_close():
    s = uncertain_tiny()
    post = run_filter(
        s, Observations((), ()), s.start, particles=400, seed=1, executor=SerialExecutor()
    )
    moved = rejuvenate(post.draws, ranges(s), np.random.default_rng(0))
    every = ranges(s)
    for j, path in enumerate(moved.paths):
        assert (
            every[path].lo <= moved.values[:, j].min() <= moved.values[:, j].max() <= every[path].hi
        )
        assert moved.values[:, j].mean() == pytest.approx(post.draws.values[:, j].mean(), rel=0.05)


def test_the_filter_learns_a_high_inflow_from_the_counts():
    s, counts = truth_counts()
    post = run_filter(s, counts, s.date_of(9), particles=300, seed=4, executor=SerialExecutor())
    j = post.draws.paths.index(INFLOW)
    prior_mean, post_mean = post.prior.values[:, j].mean(), post.draws.values[:, j].mean()
    assert prior_mean == pytest.approx(20, abs=1)
    assert post_mean > prior_mean + 4  # the truth drew 29 a day
    assert [st.date for st in post.steps] == counts.dates()
    assert all(0 < st.ess <= 300 for st in post.steps)


def test_every_particle_keeps_its_people_and_its_history_leads_to_its_state():
    s, counts = truth_counts()
    post = run_filter(s, counts, s.date_of(6), particles=60, seed=2, executor=SerialExecutor())
    hist, _ = post.history()
    assert hist.shape[:2] == (60, 7)
    last = hist[:, -1, PRESENT]
    assert np.array_equal(last, post.cloud.free + post.cloud.stranded)
    ens = calibrated_ensemble(post, s.days, SerialExecutor(), keep_runs=3)
    assert ens.summary()["conservation_error"] == 0
    assert ens.days == s.days and sorted(ens.kept) == [0, 1, 2]


def test_the_forecast_tells_its_progress_by_tasks_of_particles_and_stays_the_same():
    """`hito run --calibration` and `hito calibrate` were silent while every particle ran on."""
    s, counts = truth_counts()
    post = run_filter(s, counts, s.date_of(5), particles=120, seed=8, executor=SerialExecutor())
    told: list[int] = []
    a, _ = forecast_ahead(post, s.days, SerialExecutor(), progress=told.append)
    b, _ = forecast_ahead(post, s.days, SerialExecutor())
    assert told == [50, 50, 20]  # tasks of TASK_SIZE particles, the last one shorter
    assert np.array_equal(a, b)


def test_a_posterior_kept_on_disk_forecasts_the_same_future(tmp_path):
    s, counts = truth_counts()
    post = run_filter(s, counts, s.date_of(5), particles=40, seed=8, executor=SerialExecutor())
    save(post, tmp_path)
    again = load(tmp_path)
    a, _ = forecast_ahead(post, s.days, SerialExecutor())
    b, _ = forecast_ahead(again, s.days, SerialExecutor())
    assert np.array_equal(a, b)
    assert again.as_of == post.as_of and [x.date for x in again.steps] == [
        x.date for x in post.steps
    ]


def posterior_arrays(executor) -> list[np.ndarray]:
    s, counts = truth_counts()
    post = run_filter(s, counts, s.date_of(7), particles=120, seed=5, executor=executor)
    out, _ = forecast_ahead(post, s.days, executor)
    return [post.draws.values, *post.cloud.arrays(), out]


def test_the_same_seed_gives_the_same_posterior_here_in_processes_and_on_dask():
    serial = posterior_arrays(SerialExecutor())
    local = LocalExecutor(processes=2)
    dask = DaskExecutor(processes=2)
    try:
        in_processes = posterior_arrays(local)
        on_dask = posterior_arrays(dask)
    finally:
        local.close()
        dask.close()
    for a, b, c in zip(serial, in_processes, on_dask, strict=True):
        assert a.tobytes() == b.tobytes() == c.tobytes()


def tiny_with_policy(policy: dict) -> Scenario:
    """The uncertain tiny corridor with one more policy."""
    d = uncertain_tiny().model_dump(by_alias=True)
    d["policies"].append(policy)
    return build(d)


def test_counts_before_a_policy_was_announced_do_not_know_it():
    s = tiny_with_policy(
        {
            "type": "readmit",
            "places": ["strip"],
            "daily_share": 1.0,
            "start": "2025-01-05",
            "announced": "2025-01-04",
        }
    )
    assert [p.type for p in s.known_on(dt.date(2025, 1, 3)).policies] == ["close"]
    assert [p.type for p in s.known_on(dt.date(2025, 1, 4)).policies] == ["close", "readmit"]


def test_clearances_start_the_day_after_the_issue_date_for_earlier_forecasts():
    s = tiny_with_policy(
        {
            "type": "clearances",
            "places": ["strip"],
            "daily_chance": 0.1,
            "share": 0.5,
            "start": "2025-01-08",
        }
    )
    starts = {
        issued: [p.start for p in s.known_on(issued).policies if p.type == "clearances"]
        for issued in (dt.date(2025, 1, 2), dt.date(2025, 1, 7), dt.date(2025, 1, 9))
    }
    # the record covers the days up to the issue date; clearances are the unknown after it
    assert starts[dt.date(2025, 1, 2)] == [dt.date(2025, 1, 3)]
    assert starts[dt.date(2025, 1, 7)] == [dt.date(2025, 1, 8)]
    assert starts[dt.date(2025, 1, 9)] == [dt.date(2025, 1, 8)]
    assert s.known_on(dt.date(2025, 1, 9)) is s


def test_reports_of_an_empty_site_are_zero_and_reports_are_whole_people():
    rng = np.random.default_rng(0)
    said = noisy_reports(np.repeat([0, 40], 1000), np.full(2000, 0.7), rng, 0.0)
    assert (said == np.rint(said)).all()
    # log(report + 1) ~ Normal(log(0 + 1), 0.7): below 0.5 (said as 0) with P(z < 0.58) = 72%
    assert 0.68 < np.mean(said[:1000] == 0) < 0.76
    assert np.median(said[:1000]) == 0.0
    assert np.mean(said[1000:] == 0) == 0.0


def test_a_count_before_the_scenario_starts_is_refused_as_as_of():
    s = uncertain_tiny()
    from hito.errors import InputError

    with pytest.raises(InputError, match=r"as_of: got 2024-12-31, expected a date from 2025-01-01"):
        run_filter(
            s, Observations((), ()), dt.date(2024, 12, 31), particles=10, executor=SerialExecutor()
        )


def test_states_are_the_ones_the_engine_reports():
    assert STATES[PRESENT] == "present"


def test_two_versions_of_a_scenario_never_share_compiled_arrays():
    # a policy without ranges adds no drawn number: both versions draw the same rows
    s = tiny_with_policy(
        {
            "type": "readmit",
            "places": ["strip"],
            "daily_share": 1.0,
            "start": "2025-01-03",
            "announced": "2025-01-03",
        }
    )
    early = run_filter(
        s.known_on(dt.date(2025, 1, 2)),
        Observations((), ()),
        dt.date(2025, 1, 5),
        particles=20,
        seed=3,
        executor=SerialExecutor(),
    )
    late = run_filter(
        s.known_on(dt.date(2025, 1, 3)),
        Observations((), ()),
        dt.date(2025, 1, 5),
        particles=20,
        seed=3,
        executor=SerialExecutor(),
    )
    assert early.draws.paths == late.draws.paths
    assert early.spec.digest != late.spec.digest
    strip = s.place_index()["strip"]
    assert early.cloud.stranded[:, strip].sum() > 0
    assert late.cloud.stranded[:, strip].sum() == 0  # readmitted every day from 2025-01-03


def test_a_field_count_is_drawn_enough_times_even_from_few_particles(monkeypatch):
    from hito.forecast import likelihood, posterior

    s, counts = truth_counts()
    post = run_filter(s, counts, s.date_of(5), particles=20, seed=3, executor=SerialExecutor())
    _ens, present = posterior.calibrated_parts(post, s.days, SerialExecutor(), keep_runs=0)
    shapes: list[tuple[int, ...]] = []

    def spy(people, *args, **kw):  # type: ignore[no-untyped-def]
        shapes.append(people.shape)
        return noisy_reports(people, *args, **kw)

    monkeypatch.setattr(likelihood, "noisy_reports", spy)
    q = posterior.count_quantiles(post, present, ["strip", "post-a"])
    # 20 particles: 50 reports each, 1,000 a day (one draw each put an outlier at the P90)
    assert shapes == [(posterior.MIN_REPORTS, s.days - post.day + 1)] * 2
    assert q.height == 2 * (s.days - post.day + 1)
    assert (q["p10"] <= q["p50"]).all() and (q["p50"] <= q["p90"]).all()
