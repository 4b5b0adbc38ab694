"""A stored forecast as pages show it: which band a site gets."""

from __future__ import annotations

import datetime as dt

from hito.report import forecast_view


def band(v: float) -> dict[str, list[float]]:
    return {"p10": [v - 1, v - 1], "p50": [v, v], "p90": [v + 1, v + 1]}


FORECAST = {
    "as_of": dt.date(2025, 12, 1),
    "dates": ["2025-12-01", "2025-12-02"],
    "stranded_total": band(50),
    "stranded_by_place": {"concordia-strip": band(40)},
    "present_by_place": {"concordia-strip": band(45), "chacalluta": band(20)},
}


def test_a_counted_site_gets_the_band_of_the_people_there_as_its_counts_are():
    # people wait at Chacalluta without being stranded there: the closed road is further on
    assert forecast_view.fan(FORECAST, "chacalluta").p50 == [20, 20]
    assert forecast_view.fan(FORECAST, "concordia-strip").p50 == [45, 45]


def test_a_site_without_counts_gets_its_stranded_band_or_zeros():
    f = {**FORECAST, "present_by_place": {}}
    assert forecast_view.fan(f, "concordia-strip").p50 == [40, 40]
    assert forecast_view.fan(f, "pisiga").p90 == [0.0, 0.0]


def test_all_sites_together_are_the_stranded_and_no_per_site_bands_give_none():
    assert forecast_view.fan(FORECAST, None).p50 == [50, 50]
    assert forecast_view.fan({**FORECAST, "stranded_by_place": None}, "chacalluta") is None
