"""Property-based: every valid random scenario runs and conserves people; broken ones fail clearly."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hito.engine.compile import compile_scenario
from hito.engine.run import simulate
from hito.errors import ScenarioError
from hito.scenario.load import parse

KINDS = ["origin", "city", "border_post", "between_posts", "shelter", "irregular_crossing", "exit"]
COUNTRIES = ["CHL", "PER", "BOL"]


@st.composite
def scenarios(draw) -> dict:
    n = draw(st.integers(2, 7))
    places = []
    for i in range(n):
        kind = draw(st.sampled_from(KINDS))
        place = {
            "id": f"p{i}",
            "name": f"P{i}",
            "kind": kind,
            "country": draw(st.sampled_from(COUNTRIES)),
            "lat": draw(st.floats(-19, -17)),
            "lon": draw(st.floats(-71, -69)),
        }
        if kind == "shelter":
            place["capacity"] = draw(st.integers(0, 200))
        places.append(place)
    non_exit = [p["id"] for p in places if p["kind"] != "exit"]
    if not non_exit:
        places[0]["kind"] = "origin"
        non_exit = ["p0"]
    routes = []
    for j in range(draw(st.integers(0, 10))):
        a = draw(st.sampled_from(non_exit))
        b = draw(st.sampled_from([p["id"] for p in places if p["id"] != a] or [a]))
        if a == b:
            continue
        routes.append(
            {
                "id": f"r{j}",
                "from": a,
                "to": b,
                "km": draw(st.floats(0.5, 900)),
                "kind": draw(st.sampled_from(["road", "irregular", "flight"])),
                "access": draw(st.sampled_from(["everyone", "documented"])),
                "hazard": draw(st.floats(0, 1)),
                "two_way": draw(st.booleans()),
            }
        )
    for p in places:
        if p["kind"] == "shelter":
            p["serves"] = draw(st.lists(st.sampled_from(non_exit), max_size=2, unique=True))
    groups = [
        {"id": "u", "nationality": "VEN", "documented": False},
        {"id": "d", "nationality": "COL", "documented": True},
    ]
    population = [
        {
            "place": draw(st.sampled_from(non_exit)),
            "group": draw(st.sampled_from("ud")),
            "people": draw(st.integers(0, 10**6)),
            "stranded": draw(st.booleans()),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    # inflows arrive where a route leaves (a valid scenario refuses arrivals that never move)
    leaving = [
        p
        for p in non_exit
        if any(r["from"] == p or (r["two_way"] and r["to"] == p) for r in routes)
    ]
    inflows = [
        {
            "origin": draw(st.sampled_from(leaving)),
            "group": draw(st.sampled_from("ud")),
            "per_day": {"value": 10.0, "low": 0.0, "high": draw(st.floats(10, 5000))},
        }
        for _ in range(draw(st.integers(0, 3)) if leaving else 0)
    ]
    policies = []
    route_ids = [r["id"] for r in routes]
    if route_ids:
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["close", "reopen", "corridor", "militarize"]))
            start = f"2025-01-{draw(st.integers(1, 20)):02d}"
            if kind == "close":
                policies.append(
                    {
                        "type": "close",
                        "routes": [draw(st.sampled_from(route_ids))],
                        "to": draw(st.sampled_from(["undocumented", "all"])),
                        "start": start,
                    }
                )
            elif kind == "reopen":
                policies.append(
                    {"type": "reopen", "routes": [draw(st.sampled_from(route_ids))], "start": start}
                )
            elif kind == "corridor":
                policies.append(
                    {
                        "type": "corridor",
                        "route": draw(st.sampled_from(route_ids)),
                        "daily_quota": draw(st.integers(0, 500)),
                        "start": start,
                    }
                )
            else:
                policies.append(
                    {
                        "type": "militarize",
                        "near": [draw(st.sampled_from(non_exit))],
                        "hazard_multiplier": draw(st.floats(1, 5)),
                        "deterrence": draw(st.floats(0, 1)),
                        "start": start,
                    }
                )
    return {
        "schema_version": 1,
        "name": "random",
        "start": "2025-01-01",
        "days": 25,
        "places": places,
        "routes": routes,
        "groups": groups,
        "population": population,
        "inflows": inflows,
        "policies": policies,
        "behaviour": {"tolerance_days": draw(st.floats(1, 60)), "awareness": draw(st.floats(0, 1))},
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32))
def test_every_valid_scenario_runs_and_conserves_people(d, seed):
    s = parse(yaml.safe_dump(d), "random.yaml")
    r = simulate(compile_scenario(s), seed)
    assert r.conservation_error() == 0
    assert (r.states >= 0).all()


def _break(d: dict, how: str) -> str:
    if how == "unknown place":
        d["places"].append(
            {"id": "zz", "name": "Z", "kind": "city", "country": "CHL", "lat": 0, "lon": 0}
        )
        d["population"] = [{"place": "nowhere", "group": "u", "people": 1}]
        return "population[0].place"
    if how == "negative":
        d["population"] = [{"place": "p0", "group": "u", "people": -3}]
        return "population[0].people"
    if how == "end before start":
        d["shocks"] = [{"name": "x", "start": "2025-02-01", "end": "2025-01-01", "multiplier": 2}]
        return "shocks[0]"
    if how == "missing field":
        del d["places"][0]["lat"]
        return "places[0].lat"
    d["days"] = "soon"
    return "days"


@settings(max_examples=40, deadline=None)
@given(
    scenarios(),
    st.sampled_from(
        ["unknown place", "negative", "end before start", "missing field", "wrong type"]
    ),
)
def test_every_broken_scenario_gets_a_located_error(d, how):
    path = _break(d, how)
    try:
        parse(yaml.safe_dump(d, sort_keys=False), "broken.yaml")
    except ScenarioError as exc:
        assert exc.problems
        assert any(path in line for line in exc.problems), (path, exc.problems)
        for line in exc.problems:
            assert re.match(r"^broken\.yaml:\d+: ", line), line
    else:
        raise AssertionError(f"{how} was accepted")
