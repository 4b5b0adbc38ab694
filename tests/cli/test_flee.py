"""`hito flee ...`: the lines it prints, and a Flee case's file given to the border commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import hito
from hito.cli.flee import run_line

SAID = {
    "case": "mali2012",
    "ard": "0,3418",
    "rescaled": "0,2206",
    "ruleset": "cohorts",
    "people": "148.063",
    "days": "300",
    "seconds": "1,47",
    "out": "out",
}


def test_the_line_of_one_run_says_one_run() -> None:
    """'en 1 simulaciones' before: the count of runs takes the number's form."""
    assert run_line(1, SAID | {"runs": "1"}, "es") == (
        "mali2012: ARD 0,3418 (reescalado 0,2206) en 1 simulación con las reglas cohorts, "
        "148.063 personas, 300 días, 1,47 s -> out"
    )
    assert run_line(2, SAID | {"runs": "2"}, "es").startswith(
        "mali2012: ARD 0,3418 (reescalado 0,2206) en 2 simulaciones con las reglas cohorts,"
    )
    assert " over 1 run with the cohorts ruleset, " in run_line(1, SAID | {"runs": "1"}, "en")


@pytest.mark.parametrize("command", [("validate",), ("run", "--runs", "1")])
def test_a_flee_case_file_given_as_a_scenario_is_one_line(command, tmp_path: Path) -> None:
    """`hito flee import`'s file to `hito validate`: was 'flee: field not allowed here'."""
    case = Path(__file__).parents[1] / "data" / "flee-public" / "tigray2020"
    scenario = tmp_path / "tigray.yaml"
    done = hito("flee", "import", str(case), "--out", str(scenario))
    assert done.returncode == 0, done.stderr
    out = ["--out", str(tmp_path / "o")] if command[0] == "run" else []
    done = hito(command[0], str(scenario), *command[1:], *out)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: {scenario}: un caso de Flee escrito por `hito flee import`, no un escenario de "
        "las reglas de frontera (`hito flee check ARCHIVO` lo revisa, `hito flee run ARCHIVO` lo "
        "ejecuta)\n"
    )
