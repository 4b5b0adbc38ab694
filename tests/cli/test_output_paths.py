"""An output folder or file hito cannot write: one line saying which and why, before any work."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from cli_helpers import hito_here
from flee_helpers import shared_case

# each command that writes a folder, with the arguments it needs to reach its work
FOLDER_COMMANDS = {
    "run": ("run", "tacna-arica-2025", "--runs", "2", "--days", "3"),
    "calibrate": ("calibrate", "tacna-arica-2025", "--particles", "10"),
    "backtest": ("backtest", "tacna-arica-2025", "--particles", "10"),
    "sweep": ("sweep", "tacna-arica-2025", "--vary", "policies.corridor.daily_quota=0,50"),
    "plans compare": ("plans", "compare", "tacna-arica-2025", "arica-shelter", "--runs", "2"),
}


@pytest.fixture
def in_the_way(tmp_path: Path) -> Path:
    """A file where the output folder would go."""
    path = tmp_path / "out"
    path.write_text("kept\n", "utf-8")
    return path


@pytest.mark.parametrize("command", FOLDER_COMMANDS)
def test_a_file_in_the_way_of_the_output_folder_is_said_before_any_run(
    command: str, in_the_way: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    args = FOLDER_COMMANDS[command]
    code, out, err = hito_here(monkeypatch, capsys, *args, "--out", str(in_the_way / "sub"))
    assert code == 2, err
    assert err.strip() == (
        f"error: --out {in_the_way / 'sub'}: no se puede escribir ahí (hay un archivo donde "
        "debería haber una carpeta); se esperaba una carpeta que hito pueda crear y en la que "
        "pueda escribir"
    )
    assert "Traceback" not in err and out == ""  # no run started, no progress shown
    assert in_the_way.read_text("utf-8") == "kept\n"


def test_an_output_file_that_is_a_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    code, _out, err = hito_here(monkeypatch, capsys, "schema", "--out", str(tmp_path))
    assert code == 2
    assert (
        err.strip()
        == f"error: --out {tmp_path}: es una carpeta; se esperaba el nombre de un archivo"
    )


def test_flee_import_to_a_file_under_a_file_is_refused_in_english_too(
    in_the_way: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("HITO_LANG", "en")
    target = in_the_way / "case.yaml"
    code, _out, err = hito_here(
        monkeypatch, capsys, "flee", "import", str(shared_case("mali2012")), "--out", str(target)
    )
    assert code == 2
    assert err.strip() == (
        f"error: --out {target}: cannot write there (a file is where a folder should be); "
        "expected a folder hito may make and write in"
    )


def test_a_write_that_fails_midway_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A disk that fills during the writing of the outputs: the file and why, no traceback."""
    import hito.cli.main as cli_main

    def full_disk() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/data/out/daily.parquet")

    monkeypatch.setattr(cli_main, "command", lambda: full_disk)
    code, _out, err = hito_here(monkeypatch, capsys, "run")
    assert code == 1
    assert err.strip() == "error: /data/out/daily.parquet: no queda espacio en el disco"


def test_an_os_error_without_a_file_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an error about a named file becomes a line: any other is a bug to see whole."""
    import hito.cli.main as cli_main

    def broken() -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(cli_main, "command", lambda: broken)
    with pytest.raises(OSError, match="Input/output error"):
        cli_main.main()


def test_outputs_go_into_new_nested_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """The check before the work takes its trial folders away; the writing makes them again."""
    schema = tmp_path / "a" / "b" / "scenario.schema.json"
    code, _out, err = hito_here(monkeypatch, capsys, "schema", "--out", str(schema))
    assert code == 0, err
    assert schema.read_text("utf-8").startswith("{")
    run = tmp_path / "c" / "d"
    code, _out, err = hito_here(
        monkeypatch,
        capsys,
        "run",
        "tacna-arica-2025",
        "--runs",
        "2",
        "--days",
        "3",
        "--out",
        str(run),
    )
    assert code == 0, err
    assert (run / "summary.json").is_file()
    case = tmp_path / "e" / "f" / "case.yaml"
    code, _out, err = hito_here(
        monkeypatch, capsys, "flee", "import", str(shared_case("mali2012")), "--out", str(case)
    )
    assert code == 0, err
    assert case.is_file()
