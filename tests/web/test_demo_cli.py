"""`hito demo --as-of`: a bad or future date is one error line, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "2025-13-01",
            "error: --as-of: got '2025-13-01', expected a date as YYYY-MM-DD, such as 2025-12-03\n",
        ),
        ("2999-01-01", "error: --as-of: 2999-01-01 is in the future; expected today or earlier\n"),
    ],
)
def test_a_bad_as_of_is_refused_before_anything_is_written(
    tmp_path: Path, given: str, message: str
) -> None:
    out = tmp_path / "demo"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "hito.cli.main",
            "demo",
            "--out",
            str(out),
            "--no-serve",
            "--as-of",
            given,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 2
    assert r.stderr == message
    assert not out.exists()
