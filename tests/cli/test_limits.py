"""More runs or particles than one command makes, or memory running out: one line, no traceback."""

from __future__ import annotations

import pytest

from cli_helpers import hito_here
from hito.cli.options import MOST_PARTICLES, MOST_RUNS

assert MOST_RUNS == MOST_PARTICLES == 100_000  # said below as a Spanish reader reads it


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("run", "tacna-arica-2025", "--runs", str(MOST_RUNS + 1)),
            f"error: --runs: {MOST_RUNS + 1} simulaciones; se esperaban como máximo 100.000",
        ),
        (
            ("flee", "run", "nowhere", "--runs", str(MOST_RUNS + 1)),
            f"error: --runs: {MOST_RUNS + 1} simulaciones; se esperaban como máximo 100.000",
        ),
        (
            ("calibrate", "tacna-arica-2025", "--particles", "100000000"),
            "error: --particles: se recibió 100000000; se esperaban como máximo 100.000",
        ),
        (
            ("backtest", "tacna-arica-2025", "--particles", str(MOST_PARTICLES + 1)),
            f"error: --particles: se recibió {MOST_PARTICLES + 1}; se esperaban como máximo "
            "100.000",  # in the reader's digit grouping
        ),
        (
            (
                "sweep",
                "tacna-arica-2025",
                "--vary",
                "policies.corridor.daily_quota=" + ",".join(map(str, range(2000))),
                "--runs",
                "100",
            ),
            "error: --vary: 2000 opciones x --runs: 200000 simulaciones; se esperaban como "
            "máximo 100.000",
        ),
    ],
)
def test_more_than_one_command_makes_is_refused_before_any_work(
    args: tuple[str, ...],
    said: str,
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    code, out, err = hito_here(monkeypatch, capsys, *args, "--out", str(tmp_path / "o"))
    assert (code, out, err.strip()) == (2, "", said)
    assert not (tmp_path / "o").exists()


def test_memory_running_out_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import hito.cli.main as cli_main

    def too_big() -> None:
        raise MemoryError

    monkeypatch.setattr(cli_main, "command", lambda: too_big)
    monkeypatch.setenv("HITO_LANG", "en")
    code, _out, err = hito_here(monkeypatch, capsys, "run")
    assert code == 1
    assert err == (
        "error: not enough memory on this machine for this command; expected fewer runs, "
        "particles or days (or a Dask cluster: --executor dask --scheduler ...)\n"
    )


def test_a_sweep_too_big_is_refused_before_its_options_are_built(
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """2,000 options are 2,000 scenarios to validate (15 s) before the refusal came."""
    import hito.ensemble.sweep

    def built(*_a: object) -> None:
        raise AssertionError("the options were built")

    monkeypatch.setattr(hito.ensemble.sweep, "options", built)
    vary = "policies.corridor.daily_quota=" + ",".join(map(str, range(1001)))
    code, out, err = hito_here(
        monkeypatch, capsys, "sweep", "--vary", vary, "--runs", "100", "--out", str(tmp_path / "o")
    )
    assert (code, out) == (2, "")
    assert err.strip() == (
        "error: --vary: 1001 opciones x --runs: 100100 simulaciones; se esperaban como máximo "
        "100.000"
    )
