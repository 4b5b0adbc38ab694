"""`hito sweep` and the ensemble options of `hito run`, through the real entry point."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import polars as pl
import pytest
import yaml

from conftest import tiny_dict
from hito.report.run_report import plotly_js


def hito(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hito.cli.main", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def tiny_file(tmp_path):
    d = tiny_dict()
    d["days"] = 10
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-02"}]
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    return path


def test_sweep_writes_table_csv_and_a_self_contained_comparison(tiny_file, tmp_path):
    out = tmp_path / "sw"
    done = hito(
        "sweep",
        str(tiny_file),
        "--vary",
        "policies.corridor.daily_quota=0,20",
        "--runs",
        "3",
        "--workers",
        "1",
        "--event",
        "strip:stranded>10",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    table = pl.read_parquet(out / "sweep.parquet")
    assert table["option"].to_list() == ["daily_quota=0", "daily_quota=20"]
    assert table["policies.corridor.daily_quota"].to_list() == ["0", "20"]
    assert {
        "stranded_person_days_p10",
        "stranded_person_days_p90",
        "harmed_p50",
        "diverted_p50",
        "P(strip:stranded>10)",
    } <= set(table.columns)
    assert pl.read_csv(out / "sweep.csv").height == 2
    assert set(json.loads((out / "sweep.json").read_text())) == {"daily_quota=0", "daily_quota=20"}
    page = (out / "sweep.html").read_text()
    assert "daily_quota=20" in page and "Plotly.newPlot" in page and plotly_js() in page
    rest = page.replace(plotly_js(), "")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", rest)
    # Spanish by default: the page, its charts and the console
    assert '<html lang="es">' in page and "Comparación de opciones de política" in rest
    assert "Personas-día varadas" in rest and "Todos los sitios: personas varadas (P50)" in rest
    assert "añadido por hito sweep" in rest and "added by" not in rest
    assert "Policy options compared" not in rest and "Stranded person-days" not in rest
    assert "Personas-día varadas: P50" in done.stdout and "comparación:" in done.stdout


def test_sweep_speaks_english_when_asked(tiny_file, tmp_path):
    out = tmp_path / "sw"
    args = ["--vary", "policies.corridor.daily_quota=0,20", "--runs", "2", "--workers", "1"]
    done = hito("sweep", str(tiny_file), *args, "--out", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    rest = (out / "sweep.html").read_text().replace(plotly_js(), "")
    assert '<html lang="en">' in rest and "Policy options compared" in rest
    assert "Stranded person-days" in rest and "Comparación" not in rest
    assert "Stranded person-days: P50" in done.stdout
    bad = hito("sweep", str(tiny_file), *args, "--out", str(tmp_path / "x"), "--lang", "fr")
    assert (
        bad.returncode == 2 and "--lang: se recibió 'fr'; se esperaba uno de: es, en" in bad.stderr
    )
    assert "Traceback" not in bad.stderr and not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--vary", "policies.corridor.quota=1"], "campo desconocido 'quota'"),
        (  # not "de el escenario"
            ["--vary", "polices.corridor.daily_quota=1"],
            "error: --vary polices.corridor.daily_quota: campo desconocido 'polices' en el escenario (tipo "
            "Scenario); se esperaba uno de: schema_version, name,",
        ),
        (["--vary", "policies.corridor.daily_quota=x"], "se recibió 'x'; se esperaba un número"),
        (["--vary", "nothing"], "se esperaba CAMPO=VALOR,VALOR"),
        (
            ["--vary", "policies.corridor.daily_quota=1", "--executor", "ray"],
            "error: --executor: se recibió 'ray'; se esperaba uno de: local, dask",
        ),
    ],
)
def test_bad_sweeps_exit_2_naming_what_was_given(tiny_file, tmp_path, args, expected):
    done = hito("sweep", str(tiny_file), *args, "--runs", "2", "--out", str(tmp_path / "o"))
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_run_keeps_daily_bounded_and_writes_quantiles_and_runs(tiny_file, tmp_path):
    out = tmp_path / "r"
    done = hito(
        "run",
        str(tiny_file),
        "--runs",
        "5",
        "--keep-runs",
        "2",
        "--workers",
        "1",
        "--event",
        "all:stranded>0",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert pl.read_parquet(out / "daily.parquet")["run"].unique().sort().to_list() == [0, 1]
    q = pl.read_parquet(out / "quantiles.parquet")
    assert q.columns == [
        "day",
        "date",
        "place",
        "group",
        "state",
        "p5",
        "p10",
        "p25",
        "p50",
        "p75",
        "p90",
        "p95",
    ]
    assert q.height == 10 * 8 * (7 * 2 + 7 + 1)
    runs = pl.read_parquet(out / "runs.parquet")
    assert runs["run"].to_list() == [0, 1, 2, 3, 4]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["events"]["all:stranded>0"] == 1.0
    assert summary["ensemble"]["executor"] == "local"


def test_run_with_an_unreachable_scheduler_exits_2(tiny_file, tmp_path):
    done = hito(
        "run",
        str(tiny_file),
        "--executor",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
        "--runs",
        "2",
        "--out",
        str(tmp_path / "o"),
    )
    assert done.returncode == 2
    assert (
        "ningún planificador de Dask respondió en esa dirección en 10 segundos" in done.stderr
        and "Traceback" not in done.stderr
        and "Timed out" not in done.stderr
    )


def test_a_sweep_of_one_option_says_it_in_the_singular(tiny_file, tmp_path):
    args = ["--vary", "policies.corridor.daily_quota=20", "--runs", "1", "--workers", "1"]
    done = hito("sweep", str(tiny_file), *args, "--out", str(tmp_path / "sw"))
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr
    assert ": 1 opción" in said and "1 opciones" not in said
    # the page said "1 opciones × 1 simulaciones cada una"
    page = (tmp_path / "sw" / "sweep.html").read_text()
    assert "1 opción × 1 simulación cada una, semilla" in page
