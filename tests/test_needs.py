"""Needs by the Sphere minimums: the issue's worked example, rounding, overrides with sources."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hito.needs import Provision, Standard, Standards, band_at, gap, need_gap, needs_for, place_band


def test_p90_of_430_people_needs_space_water_and_toilets_and_leaves_a_gap() -> None:
    n = needs_for(430)
    assert (n.people, n.covered_m2, n.water_l_day, n.toilets, n.water_points) == (
        430,
        1505.0,
        6450.0,
        22,
        2,
    )
    g = gap(n, Provision(places=150, area_m2=500, water_points=1, toilets=8, occupancy=120))
    assert (g.people, g.places, g.covered_m2, g.toilets, g.water_points) == (
        280,
        150,
        1005.0,
        14,
        1,
    )


def test_a_fraction_of_a_person_from_a_quantile_rounds_up_and_nobody_needs_nothing() -> None:
    assert needs_for(429.2).people == 430
    assert needs_for(0) == needs_for(-3)
    assert needs_for(0).toilets == 0 and needs_for(1).toilets == 1 and needs_for(21).toilets == 2


def test_each_standard_may_be_overridden_only_with_a_source() -> None:
    std = Standards(
        water_l_per_person_day=Standard(
            value=20, unit="L/person/day", source="WASH cluster Arica, 2025"
        )
    )
    assert needs_for(10, std).water_l_day == 200
    assert std.covered_m2_per_person.value == 3.5 and "Sphere" in std.covered_m2_per_person.source
    with pytest.raises(ValidationError, match="source"):
        Standards(water_l_per_person_day={"value": 20, "unit": "L", "source": "   "})
    with pytest.raises(ValidationError):
        Standards(water_l_per_person_day={"value": 0, "unit": "L", "source": "someone"})
    with pytest.raises(ValidationError):
        Standards(litres=3)


def test_the_settings_read_an_override_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hito.store.settings import load_settings

    monkeypatch.setenv(
        "HITO_NEEDS",
        '{"people_per_toilet": {"value": 50, "unit": "people/toilet", "source": "emergency phase, first month"}}',
    )
    s = load_settings()
    assert s.needs.people_per_toilet.value == 50 and s.needs.water_l_per_person_day.value == 15
    assert needs_for(100, s.needs).toilets == 2


def test_need_gap_counts_stranded_people_beyond_free_places() -> None:
    assert need_gap(430, 150) == 280
    assert need_gap(100, 150) == 0
    assert need_gap(10, -5) == 10


def test_band_at_reads_one_day_of_a_band() -> None:
    dates = ["2025-12-01", "2025-12-02"]
    band = {"p10": [1.0, 2.0], "p50": [3.0, 4.0], "p90": [5.0, 6.0]}
    assert band_at(dates, band, "2025-12-02") == {"p10": 2.0, "p50": 4.0, "p90": 6.0}
    assert band_at(dates, band, "2025-12-09") is None


def test_a_place_band_is_of_its_present_people_where_counted_else_of_its_stranded() -> None:
    forecast = {
        "stranded_by_place": {"strip": {"p90": [9.0]}, "post": {"p90": [0.0]}},
        "present_by_place": {"post": {"p90": [30.0]}},
    }
    assert place_band(forecast, "post") == {"p90": [30.0]}
    assert place_band(forecast, "strip") == {"p90": [9.0]}
    assert place_band(forecast, "city") is None
    assert place_band({}, "post") is None
