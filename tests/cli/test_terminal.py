"""The CLI's consoles print located messages as given: rich read `f.yaml:100:` as an emoji code."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cli_helpers import hito_here
from hito.cli.terminal import plain_console


def test_an_error_on_line_100_keeps_its_line_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It printed 'l100.yaml💯 not valid YAML', and line 1234 '🔢'."""
    f = tmp_path / "l100.yaml"
    f.write_text("# a comment\n" * 99 + "days: a: b\n", encoding="utf-8")
    monkeypatch.setenv("HITO_LANG", "en")
    code, out, err = hito_here(monkeypatch, capsys, "validate", str(f))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {f}:100: not valid YAML (")


def test_plain_console_prints_emoji_codes_and_numbers_as_written() -> None:
    out = io.StringIO()
    c = plain_console(file=out, width=200, force_terminal=True, color_system="truecolor")
    c.print("counts.csv:1234: 5 people :smile: at :100:", markup=False)
    assert out.getvalue() == "counts.csv:1234: 5 people :smile: at :100:\n"
