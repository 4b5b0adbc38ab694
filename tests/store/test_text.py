"""The rule of free-text fields: a length and no control characters; markup and SQL are text."""

from __future__ import annotations

import pytest

from hito.store.text import text_problem


@pytest.mark.parametrize(
    "ok",
    [
        "Camp at the strip, 40 families (UNHCR)",
        "Niños y niñas: 12",
        "O'Higgins #3 / km 20",
        "",
        "12 niños; 30 adultos",
        "temp < 5 C",
        "<img src=x onerror=alert(1)>",
        "Robert'); DROP TABLE field_report;--",
        "línea 1\r\nlínea 2\tfin",
        "familia 👨\u200d👩\u200d👧",
    ],
)
def test_honest_text_passes_and_markup_or_sql_is_only_text(ok: str) -> None:
    assert text_problem(ok, max_length=500) is None


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("nul\x00byte", "control character U+0000 at position 3 is not allowed"),
        ("bell\x07", "control character U+0007 at position 4 is not allowed"),
        ("abc\u202eevil", "control character U+202E at position 3 is not allowed"),
        ("x" * 501, "expected at most 500 characters, got 501"),
    ],
)
def test_control_characters_and_length_are_refused(bad: str, problem: str) -> None:
    assert text_problem(bad, max_length=500) == problem
