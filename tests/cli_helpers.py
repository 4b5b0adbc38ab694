"""`hito` run as a user runs it, in a process of its own or in the test's, shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def hito(
    *args: str, cwd: Path | None = None, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess[str]:
    """`hito ARGS` read by the test's reader (tests/conftest.py: Spanish unless the test sets
    HITO_LANG or LANG), output 320 columns wide, `env` on top of the test's environment."""
    environ = {**os.environ, "COLUMNS": "320", "TERMINAL_WIDTH": "320", **env}
    return subprocess.run(
        [sys.executable, "-m", "hito.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        timeout=timeout,
    )


def hito_here(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """`hito ARGS` in the test's own process (faster; numba's compiled code stays loaded):
    the exit code, what it printed and what it printed as errors."""
    from hito.cli.main import main

    monkeypatch.setattr(sys, "argv", ["hito", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
