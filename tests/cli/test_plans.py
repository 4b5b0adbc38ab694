"""`hito plans ...` end to end through the real entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from cli_helpers import hito
from plans.helpers import closed_tiny, corridor, plan_dict, stranded_trigger

DATA = Path(__file__).parents[1] / "plans" / "data" / "tacna-arica-stranded.csv"


def test_list_shows_the_builtin_plans():
    done = hito("plans", "list")
    assert done.returncode == 0, done.stderr
    for name in ("status-quo", "corridor-100", "return-flights", "arica-shelter", "binational"):
        assert name in done.stdout


def _tiny_and_corridor(tmp_path: Path) -> tuple[Path, Path]:
    """The closed tiny scenario and a corridor plan on its stranded trigger, as files."""
    scen = tmp_path / "tiny.yaml"
    scen.write_text(yaml.safe_dump(closed_tiny()))
    plan = tmp_path / "corr.yaml"
    plan.write_text(yaml.safe_dump(plan_dict([stranded_trigger()], [corridor()])))
    return scen, plan


def test_compare_writes_json_csv_and_a_self_contained_page(tmp_path):
    scen, plan = _tiny_and_corridor(tmp_path)
    out = tmp_path / "out"
    done = hito("plans", "compare", str(scen), str(plan), "--runs", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "comparison.json").read_text())
    assert [r["plan"] for r in rows] == ["no-plan", "corr"]
    assert rows[1]["stranded_person_days"]["p50"] == 420 < rows[0]["stranded_person_days"]["p50"]
    csv = (out / "comparison.csv").read_text().splitlines()
    assert csv[0].startswith("plan,title,runs,stranded_person_days_p10,")
    assert csv[2].startswith("corr,p,2,420,420,420,")
    page = (out / "comparison.html").read_text()
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)
    assert "Personas-día varadas" in page and "Stranded person-days" in page


def test_check_json_on_the_2023_episode():
    done = hito(
        "plans",
        "check",
        "return-flights",
        "corridor-100",
        "--observations",
        str(DATA),
        "--as-of",
        "2023-04-21",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    reports = json.loads(done.stdout)
    status = {t["trigger"]: t for r in reports for t in r["triggers"]}
    assert status["stranded-300"]["met"] is True
    assert status["stranded-300"]["actions_due"][0]["due"] == "2023-04-28"
    assert status["stranded-200-2d"]["met"] is False


def test_bad_plan_and_bad_date_exit_2_with_located_errors(tmp_path):
    plan = tmp_path / "bad.yaml"
    plan.write_text(
        yaml.safe_dump(
            plan_dict([stranded_trigger()], [corridor(lead_time_days=-1)]), sort_keys=False
        )
    )
    done = hito("plans", "validate", str(plan))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert re.match(
        rf"error: {re.escape(str(plan))}:\d+: actions\[0\]\.lead_time_days", done.stderr
    )
    done = hito("plans", "check", "corridor-100", "--observations", str(DATA), "--as-of", "21/4")
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "error: --as-of: se recibió '21/4'; se esperaba una fecha con el formato AAAA-MM-DD"
    )


# what the plan commands say, by language (HITO_LANG, or --lang where a command writes a table)
SAID = {
    "es": {
        "list": ("nombre", "título", "acciones (organismo, país)", "Plan binacional combinado"),
        "list_actions": "Habilitar 100 plazas más en los albergues de Arica (350 m² cubiertos) "
        "(municipalidad-arica, Chile)",
        "valid": "corridor-100: válido frente al escenario tacna-arica-2025 (disparadores: 1; "
        "acciones: 1; organismos: 2)\n",
        "check": (
            "return-flights al 21 abr 2023",
            "disparador",
            "acciones que corresponden",
            "│ stranded-300 │ SE CUMPLE │ 21 abr 2023 │ 400 (21 abr 2023) │ personas varadas al "
            "menos 300, durante 1 día │ 28 abr 2023: 120 asientos semanales Tacna–Lima–Caracas",
            "Ministerio de Relaciones Exteriores del Perú (Perú)",
            "nota: conteos de personas varadas del sitio 'Arica/Tacna' no considerados: el plan "
            "'return-flights' no lo asocia a ningún lugar (sus lugares: chacalluta, concordia-strip)",
        ),
        "compare": (
            "Personas-día varadas P50 (P10–P90)",
            "│ sin plan ",
            "│ corr     │ 420 (420–420) ",
            "Error del balance de personas: 0\ninforme: ",
        ),
        "progress": ("tiny: simulaciones de los planes", "simulaciones/s"),
    },
    "en": {
        "list": ("name", "title", "actions (agency, country)", "Combined binational plan"),
        "list_actions": "Open 100 more places in Arica's shelters (350 m² covered) "
        "(municipalidad-arica, Chile)",
        "valid": "corridor-100: valid against scenario tacna-arica-2025 (triggers: 1; "
        "actions: 1; agencies: 2)\n",
        "check": (
            "return-flights on Apr 21, 2023",
            "trigger",
            "actions due",
            "│ stranded-300 │ MET │ Apr 21, 2023 │ 400 (Apr 21, 2023) │ people stranded at least "
            "300, 1 day in a row │ Apr 28, 2023: 120 seats a week Tacna–Lima–Caracas",
            "Ministerio de Relaciones Exteriores del Perú (Peru)",
            "note: counts of people stranded at site 'Arica/Tacna' left out: not mapped to a "
            "place in plan 'return-flights' (its places: chacalluta, concordia-strip)",
        ),
        "compare": (
            "Stranded person-days P50 (P10–P90)",
            "│ no plan ",
            "│ corr    │ 420 (420–420) ",
            "People balance error: 0\nreport: ",
        ),
        "progress": ("tiny: runs of the plans", "runs/s"),
    },
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_list_validate_and_check_speak_the_readers_language(lang):
    done = hito("plans", "list", HITO_LANG=lang)
    assert done.returncode == 0, done.stderr
    for phrase in (*SAID[lang]["list"], SAID[lang]["list_actions"]):
        assert phrase in done.stdout
    done = hito("plans", "validate", "corridor-100", HITO_LANG=lang)
    assert done.returncode == 0, done.stderr
    assert done.stdout == SAID[lang]["valid"]
    args = ("--observations", str(DATA), "--as-of", "2023-04-21")
    done = hito("plans", "check", "return-flights", *args, HITO_LANG=lang)
    assert done.returncode == 0, done.stderr
    for phrase in SAID[lang]["check"]:
        assert phrase in done.stdout
    other = "en" if lang == "es" else "es"  # --lang wins over the reader's language
    done = hito("plans", "check", "return-flights", *args, "--lang", other, HITO_LANG=lang)
    assert all(phrase in done.stdout for phrase in SAID[other]["check"])
    done = hito("plans", "list", "--lang", other, HITO_LANG=lang)
    assert all(phrase in done.stdout for phrase in SAID[other]["list"])


def test_the_json_of_a_check_is_the_same_in_either_language():
    args = ("check", "return-flights", "--observations", str(DATA), "--as-of", "2023-04-21")
    es = hito("plans", *args, "--json", "--lang", "es")
    en = hito("plans", *args, "--json", HITO_LANG="en")
    assert es.returncode == en.returncode == 0 and es.stdout == en.stdout
    notes = json.loads(es.stdout)[0]["notes"]
    assert notes == [
        "stranded counts at site 'Arica/Tacna' left out: not mapped to a place in plan "
        "'return-flights' (its places: chacalluta, concordia-strip)"
    ]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_compare_speaks_the_language_asked_and_its_page_opens_in_it(lang, tmp_path):
    scen, plan = _tiny_and_corridor(tmp_path)
    out = tmp_path / "out"
    args = ("compare", str(scen), str(plan), "--runs", "2", "--out", str(out), "--lang", lang)
    done = hito("plans", *args, HITO_LANG="en" if lang == "es" else "es")
    assert done.returncode == 0, done.stderr
    for phrase in SAID[lang]["compare"]:
        assert phrase in done.stdout
    for phrase in SAID[lang]["progress"]:
        assert phrase in done.stderr
    page = (out / "comparison.html").read_text()
    assert f'<html lang="{lang}">' in page and f'<body class="{lang}">' in page
    assert f'data-l="{lang}" aria-pressed="true"' in page


def test_a_bad_language_exits_2_naming_the_option():
    for args in (("list",), ("check", "--observations", str(DATA)), ("compare", "x", "y")):
        done = hito("plans", *args, "--lang", "fr")
        assert done.returncode == 2, args
        assert (
            done.stderr.strip() == "error: --lang: se recibió 'fr'; se esperaba uno de: es, en"
        ), args


OBS_HEAD = (
    "Date,Site,Low,High\n#date,#loc+name,#affected+stranded+min,#affected+stranded+max\n"
    "2023-04-20,between Chacalluta and Santa Rosa,150,200\n"
)


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (
            "2023-04-21,Chacalluta,many,200",
            "obs.csv:4: #affected+stranded+min: se recibió 'many'; se esperaba un número (como "
            "1200, 1.200 o 1,200)",
        ),
        (
            '2023-04-21,Chacalluta,"1.500",900',
            "obs.csv:4: #affected+stranded+min: se recibió 1500, por encima de "
            "#affected+stranded+max 900",
        ),
        ("21/04/2023,Chacalluta,1,2", "obs.csv:4: #date: se recibió '21/04/2023'; se esperaba"),
        ("2023-04-21,,1,2", "obs.csv:4: #loc+name: se recibió un sitio vacío"),
    ],
)
def test_a_bad_observation_cell_exits_2_naming_its_line_and_column(tmp_path, row, said):
    obs = tmp_path / "obs.csv"
    obs.write_text(OBS_HEAD + row + "\n")
    done = hito(
        "plans", "check", "corridor-100", "--observations", str(obs), "--as-of", "2023-04-21"
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {tmp_path / said}")


def test_a_malformed_hashtag_exits_2_in_the_readers_words_without_libhxls_english(tmp_path):
    obs = tmp_path / "obs.csv"
    obs.write_text(OBS_HEAD.replace("#affected+stranded+max", "#affected+stranded +max!"))
    done = hito(
        "plans", "check", "corridor-100", "--observations", str(obs), "--as-of", "2023-04-21"
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: {obs}:2: etiquetas: columna 4: se recibió '#affected+stranded +max!'; se "
        "esperaba una etiqueta HXL como #affected+max (tras # y tras cada +, una letra y luego "
        "letras, dígitos o _) o una celda vacía\n"
    )


def test_a_plan_beside_its_scenario_file_is_checked_from_anywhere_with_its_site_names(
    tmp_path: Path,
) -> None:
    """`scenario: tiny.yaml` is read from the plan's folder (not the working directory), and
    a check with no forecast trigger matches the scenario's place names ('STRIP'), as the
    docs say (it did so only for a built-in scenario)."""
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(yaml.safe_dump(closed_tiny()))
    plan = folder / "p.yaml"
    plan.write_text(yaml.safe_dump(plan_dict([stranded_trigger()], [], scenario="tiny.yaml")))
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "#date,#loc+name,#affected+stranded\n2025-01-02,STRIP,60\n2025-01-03,STRIP,70\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = hito("plans", "validate", str(plan), cwd=elsewhere, HITO_LANG="en")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"{plan}: valid against scenario {folder / 'tiny.yaml'} ")
    args = ("plans", "check", str(plan), "--observations", str(counts), "--as-of", "2025-01-03")
    done = hito(*args, "--json", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)
    assert report["notes"] == []
    (trigger,) = report["triggers"]
    assert (trigger["met"], trigger["value"], trigger["since"]) == (True, 70, "2025-01-03")


def test_the_comparison_table_keeps_every_number_whole_on_80_columns() -> None:
    """On an 80-column terminal the P10–P90 of person-days wraps; it was cut to '(7.006–17.…'."""
    import io

    from rich.console import Console

    from hito.cli.plan_tables import comparison_table

    q = {"p10": 7006.0, "p50": 14014.0, "p90": 17504.0}
    rows = [
        {
            "plan": name,
            "stranded_person_days": q,
            **{m: q for m in ("peak_stranded", "diverted", "harmed", "total_cost_USD")},
        }
        for name in ("no-plan", "huaquillas-bridge")
    ]
    shown = io.StringIO()
    Console(file=shown, width=80).print(comparison_table(rows, ["USD"], "es"))
    text = shown.getvalue()
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    # the column of person-days, its lines read one below the other
    second = "".join(line.split("│")[2].strip() for line in text.splitlines() if "│" in line)
    assert second == "14.014(7.006–17.504)14.014(7.006–17.504)"


def test_a_plans_scenario_that_cannot_be_read_is_said_at_the_plans_line(tmp_path: Path) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(yaml.safe_dump(plan_dict([stranded_trigger()], [], scenario="nowhere.yaml")))
    done = hito("plans", "validate", str(plan), HITO_LANG="en")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(
        f"error: {plan}:10: scenario: nowhere.yaml: no such file and no built-in scenario of "
        "that name; expected a path or one of: "
    )


def test_a_forecast_trigger_of_a_plan_for_another_border_runs_its_own_scenario(
    tmp_path: Path,
) -> None:
    """On a date a built-in scenario covers, its scenario was taken before the plan's own, and
    the plan's places were refused as unknown there."""
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(closed_tiny()))
    trigger = stranded_trigger(source="forecast", horizon_days=2, quantile="p50")
    plan = tmp_path / "p.yaml"
    plan.write_text(yaml.safe_dump(plan_dict([trigger], [], scenario="tiny.yaml")))
    counts = tmp_path / "counts.csv"
    counts.write_text("#date,#loc+name,#affected+stranded\n2025-11-30,Strip,80\n")
    args = ("--observations", str(counts), "--as-of", "2025-12-01", "--runs", "2", "--json")
    done = hito("plans", "check", str(plan), *args)
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)
    assert report["scenario"] == "tiny"


def test_compare_says_which_medians_no_plan_moves_and_how_often_each_trigger_fires(tmp_path):
    """The console table and the page showed the same medians for every plan and nothing on the
    triggers: a planner could not see that the plans differ only in some futures, nor when."""
    scen, plan = _tiny_and_corridor(tmp_path)
    out = tmp_path / "out"
    done = hito("plans", "compare", str(scen), str(plan), "--runs", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "comparison.json").read_text())
    [fired] = rows[1]["triggers"]
    assert (fired["trigger"], fired["probability"], fired["median_first_date"]) == (
        "t",
        1.0,
        "2025-01-05",
    )
    said = " ".join(done.stdout.split())  # rich wraps lines at the terminal's width
    # every run of the tiny corridor is alike: no plan moves these at all, not even the P90
    assert (
        "El mismo P10, P50 y P90 con todos los planes: Pico de personas varadas; Desviadas a "
        "rutas irregulares; Personas que sufrieron daños; Regresaron; Días con un albergue lleno. "
        "En estos futuros simulados, ningún plan los cambia." in said
    )
    assert "Personas-día varadas;" not in said  # the corridor moves that one (420 < no plan)
    assert "La misma mediana" not in said  # no metric shares a median with another P90
    assert (
        "corr · t: 2 de 2 futuros (100 %); se cumple por primera vez (mediana): 5 ene 2025" in said
    )
    page = (out / "comparison.html").read_text()
    assert (
        '<p id="same-median"><span lang="es">El mismo P10, P50 y P90 con todos los planes: Pico '
        "de personas varadas;" in page
    )
    assert '<span lang="en">Same P10, P50 and P90 under every plan: Peak stranded; Diverted' in page


def _posterior_folder(
    tmp_path: Path, as_of_day: int = 5, days: int = 30, strip_title: dict | None = None
) -> tuple[Path, Path]:
    """A scenario file and a posterior folder on it: 100 people counted at the strip."""
    from conftest import build
    from hito.ensemble.executors import SerialExecutor
    from hito.forecast.calibrate import run_filter
    from hito.forecast.observations import Observation, Observations
    from hito.forecast.posterior import save

    d = closed_tiny(days=days)
    if strip_title is not None:
        next(p for p in d["places"] if p["id"] == "strip")["title"] = strip_title
    scen = tmp_path / "tiny.yaml"
    scen.write_text(yaml.safe_dump(d, allow_unicode=True))
    s = build(d)
    items = tuple(
        Observation(
            date=s.date_of(t), place="strip", low=100, high=100, line=0, site="strip", source="t"
        )
        for t in range(2, as_of_day + 1)
    )
    post = run_filter(
        s,
        Observations(items, ()),
        s.date_of(as_of_day),
        particles=6,
        seed=3,
        executor=SerialExecutor(),
    )
    folder = tmp_path / "cal"
    folder.mkdir()
    save(post, folder)
    return scen, folder


def test_compare_from_a_calibration_answers_how_many_stay_stranded_per_plan(tmp_path):
    scen, cal = _posterior_folder(tmp_path)
    plan = tmp_path / "corr.yaml"
    plan.write_text(yaml.safe_dump(plan_dict([stranded_trigger()], [corridor()])))
    out = tmp_path / "out"
    done = hito(
        "plans",
        "compare",
        str(scen),
        str(plan),
        "--calibration",
        str(cal),
        "--out",
        str(out),
        "--workers",
        "1",
        HITO_LANG="en",
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "comparison.json").read_text())
    assert [r["calibrated_as_of"] for r in rows] == ["2025-01-06", "2025-01-06"]
    assert rows[1]["stranded_after"]["strip"]["7"] == {"p10": 0.0, "p50": 0.0, "p90": 0.0}
    assert rows[0]["stranded_after"]["strip"]["14"] == {"p10": 100.0, "p50": 100.0, "p90": 100.0}
    assert rows[0]["stranded_after"]["strip"]["28"] is None  # past the scenario's last day
    assert "Conditioned on the counts up to Jan 6, 2025: people stranded after it" in done.stdout
    assert re.search(
        r"Strip\s+│\s+no plan\s+│\s+100 \(100–100\)\s+│\s+100 \(100–100\)\s+│\s+—", done.stdout
    )
    assert re.search(r"Strip\s+│\s+corr\s+│\s+0 \(0–0\)\s+│\s+0 \(0–0\)\s+│\s+—", done.stdout)
    csv = (out / "comparison.csv").read_text().splitlines()
    assert csv[0].endswith(",triggers,calibrated_as_of") and csv[2].endswith(",2025-01-06")
    page = (out / "comparison.html").read_text()
    assert 'id="stranded-after"' in page and 'id="conditioned"' in page
    assert "Condicionado a los conteos de campo hasta el 6 ene 2025" in page


def test_compare_from_a_calibration_names_each_site_in_the_readers_language(tmp_path):
    """The table of people stranded after the as-of date named the sites by their English
    `name` ("Strip between Chacalluta and Santa Rosa") in the Spanish console and page."""
    title = {"es": "Franja entre los pasos", "en": "Strip between the posts"}
    scen, cal = _posterior_folder(tmp_path, strip_title=title)
    plan = tmp_path / "corr.yaml"
    plan.write_text(yaml.safe_dump(plan_dict([stranded_trigger()], [corridor()])))
    out = tmp_path / "out"
    args = ["plans", "compare", str(scen), str(plan), "--calibration", str(cal), "--workers", "1"]
    es = hito(*args, "--out", str(out), HITO_LANG="es")
    assert es.returncode == 0, es.stderr
    assert re.search(r"│ Franja entre los pasos\s+│ sin plan\s+│ 100 \(100–100\)", es.stdout)
    assert re.search(r"│ Franja entre los pasos\s+│ corr\s+│ 0 \(0–0\)", es.stdout)
    assert "Strip" not in es.stdout
    page = (out / "comparison.html").read_text()
    after = page[page.index('<table id="stranded-after">') :]
    after = after[: after.index("</table>")]
    cell = '<td><span lang="es">Franja entre los pasos</span><span lang="en">Strip between the posts</span></td>'
    assert after.count(cell) == 2
    en = hito(*args, "--out", str(tmp_path / "en"), HITO_LANG="en")
    assert en.returncode == 0, en.stderr
    assert re.search(r"│ Strip between the posts\s+│ no plan\s+│ 100 \(100–100\)", en.stdout)


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("not_a_calibration", "no posterior.npz here"),
        ("a_file", "posterior.npz: it is a file; expected the folder `hito calibrate --out` wrote"),
        ("other_scenario", "a posterior of scenario 'tiny', not of 'tacna-arica-2023'"),
        ("last_day", "calibrated as of 2025-01-08, the last simulated day of scenario 'tiny'"),
        ("runs", "--runs: not taken with --calibration"),
        ("plan_elsewhere", "unknown place 'arica-shelter' in scenario 'tiny'"),
        ("last_day_es", "calibrada al 2025-01-08, el último día simulado del escenario 'tiny'"),
    ],
)
def test_a_bad_calibration_for_compare_exits_2_in_one_line(
    tmp_path, monkeypatch, capsys, case, said
):
    from cli_helpers import hito_here

    last = case.startswith("last_day")
    scen, cal = _posterior_folder(tmp_path, as_of_day=7 if last else 5, days=8)
    plan = tmp_path / "corr.yaml"
    where = ["arica-shelter"] if case == "plan_elsewhere" else ["strip"]
    plan.write_text(yaml.safe_dump(plan_dict([stranded_trigger(places=where)], [corridor()])))
    args = [str(scen), str(plan), "--calibration", str(cal), "--out", str(tmp_path / "o")]
    if case == "not_a_calibration":
        args[3] = str(tmp_path)
    if case == "a_file":
        args[3] = str(cal / "posterior.npz")
    if case == "other_scenario":
        args[0] = "tacna-arica-2023"
    if case == "runs":
        args += ["--runs", "5"]
    monkeypatch.setenv("HITO_LANG", "es" if case.endswith("_es") else "en")
    code, out, err = hito_here(monkeypatch, capsys, "plans", "compare", *args)
    assert code == 2 and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("error: ") and said in err, err
