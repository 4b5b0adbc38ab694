"""Plan files: every problem located by file, line and field, with what was given and expected."""

from __future__ import annotations

import pytest
import yaml

from conftest import build
from hito.plans.load import PlanError, builtin_names, load, parse
from hito.scenario.load import builtin_names as scenario_names
from hito.scenario.load import load as load_scenario
from plans.helpers import closed_tiny, corridor, plan_dict, stranded_trigger

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def problems(text: str, scenario=None) -> list[str]:
    with pytest.raises(PlanError) as exc:
        parse(text, "p.yaml", scenario)
    return exc.value.problems


def problems_free(text: str, scenario=None) -> bool:
    parse(text, "p.yaml", scenario)
    return True


def dump(d) -> str:
    return yaml.safe_dump(d, sort_keys=False)


def test_builtin_plans_validate_against_every_builtin_scenario():
    assert builtin_names() == [
        "arica-shelter",
        "binational",
        "corridor-100",
        "return-flights",
        "status-quo",
    ]
    for scen in scenario_names():
        if scen.startswith("tacna-arica"):
            s = load_scenario(scen)
            for name in builtin_names():
                p = load(name, s)
                assert p.rationale and p.agencies


def test_negative_lead_time_is_located():
    text = dump(plan_dict([stranded_trigger()], [corridor(lead_time_days=-2)]))
    (line,) = problems(text)
    assert line.startswith("p.yaml:")
    assert "actions[0].lead_time_days: Input should be greater than or equal to 0 (got -2)" in line
    want = text.splitlines().index("  lead_time_days: -2") + 1
    assert line.startswith(f"p.yaml:{want}:")


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_threshold_that_is_no_finite_number_is_located(value: float) -> None:
    """A threshold of nan never fires and one of inf never can: both refused where written."""
    text = dump(plan_dict([stranded_trigger(threshold=value)], []))
    (line,) = problems(text)
    assert f"triggers[0].threshold: Input should be a finite number (got {value})" in line
    want = next(i for i, t in enumerate(text.splitlines(), 1) if "threshold:" in t)
    assert line.startswith(f"p.yaml:{want}:")


def test_unknown_indicator_lists_the_choices():
    (line,) = problems(dump(plan_dict([stranded_trigger(indicator="crowd")], [])))
    assert "triggers[0].indicator" in line and "'stranded'" in line and "(got 'crowd')" in line


def test_action_the_engine_cannot_apply():
    (line,) = problems(dump(plan_dict([stranded_trigger()], [corridor(type="teleport")])))
    assert "actions[0]" in line and "'teleport'" in line and "'corridor'" in line


def test_unknown_trigger_and_agency_references():
    got = problems(dump(plan_dict([stranded_trigger()], [corridor(trigger="x", agency="pdi")])))
    assert any("actions[0].trigger: unknown trigger 'x', expected one of: t" in g for g in got)
    assert any(
        "actions[0].agency: unknown agency 'pdi', expected one of: mig, muni" in g for g in got
    )


def test_overlapping_contradictory_corridors_name_both():
    a = corridor(id="corridor-a")
    b = corridor(id="corridor-b", daily_quota=50, trigger="t2")
    text = dump(plan_dict([stranded_trigger(), stranded_trigger(id="t2")], [a, b]))
    (line,) = problems(text)
    assert "'corridor-b'" in line and "'corridor-a'" in line and "'strip-b'" in line
    assert "50/day vs 30/day" in line
    want = text.splitlines().index("- id: corridor-b") + 1
    assert line.startswith(f"p.yaml:{want}: actions[1]:")


def test_corridors_of_one_trigger_one_after_the_other_are_fine():
    a = corridor(id="first", duration_days=5)
    b = corridor(id="second", lead_time_days=6, daily_quota=10)
    parse(dump(plan_dict([stranded_trigger()], [a, b])), "p.yaml")


def test_unknown_place_and_route_in_the_scenario():
    s = build(closed_tiny())
    text = dump(
        plan_dict([stranded_trigger(places=["strip", "camp"])], [corridor(route="strip-x")])
    )
    got = problems(text, s)
    assert any("triggers[0].places[1]: unknown place 'camp' in scenario 'tiny'" in g for g in got)
    assert any("actions[0].route: unknown route 'strip-x' in scenario 'tiny'" in g for g in got)
    assert all(g.startswith("p.yaml:") and g.split(":")[1].isdigit() for g in got)


def test_action_kind_must_fit_the_route():
    s = build(closed_tiny())
    act = {
        "id": "f",
        "type": "return_flights",
        "trigger": "t",
        "agency": "mig",
        "route": "strip-b",
        "seats_per_week": 10,
        "lead_time_days": 0,
    }
    (line,) = problems(dump(plan_dict([stranded_trigger()], [act])), s)
    assert "return flights need a flight route, 'strip-b' is a road route" in line


def test_a_corridor_on_an_irregular_route_is_refused():
    # a humanitarian corridor is a quota let through a post: on the desert path it was accepted
    s = build(closed_tiny())
    text = dump(plan_dict([stranded_trigger()], [corridor(route="strip-desert")]))
    (line,) = problems(text, s)
    assert line.endswith(
        "actions[0].route: a corridor needs a road route through a post, 'strip-desert' is an "
        "irregular route"
    ), line
    assert problems_free(dump(plan_dict([stranded_trigger()], [corridor()])), s)


def test_forecast_trigger_needs_a_horizon():
    (line,) = problems(dump(plan_dict([stranded_trigger(source="forecast")], [])))
    assert "triggers[0]" in line and "horizon_days >= 1" in line


def test_unknown_key_and_bad_yaml_and_missing_file():
    (line,) = problems(dump(plan_dict([stranded_trigger(treshold=3)], [])))
    assert "triggers[0].treshold: Extra inputs are not permitted" in line
    (line,) = problems("name: [unclosed")
    assert line.startswith("p.yaml:") and "not valid YAML" in line
    with pytest.raises(PlanError, match="no such file and no built-in plan"):
        load("nope.yaml")


def test_field_errors_and_reference_problems_show_at_once():
    text = dump(plan_dict([stranded_trigger()], [corridor(lead_time_days=-1, agency="pdi")]))
    got = problems(text)
    assert len(got) == 2
    assert "actions[0].lead_time_days" in got[0]
    assert "actions[0].agency: unknown agency 'pdi'" in got[1]


@pytest.mark.parametrize(
    "end",
    [{"compare": ">=", "threshold": 10}, {"compare": "<", "threshold": 60}],
)
def test_end_condition_must_lie_on_the_other_side(end):
    (line,) = problems(dump(plan_dict([stranded_trigger(end=end)], [])))
    assert "triggers[0]" in line and "can hold together with the firing condition >= 50" in line
    assert "such as < 50 or further" in line


def test_end_condition_at_the_threshold_is_fine():
    parse(dump(plan_dict([stranded_trigger(end={"compare": "<", "threshold": 50})], [])), "p")


def test_json_schema_accepts_the_builtin_plans_and_refuses_a_bad_one():
    import json
    from importlib import resources

    import jsonschema

    from hito.plans.load import json_schema

    schema = json.loads(json_schema())
    for f in resources.files("hito.plans.builtin").iterdir():
        if f.name.endswith(".yaml"):
            jsonschema.validate(yaml.safe_load(f.read_text()), schema)
    bad = plan_dict([stranded_trigger()], [corridor(lead_time_days=-1)])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_a_negative_count_threshold_is_refused_as_such():
    (line,) = problems(dump(plan_dict([stranded_trigger(threshold=-200)], [])))
    assert line.endswith(
        "triggers[0]: 'stranded' counts people: got threshold -200, expected 0 or more"
    )


def test_a_scenario_file_given_as_a_plan_is_one_line():
    from conftest import tiny_dict

    assert problems(dump(tiny_dict())) == [
        "p.yaml: a scenario file, not a plan (`hito validate FILE` checks it)"
    ]


def test_a_currency_in_lower_case_is_said_to_be_a_currency_code():
    text = dump(plan_dict([stranded_trigger()], [corridor(cost={"currency": "usd", "amount": 5})]))
    (line,) = problems(text)
    assert line.endswith(
        "actions[0].cost.currency: expected a currency's ISO 4217 code in capitals "
        "(such as USD, PEN, CLP) (got 'usd')"
    )


def test_a_version_written_as_a_whole_number_is_its_text_and_a_decimal_says_to_quote_it():
    # `version: 2` was refused as "expected a text": YAML reads it as a number
    d = plan_dict([stranded_trigger()], [])
    assert parse(dump(d | {"version": 2}), "p.yaml").version == "2"
    text = dump(d | {"version": 1.1})
    (line,) = problems(text)
    want = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("version:"))
    assert line == (
        f'p.yaml:{want}: version: expected a text; write it in quotes ("1.1") so that YAML '
        "keeps it as written, not as the number 1.1"
    )
