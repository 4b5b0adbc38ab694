"""The `hito` command end to end, through the real entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
import yaml

from cli_helpers import hito
from conftest import tiny_dict
from hito.report.run_report import plotly_js


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    d = tiny_dict()
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-03"}]
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    return path


def test_run_writes_table_summary_and_report_identically_for_the_same_seed(tiny_file, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        done = hito(
            "run", str(tiny_file), "--days", "12", "--runs", "3", "--seed", "5", "--out", str(out)
        )
        assert done.returncode == 0, done.stderr
    assert (a / "daily.parquet").read_bytes() == (b / "daily.parquet").read_bytes()
    table = pl.read_parquet(a / "daily.parquet")
    assert table.columns == ["run", "day", "date", "place", "group", "state", "people"]
    assert table.height == 3 * 12 * 8 * 7 * 2
    summary = json.loads((a / "summary.json").read_text())
    assert summary["conservation_error"] == 0
    assert {
        "scenario",
        "seed",
        "runs",
        "days",
        "stranded_peak",
        "stranded_person_days",
        "places",
    } <= set(summary)
    assert summary["runs"] == 3 and summary["days"] == 12 and summary["seed"] == 5
    assert set(summary["stranded_peak"]) == {"p10", "p50", "p90"}
    assert summary["places"]["strip"]["stranded_peak"]["p50"] > 0
    stranded = (
        table.filter((pl.col("state") == "stranded") & (pl.col("run") == 0))
        .group_by("day")
        .agg(pl.col("people").sum())
        .sort("day")
    )
    assert summary["stranded_person_days"]["p50"] > 0
    assert stranded["people"].max() > 0
    report = (a / "report.html").read_text()
    assert "Strip: personas varadas" in report and "Plotly.newPlot" in report  # Spanish first
    assert '<html lang="es">' in report and "Pico de personas varadas (mediana)" in report
    assert plotly_js() in report  # charts are bundled, not fetched
    page = report.replace(plotly_js(), "")  # the bundle's own strings are never fetched
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script src" not in page and "<link" not in page


def test_a_first_run_says_the_kernel_compiles_then_never_again(tiny_file, tmp_path):
    cache = str(tmp_path / "numba")  # an empty cache: as after an install or an update
    said = "Compilando el código de simulación: una sola vez tras instalar o actualizar"
    for k in range(2):
        args = ("run", str(tiny_file), "--days", "5", "--runs", "2", "--out", str(tmp_path / "o"))
        done = hito(*args, NUMBA_CACHE_DIR=cache, HITO_LANG="es")
        assert done.returncode == 0, done.stderr
        assert (said in done.stderr) == (k == 0), done.stderr


def test_bad_scenario_exits_2_with_one_located_line_per_problem(tmp_path):
    d = tiny_dict()
    d["routes"][3]["to"] = "nowhere"
    d["routes"][0]["km"] = -1
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    for cmd in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "o")]):
        done = hito(*cmd)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 2
        assert any(
            f"error: {path}:" in x and "routes[3].to: lugar desconocido 'nowhere'" in x
            for x in lines
        )
        assert any("routes[0].km" in x and "(se recibió -1)" in x for x in lines)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "no-such-scenario"], "no existe ese archivo ni un escenario incluido en hito"),
        (["run", "--runs", "0"], "--runs: se recibió 0"),
        (["run", "--days", "-4"], "--days: se recibió -4"),
    ],
)
def test_bad_arguments_exit_2_without_traceback(args, expected, tmp_path):
    done = hito(*args, "--out", str(tmp_path))
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_scenarios_schema_and_validate_builtins():
    listed = hito("scenarios")
    assert listed.returncode == 0
    assert "tacna-arica-2023" in listed.stdout and "tacna-arica-2025" in listed.stdout
    schema = json.loads(hito("schema").stdout)
    assert schema["title"] == "hito scenario" and "places" in schema["properties"]
    assert hito("validate", "tacna-arica-2025").returncode == 0


@pytest.mark.parametrize(
    ("lang", "said"), [("es", "JSON Schema escrito en {}\n"), ("en", "JSON Schema written to {}\n")]
)
def test_a_schema_written_to_a_file_says_where_in_the_readers_language(
    lang, said, tmp_path, monkeypatch
):
    monkeypatch.setenv("HITO_LANG", lang)
    monkeypatch.setenv("COLUMNS", "300")
    for command in (("schema",), ("plans", "schema")):
        out = tmp_path / f"{'-'.join(command)}.json"
        done = hito(*command, "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert done.stdout == said.format(out)
        assert json.loads(out.read_text())["type"] == "object"


@pytest.mark.parametrize(
    ("lang", "header", "first", "valid"),
    [
        (
            "es",
            "┃ nombre           ┃ descripción",
            "│ tacna-arica-2025 │ Tacna–Arica desde el 22 de noviembre de 2025: personas",
            "tacna-arica-2025: válido (lugares: 16; rutas: 19; grupos: 5; políticas: 7)\n",
        ),
        (
            "en",
            "┃ name             ┃ description",
            "│ tacna-arica-2025 │ Tacna–Arica from 2025-11-22: undocumented people",
            "tacna-arica-2025: valid (places: 16; routes: 19; groups: 5; policies: 7)\n",
        ),
    ],
)
def test_scenarios_and_validate_speak_the_readers_language(lang, header, first, valid, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("HITO_LANG", lang)
    listed = hito("scenarios")
    assert listed.returncode == 0, listed.stderr
    assert header in listed.stdout and first in listed.stdout
    assert hito("validate", "tacna-arica-2025").stdout == valid
    other = "en" if lang == "es" else "es"
    assert header not in hito("scenarios", "--lang", other).stdout
    done = hito("scenarios", "--lang", "fr")
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == {  # the error too is in the reader's language
            "es": "error: --lang: se recibió 'fr'; se esperaba uno de: es, en",
            "en": "error: --lang: got 'fr', expected one of: es, en",
        }[lang]
    )


def test_the_run_report_is_in_the_language_asked_and_a_language_without_catalogue_is_refused(
    tiny_file, tmp_path
):
    out = tmp_path / "en"
    done = hito(
        "run", str(tiny_file), "--days", "8", "--runs", "2", "--lang", "en", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    report = (out / "report.html").read_text()
    assert '<html lang="en">' in report and "Strip: people stranded" in report
    assert "Peak stranded (median)" in report and "varadas" not in report
    assert "Peak stranded: P50" in done.stdout and "report:" in done.stdout
    assert "tiny: runs" in done.stderr and " runs/s " in done.stderr  # the progress bar
    es = hito("run", str(tiny_file), "--days", "8", "--runs", "2", "--out", str(tmp_path / "es"))
    assert es.returncode == 0, es.stderr
    assert "Pico de personas varadas: P50" in es.stdout and "informe:" in es.stdout
    assert "Peak stranded" not in es.stdout
    assert "tiny: simulaciones" in es.stderr and " simulaciones/s " in es.stderr
    assert "runs/s" not in es.stderr
    done = hito("run", str(tiny_file), "--runs", "2", "--lang", "fr", "--out", str(tmp_path / "fr"))
    assert done.returncode == 2
    assert "--lang: se recibió 'fr'; se esperaba uno de: es, en" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "fr").exists()


def test_without_lang_the_output_follows_the_readers_language(tiny_file, tmp_path, monkeypatch):
    # the language the help is written in: HITO_LANG, else the locale (English for en_*)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    en = hito("run", str(tiny_file), "--days", "8", "--runs", "2", "--out", str(tmp_path / "en"))
    assert en.returncode == 0, en.stderr
    assert "Peak stranded: P50" in en.stdout and "report:" in en.stdout
    assert '<html lang="en">' in (tmp_path / "en" / "report.html").read_text()
    monkeypatch.setenv("HITO_LANG", "es")  # HITO_LANG wins over the locale
    es = hito("run", str(tiny_file), "--days", "8", "--runs", "2", "--out", str(tmp_path / "es"))
    assert "Pico de personas varadas: P50" in es.stdout
    monkeypatch.setenv("HITO_LANG", "en")
    monkeypatch.setenv("LANG", "es_CL.UTF-8")
    both = hito("run", str(tiny_file), "--days", "8", "--runs", "2", "--out", str(tmp_path / "e2"))
    assert "Peak stranded: P50" in both.stdout and "varadas" not in both.stdout


def test_the_progress_bar_keeps_its_counts_times_and_whole_label_on_80_columns() -> None:
    """A long Spanish label folds onto the next line, neither cut short ('…: simul…') nor
    cutting the count '20/200' or the times (they were cut to '2…' and '0:…' once)."""
    import io

    from rich.console import Console

    from hito.cli.run import progress

    label = "huaquillas-aguas-verdes-2024: simulaciones de los planes"
    bar = progress("es")
    bar.add_task(label, total=200, completed=20, rate="16,8 simulaciones/s")
    shown = io.StringIO()
    Console(file=shown, width=80).print(bar.make_tasks_table(bar.tasks))
    lines = shown.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in shown.getvalue()
    assert lines[0].endswith(" 20/200 16,8 simulaciones/s 0:00:00 -:--:--")
    # every character of the label is shown, over as many lines as it takes
    shown_label = "".join(line.split("━")[0] for line in lines)
    assert "".join(shown_label.split()) == "".join(label.split())


def test_validate_notes_a_policy_dated_outside_the_scenarios_days(tmp_path: Path) -> None:
    """Valid, but a typo in its year (2026 for 2025) made a closure that never applies, unsaid."""
    d = tiny_dict()
    d["policies"] = [
        {"type": "close", "routes": ["strip-b"], "start": "2026-01-03"},
        {"type": "close", "routes": ["strip-b"], "start": "2024-01-03", "end": "2024-02-01"},
        {"type": "close", "routes": ["strip-b"], "start": "2025-01-03"},
    ]
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    done = hito("validate", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        "nota: policies[0] (close) nunca se aplica: empieza el 2026-01-03, después del último "
        "día del escenario, 2025-01-30",
        "nota: policies[1] (close) nunca se aplica: termina el 2024-02-01, antes del primer día "
        "del escenario, 2025-01-01",
    ]
