"""`hito` run as a user runs it, in a process of its own, shared by the CLI tests."""

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
