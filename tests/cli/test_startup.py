"""`hito --help` loads no heavy library: models, numba, polars, pyarrow wait for their command."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "numba",
    "polars",
    "pyarrow",
    "scipy",
    "dask",
    "distributed",
    "sqlalchemy",
    "fastapi",
    "pandas",
    "xarray",
    "plotly",
    "weasyprint",
    "hito.scenario.model",
    "hito.engine.kernel",
)

PROBE = """
import json, sys
argv = sys.argv[1:]
import hito.cli.main
if argv:
    sys.argv = ["hito", *argv]
    try:
        hito.cli.main.main()
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_after(*argv: str) -> set[str]:
    """The modules a fresh interpreter holds after importing the CLI (and running argv)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m in HEAVY or m.split(".")[0] in HEAVY)


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert heavy(loaded_after()) == []


def test_help_of_every_command_loads_no_heavy_library() -> None:
    assert heavy(loaded_after("--help")) == []
    for command in ("run", "sweep", "plans", "flee", "serve", "report", "demo"):
        assert heavy(loaded_after(command, "--help")) == [], command


def test_a_command_still_loads_what_it_needs() -> None:
    # the probe itself can see a heavy import: `hito validate` reads a scenario model
    assert "hito.scenario.model" in loaded_after("validate", "tacna-arica-2025")


def test_python_dash_m_hito_is_the_hito_command() -> None:
    """Where the `hito` script is not on PATH (a venv not activated): `python -m hito`."""
    from importlib.metadata import version

    done = subprocess.run(
        [sys.executable, "-m", "hito", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"hito {version('hito')}"), done.stderr
