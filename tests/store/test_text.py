"""The text policy of free-text fields."""

from __future__ import annotations

import pytest

from hito.store.text import text_problem


@pytest.mark.parametrize("ok", ["Camp at the strip, 40 families (UNHCR)", "Niños y niñas: 12", "O'Higgins #3 / km 20", ""])
def test_ordinary_text_passes(ok: str) -> None:
    assert text_problem(ok, max_length=500) is None


@pytest.mark.parametrize(("bad", "problem"), [
    ("<img src=x onerror=alert(1)>", "character '<' at position 0 is not allowed in text fields"),
    ("Robert'); DROP TABLE field_report;--", "character ';' at position 8 is not allowed in text fields"),
    ("x' OR '1'='1", "character '=' at position 9 is not allowed in text fields"),
    ("a -- comment", "'--' at position 2 is not allowed in text fields"),
    ("javascript:alert(1)", "'javascript:' at position 0 is not allowed in text fields"),
    ("line\nbreak", "control character U+000A at position 4 is not allowed"),
    ("x" * 501, "expected at most 500 characters, got 501"),
])
def test_markup_sql_and_control_characters_are_refused(bad: str, problem: str) -> None:
    assert text_problem(bad, max_length=500) == problem
