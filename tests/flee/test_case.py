"""Flee case files <-> hito scenario: reading, writing back, round trips and bad input."""

from __future__ import annotations

import csv
import json

import pytest

from cli_helpers import hito_here as hito
from flee_helpers import SHARED_CASES, make_case
from hito.errors import InputError
from hito.flee.case import read_case
from hito.flee.model import load_yaml
from hito.flee.write import write_case

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

CASES = SHARED_CASES


def test_a_flee_case_becomes_places_routes_and_a_flee_section(tmp_path):
    case = read_case(
        make_case(
            tmp_path, closures=["country,Land,Abroad,2,10"], corrections=["C,2020-03-01,normalize"]
        )
    )
    s, f = case.scenario, case.flee
    assert [(p.id, p.name, p.kind, p.country, p.capacity) for p in s.places] == [
        ("a", "A", "origin", "XXX", None),
        ("b", "B", "city", "XXX", None),
        ("c", "C", "shelter", "XXX", 100),
        ("d", "D", "shelter", "XXX", 100),
    ]
    assert s.places[0].attributes == {
        "flee_location_type": "conflict_zone",
        "region": "RegA",
        "flee_country": "Land",
        "conflict_date": "0",
        "population": "1000",
    }
    assert [(r.from_, r.to, r.km, r.two_way) for r in s.routes] == [
        ("a", "b", 100.0, True),
        ("b", "c", 50.0, True),
        ("b", "d", 1000.0, True),
    ]
    assert (s.start.isoformat(), s.days) == ("2020-01-01", 20)
    assert [(c.closure_type, c.name1, c.name2, c.start, c.end) for c in f.closures] == [
        ("country", "Land", "Abroad", 2, 10)
    ]
    assert f.conflicts == {"A": [(0, 1.0)], "B": [(0, 0.0)], "C": [(0, 0.0)], "D": [(0, 0.0)]}
    assert [(r.name, r.files) for r in f.layout] == [
        ("total", ["refugees.csv"]),
        ("C", ["c.csv"]),
        ("D", ["d.csv"]),
    ]
    assert f.series["c.csv"].header == "#DateTime,count"
    assert [(c.name, c.note) for c in f.corrections] == [("C", "normalize")]
    assert f.settings.move_rules.max_move_speed == 400.0
    assert f.settings.move_rules.max_crossing_speed == 20.0  # Flee's default where unset


def test_known_country_names_become_iso_codes_and_the_name_is_kept(tmp_path):
    locs = [
        "Kidal,Kidal,Mali,18.4,1.4,conflict_zone,0,25617",
        "Mentao,P,Burkina_Faso,13.9,-1.6,camp,,6905",
    ]
    s = read_case(
        make_case(
            tmp_path,
            locations=locs,
            routes=["Kidal,Mentao,500,0"],
            camps={"Mentao": ["2020-01-01,0", "2020-03-01,5"]},
        )
    ).scenario
    assert [(p.id, p.country, p.attributes["flee_country"]) for p in s.places] == [
        ("kidal", "MLI", "Mali"),
        ("mentao", "BFA", "Burkina_Faso"),
    ]


def test_round_trip_flee_hito_flee_hito_is_the_same_scenario(tmp_path):
    locs = [
        "A,RegA,Land,1.0,1.0,conflict_zone,0,1000,x1",
        "B,RegB,Land,1.1,1.1,town,,,x2",
        "C,RegC,Land,1.2,1.2,camp,,100,x3",
        "D,RegD,Abroad,,,camp,,,x4",
    ]
    root = make_case(
        tmp_path / "in",
        locations=locs,
        routes=["A,B,100,0,250", "B,C,50.5,,", "B,D,1000,1,"],
        closures=["location,B,,3,9", "remove_forced_redirection,B,D,5,0"],
        corrections=["C,2020-03-01"],
    )
    (root / "input_csv" / "locations.csv").write_text(
        "#name,region,country,lat,lon,location_type,conflict_date,population,ethnicity\n"
        + "\n".join(locs)
        + "\n"
    )
    (root / "input_csv" / "routes.csv").write_text(
        "#name1,name2,distance,forced_redirection,max_move_speed\n"
        "A,B,100,0,250\nB,C,50.5,,\nB,D,1000,1,\n"
    )
    (root / "input_csv" / "conflicts.csv").write_text(
        "#Day,A,B\n"
        + "".join(f"{t},{1 if t < 7 else 0.5},{1 if 4 <= t < 6 else 0}\n" for t in range(20))
    )
    s1 = read_case(root)
    assert s1.scenario.places[0].attributes["ethnicity"] == "x1"
    assert s1.scenario.routes[0].attributes == {"forced_redirection": "0", "max_move_speed": "250"}
    assert s1.flee.conflicts["A"] == [(0, 1.0), (7, 0.5)]
    assert s1.flee.conflicts["B"] == [(0, 0.0), (4, 1.0), (6, 0.0)]
    write_case(s1, tmp_path / "out1")
    s2 = read_case(tmp_path / "out1", name=s1.scenario.name)
    assert s2 == s1
    write_case(s2, tmp_path / "out2")
    for f in sorted((tmp_path / "out1").rglob("*.*")):
        assert f.read_bytes() == (tmp_path / "out2" / f.relative_to(tmp_path / "out1")).read_bytes()


SHARED = sorted(p.name for p in CASES.iterdir() if p.is_dir()) if CASES.exists() else []


@pytest.mark.parametrize("case", SHARED)
def test_round_trip_of_the_shared_validation_cases(case, tmp_path):
    s = read_case(CASES / case)
    assert read_case(write_case(s, tmp_path / case), name=s.scenario.name) == s


def test_either_period_file_name_is_read(tmp_path):
    root = make_case(tmp_path, days=12)
    (root / "input_csv" / "sim_period.csv").rename(root / "input_csv" / "conflict_period.csv")
    s = read_case(root)
    assert s.scenario.days == 12 and s.flee.period_files == ["conflict_period.csv"]
    write_case(s, tmp_path / "out")
    assert (tmp_path / "out" / "input_csv" / "conflict_period.csv").exists()
    assert not (tmp_path / "out" / "input_csv" / "sim_period.csv").exists()


BAD = [
    (
        "input_csv/routes.csv",
        "#h\nA,B,100,0\nB,Q,50,0\n",
        "input_csv/routes.csv:3:2: unknown location 'Q'",
    ),
    (
        "input_csv/routes.csv",
        "#h\nA,B,far,0\n",
        "input_csv/routes.csv:2:3: expected a number for distance, got 'far'",
    ),
    (  # Python's float() reads nan, inf and 1e400; no route is that long
        "input_csv/routes.csv",
        "#h\nA,B,nan,0\n",
        "input_csv/routes.csv:2:3: expected a finite number for distance, got 'nan'",
    ),
    (
        "input_csv/locations.csv",
        "#name,r,c,lat,lon,type,date,pop\nA,R,Land,1e400,1,town,,\n",
        "input_csv/locations.csv:2:4: expected a finite number for latitude, got '1e400'",
    ),
    (  # a negative population passed silently: Flee weighs places by it
        "input_csv/locations.csv",
        "#name,r,c,lat,lon,type,date,pop\nA,R,Land,1,1,town,,-5\n",
        "input_csv/locations.csv:2:8: expected a population of 0 or more, got '-5'",
    ),
    (
        "input_csv/closures.csv",
        "#closure_type,name1,name2,closure_start,closure_end\nlocation,Nowhere,,1,2\n",
        "input_csv/closures.csv:2:2: unknown location 'Nowhere'",
    ),
    (
        "input_csv/closures.csv",
        "#h\nborder,Land,Abroad,1,2\n",
        "input_csv/closures.csv:2:1: unknown closure_type 'border'",
    ),
    (
        "input_csv/locations.csv",
        "#name,r,c,lat,lon,type,date,pop\nA,R,Land,north,1,town,,\n",
        "input_csv/locations.csv:2:4: expected a number for latitude, got 'north'",
    ),
    (
        "source_data/c.csv",
        "#DateTime,count\n2020-01-01,0\n2020-13-01,5\n",
        "source_data/c.csv:3:1: expected a date YYYY-MM-DD for the count date, got '2020-13-01'",
    ),
    (
        "input_csv/registration_corrections.csv",
        "C,2020-02-02\n",
        "input_csv/registration_corrections.csv:1:2: date 2020-02-02 is not a later date of c.csv",
    ),
]


@pytest.mark.parametrize(
    ("file", "text", "message"), BAD, ids=[b[2].split(":")[0] + b[2].split(":")[1] for b in BAD]
)
def test_bad_input_exits_2_naming_file_line_and_column(
    file, text, message, tmp_path, monkeypatch, capsys
):
    root = make_case(tmp_path / "case")
    (root / file).write_text(text)
    with pytest.raises(InputError) as err:
        read_case(root)
    assert any(p.startswith(f"case/{message}") for p in err.value.problems), err.value.problems
    code, _, stderr = hito(
        monkeypatch, capsys, "flee", "import", str(root), "--out", str(tmp_path / "s.yaml")
    )
    assert code == 2
    assert f"case/{message}" in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(
    ("lang", "made", "said"),
    [
        ("es", False, "no existe esa carpeta; se esperaba la carpeta de un caso de Flee"),
        ("en", False, "no such directory, expected a Flee case directory"),
        ("es", True, "no es una carpeta; se esperaba la carpeta de un caso de Flee"),
    ],
)
def test_a_case_folder_that_does_not_exist_is_said_so_not_called_a_file(
    tmp_path, monkeypatch, capsys, lang, made, said
):
    """`hito flee check` of a mistyped folder said "no es una carpeta" (it is not a folder),
    as of a file in the way, where nothing existed."""
    where = tmp_path / "burundi 2015"
    if made:
        where.write_text("a file\n")
    monkeypatch.setenv("HITO_LANG", lang)
    code, out, err = hito(monkeypatch, capsys, "flee", "check", str(where))
    assert code == 2 and out == ""
    assert err == f"error: {where}: {said}\n"


def test_a_missing_file_is_named(tmp_path, monkeypatch, capsys):
    root = make_case(tmp_path / "case")
    (root / "input_csv" / "routes.csv").unlink()
    code, _, stderr = hito(
        monkeypatch, capsys, "flee", "run", str(root), "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert "case/input_csv/routes.csv: missing file" in stderr


def test_import_writes_a_scenario_file_that_loads_back_the_same(tmp_path, monkeypatch, capsys):
    root = make_case(tmp_path / "case", closures=["country,Land,Abroad,2,10"])
    code, _, err = hito(
        monkeypatch, capsys, "flee", "import", str(root), "--out", str(tmp_path / "case.yaml")
    )
    assert code == 0, err
    assert load_yaml(tmp_path / "case.yaml") == read_case(root)


def test_an_import_interrupted_while_writing_leaves_the_old_scenario_file_whole(
    tmp_path, monkeypatch, capsys
):
    root = make_case(tmp_path / "case")
    out = tmp_path / "case.yaml"
    out.write_text("old: file\n", encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupted)
    code, _, _ = hito(monkeypatch, capsys, "flee", "import", str(root), "--out", str(out))
    assert code != 0
    assert out.read_text(encoding="utf-8") == "old: file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "case.yaml"]


def test_run_writes_validation_json_and_flee_out_csv(tmp_path, monkeypatch, capsys):
    root = make_case(tmp_path / "case")
    out = tmp_path / "o"
    code, _, err = hito(
        monkeypatch,
        capsys,
        "flee",
        "run",
        str(root),
        "--out",
        str(out),
        "--runs",
        "2",
        "--seed",
        "4",
    )
    assert code == 0, err
    doc = json.loads((out / "validation.json").read_text())
    assert {"ard", "ard_rescaled", "camps", "days", "people", "runs", "wall_seconds"} <= set(doc)
    assert doc["days"] == 20 and doc["people"] == 10 and doc["runs"] == 2
    assert set(doc["camps"]) == {"C", "D"}
    rows = list(csv.DictReader((out / "out.csv").open()))
    assert len(rows) == 20 and rows[0]["Date"] == "2020-01-01"
    assert list(rows[0])[:5] == ["Day", "Date", "C sim", "C data", "C error"]
    assert list(rows[0])[-6:] == [
        "Total error",
        "refugees in camps (UNHCR)",
        "total refugees (simulation)",
        "raw UNHCR refugee count",
        "refugees in camps (simulation)",
        "refugee_debt",
    ]
    last = rows[-1]
    assert int(last["C sim"]) + int(last["D sim"]) <= 10
    assert int(last["total refugees (simulation)"]) == 10
    assert (out / "runs" / "run_1" / "out.csv").exists()
    assert doc["seed"] == 4 and doc["ruleset"] == "agents"


@pytest.mark.parametrize(
    ("lang", "runs", "said"),
    [
        ("es", "1", "en 1 simulación con las reglas 'agents', 10 personas, 20 días,"),
        ("en", "1", "over 1 run with the 'agents' ruleset, 10 people, 20 days,"),
        ("en", "2", "over 2 runs with the 'agents' ruleset, 10 people, 20 days,"),
    ],
)
def test_run_says_its_runs_people_and_days_in_the_readers_grammar(
    tmp_path, monkeypatch, capsys, lang, runs, said
):
    # "en 1 simulaciones" before: one plural for every number
    monkeypatch.setenv("HITO_LANG", lang)
    root = make_case(tmp_path / "case")
    code, _, err = hito(
        monkeypatch, capsys, "flee", "run", str(root), "--out", str(tmp_path / "o"), "--runs", runs
    )
    assert code == 0, err
    assert said in " ".join(err.split()), err


def test_a_short_conflicts_table_and_a_missing_series_are_both_listed(tmp_path):
    root = make_case(tmp_path, days=20)
    conf = (root / "input_csv" / "conflicts.csv").read_text().splitlines()
    (root / "input_csv" / "conflicts.csv").write_text("\n".join(conf[:11]) + "\n")
    layout = root / "source_data" / "data_layout.csv"
    layout.write_text(layout.read_text().replace("c.csv", "gone.csv"))
    with pytest.raises(InputError) as err:
        read_case(root)
    said = [str(p) for p in err.value.problems]
    assert len(said) == 2
    assert said[0].endswith(
        "conflicts.csv: 10 day rows, expected at least the 20 days of the period"
    )
    assert "data_layout.csv:2:2" in said[1] and "'gone.csv'" in said[1]


def test_a_simsetting_file_that_is_not_utf8_is_named_at_its_line(tmp_path):
    root = make_case(tmp_path / "case")
    (root / "simsetting.yml").write_bytes(b"log_levels:\n  agent: 0\n\xff\xfe\n")
    with pytest.raises(InputError) as err:
        read_case(root)
    assert any(
        p.startswith("case/simsetting.yml:3: byte 23 is not UTF-8 text; expected a text file in ")
        for p in err.value.problems
    ), err.value.problems
    # said wholly in the reader's words (Python's 'invalid start byte' was left in English)
    assert (
        "case/simsetting.yml:3: el byte 23 no es texto UTF-8; se esperaba un archivo de texto"
        in (" ".join(err.value.in_language("es")))
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[" * 5000 + "\n",
            "case/simsetting.yml: expected valid YAML: "
            "lists or mappings nested thousands of levels deep",
        ),
        (
            "log_levels:\n  agent: " + "9" * 5000 + "\n",
            "case/simsetting.yml:2:10: log_levels.agent: got a number of 5000 digits, "
            "expected a number of at most 4300 digits",
        ),
        (
            "log_levels:\n  agent: 0\x00\n",
            "case/simsetting.yml:2: expected valid YAML: "
            "the control character U+0000 is not allowed in YAML text",
        ),
        (
            "log_levels:\n  agent: 2025-02-30\n",
            "case/simsetting.yml:2:10: log_levels.agent: got '2025-02-30', "
            "expected a date as YYYY-MM-DD that exists",
        ),
    ],
    ids=["brackets-thousands-deep", "thousands-of-digits", "nul-byte", "no-such-day"],
)
def test_a_hostile_simsetting_file_is_one_located_problem_not_a_traceback(
    tmp_path, english_reader, text, message
):
    root = make_case(tmp_path / "case")
    (root / "simsetting.yml").write_text(text)
    with pytest.raises(InputError) as err:
        read_case(root)
    assert message in err.value.in_language("en"), err.value.in_language("en")


def test_a_simsetting_key_given_twice_runs_as_flee_does_with_a_warning(
    tmp_path, english_reader, monkeypatch, capsys
):
    """Flee 3.1 runs a simsetting.yml with a key twice (PyYAML keeps the last value): hito warns
    and does the same, where the YAML of hito's own files refuses it."""
    root = make_case(tmp_path / "case")
    sim = root / "simsetting.yml"
    sim.write_text(sim.read_text() + "log_levels:\n  agent: 0\n  agent: 1\n")
    case = read_case(root)
    assert case.flee.settings.log_levels == {"agent": 1}
    assert [str(w) for w in case.warnings if "twice" in str(w)] == [
        f"case/simsetting.yml:{len(sim.read_text().splitlines())}: warning: log_levels.agent "
        "given twice in one "
        "mapping; the last value is used, as Flee 3.1 does"
    ]
    code, _, err = hito(monkeypatch, capsys, "flee", "check", str(root), "--strict")
    assert code == 2 and "log_levels.agent" in err


def test_days_beyond_the_cases_period_say_the_most_it_takes(tmp_path):
    from hito.flee.compile import compile_flee

    case = read_case(make_case(tmp_path / "case"))
    with pytest.raises(InputError) as err:
        compile_flee(case, days=case.scenario.days + 5)
    assert err.value.in_language("es") == [
        f"--days: se recibió {case.scenario.days + 5}; se esperaba como máximo "
        f"{case.scenario.days} (los días del período del caso)"
    ]


def test_a_conflict_cell_that_is_no_number_is_said_in_the_readers_words(tmp_path):
    """'se esperaba un número para the conflict intensity of A': its object was English."""
    root = make_case(tmp_path / "case")
    path = root / "input_csv" / "conflicts.csv"
    path.write_text(path.read_text().replace("\n2,1,", "\n2,x,"))
    with pytest.raises(InputError) as err:
        read_case(root)
    assert err.value.in_language("es") == [
        "case/input_csv/conflicts.csv:4:2: se esperaba un número para la intensidad del "
        "conflicto en A; se recibió 'x'"
    ]


def test_a_conflicts_table_of_one_day_row_says_it_in_the_singular(tmp_path):
    root = make_case(tmp_path, days=20)
    conf = (root / "input_csv" / "conflicts.csv").read_text().splitlines()
    (root / "input_csv" / "conflicts.csv").write_text("\n".join(conf[:2]) + "\n")
    with pytest.raises(InputError) as err:
        read_case(root)
    (es,) = err.value.in_language("es")
    (en,) = err.value.in_language("en")
    assert en.endswith("conflicts.csv: 1 day row, expected at least the 20 days of the period")
    assert es.endswith(
        "conflicts.csv: 1 fila de días; se esperaban al menos los 20 días del período"
    )
