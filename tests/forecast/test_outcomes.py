"""What a calibrated forecast's people did after its as-of date, on a corridor of known fates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from hito.engine.compile import STATES, compile_scenario
from hito.engine.run import simulate
from hito.ensemble.executors import SerialExecutor
from hito.forecast.observations import Observations
from hito.forecast.outcomes import OUTCOMES, outcome_bands
from hito.forecast.posterior import calibrated_forecast
from hito.testing import fates_scenario, uncertain_tiny

AS_OF = dt.date(2025, 1, 4)  # day 3: the camp's 30 divert and are harmed that very day


def same(n: float) -> dict[str, float]:
    return {"p10": n, "p50": n, "p90": n}


def forecast(days: int) -> dict:
    s = fates_scenario()
    *_, outcomes = calibrated_forecast(
        s, Observations((), ()), AS_OF, days, particles=4, seed=3, executor=SerialExecutor()
    )
    return outcomes


def test_the_fates_corridor_is_certain() -> None:
    s = fates_scenario()
    c = compile_scenario(s)
    a, b = simulate(c, 1).states, simulate(c, 2).states
    assert np.array_equal(a, b)
    diverted = a[:, STATES.index("diverted")].sum(axis=2)
    assert diverted[3, c.place_ids.index("camp")] == 30 and diverted[2].sum() == 0
    assert diverted[4, c.place_ids.index("strip")] == 100 and diverted[3, 3] == 0


def test_outcomes_count_what_happened_after_the_as_of_day_only() -> None:
    out = forecast(days=20)
    assert (out["after"], out["until"], out["days"]) == ("2025-01-04", "2025-01-23", 19)
    # the camp's 30 diverted and were harmed on the as-of day itself: not in the forecast
    assert out["total"] == {
        "diverted": same(100.0),
        "harmed": same(0.0),
        "crossed": same(100.0),
        "returned": same(40.0),
    }
    assert set(out["by_place"]) == {"strip", "desert", "city"}
    assert out["by_place"]["strip"] == {
        "kind": "between_posts",
        "diverted": same(100.0),
        "harmed": same(0.0),
        "crossed": same(0.0),
        "returned": same(0.0),
    }
    assert out["by_place"]["desert"]["crossed"] == same(100.0)
    assert out["by_place"]["city"]["returned"] == same(40.0)
    assert set(out["by_kind"]) == {"between_posts", "irregular_crossing", "city"}
    assert out["by_kind"]["irregular_crossing"]["crossed"] == same(100.0)


def test_outcomes_at_7_and_14_days_where_the_forecast_reaches() -> None:
    out = forecast(days=20)  # to day 22: 19 days after the as-of date, not 28
    assert [(d["days"], d["date"]) for d in out["by_day"]] == [
        (7, "2025-01-11"),
        (14, "2025-01-18"),
    ]
    week, fortnight = out["by_day"]
    # the 100 crossed into the desert on day 12: after a week, before a fortnight
    assert week["total"]["crossed"] == same(0.0) and week["total"]["diverted"] == same(100.0)
    assert fortnight["total"]["crossed"] == same(100.0)
    assert week["by_kind"]["city"]["returned"] == same(40.0)
    assert [d["days"] for d in forecast(days=30)["by_day"]] == [7, 14, 28]


def test_outcome_bands_are_quantiles_over_runs() -> None:
    s = uncertain_tiny(days=20)
    states = np.stack([simulate(compile_scenario(s), seed).states for seed in range(9)])
    out = outcome_bands(s, states, 5)
    k = STATES.index("diverted")
    gained = states[:, -1, k].sum(axis=(1, 2)) - states[:, 5, k].sum(axis=(1, 2))
    assert out["total"]["diverted"]["p50"] == float(np.median(gained))
    assert out["total"]["diverted"]["p10"] == pytest.approx(float(np.quantile(gained, 0.1)))
    for q in out["total"].values():
        assert q["p10"] <= q["p50"] <= q["p90"]
    assert list(out["total"]) == list(OUTCOMES)


def test_a_day_outside_the_forecast_is_refused() -> None:
    s = fates_scenario()
    states = simulate(compile_scenario(s), 1).states[None]
    with pytest.raises(ValueError, match="day 40 is outside the 40 days of the forecast"):
        outcome_bands(s, states, 40)
