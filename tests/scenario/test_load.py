"""Scenario files: built-ins validate, every broken file gets one precise line per problem."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
import yaml

from conftest import build, tiny_dict
from hito.errors import ScenarioError
from hito.scenario.load import builtin_names, json_schema, load, parse

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def dump(d: dict) -> str:
    return yaml.safe_dump(d, sort_keys=False)


def problems(d: dict) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse(dump(d), "s.yaml")
    return info.value.problems


def test_builtins_validate_and_carry_sources():
    assert {"tacna-arica-2023", "tacna-arica-2025"} <= set(builtin_names())
    for name in builtin_names():
        s = load(name)
        assert s.name == name
        assert all(p.source for p in s.places), name
        assert all(p.source for p in s.policies), name


def test_unknown_place_in_a_route_names_file_line_and_field():
    d = tiny_dict()
    d["routes"][3]["to"] = "nowhere"
    (line,) = problems(d)
    text = dump(d).splitlines()
    lineno = int(line.split(":")[1])
    assert line.startswith("s.yaml:")
    assert "to: nowhere" in text[lineno - 1]
    assert "routes[3].to: unknown place 'nowhere', expected one of:" in line
    assert "post-a" in line


def test_negative_number_wrong_type_and_missing_field_each_get_a_line():
    d = tiny_dict()
    d["routes"][0]["km"] = -5
    d["population"][0]["people"] = "many"
    del d["places"][1]["country"]
    lines = problems(d)
    assert len(lines) == 3
    assert any("routes[0].km: Input should be greater than 0 (got -5)" in x for x in lines)
    assert any("population[0].people:" in x and "'many'" in x for x in lines)
    assert any("places[1].country: Field required" in x for x in lines)


def test_a_number_that_is_not_finite_is_refused_at_its_line():
    d = tiny_dict()
    d["routes"][0]["weight"] = float("inf")
    d["behaviour"] = {**d.get("behaviour", {}), "turn_back": float("nan")}
    d["schema_version"] = 2  # turn_back is a version-2 field
    said = problems(d)
    assert any(
        "routes[0].weight.value: Input should be a finite number (got inf)" in p for p in said
    )
    assert any(
        "behaviour.turn_back.value: Input should be a finite number (got nan)" in p for p in said
    )


def test_more_people_than_hito_counts_is_refused_before_a_run():
    """The engine keeps its counts below 2**31: a scenario that could pass that is refused."""
    d = tiny_dict()
    d["population"][0]["people"] = 10**15
    (line,) = problems(d)
    assert line.startswith("s.yaml:1: ")
    # in whole digits: '1e+15' and '1e+09' are no numbers to a planner
    assert "population and inflows: up to 1000000000000900 people over" in line
    assert "expected at most 1000000000, what hito counts" in line


@pytest.mark.parametrize(("start", "bound"), [("9999-12-31", "less"), ("0001-01-01", "greater")])
def test_a_start_outside_the_days_hito_holds_is_refused_at_its_line(start: str, bound: str):
    """`start: 9999-12-31` passed, then validate and run ended in an OverflowError."""
    d = tiny_dict()
    d["start"] = dt.date.fromisoformat(start)
    with pytest.raises(ScenarioError) as info:
        parse(dump(d), "s.yaml")
    (line,) = info.value.in_language("en")
    day = "2099-12-31" if bound == "less" else "2000-01-01"
    assert line.startswith("s.yaml:")
    assert f"start: Input should be {bound} than or equal to {day} (got {start})" in line


def test_a_route_longer_than_half_the_earth_is_refused():
    """km: 1e12 ran out of memory (1.38 TiB) in the run, after validate passed it."""
    d = tiny_dict()
    d["routes"][0]["km"] = 1e12
    with pytest.raises(ScenarioError) as info:
        parse(dump(d), "s.yaml")
    (km,) = info.value.in_language("en")
    assert km.endswith(
        "routes[0].km: Input should be less than or equal to 20000 (got 1000000000000.0)"
    )


@pytest.mark.parametrize(
    "records", ["mycounts.csv", "/etc/passwd", "../data/tacna-arica-timeline.csv"]
)
def test_records_other_than_the_counts_shipped_are_refused_at_their_line(records: str):
    """`records: mycounts.csv` passed validate, then calibrate looked for it among hito's own
    files, and `/etc/passwd` was read as given."""
    d = tiny_dict()
    d["schema_version"] = 2
    d["observation"] = {"records": records}
    with pytest.raises(ScenarioError) as info:
        parse(dump(d), "s.yaml")
    (line,) = info.value.in_language("en")
    assert line.endswith(
        f"observation.records: got {records!r}, expected one of the count files shipped with "
        "hito: tacna-arica-timeline.csv (counts of your own are given with --observations FILE)"
    )
    d["observation"] = {"records": "tacna-arica-timeline.csv"}
    assert parse(dump(d), "s.yaml").observation.records == "tacna-arica-timeline.csv"


def test_end_before_start_is_refused():
    d = tiny_dict()
    d["policies"] = [
        {"type": "close", "routes": ["strip-b"], "start": "2025-02-01", "end": "2025-01-01"}
    ]
    (line,) = problems(d)
    assert "policies[0]" in line and "before start" in line


def test_unknown_field_and_unknown_policy_type():
    d = tiny_dict()
    d["places"][0]["colour"] = "red"
    d["policies"] = [{"type": "teleport", "start": "2025-01-01"}]
    lines = problems(d)
    assert any("places[0].colour: Extra inputs are not permitted" in x for x in lines)
    assert any("policies[0]" in x and "'close'" in x and "teleport" in x for x in lines)


def test_range_out_of_order_and_probability_above_one():
    d = tiny_dict()
    d["inflows"][0]["per_day"] = {"value": 5, "low": 10, "high": 20}
    d["routes"][5]["hazard"] = 1.5
    lines = problems(d)
    assert any("inflows[0].per_day" in x and "low <= value <= high" in x for x in lines)
    assert any("routes[5].hazard" in x and "probability" in x for x in lines)


def test_not_yaml_and_not_a_mapping():
    with pytest.raises(ScenarioError, match=r"s.yaml:2: not valid YAML"):
        parse("a: 1\n  b: [\n", "s.yaml")
    with pytest.raises(ScenarioError, match="expected a mapping"):
        parse("- 1\n- 2\n", "s.yaml")


def test_a_date_of_no_calendar_day_is_refused_at_its_line():
    text = "name: x\nschema_version: 2\nstart: 2025-02-30\n"
    with pytest.raises(ScenarioError) as caught:
        parse(text, "s.yaml")
    assert caught.value.in_language("en") == [
        "s.yaml:3: start: got '2025-02-30', expected a date as YYYY-MM-DD that exists"
    ]


def test_a_date_of_no_calendar_day_in_a_list_names_its_field():
    text = (
        "name: x\nschema_version: 2\nstart: 2025-02-01\npolicies:\n"
        "  - {type: close, routes: [r], start: 2025-02-03}\n"
        "  - {type: close, routes: [r], start: 2025-02-03, end: 2025-04-31}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        parse(text, "s.yaml")
    assert caught.value.in_language("en") == [
        "s.yaml:6: policies[1].end: got '2025-04-31', expected a date as YYYY-MM-DD that exists"
    ]


def test_missing_file_lists_builtins(tmp_path):
    with pytest.raises(ScenarioError, match="tacna-arica-2025"):
        load(tmp_path / "none.yaml")


def test_exported_json_schema_accepts_builtins_and_refuses_a_typo():
    schema = json.loads(json_schema())
    for name in builtin_names():
        from importlib import resources

        text = resources.files("hito.scenario.builtin").joinpath(f"{name}.yaml").read_text()
        jsonschema.validate(json.loads(json.dumps(yaml.safe_load(text), default=str)), schema)
    bad = json.loads(json.dumps(tiny_dict()))
    bad["placez"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_a_file_that_is_not_utf8_is_named_at_the_line_of_its_first_bad_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("schema_version: 2\nname: café\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load(str(path))
    assert info.value.problems == [
        f"{path}:2: byte 27 is not UTF-8 text; expected a text file in UTF-8 (an editor saves "
        "one as UTF-8)"
    ]
    with pytest.raises(ScenarioError) as info:
        load(str(tmp_path))  # a folder
    assert info.value.problems == [f"{tmp_path}: cannot read the file (it is a folder)"]


def test_a_plain_probability_above_one_says_what_it_got_once():
    d = tiny_dict()
    d["routes"][5]["hazard"] = 1.5
    (line,) = [x for x in problems(d) if "routes[5].hazard" in x]
    assert line.endswith("routes[5].hazard: expected a probability between 0 and 1, got 1.5"), line


def test_a_range_of_probabilities_above_one_and_a_range_out_of_order_say_it_as_written():
    d = tiny_dict()
    d["routes"][5]["hazard"] = {"value": 0.5, "low": 0.1, "high": 2}
    d["behaviour"] = {"tolerance_days": {"value": 10, "low": 30, "high": 4}}
    lines = problems(d)
    assert any(
        x.endswith("routes[5].hazard: expected a probability between 0 and 1, got a range up to 2")
        for x in lines
    ), lines
    assert any(
        x.endswith(
            "behaviour.tolerance_days: expected low <= value <= high, got low=30, value=10, high=4"
        )
        for x in lines
    ), lines


def test_a_date_where_none_is_expected_is_shown_as_written():
    d = tiny_dict()
    d["groups"][0]["since"] = dt.date(2023, 4, 12)
    (line,) = problems(d)
    assert line.endswith("groups[0].since: Extra inputs are not permitted (got 2023-04-12)"), line


def test_a_plan_file_given_as_a_scenario_is_one_line():
    plan = {"name": "p", "triggers": [], "actions": [], "agencies": []}
    with pytest.raises(ScenarioError) as info:
        parse(dump(plan), "p.yaml")
    assert info.value.problems == [
        "p.yaml: a plan file, not a scenario (`hito plans validate FILE` checks it)"
    ]


def test_inflows_at_an_origin_no_route_leaves_are_refused_where_they_arrive():
    """A route drawn backwards (city -> origin) left every arrival at the origin, unsaid."""
    d = tiny_dict()
    first = d["routes"][0]
    first["from"], first["to"] = first["to"], first["from"]
    lines = problems(d)
    assert any(
        x.endswith(
            "inflows[0].origin: no route leaves 'home', so the people arriving there never move; "
            "expected a route from it (is one drawn the other way?)"
        )
        for x in lines
    ), lines
    first["two_way"] = True  # the reverse edge leaves it
    assert build(d).routes[0].two_way


def test_a_version_1_file_using_version_2_is_refused_at_its_schema_version_line():
    text = "# mine\n\nname: x\nschema_version: 1\nobservation: {}\n"
    with pytest.raises(ScenarioError) as caught:
        parse(text, "s.yaml")
    assert caught.value.in_language("en")[0] == (
        "s.yaml:4: schema_version: version 1 does not have observation; expected schema_version: "
        "2 (`hito migrate FILE` updates a version-1 file)"
    )
