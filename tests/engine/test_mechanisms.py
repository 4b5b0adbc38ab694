"""Schema-2 mechanisms on the tiny corridor: turning back, readmission, clearances, leakage, transfers, pulses."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from pydantic import ValidationError

from conftest import build
from hito.engine.compile import compile_scenario, shock_profile
from hito.engine.run import simulate
from hito.scenario.model import Shock

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def stranded_at_strip(d: dict) -> dict:
    """100 undocumented people stranded in the strip, whose road onward is closed; nobody moves."""
    d["schema_version"] = 2
    d["inflows"] = []
    d["population"] = [{"place": "strip", "group": "ven-undoc", "people": 100, "stranded": True}]
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-01"}]
    d["behaviour"] = {
        "move_chance": {
            "origin": 1,
            "city": 0,
            "border_post": 0,
            "between_posts": 0,
            "shelter": 0,
            "irregular_crossing": 1,
            "exit": 0,
        },
        "route_weight": {"road": 1, "irregular": 0, "flight": 0},
        "tolerance_days": 1e12,
        "divert_share": 0,
        "awareness": 0,
        "shelter_seek": 0,
    }
    return d


def series(r, state: str, c, place: str) -> list[int]:
    return [int(v) for v in r.state(state)[:, c.place_ids.index(place)].sum(axis=1)]


def test_readmission_takes_everyone_back_out_of_the_corridor_that_day(tiny):
    d = stranded_at_strip(tiny)
    d["policies"].append(
        {
            "type": "readmit",
            "places": ["strip"],
            "daily_share": 1.0,
            "start": "2025-01-03",
            "end": "2025-01-03",
        }
    )
    c = compile_scenario(build(d))
    r = simulate(c, 7)
    assert series(r, "stranded", c, "strip")[:5] == [100, 100, 0, 0, 0]
    assert series(r, "returned", c, "strip")[:5] == [0, 0, 100, 100, 100]
    assert series(r, "present", c, "post-a")[:5] == [0, 0, 0, 0, 0]
    assert r.conservation_error() == 0


def clearances(chance: float, share: float, start: str = "2025-01-02", end=None) -> dict:
    return {
        "type": "clearances",
        "places": ["strip"],
        "daily_chance": chance,
        "share": share,
        "start": start,
        "end": end,
    }


def test_a_certain_clearance_empties_the_site_at_the_end_of_its_first_day(tiny):
    d = stranded_at_strip(tiny)
    d["policies"].append(clearances(1.0, 1.0, "2025-01-04"))
    c = compile_scenario(build(d))
    for seed in range(5):
        r = simulate(c, seed)
        assert series(r, "stranded", c, "strip")[:6] == [100, 100, 100, 0, 0, 0]
        assert series(r, "returned", c, "strip")[:6] == [0, 0, 0, 100, 100, 100]
        assert r.conservation_error() == 0


def test_clearances_happen_on_days_nobody_knows_in_advance(tiny):
    d = stranded_at_strip(tiny)
    d["policies"].append(clearances(0.2, 1.0, "2025-01-01", "2025-01-30"))
    c = compile_scenario(build(d))
    first = []
    for seed in range(200):
        s = series(simulate(c, seed), "stranded", c, "strip")
        cleared = [t for t, v in enumerate(s) if v == 0]
        assert not cleared or all(v == 0 for v in s[cleared[0] :])  # nobody arrives after
        assert set(s) <= {0, 100}  # a clearance of share 1 takes everyone
        first.append(cleared[0] if cleared else 30)
    # the day of the first clearance is geometric: mean 1 / 0.2 - 1 = 4 days after day 0
    assert 3.0 < np.mean(first) < 5.0
    assert len(set(first)) > 8  # not one fixed day
    assert np.mean([f == 30 for f in first]) < 0.01  # 0.8**30 = 0.1%


def test_a_clearance_takes_its_share_of_the_stranded(tiny):
    d = stranded_at_strip(tiny)
    d["policies"].append(clearances(1.0, 0.5, "2025-01-02", "2025-01-02"))
    c = compile_scenario(build(d))
    left = np.array([series(simulate(c, seed), "stranded", c, "strip")[1] for seed in range(60)])
    assert 45 < left.mean() < 55
    assert left.std() > 0  # a binomial share, not a fixed number


def test_a_clearance_takes_everyone_with_its_complete_chance_else_its_share(tiny):
    d = stranded_at_strip(tiny)
    policy = clearances(1.0, 0.0, "2025-01-02", "2025-01-02")
    policy["complete_chance"] = 0.5
    d["policies"].append(policy)
    c = compile_scenario(build(d))
    left = [series(simulate(c, seed), "stranded", c, "strip")[1] for seed in range(200)]
    assert set(left) == {0, 100}  # everyone, or (share 0) nobody
    assert 0.4 < left.count(0) / len(left) < 0.6


def waiting_at_strip(tiny: dict) -> dict:
    """100 people at the strip who are not stranded: none of them tries to move on."""
    d = stranded_at_strip(tiny)
    d["population"] = [{"place": "strip", "group": "ven-undoc", "people": 100}]
    return d


def test_a_complete_clearance_takes_everyone_at_the_site_stranded_or_not(tiny):
    d = waiting_at_strip(tiny)
    d["policies"].append(clearances(1.0, 1.0, "2025-01-03", "2025-01-03"))
    c = compile_scenario(build(d))
    r = simulate(c, 1)
    assert series(r, "stranded", c, "strip")[:4] == [0, 0, 0, 0]
    assert series(r, "present", c, "strip")[:4] == [100, 100, 0, 0]
    assert series(r, "returned", c, "strip")[:4] == [0, 0, 100, 100]
    assert r.conservation_error() == 0


def test_readmission_takes_its_share_of_those_waiting_as_of_the_stranded(tiny):
    d = waiting_at_strip(tiny)
    d["policies"].append(
        {"type": "readmit", "places": ["strip"], "daily_share": 0.5, "start": "2025-01-02"}
    )
    c = compile_scenario(build(d))
    left = np.array([series(simulate(c, seed), "present", c, "strip")[1] for seed in range(60)])
    assert 45 < left.mean() < 55  # a binomial half of the 100 waiting, not stranded
    assert left.std() > 0


def test_outside_its_window_no_clearance_happens_and_runs_stay_as_before(tiny):
    d = stranded_at_strip(tiny)
    before = simulate(compile_scenario(build(d)), 3)
    d["policies"].append(clearances(1.0, 1.0, "2025-03-01"))
    after = simulate(compile_scenario(build(d)), 3)
    np.testing.assert_array_equal(before.states, after.states)


def daily_departures(r) -> np.ndarray:
    return np.diff(np.concatenate([[0], r.arrivals]))


def test_without_arrival_variation_departures_are_poisson(tiny):
    c = compile_scenario(build(tiny))
    n = np.concatenate([daily_departures(simulate(c, seed)) for seed in range(20)])
    assert 28 < n.mean() < 32  # 20 + 10 a day
    assert 0.6 < n.var() / n.mean() < 1.5  # Poisson: variance = mean


def test_arrival_variation_spreads_departures_by_day_and_keeps_their_mean(tiny):
    tiny["schema_version"] = 2
    tiny["behaviour"] = {"arrival_cv": 1.0}
    c = compile_scenario(build(tiny))
    runs = [simulate(c, seed) for seed in range(20)]
    n = np.concatenate([daily_departures(r) for r in runs])
    assert 25 < n.mean() < 35
    # gamma-Poisson with cv 1: variance = mean + cv**2 * mean**2 = 30 + 900
    assert 500 < n.var() < 1400
    assert all(r.conservation_error() == 0 for r in runs)


def test_arrival_variation_is_a_version_2_field(tiny):
    tiny["behaviour"] = {"arrival_cv": 1.0}
    with pytest.raises(ValidationError, match="behaviour.arrival_cv"):
        build(tiny)


def test_walking_back_puts_people_free_at_the_post_they_came_from(tiny):
    d = stranded_at_strip(tiny)
    d["behaviour"]["turn_back"] = 1.0
    c = compile_scenario(build(d))
    r = simulate(c, 7)
    assert series(r, "stranded", c, "strip")[:3] == [0, 0, 0]
    # back at post A, free (they came from there), and they stay: post A's move chance is 0
    assert series(r, "present", c, "post-a")[:3] == [100, 100, 100]
    assert series(r, "stranded", c, "post-a")[:3] == [0, 0, 0]
    assert r.conservation_error() == 0


def test_back_to_sends_people_who_walk_back_where_the_scenario_says(tiny):
    d = stranded_at_strip(tiny)
    d["behaviour"]["turn_back"] = 1.0
    d["places"][3]["back_to"] = "city"
    c = compile_scenario(build(d))
    r = simulate(c, 7)
    assert series(r, "present", c, "city")[:2] == [100, 100]


def test_turning_back_is_a_daily_chance_of_the_stranded(tiny):
    d = stranded_at_strip(tiny)
    d["behaviour"]["turn_back"] = 0.25
    c = compile_scenario(build(d))
    runs = [simulate(c, seed) for seed in range(40)]
    left = np.array([series(r, "stranded", c, "strip")[9] for r in runs])
    # after 10 days about 100 * 0.75**10 = 5.6 remain
    assert 2 < left.mean() < 11
    assert all(r.conservation_error() == 0 for r in runs)
    assert all(
        series(r, "present", c, "post-a")[9] + series(r, "present", c, "strip")[9] == 100
        for r in runs
    )


def test_where_no_road_leads_back_people_who_turn_back_return_home(tiny):
    d = stranded_at_strip(tiny)
    d["routes"] = [r for r in d["routes"] if r["id"] != "a-strip"]
    d["behaviour"]["turn_back"] = 1.0
    c = compile_scenario(build(d))
    r = simulate(c, 1)
    assert series(r, "returned", c, "strip")[:2] == [100, 100]
    assert r.conservation_error() == 0


def test_leakage_takes_the_stranded_through_the_closed_road(tiny):
    d = stranded_at_strip(tiny)
    d["behaviour"]["leak"] = 1.0
    c = compile_scenario(build(d))
    r = simulate(c, 2)
    assert series(r, "stranded", c, "strip")[:2] == [0, 0]
    # one day on the 1 km road, then counted as crossed at post B (Chile -> Peru), not diverted
    assert series(r, "crossed", c, "post-b")[:3] == [0, 100, 100]
    assert series(r, "diverted", c, "strip")[:3] == [0, 0, 0]
    assert series(r, "harmed", c, "desert")[:3] == [0, 0, 0]
    assert r.conservation_error() == 0


def test_militarization_lowers_the_leak_nearby_from_its_date(tiny):
    d = stranded_at_strip(tiny)
    d["behaviour"]["leak"] = 0.5
    d["policies"].append(
        {
            "type": "militarize",
            "near": ["strip"],
            "radius_km": 5,
            "leak_multiplier": 0.0,
            "start": "2025-01-01",
        }
    )
    c = compile_scenario(build(d))
    assert c.leak[:, c.place_ids.index("strip")].max() == 0.0
    assert c.leak[:, c.place_ids.index("city")].min() == 0.5  # 20 km away: untouched
    r = simulate(c, 3)
    assert series(r, "stranded", c, "strip")[:4] == [100, 100, 100, 100]


def test_a_dated_transfer_empties_the_site_into_a_city_that_day(tiny):
    d = stranded_at_strip(tiny)
    d["policies"].append(
        {
            "type": "transfer",
            "from": ["strip"],
            "to": "city",
            "start": "2025-01-05",
            "end": "2025-01-05",
        }
    )
    c = compile_scenario(build(d))
    r = simulate(c, 5)
    assert series(r, "stranded", c, "strip")[:7] == [100, 100, 100, 100, 0, 0, 0]
    assert series(r, "present", c, "city")[:7] == [0, 0, 0, 0, 100, 100, 100]
    assert r.conservation_error() == 0


def test_a_transfer_to_a_shelter_keeps_people_waiting_there(tiny):
    d = stranded_at_strip(tiny)
    d["places"].append(
        {
            "id": "shelter",
            "name": "Shelter",
            "kind": "shelter",
            "country": "CHL",
            "lat": -18.45,
            "lon": -70.3,
            "capacity": 10,
            "serves": ["strip"],
        }
    )
    d["policies"].append(
        {
            "type": "transfer",
            "from": ["strip"],
            "to": "shelter",
            "start": "2025-01-02",
            "end": "2025-01-02",
        }
    )
    c = compile_scenario(build(d))
    r = simulate(c, 5)
    # a transfer is the authorities' decision: it does not wait for room
    assert series(r, "stranded", c, "shelter")[:3] == [0, 100, 100]
    assert r.conservation_error() == 0


def test_a_pulse_rises_to_its_peak_then_halves_every_half_life():
    sh = Shock(
        name="election",
        start=dt.date(2025, 1, 1),
        peak=dt.date(2025, 1, 3),
        half_life_days=2,
        multiplier=3,
    )
    dates = np.datetime64("2025-01-01") + np.arange(8).astype("timedelta64[D]")
    got = shock_profile(sh, "shocks[0]", dates, None)
    assert got == pytest.approx(
        [1 + 2 / 3, 1 + 4 / 3, 3, 1 + 2 * 2**-0.5, 2, 1 + 2**-0.5, 1.5, 1 + 2**-1.5]
    )


def test_a_step_shock_holds_between_its_dates():
    sh = Shock(name="step", start=dt.date(2025, 1, 2), end=dt.date(2025, 1, 3), multiplier=2)
    dates = np.datetime64("2025-01-01") + np.arange(5).astype("timedelta64[D]")
    assert list(shock_profile(sh, "shocks[0]", dates, None)) == [1, 2, 2, 1, 1]


@pytest.mark.parametrize(
    ("shock", "message"),
    [
        ({"start": "2025-01-01", "multiplier": 2}, "a step shock needs an end date"),
        (
            {"start": "2025-01-05", "peak": "2025-01-01", "half_life_days": 3, "multiplier": 2},
            "peak 2025-01-01 is before start 2025-01-05",
        ),
        (
            {"start": "2025-01-01", "end": "2025-01-09", "peak": "2025-01-02", "multiplier": 2},
            "peak needs half_life_days",
        ),
    ],
)
def test_badly_shaped_shocks_are_refused(shock, message):
    with pytest.raises(ValidationError, match=message):
        Shock(name="x", **shock)


def test_uncertain_starting_counts_are_drawn_and_rounded(tiny):
    d = stranded_at_strip(tiny)
    d["population"][0]["people"] = {"value": 50, "low": 10, "high": 80}
    s = build(d)
    assert compile_scenario(s).init_stranded.sum() == 50
    assert compile_scenario(s, {"population[0].people": 61.6}).init_stranded.sum() == 62


def test_a_version_1_file_is_read_as_version_2(tiny):
    tiny["schema_version"] = 1
    assert build(tiny).schema_version == 2


def test_a_version_1_file_using_version_2_fields_is_refused_with_the_way_out(tiny):
    d = stranded_at_strip(tiny)
    d["schema_version"] = 1
    d["behaviour"]["leak"] = 0.1
    with pytest.raises(
        ValidationError,
        match=r"schema_version: version 1 does not have behaviour\.leak.*hito migrate",
    ):
        build(d)


def test_unknown_places_in_the_new_policies_are_named(tiny):
    d = stranded_at_strip(tiny)
    d["policies"] += [
        {"type": "transfer", "from": ["nowhere"], "to": "onward", "start": "2025-01-02"},
        {
            "type": "readmit",
            "places": ["strip", "elsewhere"],
            "daily_share": 0.5,
            "start": "2025-01-02",
        },
        {
            "type": "clearances",
            "places": ["far-away"],
            "daily_chance": 0.1,
            "share": 0.5,
            "start": "2025-01-02",
        },
    ]
    with pytest.raises(ValidationError) as err:
        build(d)
    text = str(err.value)
    assert "policies[1].from[0]: unknown place 'nowhere'" in text
    assert "policies[1].to: 'onward' is an exit, expected a shelter or a city" in text
    assert "policies[2].places[1]: unknown place 'elsewhere'" in text
    assert "policies[3].places[0]: unknown place 'far-away'" in text
