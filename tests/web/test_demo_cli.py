"""`hito demo --as-of`: a bad or future date is one error line, exit 2, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "2025-13-01",
            "error: --as-of: se recibió '2025-13-01'; se esperaba una fecha que exista, con el "
            "formato AAAA-MM-DD\n",
        ),
        (
            "2098-01-01",
            "error: --as-of: 2098-01-01 está en el futuro; se esperaba hoy o una fecha anterior\n",
        ),
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


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("abc", "error: --password: se esperaban al menos 8 caracteres; se recibieron 3\n"),
        (
            "walkpass123",  # long enough, but guessed at once
            "error: --password: se rechaza esta contraseña: se parece a una contraseña muy usada; "
            "elija una más larga, p. ej. varias palabras sin relación entre sí\n",
        ),
    ],
)
def test_a_weak_password_is_refused_as_the_option_before_anything_is_written(
    tmp_path: Path, given: str, message: str
) -> None:
    """It was said as the API's 'body.password', after the old demo database was deleted."""
    out = tmp_path / "demo"
    r = subprocess.run(
        [sys.executable, "-m", "hito.cli.main", "demo", "--out", str(out), "--no-serve"]
        + ["--password", given],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 2
    assert r.stderr == message
    assert not out.exists()


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        (
            "es",
            [
                "[1/3] escenario tacna-arica-2025",
                "usuarios de la demostración",
                " administrador ",
                "trabajo de campo: Albergues municipales y de iglesias, Arica (150 plazas",
            ],
            "demo users",
        ),
        (
            "en",
            [
                "[1/3] scenario tacna-arica-2025",
                "demo users",
                " administrator ",
                "field work: Municipal and church shelters, Arica (150 places",
            ],
            "escenario",
        ),
    ],
)
def test_the_demo_says_what_it_does_in_the_language_asked(
    tmp_path: Path, lang: str, said: list[str], not_said: str
) -> None:
    out = tmp_path / "demo"
    r = subprocess.run(
        [sys.executable, "-m", "hito.cli.main", "demo", "--out", str(out), "--no-serve"]
        + ["--runs", "1", "--lang", lang],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert r.returncode == 0, r.stderr
    for text in said:
        assert text in r.stdout
    assert not_said not in r.stdout
    # without the dashboard (--no-serve) three steps, each told as one of three
    assert [line[:5] for line in r.stdout.splitlines() if line[:1] == "["] == [
        "[1/3]",
        "[2/3]",
        "[3/3]",
    ]
    assert "arica-shelters" not in r.stdout  # the shelter by its name, not its id
    assert (out / "hito-demo.sqlite3").exists()
    # the forecasts and the plans' runs (a minute at the default 20 runs) have their bars
    plans = 6  # the 5 built-in plans and no plan, one run each
    forecasts, runs = (
        ("pronósticos", "simulaciones de los planes")
        if lang == "es"
        else (
            "forecasts",
            "runs of the plans",
        )
    )
    bars = [line for line in r.stderr.splitlines() if forecasts in line or runs in line]
    assert len(bars) == 2 and f"{plans}/{plans}" in bars[1], r.stderr
