"""The backtest's honesty: what persistence reads, and the scenario each forecast is issued from."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from conftest import build
from ensemble_helpers import uncertain_tiny
from hito.ensemble.executors import SerialExecutor
from hito.forecast.backtest import issue_versions
from hito.forecast.calibrate import forecast_ahead, run_filter
from hito.forecast.observations import Observation, Observations
from hito.forecast.pairs import Backtest, Pair, counts_by_place, reading
from hito.forecast.scoring import LEVELS, persistence, wis, wis_log
from hito.scenario.model import Scenario

D0 = dt.date(2025, 1, 2)


def report(date: dt.date, low: float, high: float | None, place: str = "strip") -> Observation:
    return Observation(date=date, place=place, low=low, high=high, line=0, site=place, source="")


def tiny_with(*policies: dict) -> Scenario:
    d = uncertain_tiny().model_dump(by_alias=True)
    d["policies"].extend(policies)
    return build(d)


def test_a_count_reads_as_its_midpoint_or_its_one_bound():
    assert reading(report(D0, 40, 50)) == 45.0
    assert reading(report(D0, 0, 0)) == 0.0
    assert reading(report(D0, 0, 60)) == 30.0  # "up to 60"
    assert reading(report(D0, 100, None)) == 100.0  # "more than 100"


def test_persistence_carries_the_days_median_with_its_one_sided_counts_not_a_lone_wild_one():
    # 2025-11-28 at the strip: two on-site "more than 100" and one rhetorical "4,000"
    day = Observations(
        (
            report(D0, 100, None),
            report(D0, 100, None),
            report(D0, 4000, 4000),
            report(D0, 7, 7, "x"),
        )
    )
    history = counts_by_place(day)
    assert history == {"strip": [(D0, 100.0), (D0, 100.0), (D0, 4000.0)], "x": [(D0, 7.0)]}
    q = persistence(history["strip"], D0, D0 + dt.timedelta(days=1))
    assert q is not None and q[LEVELS.index(0.5)] == pytest.approx(100.0)


CLEARANCES = {
    "type": "clearances",
    "places": ["strip"],
    "daily_chance": 0.1,
    "share": 0.5,
    "start": "2025-01-08",
}


def test_each_issue_date_has_its_own_window_of_unannounced_clearances():
    s = tiny_with(CLEARANCES)
    dates = [dt.date(2025, 1, 2), dt.date(2025, 1, 3), dt.date(2025, 1, 9)]
    versions = issue_versions(s, dates)
    # grouped once by the policies known, the 2025-01-03 forecast had clearances from 01-03
    assert [ds for _, ds in versions] == [[dates[0]], [dates[1]], [dates[2]]]
    starts = [[p.start for p in v.policies if p.type == "clearances"] for v, _ in versions]
    assert starts == [[dt.date(2025, 1, 3)], [dt.date(2025, 1, 4)], [dt.date(2025, 1, 8)]]
    for v, ds in versions:
        assert v == s.known_on(ds[0])


def test_issue_dates_knowing_the_same_policies_share_one_version():
    s = tiny_with(
        {
            "type": "readmit",
            "places": ["strip"],
            "daily_share": 1.0,
            "start": "2025-01-06",
            "announced": "2025-01-04",
        }
    )
    dates = [dt.date(2025, 1, 2), dt.date(2025, 1, 3), dt.date(2025, 1, 4), dt.date(2025, 1, 5)]
    versions = issue_versions(s, dates)
    assert [ds for _, ds in versions] == [dates[:2], dates[2:]]
    assert [len(v.policies) for v, _ in versions] == [1, 2]


def test_a_shorter_forecast_is_the_first_days_of_a_longer_one():
    # the backtest runs the uncalibrated ensemble only as far as its forecasts reach
    s = uncertain_tiny()
    post = run_filter(
        s, Observations((), ()), dt.date(2025, 1, 3), particles=8, seed=2, executor=SerialExecutor()
    )
    short, _ = forecast_ahead(post, 9, SerialExecutor())
    long, _ = forecast_ahead(post, 14, SerialExecutor())
    assert np.array_equal(short, long[:, :9])


def pair(target: dt.date, y: float, median: float, persisted: float) -> Pair:
    return Pair(
        D0,
        target,
        (target - D0).days,
        1,
        "strip",
        y,
        y,
        y,
        "",
        [median] * 7,
        [median] * 7,
        [persisted] * 7,
        0.0,
        wis(y, [median] * 7),
        wis(y, [median] * 7),
        wis(y, [persisted] * 7),
        wis_log=wis_log(y, [median] * 7),
        wis_log_uncalibrated=wis_log(y, [median] * 7),
        wis_log_persistence=wis_log(y, [persisted] * 7),
    )


def test_scores_count_targets_and_give_the_skill_on_both_scales():
    d1 = D0 + dt.timedelta(days=1)
    bt = Backtest("x", (1,), 10, 0)
    # two reports of one day (one wild) and nothing else: point forecasts, errors by hand
    bt.pairs = [pair(d1, 4000.0, 100.0, 400.0), pair(d1, 40.0, 100.0, 400.0)]
    h = bt.scores()["1"]
    assert h["n"] == 2 and h["targets"] == 1
    assert h["wis"] == pytest.approx((3900 + 60) / 2)
    assert h["wis_persistence"] == pytest.approx((3600 + 360) / 2)
    assert h["skill_vs_persistence"] == pytest.approx(1 - 3960 / 3960)
    lw = (np.log(4001 / 101) + np.log(101 / 41)) / 2
    lwp = (np.log(4001 / 401) + np.log(401 / 41)) / 2
    assert h["wis_log"] == pytest.approx(lw)
    assert h["skill_vs_persistence_log"] == pytest.approx(1 - lw / lwp)


def test_each_issued_forecast_starts_from_the_posterior_hito_calibrate_gives_that_day(monkeypatch):
    from hito.forecast import backtest as bt

    s = tiny_with(CLEARANCES)
    d1, d2, d3 = dt.date(2025, 1, 3), dt.date(2025, 1, 5), dt.date(2025, 1, 6)
    obs = Observations(
        (report(d1, 20, 20), report(d2, 30, 40), report(d3, 25, 25)),
    )
    seen: dict[dt.date, object] = {}

    def keep(result, known, post, issued, *args, **kw):  # type: ignore[no-untyped-def]
        seen[issued] = post

    monkeypatch.setattr(bt, "_issue", keep)
    bt.backtest(s, obs, horizons=(1,), particles=12, seed=4, executor=SerialExecutor())
    assert sorted(seen) == [d1, d2]
    for d, post in seen.items():
        alone = run_filter(s.known_on(d), obs, d, particles=12, seed=4, executor=SerialExecutor())
        assert np.array_equal(post.draws.values, alone.draws.values)
        for a, b in zip(post.cloud.arrays(), alone.cloud.arrays(), strict=True):
            assert np.array_equal(a, b)


def test_a_one_day_pair_does_not_depend_on_the_other_horizons_asked():
    # each forecast's reports are drawn from their own stream per issue date, purpose and day
    from hito.forecast.backtest import backtest

    s = uncertain_tiny()
    days = [dt.date(2025, 1, 3) + dt.timedelta(days=i) for i in (0, 1, 2, 4, 5)]
    obs = Observations(tuple(report(d, 20 + 5 * i, 20 + 5 * i) for i, d in enumerate(days)))

    def one_day(horizons: tuple[int, ...]) -> list[tuple]:
        b = backtest(s, obs, horizons=horizons, particles=10, seed=3, executor=SerialExecutor())
        return [
            (p.issued, p.target, p.place, p.calibrated, p.uncalibrated, p.persistence, p.crps)
            for p in b.pairs
            if p.horizon == 1
        ]

    alone = one_day((1,))
    assert len(alone) == 3  # issued 3, 4 and 7 January, each scored the next day
    assert one_day((1, 3)) == alone
    assert one_day((1, 14)) == alone
