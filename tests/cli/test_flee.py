"""`hito flee ...`: the lines it prints, and a Flee case's file given to the border commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import hito


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


def test_no_runs_is_one_error_line_as_for_hito_run(tmp_path: Path) -> None:
    """`hito flee run --runs 0` was Typer's boxed usage error, `hito run --runs 0` one line."""
    case = Path(__file__).parents[1] / "data" / "flee-public" / "tigray2020"
    said = "error: --runs: se recibió 0; se esperaba un número entero de al menos 1\n"
    for args in (("flee", "run", str(case)), ("run",)):
        done = hito(*args, "--runs", "0", "--out", str(tmp_path / "o"))
        assert (done.returncode, done.stderr) == (2, said), args
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("--days", "100000"),
            "error: --days: se recibió 100000; se esperaba como máximo %s (los días del período "
            "del caso)\n",
        ),
        (
            ("--workers", "0"),
            "error: --workers: se recibió 0; se esperaba un número entero de al menos 1\n",
        ),
        (
            ("--scheduler", "tcp://host:8786"),
            "error: --scheduler: solo --executor dask usa la dirección de un planificador\n",
        ),
    ],
)
def test_flee_run_names_its_options_as_typed(tmp_path: Path, args, said) -> None:
    """`hito flee run --days 100000` said 'days: ...', a field the user does not type."""
    from hito.flee.case import read_case

    case = Path(__file__).parents[1] / "data" / "flee-public" / "tigray2020"
    done = hito("flee", "run", str(case), *args, "--out", str(tmp_path / "o"))
    days = read_case(case).scenario.days
    last = done.stderr.splitlines(keepends=True)[-1]  # after the case's warnings
    assert (done.returncode, last) == (2, said.replace("%s", str(days)))
