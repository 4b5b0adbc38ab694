"""Scenario schema versions: what version 2 added, found in a raw mapping."""

from __future__ import annotations

import pytest

from hito.errors import Invalid
from hito.scenario.versions import (
    SCHEMA_VERSION,
    V2_FIELDS,
    as_current,
    migrated_text,
    v2_fields_used,
)

# one raw mapping that uses every field schema_version 2 added
EVERY_V2_FIELD = {
    "schema_version": 1,
    "places": [{"id": "a", "aliases": ["A"]}, {"id": "b", "back_to": "a"}],
    "policies": [
        {"type": "close", "announced": "2025-01-01"},
        {"type": "readmit"},
        {"type": "close", "leak_multiplier": 0.5},
    ],
    "population": [{"people": {"value": 3}}],
    "shocks": [{"half_life_days": 3}, {"peak": 2}],
    "behaviour": {"turn_back": 0.1, "leak": 0.1, "arrival_cv": 0.2},
    "observation": {},
}


def test_every_field_version_2_added_is_found_in_a_mapping_that_uses_it() -> None:
    assert v2_fields_used(EVERY_V2_FIELD) == list(V2_FIELDS)
    assert len(V2_FIELDS) == 12


def test_a_version_1_mapping_without_them_is_read_as_the_current_version() -> None:
    raw = {"schema_version": 1, "places": [{"id": "a"}], "behaviour": {"move": {}}}
    assert as_current(raw) == {**raw, "schema_version": SCHEMA_VERSION}
    assert raw["schema_version"] == 1  # the caller's mapping is left as it was


def test_a_version_1_mapping_that_uses_them_is_refused_naming_each() -> None:
    raw = {"schema_version": 1, "shocks": [{"peak": 2}], "observation": {}}
    with pytest.raises(Invalid) as e:
        as_current(raw)
    (problem,) = e.value.said
    assert problem.say("en") == (
        "schema_version: version 1 does not have shocks[].peak, observation; expected "
        "schema_version: 2 "
        "(`hito migrate FILE` updates a version-1 file)"
    )
    assert problem.say("es") == (
        "schema_version: la versión 1 no tiene shocks[].peak, observation; se esperaba "
        "schema_version: 2 "
        "(`hito migrate ARCHIVO` actualiza un archivo de la versión 1)"
    )


@pytest.mark.parametrize("data", [{"schema_version": 2, "observation": {}}, [1], "text", None])
def test_anything_but_a_version_1_mapping_is_passed_on_unchanged(data: object) -> None:
    assert as_current(data) is data


def test_a_version_1_refusal_names_its_fields_as_written_in_any_language() -> None:
    raw = {
        "schema_version": 1,
        "population": [{"people": {"value": 3}}],
        "policies": [{"type": "readmit"}],
    }
    with pytest.raises(Invalid) as e:
        as_current(raw)
    (problem,) = e.value.said
    assert problem.say("es") == (
        "schema_version: la versión 1 no tiene population[].people: {value, low, high}, "
        "policies[].type: readmit, clearances, transfer; se esperaba schema_version: 2 "
        "(`hito migrate ARCHIVO` actualiza un archivo de la versión 1)"
    )


def test_migrated_text_keeps_the_comment_and_spacing_of_the_version_line() -> None:
    text = "# mine\nschema_version: 1   # old format\nname: x\n"
    assert migrated_text(text) == "# mine\nschema_version: 2   # old format\nname: x\n"
    assert migrated_text("schema_version:\t1\n") == "schema_version:\t2\n"
    assert migrated_text("a: 1\r\nschema_version: 1\r\n") == "a: 1\r\nschema_version: 2\r\n"
    assert migrated_text("schema_version: 2  # new\n") is None
    assert migrated_text("schema_version: 12\n") is None
