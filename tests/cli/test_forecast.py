"""`hito calibrate`, `hito backtest`, `hito run --calibration` and `hito migrate` end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
import yaml

from cli_helpers import hito
from conftest import tiny_dict
from hito import i18n

COUNTS = """Date,Site,Low,High,Kind,Source
#date,#loc+name,#affected+min,#affected+max,#meta+kind,#meta+source
2025-01-03,The strip,20,30,count,test
2025-01-04,strip,35,35,count,test
2025-01-05,The strip,,60,count,test
2025-01-06,The strip,50,70,count,test
2025-01-07,Somewhere else,,,event,test
2025-01-08,strip,60,60,count,test
"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    d = tiny_dict()
    d["schema_version"] = 2
    d["days"] = 16
    d["places"][3]["aliases"] = ["The strip"]
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-02"}]
    d["inflows"][0]["per_day"] = {"value": 20, "low": 5, "high": 40, "dist": "triangular"}
    d["behaviour"] = {"tolerance_days": {"value": 5, "low": 2, "high": 10}}
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True))
    return path


@pytest.fixture
def counts_file(tmp_path: Path) -> Path:
    path = tmp_path / "counts.csv"
    path.write_text(COUNTS)
    return path


def test_calibrate_writes_posterior_report_and_forecast_and_run_continues_it(
    scenario_file, counts_file, tmp_path
):
    out = tmp_path / "cal"
    done = hito(
        "calibrate",
        str(scenario_file),
        "--observations",
        str(counts_file),
        "--out",
        str(out),
        "--particles",
        "40",
        "--seed",
        "3",
        "--workers",
        "1",
        "--lang",
        "en",
    )
    assert done.returncode == 0, done.stderr
    # the forecast at each counted site: the newest count (60 on 01-08) and 7 days ahead;
    # 14 and 28 days ahead are past the scenario's 16 days
    assert "People at each counted site after Jan 8, 2025" in done.stdout
    assert "calibrated on 5 counts up to Jan 8, 2025" in done.stdout
    row = next(line for line in done.stdout.splitlines() if "Strip" in line)
    # the date in words: 1/8/25 reads as 1 August to a reader in Peru or Chile
    assert "60 (Jan 8, 2025)" in row and row.count("(") == 2 and row.count("—") == 2
    for name in (
        "posterior.parquet",
        "prior.parquet",
        "calibration.json",
        "calibration.html",
        "posterior.npz",
        "daily.parquet",
        "quantiles.parquet",
        "summary.json",
        "report.html",
        "count_quantiles.parquet",
    ):
        assert (out / name).is_file(), name
    facts = json.loads((out / "calibration.json").read_text())
    assert facts["as_of"] == "2025-01-08" and facts["reports"] == 5
    assert facts["observations"] == str(counts_file)  # which counts: the page says it too
    assert f"Counts: {counts_file}." in (out / "calibration.html").read_text()
    # the forecast of a count (people through the observation model), from the as-of date on
    counts = pl.read_parquet(out / "count_quantiles.parquet")
    assert set(counts["place"]) == {"strip"}
    assert counts["date"].min() == dt.date(2025, 1, 8) and counts["date"].max() == dt.date(
        2025, 1, 16
    )
    assert counts.height == 9
    levels = ["p5", "p10", "p25", "p50", "p75", "p90", "p95"]
    for lo, hi in zip(levels, levels[1:], strict=False):
        assert (counts[lo] <= counts[hi]).all()
    assert (counts["p5"] >= 0).all()
    # below the people's band, the band of a field count 7 days ahead (what the backtest scores)
    lines = done.stdout.splitlines()
    below = lines[lines.index(row) + 1]
    week = counts.filter(pl.col("date") == dt.date(2025, 1, 15)).row(0, named=True)
    band = f"count {i18n.number(week['p10'], 'en')}–{i18n.number(week['p90'], 'en')}"
    assert band in below, (band, below)
    assert "below, what a field count would say (P10–P90)" in done.stdout
    # after the count dates, the particles' run to the scenario's end has its own bar: the
    # console sat silent meanwhile (20 s at 1,000 particles)
    assert "forecast to Jan 16, 2025" in done.stderr and "40/40" in done.stderr
    # the calibrated band: the past up to the as-of date, the forecast after it, told apart
    assert (out / "calibration.html").read_text().count(">counts up to here</text>") == 1
    assert [s["date"] for s in facts["steps"]] == [
        "2025-01-03",
        "2025-01-04",
        "2025-01-05",
        "2025-01-06",
        "2025-01-08",
    ]
    assert pl.read_parquet(out / "posterior.parquet").height == 40
    assert json.loads((out / "summary.json").read_text())["conservation_error"] == 0
    again = tmp_path / "again"
    done = hito("run", "--calibration", str(out), "--out", str(again), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "pronóstico hasta el 16 ene 2025" in done.stderr and "40/40" in done.stderr
    a = pl.read_parquet(out / "quantiles.parquet")
    b = pl.read_parquet(again / "quantiles.parquet")
    assert a.height == b.height and a.filter(pl.col("date") <= pl.date(2025, 1, 8)).equals(
        b.filter(pl.col("date") <= pl.date(2025, 1, 8))
    )


def test_backtest_scores_every_later_count(scenario_file, counts_file, tmp_path):
    d = yaml.safe_load(scenario_file.read_text())
    d["title"] = {"es": "La franja en enero", "en": "The strip in January"}
    d["places"][3]["title"] = {"es": "Franja de prueba", "en": "Test strip"}
    scenario_file.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True))
    out = tmp_path / "bt"
    done = hito(
        "backtest",
        str(scenario_file),
        "--observations",
        str(counts_file),
        "--out",
        str(out),
        "--particles",
        "30",
        "--horizons",
        "1,3,7",
        "--workers",
        "1",
    )
    assert done.returncode == 0, done.stderr
    bt = json.loads((out / "backtest.json").read_text())
    # issue dates 01-03 .. 01-06; scored later counts 01-04 (35), 01-06 (60), 01-08 (60), not
    # 01-05 ("up to 60"): leads 1 (03->04, 05->06); 2 (04->06, 06->08) and 3 (03->06, 05->08)
    # go to horizon 3; 4 (04->08) and 5 (03->08) to horizon 7
    assert {h: v["n"] for h, v in bt["horizons"].items()} == {"1": 2, "3": 4, "7": 2}
    for key in (
        "coverage_p10_p90",
        "coverage_p5_p95",
        "wis",
        "wis_persistence",
        "wis_uncalibrated",
        "crps",
        "median_abs_error",
        "median_bias",
        "coverage_p10_p90_pit",
    ):
        assert key in bt["horizons"]["3"]
    for v in bt["horizons"].values():
        assert len(v["pit_histogram"]) == 10 and sum(v["pit_histogram"]) == pytest.approx(1.0)
        assert 0.0 <= v["coverage_p10_p90_pit"] <= 1.0
    pairs = pl.read_csv(out / "pairs.csv")
    assert pairs.height == 8 and set(pairs["place"]) == {"strip"}
    assert (pairs["pit_low"] <= pairs["pit_high"]).all()
    # the console speaks Spanish by default
    assert "dentro de P10–P90" in done.stdout and "inside" not in done.stdout
    page = (out / "backtest.html").read_text()
    # the page names the episode and its sites in the reader's language
    assert "<h1>Evaluación retrospectiva: La franja en enero</h1>" in page
    assert page.count("· Franja de prueba</figcaption>") == 4
    assert "Test strip" not in page and "tiny" not in page
    # a share keeps its number and its sign together (no break before '%' on a phone)
    assert '<th class="n">0–10\u00a0%</th>' in page and " %<" not in page
    # the gain over persistence carries its sign ('−235 %' read '-235 %', '16 %' no '+'), and
    # the page says its scores are in people
    from hito.i18n import signed_percent

    for v in bt["horizons"].values():
        assert f'<td class="n">{signed_percent(v["skill_vs_persistence"], "es")}</td>' in page
    assert "WIS, CRPS y el error y el sesgo de la mediana están en personas" in page
    assert page.count(">personas</text>") == 4  # each fan's axis says what it counts
    # a negative bias (or any number) is written with the typographic minus, as the gains are
    assert '<td class="n">-' not in page
    # peak and clearance per issued forecast: days with scored counts inside the 7-day window
    # after 01-03: 04, 06, 08 (3 days); after 01-04: 06, 08; after 01-05: 06, 08; after 01-06: 08
    events = bt["event_forecasts"]
    assert [(e["issued"], e["days"]) for e in events] == [
        ("2025-01-03", 3),
        ("2025-01-04", 2),
        ("2025-01-05", 2),
        ("2025-01-06", 1),
    ]
    assert [e["peak_observed"] for e in events] == [60, 60, 60, 60]
    assert [e["peak_day_observed"] for e in events] == [3, 2, 1, 2]  # 06 is the first 60
    assert not any(e["cleared"] for e in events)
    assert bt["events"]["peak"]["n"] == 3  # a one-day window has no peak to choose
    assert bt["events"]["clearance"]["n"] == 4 and bt["events"]["clearance"]["cleared"] == 0
    assert "pico:" in done.stdout and "desalojo (un conteo de 0)" in done.stdout


def _calibrate_bad(scenario: Path, observations: Path, out: Path):
    """`hito calibrate` on a bad observations file (a few particles: it is refused first)."""
    return hito(
        "calibrate", str(scenario), "--observations", str(observations), "--out", str(out),
        "--particles", "5",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "2025-01-09,Nowhere,1,2,count,x",
            "counts.csv:9: #loc+name: se recibió el sitio desconocido 'Nowhere'",
        ),
        ("2025-02-30,strip,1,2,count,x", "counts.csv:9: #date: se recibió '2025-02-30'"),
        ("2025-01-09,strip,9,2,count,x", "counts.csv:9: "),
        ("2025-01-09,strip,many,2,count,x", "counts.csv:9: #affected+min: se recibió 'many'"),
        (
            "2025-01-09,strip,2.5,9,count,x",
            "counts.csv:9: #affected+min: se recibió '2.5'; se esperaba un número entero",
        ),
        ("2025-01-09,strip,,,count,x\n2025-01-10,,1,2,count,x", "counts.csv:10: #loc+name: "),
        (
            "2025-01-09,strip,999999999999,999999999999,count,x",
            "counts.csv:9: #affected+min: se recibió '999999999999'; se esperaban como máximo "
            "1.000.000 personas en un sitio (más es un error de tipeo, no un conteo)",
        ),
    ],
)
def test_bad_observation_files_exit_2_naming_line_and_column(scenario_file, tmp_path, row, message):
    bad = tmp_path / "counts.csv"
    bad.write_text(COUNTS + row + "\n")
    done = _calibrate_bad(scenario_file, bad, tmp_path / "x")
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists()


def test_a_malformed_hashtag_exits_2_in_the_readers_words_without_libhxls_english(
    scenario_file, tmp_path
):
    bad = tmp_path / "counts.csv"
    bad.write_text(COUNTS.replace("#affected+max", "#affected+ max"))
    done = _calibrate_bad(scenario_file, bad, tmp_path / "x")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: {bad}:2: etiquetas: columna 4: se recibió '#affected+ max'; se esperaba una "
        "etiqueta HXL como #affected+max (tras # y tras cada +, una letra y luego letras, dígitos "
        "o _) o una celda vacía\n"
    )
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [("es", "{}: actualizado a schema_version 2\n"), ("en", "{}: updated to schema_version 2\n")],
)
def test_migrate_updates_a_version_1_file_and_keeps_its_comments(lang, said, tmp_path, monkeypatch):
    monkeypatch.setenv("HITO_LANG", lang)
    monkeypatch.setenv("COLUMNS", "300")
    d = tiny_dict()
    path = tmp_path / "old.yaml"
    path.write_text("# my scenario\n" + yaml.safe_dump(d, sort_keys=False))
    done = hito("migrate", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout == said.format(path)
    text = path.read_text()
    assert text.startswith("# my scenario\n") and "schema_version: 2" in text
    again = hito("migrate", str(path))
    nothing = {"es": "ya tiene schema_version 2", "en": "already schema_version 2"}[lang]
    assert again.returncode == 2 and nothing in again.stderr


def test_migrate_of_a_file_that_is_not_utf8_is_one_located_line(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_bytes("schema_version: 1\nname: café\n".encode("latin-1"))
    done = hito("migrate", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {path}:2: el byte 27 no es texto UTF-8")
    assert path.read_bytes().endswith("café\n".encode("latin-1"))  # left as it was


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--particles", "1"], "--particles: se recibió 1; se esperaban al menos 2"),
        (
            ["--as-of", "2030-01-01"],
            "--as-of: se recibió 2030-01-01; se esperaba una fecha entre 2025-01-01",
        ),
        (["--lang", "fr"], "--lang: se recibió 'fr'; se esperaba uno de: es, en"),
        (  # a forecast "calibrated on 0 counts" was the scenario alone, said as calibrated
            ["--as-of", "2025-01-02"],
            "--as-of: se recibió 2025-01-02, anterior al primer conteo (2025-01-03); se esperaba "
            "una fecha igual o posterior (`hito run` pronostica a partir del escenario solo)",
        ),
    ],
)
def test_bad_calibrate_options_exit_2_naming_the_option_before_any_work(
    scenario_file, counts_file, tmp_path, option, message
):
    out = tmp_path / "cal"
    done = hito(
        "calibrate",
        str(scenario_file),
        "--observations",
        str(counts_file),
        "--out",
        str(out),
        *option,
    )
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert "fechas con conteos" not in done.stdout + done.stderr  # refused before the bar starts
    assert not out.exists()


def test_calibrate_on_one_count_says_it_in_the_singular(scenario_file, counts_file, tmp_path):
    done = hito(
        "calibrate",
        str(scenario_file),
        "--observations",
        str(counts_file),
        "--as-of",
        "2025-01-03",
        "--out",
        str(tmp_path / "one"),
        "--particles",
        "20",
        "--workers",
        "1",
    )
    assert done.returncode == 0, done.stderr
    assert "calibrado con 1 conteo hasta el 3 ene 2025" in done.stdout
    page = (tmp_path / "one" / "calibration.html").read_text("utf-8")
    assert "condicionadas a 1 conteo hasta el 3 ene 2025" in page


@pytest.mark.parametrize("content", [b"junk\n", b"PK\x03\x04" + b"\x00" * 40])
def test_run_from_a_damaged_posterior_is_one_line(content, tmp_path):
    """A posterior.npz that is not one (another file, a copy cut short): no numpy traceback."""
    folder = tmp_path / "cal"
    folder.mkdir()
    (folder / "posterior.npz").write_bytes(content)
    done = hito("run", "--calibration", str(folder), "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == (
        f"error: {folder / 'posterior.npz'}: no es un archivo de distribución posterior; se "
        "esperaba el posterior.npz que escribe `hito calibrate` (un archivo dañado u otro: "
        "vuelva a ejecutar hito calibrate)\n"
    )


def test_counts_all_outside_the_scenario_say_its_days(scenario_file, tmp_path):
    later = tmp_path / "later.csv"
    later.write_text(COUNTS.splitlines()[0] + "\n" + COUNTS.splitlines()[1] + "\n"
                     "2024-12-01,strip,10,20,count,x\n")  # fmt: skip
    done = _calibrate_bad(scenario_file, later, tmp_path / "x")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        f"--observations {later}: ningún conteo cae dentro de los días de tiny "
        "(2025-01-01 a 2025-01-16)" in done.stderr
    ), done.stderr


def test_the_latest_count_is_said_as_reported_an_open_one_and_every_report_of_its_day(
    scenario_file, tmp_path
):
    """The table's "latest count" left out a count with no upper end ("more than 70"): it
    showed an older day's as the latest; of two reports on one day it showed their span."""
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "\n".join(COUNTS.splitlines()[:2])
        + "\n2025-01-03,strip,20,30,count,a\n2025-01-06,strip,70,,count,b\n"
        "2025-01-06,strip,40,45,count,c\n2025-01-06,strip,50,50,count,d\n"
    )
    done = hito(
        "calibrate", str(scenario_file), "--observations", str(counts), "--out",
        str(tmp_path / "cal"), "--particles", "20", "--workers", "1", "--lang", "en",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.replace("│", " ").split())
    assert "more than 70; 40–45; 50 (Jan 6, 2025)" in said, done.stdout
    page = (tmp_path / "cal" / "calibration.html").read_text()
    assert "<title>&gt; 70</title>" in page  # drawn too, at its low


def test_a_counts_file_named_like_markup_is_named_on_the_backtest_page_as_text(
    scenario_file, counts_file, tmp_path
):
    """backtest.html says which counts it scored against; a file's name is text, never markup."""
    named = tmp_path / "<img src=x onerror=alert(1)>.csv"
    named.write_text(counts_file.read_text())
    out = tmp_path / "bt"
    done = hito(
        "backtest", str(scenario_file), "--observations", str(named), "--out", str(out),
        "--particles", "20", "--horizons", "1,3", "--workers", "1",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = (out / "backtest.html").read_text()
    assert f"Conteos: {tmp_path}/&lt;img src=x onerror=alert(1)&gt;.csv." in page
    assert "<img" not in page
    assert json.loads((out / "backtest.json").read_text())["observations"] == str(named)


def test_a_backtest_on_counts_of_one_day_is_refused_before_any_work(scenario_file, tmp_path):
    """It issued no forecast and wrote pages of "no count that far ahead" at every horizon."""
    one = tmp_path / "one.csv"
    one.write_text("\n".join(COUNTS.splitlines()[:3]) + "\n")
    out = tmp_path / "bt"
    done = hito("backtest", str(scenario_file), "--observations", str(one), "--out", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        f"error: --observations {one}: conteos de un solo día (2025-01-03) dentro de los días de "
        "tiny; se esperaban conteos de dos días o más: un pronóstico emitido el primero se evalúa "
        "frente a los posteriores" in " ".join(done.stderr.split())
    ), done.stderr
    assert not out.exists()


def test_run_from_a_posterior_refuses_options_it_would_ignore_and_another_scenario(
    scenario_file, counts_file, tmp_path
):
    """--runs, --event ... and a scenario other than the posterior's were silently ignored:
    `hito run tacna-arica-2023 --calibration DIR` forecast DIR's scenario under the other name."""
    folder = tmp_path / "nowhere"
    done = hito("run", "--calibration", str(folder), "--runs", "50", "--event", "all:stranded>1")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: --runs, --event: no se admiten con --calibration (su pronóstico simula cada "
        "partícula de la distribución posterior una vez, hasta el último día del escenario); "
        "se esperaba el comando sin esas opciones\n"
    )
    out = tmp_path / "cal"
    args = ("--observations", str(counts_file), "--particles", "10", "--workers", "1")
    assert hito("calibrate", str(scenario_file), *args, "--out", str(out)).returncode == 0
    done = hito("run", "tacna-arica-2023", "--calibration", str(out), "--out", str(tmp_path / "o"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: --calibration {out}: una distribución posterior del escenario 'tiny', no de "
        "'tacna-arica-2023'; se esperaba el escenario con el que se calibró, o ningún escenario\n"
    )
    assert not (tmp_path / "o").exists()
    # the default scenario named was taken for none named: a 'tiny' forecast under its name
    done = hito("run", "tacna-arica-2025", "--calibration", str(out), "--out", str(tmp_path / "o"))
    assert (done.returncode, done.stdout) == (2, "")
    assert "del escenario 'tiny', no de 'tacna-arica-2025'" in done.stderr
    assert not (tmp_path / "o").exists()
    same = hito("run", str(scenario_file), "--calibration", str(out), "--out", str(tmp_path / "s"))
    assert same.returncode == 0, same.stderr


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "es",
            "error: --runs: no se admite con --calibration (su pronóstico simula cada partícula "
            "de la distribución posterior una vez, hasta el último día del escenario); se "
            "esperaba el comando sin esa opción\n",
        ),
        (
            "en",
            "error: --runs: not taken with --calibration (its forecast runs each particle of the "
            "posterior once, to the scenario's last day); expected it left out\n",
        ),
    ],
)
def test_one_option_refused_beside_a_posterior_is_said_in_the_singular(tmp_path, lang, said):
    """`hito run --calibration DIR --runs 5` said "--runs: no se usan ...; se esperaba que no
    se dieran" (and "expected them left out"): the plural, of one option."""
    done = hito("run", "--calibration", str(tmp_path), "--runs", "5", HITO_LANG=lang)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", said)


def test_calibrate_says_which_rows_of_ones_own_file_it_left_out(scenario_file, tmp_path):
    """Rows dated outside the scenario's days were left out in silence (only calibration.json,
    in English, named them): a typo such as 2015 for 2025 went unseen."""
    counts = tmp_path / "counts.csv"
    counts.write_text(
        COUNTS + "2015-01-05,strip,40,40,count,typo\n2024-12-20,strip,10,10,count,early\n"
    )
    args = ("--observations", str(counts), "--particles", "10", "--workers", "1")
    done = hito("calibrate", str(scenario_file), *args, "--out", str(tmp_path / "c"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    first = lines.index("3 filas dejadas fuera:")
    assert lines[first + 1 : first + 4] == [
        f"  {counts}:7: el tipo 'event' no es un conteo de personas varadas",
        f"  {counts}:9: con fecha 2015-01-05, fuera del período de 2025-01-01 a 2025-01-16",
        f"  {counts}:10: con fecha 2024-12-20, fuera del período de 2025-01-01 a 2025-01-16",
    ]


def test_left_out_lines_name_the_first_five_and_count_the_rest():
    from hito.cli.forecast import left_out_lines
    from hito.errors import Problem

    rows = [
        Problem("%(where)s: no number in %(values)s", where=f"f.csv:{i}", values="#x")
        for i in range(3, 10)
    ]
    assert left_out_lines(rows, "en") == [
        "7 rows left out:",
        *(f"  f.csv:{i}: no number in #x" for i in range(3, 8)),
        "  and 2 more (calibration.json lists each)",
    ]
    assert left_out_lines(rows[:1], "es") == [
        "1 fila dejada fuera:",
        "  f.csv:3: ningún número en #x",
    ]
    assert left_out_lines([], "es") == []
    assert left_out_lines(rows, "es", "backtest.json")[-1] == (
        "  y 2 más (backtest.json las enumera todas)"
    )


def test_backtest_says_and_keeps_the_rows_it_left_out(scenario_file, tmp_path):
    counts = tmp_path / "counts.csv"
    counts.write_text(COUNTS + "2015-01-05,strip,40,40,count,typo\n")
    out = tmp_path / "bt"
    args = ("--observations", str(counts), "--particles", "10", "--workers", "1")
    done = hito("backtest", str(scenario_file), *args, "--horizons", "1,3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"  {counts}:9: con fecha 2015-01-05, fuera del período de 2025-01-01 a 2025-01-16" in (
        done.stdout.splitlines()
    )
    assert json.loads((out / "backtest.json").read_text())["skipped"] == [
        f"{counts}:7: kind 'event' is not a count of stranded people",
        f"{counts}:9: dated 2015-01-05, outside 2025-01-01 to 2025-01-16",
    ]


def test_backtest_says_which_counts_came_after_its_longest_horizon(
    scenario_file, counts_file, tmp_path
):
    """The count of 2025-01-08 is 5 days after the forecast of 01-03 and 4 after that of 01-04:
    beyond horizons 1,3, not scored, and said (a later record scored at the default 28 days
    would drop its months silently)."""
    out = tmp_path / "bt"
    args = ("--observations", str(counts_file), "--particles", "10", "--workers", "1")
    done = hito("backtest", str(scenario_file), *args, "--horizons", "1,3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (
        "2 conteos llegaron hasta 5 días después de sus pronósticos, más allá del horizonte más "
        "largo (3 días), y no se puntuaron; --horizons 1,3,5 los puntúa"
    ) in done.stdout.replace("\n", " ")
    doc = json.loads((out / "backtest.json").read_text())
    assert doc["beyond_longest_horizon"] == {"n": 2, "longest_lead": 5}
    again = tmp_path / "bt5"
    done = hito("backtest", str(scenario_file), *args, "--horizons", "1,3,5", "--out", str(again))
    assert json.loads((again / "backtest.json").read_text())["beyond_longest_horizon"] == {
        "n": 0,
        "longest_lead": None,
    }
    assert "--horizons" not in done.stdout


def test_calibrate_says_how_far_ahead_its_forecasts_were_ever_scored(tmp_path):
    """The console showed a 28-day column beside skill lines that stop at 14 days (2025) and
    said nothing of the difference."""
    done = hito(
        "calibrate",
        "tacna-arica-2025",
        "--particles",
        "20",
        "--out",
        str(tmp_path / "c"),
        "--workers",
        "1",
        "--lang",
        "en",
    )
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "in 28 days" in said
    assert (
        "Such forecasts were scored against later counts up to 14 days ahead; further ahead, how "
        "far the bands can be trusted has not been measured." in said
    )


def test_skill_lines_after_ones_own_counts_say_they_are_of_hitos_counts(tmp_path):
    """`hito calibrate --observations MINE.csv` printed the built-in backtest's scores as if they
    were of the user's file; its report and `hito run --calibration`'s said nothing either."""
    from hito.scenario.model import SHIPPED_COUNTS

    mine = tmp_path / "mine.csv"
    mine.write_text((SHIPPED_COUNTS / "tacna-arica-timeline.csv").read_text(encoding="utf-8"))
    out = tmp_path / "c"
    args = ("--particles", "20", "--workers", "1")
    done = hito(
        "calibrate", "tacna-arica-2025", "--observations", str(mine), "--out", str(out), *args
    )
    assert done.returncode == 0, done.stderr
    said = (
        "Estos puntajes se midieron con los conteos que hito trae para Tacna–Arica (noviembre de "
        "2025), no con los conteos dados en --observations."
    )
    printed = " ".join(done.stdout.split())
    assert said in printed and printed.index("pronósticos a 14 días") < printed.index(said)
    assert said in " ".join((out / "report.html").read_text().split())
    assert json.loads((out / "calibration.json").read_text())["own_counts"] is True
    # the calibration page's fans say what their axis counts
    assert ">personas</text>" in (out / "calibration.html").read_text()
    again = tmp_path / "again"
    done = hito("run", "--calibration", str(out), "--out", str(again), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert said in " ".join((again / "report.html").read_text().split())
    shipped = tmp_path / "shipped"
    done = hito("calibrate", "tacna-arica-2025", "--out", str(shipped), *args, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Backtest over Tacna–Arica (November 2025)" in done.stdout
    assert "not on the counts given" not in done.stdout
    assert "not on the counts given" not in (shipped / "report.html").read_text()


@pytest.mark.parametrize(
    ("horizons", "given"), [("1000", "1000"), ("1,3,16", "16"), ("1,20,3,99", "99")]
)
def test_horizons_beyond_the_scenario_are_refused_before_any_work(
    scenario_file, counts_file, tmp_path, horizons, given
):
    """`--horizons 1000` was taken for a 45-day scenario and scored as '1000 days'."""
    out = tmp_path / "bt"
    done = hito(
        "backtest", str(scenario_file), "--observations", str(counts_file), "--out", str(out),
        "--horizons", horizons,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        f"error: --horizons: se recibieron {given} días, más de lo que tiny puede evaluar; se "
        "esperaban como máximo 15 días (de su primer día al último)"
        in " ".join(done.stderr.split())
    ), done.stderr
    assert not out.exists()


def test_default_horizons_are_those_within_the_scenario(scenario_file):
    from hito.cli.backtest import within_scenario
    from hito.scenario.load import load

    s = load(str(scenario_file))  # 16 days: 28 days ahead cannot be scored
    assert within_scenario(None, s) == (1, 3, 7, 14)
    assert within_scenario((15, 1), s) == (15, 1)
    assert within_scenario(None, load("tacna-arica-2023")) == (1, 3, 7, 14, 28)


@pytest.mark.parametrize(
    ("days", "es", "en"),
    [
        (2, "se esperaba como máximo 1 día", "expected at most 1 day"),
        (4, "se esperaban como máximo 3 días", "expected at most 3 days"),
    ],
)
def test_the_longest_horizon_a_scenario_can_score_is_said_in_the_form_of_its_count(
    days: int, es: str, en: str
) -> None:
    from types import SimpleNamespace

    from hito.cli.backtest import within_scenario
    from hito.errors import InputError

    with pytest.raises(InputError) as err:
        within_scenario((1, 9), SimpleNamespace(days=days, name="tiny"))
    assert err.value.in_language("es") == [
        f"--horizons: se recibieron 9 días, más de lo que tiny puede evaluar; {es} (de su primer "
        "día al último)"
    ]
    assert err.value.in_language("en") == [
        f"--horizons: got 9 days, beyond what tiny can score; {en} (from its first day to its last)"
    ]


def test_calibrate_and_backtest_without_a_scenario_take_tacna_arica_2025_as_the_readme_says(
    tmp_path,
):
    """`hito calibrate` and `hito backtest` said "Falta el argumento 'escenario'" though the
    README gives them as `hito calibrate [SCENARIO]` with tacna-arica-2025 as the default."""
    cal = hito("calibrate", "--as-of", "2030-01-01", "--out", str(tmp_path / "cal"))
    assert cal.returncode == 2 and "Traceback" not in cal.stderr
    assert (
        "error: --as-of: se recibió 2030-01-01; se esperaba una fecha entre 2025-11-22 (el "
        "inicio del escenario) y 2026-03-31 (su último día simulado)"
        in " ".join(cal.stderr.split())
    ), cal.stderr
    bt = hito("backtest", "--horizons", "1000", "--out", str(tmp_path / "bt"))
    assert bt.returncode == 2 and "Traceback" not in bt.stderr
    assert (
        "error: --horizons: se recibieron 1000 días, más de lo que tacna-arica-2025 puede "
        "evaluar; se esperaban como máximo 129 días (de su primer día al último)"
        in " ".join(bt.stderr.split())
    ), bt.stderr
    assert not (tmp_path / "cal").exists() and not (tmp_path / "bt").exists()


def test_a_forecast_written_over_a_calibration_leaves_no_posterior_it_did_not_come_from(
    scenario_file, counts_file, tmp_path
):
    """`hito run --out D` into D of `hito calibrate`: no calibration.html beside its report."""
    from hito.forecast.files import CALIBRATION_FILES

    def left_in(out: Path) -> list[str]:
        return [name for name in CALIBRATION_FILES if (out / name).exists()]

    folder = tmp_path / "cal"
    args = ("--observations", str(counts_file), "--particles", "20", "--workers", "1")
    done = hito("calibrate", str(scenario_file), *args, "--out", str(folder))
    assert done.returncode == 0, done.stderr
    assert left_in(folder) == list(CALIBRATION_FILES)
    # the forecast again from this folder's own posterior, into it: its calibration stays
    done = hito("run", "--calibration", str(folder), "--out", str(folder), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert left_in(folder) == list(CALIBRATION_FILES)
    # a forecast from another posterior, then the scenario alone: the old calibration goes
    other = tmp_path / "other"
    done = hito("calibrate", str(scenario_file), *args, "--seed", "9", "--out", str(other))
    assert done.returncode == 0, done.stderr
    done = hito("run", "--calibration", str(other), "--out", str(folder), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert left_in(folder) == []
    assert json.loads((folder / "summary.json").read_text())["calibration"]["folder"] == str(other)
    done = hito("run", str(scenario_file), "--runs", "5", "--out", str(other), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert left_in(other) == []
    assert "calibration" not in json.loads((other / "summary.json").read_text())
    assert {p.name for p in other.iterdir()} == {
        "daily.parquet",
        "quantiles.parquet",
        "runs.parquet",
        "summary.json",
        "report.html",
    }
