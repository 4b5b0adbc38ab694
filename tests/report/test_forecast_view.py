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


def test_a_counted_site_gets_the_band_of_a_field_count_7_and_14_days_ahead():
    days = [dt.date(2025, 12, 1) + dt.timedelta(days=k) for k in range(16)]
    low = [float(k) for k in range(16)]
    f = {
        **FORECAST,
        "dates": [d.isoformat() for d in days],
        "count_by_place": {
            "concordia-strip": {"p10": low, "p50": low, "p90": [v + 100 for v in low]}
        },
    }
    as_of = dt.date(2025, 12, 1)
    assert forecast_view.count_bands(f, "concordia-strip", as_of) == [
        {"days": 7, "date": dt.date(2025, 12, 8), "low": 7.0, "high": 107.0},
        {"days": 14, "date": dt.date(2025, 12, 15), "low": 14.0, "high": 114.0},
    ]
    # a site without counts, a forecast made before hito kept the band, a stale forecast
    assert forecast_view.count_bands(f, "chacalluta", as_of) == []
    assert forecast_view.count_bands(FORECAST, "concordia-strip", as_of) == []
    assert forecast_view.count_bands(f, "concordia-strip", dt.date(2026, 1, 30)) == []
    # 14 days past a later picture date is beyond the forecast: only the 7-day band
    assert [b["days"] for b in forecast_view.count_bands(f, "concordia-strip", days[5])] == [7]
