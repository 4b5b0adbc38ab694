"""Flee case folders with the quirks Flee 3.1 runs: read as Flee reads them, one warning each."""

from __future__ import annotations

import re

import pytest

from cli_helpers import hito_here as hito
from flee_helpers import SETTINGS, make_case
from hito.errors import InputError
from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.schedule import schedule_of

OUT_OF_ORDER = ["2020-01-01,0", "2020-01-11,100", "2020-01-06,20", "2020-01-21,100"]


def quirky(root):
    """Every quirk at once: a two-file layout row, dates out of order, a BOM, a comment row,
    an empty count, a trailing comma, and only conflict_period.csv."""
    make_case(root, camps={"C": OUT_OF_ORDER, "D": ["2020-01-01,0", "2020-03-01,5"]})
    src = root / "source_data"
    (src / "c2.csv").write_text("2020-01-01,1\n2020-01-11,2\n")
    (src / "data_layout.csv").write_text("total,refugees.csv\nC,c.csv,c2.csv\nD,d.csv\n")
    (src / "d.csv").write_bytes(
        b"\xef\xbb\xbf#DateTime,count\n2020-01-01,0\n# a note\n2020-01-15,\n2020-03-01,5,\n"
    )
    inp = root / "input_csv"
    (inp / "sim_period.csv").rename(inp / "conflict_period.csv")
    return root


@pytest.mark.usefixtures("english_reader")
def test_each_quirk_gives_one_warning_naming_file_and_line(tmp_path):
    case = read_case(quirky(tmp_path / "case"))
    assert list(map(str, case.warnings)) == [
        "case/input_csv/conflict_period.csv: warning: no sim_period.csv; the period is read "
        "from conflict_period.csv",
        "case/source_data/c.csv:4: warning: dates not in increasing order (lines 4); read in "
        "file order as Flee 3.1 does, which changes 19 days between day 1 (2020-01-02) and "
        "day 19 (2020-01-20) from the sorted series; --sort-dates sorts them",
        "case/source_data/d.csv:1: warning: starts with a UTF-8 byte-order mark; ignored",
        "case/source_data/d.csv:3: warning: comment rows skipped, as Flee does: lines 3",
        "case/source_data/d.csv:4: warning: rows without a count skipped, as Flee does: lines 4",
        "case/source_data/d.csv:5: warning: trailing commas ignored: lines 5",
        "case/source_data/data_layout.csv:2: warning: 'C' adds up 2 files (c.csv, c2.csv) by "
        "date, as Flee 3.1's AddCSVTables does",
    ]


def test_series_are_read_as_flee_31_reads_them(tmp_path):
    root = make_case(
        tmp_path / "one", days=25, camps={"C": OUT_OF_ORDER, "D": ["2020-01-01,0", "2020-03-01,5"]}
    )
    c = compile_flee(read_case(root))
    col = c.camp_names.index("C")
    # rows scanned in file order: day 7 between the first two rows, day 12 between the
    # last two (2020-01-06 and 2020-01-21); sorted, they would be 52 and 100
    assert [int(c.data[t, col]) for t in (0, 5, 7, 12, 19, 20)] == [0, 50, 70, 57, 94, 100]
    s = compile_flee(read_case(root, sort_dates=True))
    assert [int(s.data[t, col]) for t in (0, 5, 7, 12, 19, 20)] == [0, 20, 52, 100, 100, 100]


def test_two_files_on_a_layout_row_are_added_as_flee_adds_them(tmp_path):
    c = compile_flee(read_case(quirky(tmp_path / "case")))
    col = c.camp_names.index("C")
    # AddCSVTables walks c2.csv's dates (days 0 and 10): 0+1, then 100+2; c.csv's later
    # rows have no partner and are dropped, as in Flee 3.1
    assert [int(c.data[t, col]) for t in (0, 5, 10, 15)] == [1, 51, 102, 102]


def test_check_says_one_warning_in_the_singular(tmp_path, monkeypatch, capsys):
    """`hito flee check` said "1 warnings" in English."""
    from flee_helpers import make_case

    root = make_case(tmp_path / "case")
    conflicts = root / "input_csv" / "conflicts.csv"
    lines = conflicts.read_text().splitlines()
    conflicts.write_text("\n".join([lines[0] + ",", *lines[1:]]) + "\n")  # one warning
    monkeypatch.setenv("HITO_LANG", "en")
    code, _, err = hito(monkeypatch, capsys, "flee", "check", str(root))
    assert code == 0
    assert err.count("warning:") == 1
    assert "case: 4 places, 3 routes, 20 days, 3 data_layout rows, 1 warning\n" in err, err
    monkeypatch.setenv("HITO_LANG", "es")
    code, _, err = hito(monkeypatch, capsys, "flee", "check", str(root))
    assert code == 0
    assert "case: lugares: 4, rutas: 3, días: 20, filas de data_layout: 3, advertencias: 1" in err


def test_check_lists_warnings_and_strict_exits_2(tmp_path, monkeypatch, capsys):
    root = quirky(tmp_path / "case")
    code, _, err = hito(monkeypatch, capsys, "flee", "check", str(root))
    assert code == 0
    assert err.count("advertencia:") == 7 and "case/source_data/c.csv:4: advertencia:" in err
    assert (
        "case: lugares: 4, rutas: 3, días: 20, filas de data_layout: 3, advertencias: 7" in err
    )  # the reader's language
    monkeypatch.setenv("HITO_LANG", "en")
    code, _, err = hito(monkeypatch, capsys, "flee", "check", str(root))
    assert code == 0 and "case: 4 places, 3 routes, 20 days, 3 data_layout rows, 7 warnings" in err
    code, _, err = hito(monkeypatch, capsys, "flee", "check", str(root), "--strict")
    assert code == 2 and "Traceback" not in err
    # each warning an `error:` line, as `flee run --strict` says it (it exited 2 saying none)
    lines = err.splitlines()
    assert len(lines) == 7 and all(line.startswith("error: case/") for line in lines), err
    assert "error: case/source_data/c.csv:4: dates not in increasing order" in err
    code, _, err = hito(
        monkeypatch, capsys, "flee", "run", str(root), "--out", str(tmp_path / "o"), "--strict"
    )
    assert code == 2 and "case/source_data/c.csv:4: dates not in increasing order" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.usefixtures("english_reader")
def test_sort_dates_says_so(tmp_path):
    case = read_case(quirky(tmp_path / "case"), sort_dates=True)
    assert (
        "case/source_data/c.csv:4: warning: dates not in increasing order (lines 4); "
        "sorted by date (--sort-dates)" in map(str, case.warnings)
    )
    pts = [d.isoformat() for d, _ in case.flee.series["c.csv"].points]
    assert pts == sorted(pts)


@pytest.mark.usefixtures("english_reader")
def test_duplicate_routes_and_rows_and_unknown_conflict_columns_are_read_as_flee_does(tmp_path):
    root = make_case(tmp_path / "case", routes=["A,B,100,0", "B,C,50,0", "B,D,1000,0", "B,A,100,0"])
    src = root / "source_data"
    (src / "data_layout.csv").write_text("total,refugees.csv\nC,c.csv\nD,d.csv\nC,d.csv\n")
    conf = (root / "input_csv" / "conflicts.csv").read_text().splitlines()
    (root / "input_csv" / "conflicts.csv").write_text(
        "\n".join([conf[0] + ",Elsewhere"] + [r + ",1" for r in conf[1:]]) + "\n"
    )
    case = read_case(root)
    assert tuple(map(str, case.warnings)) == (
        "case/input_csv/conflicts.csv:1: warning: columns for places not in locations.csv are "
        "ignored, as Flee 3.1 does: Elsewhere",
        "case/input_csv/routes.csv:5: warning: routes between the same two locations as an "
        "earlier row (lines 5) are kept as separate links, as Flee 3.1 does: such a pair "
        "weighs more in route choice",
        "case/source_data/data_layout.csv:4: warning: 'C' already has a row (line 2); the "
        "first row is used, as Flee 3.1 does",
    )
    c = compile_flee(case)
    a, b = c.names.index("A"), c.names.index("B")
    assert int(((c.link_src == a) & (c.link_dst == b)).sum()) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "#DateTime,count\n2020-01-01,0\n2020-01-05,1.5\n",
            "case/source_data/c.csv:3:2: expected a whole number for the count, got '1.5'",
        ),
        ("#DateTime,count\n", "case/source_data/c.csv: no dated counts"),
    ],
)
@pytest.mark.usefixtures("english_reader")
def test_what_flee_cannot_run_is_refused_with_its_place(tmp_path, text, message):
    root = make_case(tmp_path / "case")
    (root / "source_data" / "c.csv").write_text(text)
    with pytest.raises(InputError) as err:
        read_case(root)
    assert any(p.startswith(message) for p in err.value.problems), err.value.problems


@pytest.mark.usefixtures("english_reader")
def test_a_town_named_twice_is_two_places_routes_reach_the_last_conflicts_the_first(tmp_path):
    locations = [
        "A,RegA,Land,1.0,1.0,conflict_zone,0,1000",
        "B,RegB,Land,1.1,1.1,town,,500",
        "C,RegC,Land,1.2,1.2,camp,,100",
        "B,RegB,Land,1.1,1.1,town,,300",
    ]
    root = make_case(tmp_path, locations=locations, routes=["A,B,100,0", "B,C,50,0"], camps={"C": ["2020-01-01,0", "2020-03-01,5"]})  # fmt: skip
    # B becomes a conflict zone on day 2: Flee's add_conflict_zone finds its first row
    rows = ["#Day,A,B,C"] + [f"{t},1,{1 if t >= 2 else 0},0" for t in range(20)]
    (root / "input_csv" / "conflicts.csv").write_text("\n".join(rows) + "\n")
    case = read_case(root)
    assert [str(w).split("/")[-1] for w in case.warnings] == [
        "locations.csv:5: warning: locations named as an earlier row (lines 5) are kept as "
        "separate places, as Flee 3.1 does: routes and closures reach the last row of a name "
        "(Ecosystem.linkUp), conflicts.csv the first (add_conflict_zone)"
    ]
    c = compile_flee(case)
    assert c.names == ["A", "B", "C", "B"]
    assert c.pop.tolist() == [1000, 500, 0, 300]
    links = sorted((c.names[s] + str(s), c.names[d] + str(d)) for s, d in zip(c.link_src, c.link_dst, strict=True))  # fmt: skip
    assert links == [("A0", "B3"), ("B3", "A0"), ("B3", "C2"), ("C2", "B3")]
    assert c.conflict_names == [0, 1, 2]  # the column B is the first B
    s = schedule_of(c)
    assert s.conflict[s.pre[1]].tolist() == [1.0, -1.0, -1.0, -1.0]
    assert s.conflict[s.pre[2]].tolist() == [1.0, 1.0, -1.0, -1.0]


@pytest.mark.usefixtures("english_reader")
def test_a_camp_named_twice_is_refused(tmp_path):
    locations = [
        "A,RegA,Land,1.0,1.0,conflict_zone,0,1000",
        "C,RegC,Land,1.2,1.2,camp,,100",
        "C,RegC,Land,1.2,1.2,camp,,100",
    ]
    root = make_case(tmp_path, locations=locations, routes=["A,C,50,0"], camps={"C": ["2020-01-01,0"]})  # fmt: skip
    with pytest.raises(InputError, match=r"locations.csv:4:1: camp 'C' is defined twice"):
        read_case(root)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "MatchCampEthnicity",
            "case/simsetting.yml:5: move_rules.MatchCampEthnicity: Flee 3.1 fails on it "
            "(flee/moving.py calls spawning.getAttributeRatio, which it never imports: "
            "NameError), expected it absent or false",
        ),
        ("MatchConflictEthnicity", "case/simsetting.yml:5: move_rules.MatchConflictEthnicity:"),
        ("MatchTownEthnicity", "case/simsetting.yml:5: move_rules.MatchTownEthnicity:"),
        (
            "ChildrenAvoidHazards",
            "case/simsetting.yml:5: move_rules.ChildrenAvoidHazards is not supported by hito's "
            "Flee ruleset yet, expected it absent or false",
        ),
    ],
)
@pytest.mark.usefixtures("english_reader")
def test_flee_31s_prototype_move_rules_are_refused_not_ignored(tmp_path, key, message):
    # djgroen/flee's test_data/test_data_idp sets MatchCampEthnicity and MatchTownEthnicity;
    # Flee 3.1 run on it stops with that NameError (flee/moving.py, MatchTownEthnicity's line)
    settings = SETTINGS.replace("move_rules:\n", f"move_rules:\n  {key}: True\n")
    with pytest.raises(InputError) as err:
        read_case(make_case(tmp_path / "case", settings=settings))
    assert len(err.value.problems) == 1 and err.value.problems[0].startswith(message)


@pytest.mark.usefixtures("english_reader")
def test_flee_31s_prototype_move_rules_when_false_or_alone_change_nothing(tmp_path):
    # BoysTakeRisk acts only under ChildrenAvoidHazards; MatchCampReligion Flee 3.1 never
    # reads, so it is the one warning
    settings = SETTINGS.replace(
        "move_rules:\n",
        "move_rules:\n  MatchCampEthnicity: False\n  BoysTakeRisk: True\n"
        "  MatchCampReligion: True\n",
    )
    case = read_case(make_case(tmp_path / "case", settings=settings))
    assert list(map(str, case.warnings)) == [
        "case/simsetting.yml:7: warning: move_rules.MatchCampReligion: neither Flee 3.1 nor "
        "hito reads this setting, so it changes nothing"
    ]


@pytest.mark.usefixtures("english_reader")
def test_a_max_move_speed_of_0_is_refused_in_the_folder_and_in_an_imported_file(
    tmp_path, monkeypatch, capsys
):
    # flee.py divides every person's km of the day by it at the end of each day: Flee 3.1
    # stops with ZeroDivisionError; hito stopped the same way, in the middle of its runs
    settings = SETTINGS.replace("max_move_speed: 400.0", "max_move_speed: 0")
    root = make_case(tmp_path / "case", settings=settings)
    with pytest.raises(InputError) as err:
        read_case(root)
    assert err.value.problems == [
        "case/simsetting.yml:5: move_rules.max_move_speed: expected a speed other than 0 km a "
        "day: Flee "
        "3.1 divides by it at the end of every day (ZeroDivisionError)"
    ]
    good = make_case(tmp_path / "good")
    code, _, _ = hito(monkeypatch, capsys, "flee", "import", str(good), "--out", str(tmp_path / "s.yaml"))  # fmt: skip
    assert code == 0
    text = (tmp_path / "s.yaml").read_text()
    (tmp_path / "s.yaml").write_text(text.replace("max_move_speed: 400.0", "max_move_speed: 0"))
    code, _, err = hito(monkeypatch, capsys, "flee", "run", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o"))  # fmt: skip
    assert code == 2 and "Traceback" not in err
    assert re.search(
        r"s\.yaml:\d+: flee\.settings\.move_rules\.max_move_speed: expected a speed other than 0",
        err,
    ), err


def test_a_bad_setting_says_its_section_and_what_was_given(tmp_path):
    """'max_move_speed: expected a valid number' said neither the section nor the value."""
    settings = SETTINGS.replace("max_move_speed: 400.0", "max_move_speed: fast")
    with pytest.raises(InputError) as err:
        read_case(make_case(tmp_path / "case", settings=settings))
    (line,) = err.value.in_language("es")
    assert line.startswith("case/simsetting.yml:5: move_rules.max_move_speed: se esperaba un ")
    assert line.endswith(" (se recibió 'fast')")


def test_a_tab_in_simsetting_is_said_in_the_readers_words(tmp_path):
    """PyYAML's English ('found character '\\t' that cannot start any token') was shown as is."""
    settings = SETTINGS.replace("  camp_weight: 2.0", "\tcamp_weight: 2.0")
    with pytest.raises(InputError) as err:
        read_case(make_case(tmp_path / "case", settings=settings))
    assert err.value.in_language("es") == [
        "case/simsetting.yml:7:1: se esperaba YAML válido: un tabulador: YAML sangra con espacios"
    ]


def test_check_warns_once_for_each_quirk_flee_31_runs_and_strict_refuses_them(
    tmp_path, monkeypatch, capsys
):
    """A misspelt setting, a negative speed, an unknown location type, a short conflicts
    row, a link closure, a closure ending before it starts and forced_redirection 7 each
    passed `hito flee check` silently."""
    settings = SETTINGS.replace("max_move_speed: 400.0", "max_move_speed: -400").replace(
        "softening: 10.0", "softening: 10.0\n  sofening: 5"
    )
    locations = [
        "A,RegA,Land,1.0,1.0,conflict_zone,0,1000",
        "B,RegB,Land,1.1,1.1,war_zone,,500",
        "C,RegC,Land,1.2,1.2,camp,,100",
        "D,RegD,Abroad,1.3,1.3,camp,,100",
    ]
    root = make_case(
        tmp_path / "case",
        days=20,
        settings=settings,
        locations=locations,
        routes=["A,B,100,7", "B,C,50,0", "B,D,1000,0"],
        closures=["link,D,B,2,6", "location,C,,10,3"],
    )
    conflicts = root / "input_csv" / "conflicts.csv"
    rows = conflicts.read_text().splitlines()
    conflicts.write_text("\n".join([*rows[:3], "2,1", *rows[4:], "20,1,0,0,0"]) + "\n")
    monkeypatch.setenv("HITO_LANG", "en")
    code, _, err = hito(monkeypatch, capsys, "flee", "check", str(root))
    assert code == 0, err
    warned = sorted(line.split(": warning:")[0] for line in err.splitlines() if "warning:" in line)
    assert warned == [
        "case/input_csv/closures.csv:2",  # the link closure
        "case/input_csv/closures.csv:3",  # ends before it starts
        "case/input_csv/conflicts.csv:4",
        "case/input_csv/locations.csv:3",
        "case/input_csv/routes.csv:2",
        "case/simsetting.yml:5",  # the negative speed
        "case/simsetting.yml:9",  # sofening
    ], err
    code, _, err = hito(monkeypatch, capsys, "flee", "check", str(root), "--strict")
    assert code == 2 and len(err.splitlines()) == 7 and "Traceback" not in err
