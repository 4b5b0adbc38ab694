"""YAML documents read by hito: every hostile text is one located error, never a traceback."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hito.errors import HitoError, ScenarioError
from hito.yamldoc import compose

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def said(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        compose(text, "s.yaml", what="scenario", error=ScenarioError)
    return caught.value.in_language("en")


def test_brackets_nested_thousands_deep_are_refused_not_a_recursion_error():
    assert said("places: " + "[" * 5000 + "]" * 5000 + "\n") == [
        "s.yaml: not valid YAML (lists or mappings nested thousands of levels deep)"
    ]


@pytest.mark.parametrize("sign", ["", "-", "+"])
def test_an_integer_of_thousands_of_digits_is_refused_at_its_field(sign):
    assert said(f"name: x\ndays: {sign}" + "9" * 5000 + "\n") == [
        "s.yaml:2: days: got a number of 5000 digits, expected a number of at most 4300 digits"
    ]


def test_a_nul_byte_is_refused_at_its_line_in_the_readers_words():
    assert said("name: x\nschema_version: 2\x00\n") == [
        "s.yaml:2: not valid YAML (the control character U+0000 is not allowed in YAML text)"
    ]


def test_a_non_character_is_not_called_a_control_character():
    assert said("name: x\u200b\ufffe\n") == [
        "s.yaml:1: not valid YAML (the non-character U+FFFE is not allowed in YAML text)"
    ]


def test_a_key_given_twice_is_refused_where_it_comes_again():
    assert said("name: x\ndays: 30\nstart: 2025-01-01\ndays: 300\n") == [
        "s.yaml:4: days: given twice in one mapping; expected each key once "
        "(the second would silently replace the first)"
    ]


def test_a_key_given_twice_inside_a_list_item_names_its_field():
    assert said("places:\n  - id: a\n    name: A\n    id: b\n") == [
        "s.yaml:4: places[0].id: given twice in one mapping; expected each key once "
        "(the second would silently replace the first)"
    ]


def test_a_merge_key_overridden_by_its_own_mapping_is_not_a_key_given_twice():
    data, _ = compose(
        "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  x: 3\n",
        "s.yaml",
        what="scenario",
        error=ScenarioError,
    )
    assert data["other"] == {"x": 3, "y": 2}


def test_a_merged_mapping_that_overrides_its_own_merge_is_not_a_key_given_twice():
    # x's merge is read before b's own: PyYAML copies c's pairs into b's node, then b's "k"
    text = "defs:\n  c: &c {k: 0, m: 1}\n  b: &b {<<: *c, k: 1}\nx: {<<: *b}\n"
    data, _ = compose(text, "s.yaml", what="scenario", error=ScenarioError)
    assert data == yaml.safe_load(text)


def test_an_alias_bomb_is_read_as_shared_lists_not_expanded():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    data, _ = compose("\n".join(lines) + "\n", "s.yaml", what="scenario", error=ScenarioError)
    assert data["i"][0] is data["i"][1]  # 9**9 items if expanded: they are not


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_is_a_mapping_or_a_hito_error(text):
    try:
        data, _ = compose(text, "s.yaml", what="scenario", error=ScenarioError)
    except HitoError as exc:
        assert all(line.startswith("s.yaml") for line in exc.in_language("en"))
    else:
        assert isinstance(data, dict)
