"""Reading field counts from HXL CSV (hito.forecast.hxl_counts, count_rows, observations)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hito.errors import InputError
from hito.forecast.hxl_counts import read_observations
from hito.forecast.observations import Observation, Observations

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "observations"
D = dt.date
HEAD = "Date,Site,Low,High,Kind,Source\n#date,#loc+name,#affected+min,#affected+max,#meta+kind,#meta+source\n"
SITES: dict[str, str | None] = {
    "Línea de la Concordia": "strip",
    "Chacalluta": "post-a",
    "Arica": None,
}


def write(tmp_path: Path, text: str, name: str = "obs.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8", newline="")
    return p


def problems(path: Path, sites: dict[str, str | None] | None = None) -> list[str]:
    with pytest.raises(InputError) as err:
        read_observations(path, SITES if sites is None else sites)
    return err.value.problems


# --- what is read -----------------------------------------------------------------------


def test_ranges_open_bounds_and_skipped_rows(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        HEAD
        + (
            "2025-11-30,Línea de la Concordia,30,40,count,rpp\n"  # 3
            "2025-11-29,Chacalluta,,60,count,mayor\n"  # 4 up to 60
            "2025-11-29,Línea de la Concordia,100,,count,radio\n"  # 5 more than 100
            "2025-11-29,Arica,115,115,count,flight\n"  # 6 known, not counted
            "2025-11-29,Nowhere at all,10,10,flow,x\n"  # 7 flow: site not checked
            "2025-11-29,Peru borders,,,event,decree\n"  # 8 event
            "2025-11-30,Chacalluta,,,count,no number\n"  # 9 no number
            ",,,,,\n"  # 10 blank: ignored
        ),
    )
    obs = read_observations(p, SITES)
    assert obs.items == (
        Observation(D(2025, 11, 29), "post-a", 0.0, 60.0, 4, "Chacalluta", "mayor"),
        Observation(D(2025, 11, 29), "strip", 100.0, None, 5, "Línea de la Concordia", "radio"),
        Observation(D(2025, 11, 30), "strip", 30.0, 40.0, 3, "Línea de la Concordia", "rpp"),
    )
    assert [o.point for o in obs.items] == [30.0, None, 35.0]
    assert tuple(map(str, obs.skipped)) == (
        f"{p}:6: site 'Arica' is not a site where stranded people are counted",
        f"{p}:7: kind 'flow' is not a count of stranded people",
        f"{p}:8: kind 'event' is not a count of stranded people",
        f"{p}:9: no number in #affected+min, #affected+max",
    )


def test_until_dates_on(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        HEAD + "2025-12-02,Chacalluta,20,50,count,a\n2025-11-30,Chacalluta,10,10,count,b\n"
        "2025-12-02,Línea de la Concordia,0,0,count,c\n",
    )
    obs = read_observations(p, SITES)
    assert obs.dates() == [D(2025, 11, 30), D(2025, 12, 2)]
    assert [o.source for o in obs.on(D(2025, 12, 2))] == ["a", "c"]
    assert obs.on(D(2025, 12, 1)) == ()
    early = obs.until(D(2025, 12, 1))
    assert isinstance(early, Observations) and [o.source for o in early.items] == ["b"]
    assert obs.until(D(2025, 12, 2)) == obs


def test_start_and_end_leave_rows_out_without_checking_their_sites(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        HEAD + "2023-05-15,Old site,0,0,count,a\n2025-11-30,Chacalluta,10,10,count,b\n"
        "2025-12-05,Chacalluta,1,1,count,c\n",
    )
    obs = read_observations(p, SITES, start=D(2025, 1, 1), end=D(2025, 12, 4))
    assert [o.line for o in obs.items] == [4]
    assert tuple(map(str, obs.skipped)) == (
        f"{p}:3: dated 2023-05-15, outside 2025-01-01 to 2025-12-04",
        f"{p}:5: dated 2025-12-05, outside 2025-01-01 to 2025-12-04",
    )


def test_site_names_compare_without_accents_case_or_extra_spaces_and_place_ids_are_sites(
    tmp_path: Path,
) -> None:
    decomposed = "LI\u0301NEA  de la\tconcordia"  # combining accent, capitals, odd spaces
    p = write(
        tmp_path,
        HEAD + f'2025-11-30,"{decomposed}",1,2,count,a\n2025-11-30, strip ,3,4,count,b\n'
        "2025-11-30,POST-A,5,6,count,c\n",
    )
    obs = read_observations(p, SITES)
    assert [(o.place, o.site) for o in obs.items] == [
        ("post-a", "POST-A"),
        ("strip", decomposed),
        ("strip", "strip"),
    ]


def test_quoted_newlines_shift_the_lines(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        HEAD + '2025-11-30,Chacalluta,1,1,count,"a\nlong\nnote"\n'
        "2025-11-30,Chacalluta,2,2,count,b\n"
        "2025-11-31,Chacalluta,3,3,count,c\n",
    )
    assert problems(p) == [
        f"{p}:7: #date: got '2025-11-31', expected a date as YYYY-MM-DD that exists"
    ]
    p.write_text(p.read_text().replace("2025-11-31", "2025-11-30"))
    assert [o.line for o in read_observations(p, SITES).items] == [3, 6, 7]


def test_crlf_bom_and_a_title_row_above_the_header(tmp_path: Path) -> None:
    text = "\ufeffCounts at the border\n" + HEAD + "2025-11-30,Chacalluta,4,5,count,a\n"
    p = write(tmp_path, text.replace("\n", "\r\n"))
    assert [(o.line, o.low, o.high) for o in read_observations(p, SITES).items] == [(4, 4.0, 5.0)]


@pytest.mark.parametrize(
    ("tags", "cells", "expected"),
    [
        ("#affected+stranded+min,#affected+stranded+max", "40,60", (40.0, 60.0)),
        ("#affected+stranded", "7", (7.0, 7.0)),
        ("#affected+total", "9", (9.0, 9.0)),
        ("#affected+min", "12", (12.0, None)),
        ("#affected+max", "12", (0.0, 12.0)),
        ("#affected+stranded,#affected+total", "3,50", (3.0, 3.0)),  # stranded wins over people
    ],
)
def test_the_count_columns(tmp_path: Path, tags: str, cells: str, expected: tuple) -> None:
    n = tags.count(",") + 1
    p = write(tmp_path, f"D,S{',N' * n}\n#date,#loc+name,{tags}\n2025-11-30,Chacalluta,{cells}\n")
    (o,) = read_observations(p, SITES).items
    assert (o.low, o.high, o.source) == (*expected, f"{p}:3")


def test_a_dtm_teams_spreadsheet_in_spanish_is_read_as_written(tmp_path: Path) -> None:
    """Excel in a Spanish locale: a BOM, `;` between cells, CRLF, blank lines, a decimal comma
    (10,0) and thousands with a point (1.200), the columns in another order, names with and
    without accents, and several reports of one site on one day, each kept."""
    text = (
        "\ufeffFuente;Máximo;Sitio;Mínimo;Fecha\r\n"
        "#meta+source;#affected+max;#loc+name;#affected+min;#date\r\n"
        "\r\n"
        "DTM ronda 52;80,0;Chacalluta;10,0;2025-11-29\r\n"
        ";;;;\r\n"
        "DTM ronda 52;60;linea de la concordia;40;2025-11-29\r\n"
        "DTM ronda 52;;Línea de la Concordia;100;2025-11-29\r\n"
        "DTM ronda 52;1.500,0;LINEA DE LA CONCORDIA;1.200;2025-11-30\r\n"
    )
    obs = read_observations(write(tmp_path, text), SITES)
    assert [(o.line, o.date, o.place, o.low, o.high, o.source) for o in obs.items] == [
        (4, D(2025, 11, 29), "post-a", 10.0, 80.0, "DTM ronda 52"),
        (6, D(2025, 11, 29), "strip", 40.0, 60.0, "DTM ronda 52"),
        (7, D(2025, 11, 29), "strip", 100.0, None, "DTM ronda 52"),
        (8, D(2025, 11, 30), "strip", 1200.0, 1500.0, "DTM ronda 52"),
    ]
    assert obs.skipped == ()


def test_a_decimal_comma_that_is_no_whole_number_is_refused_as_a_fraction(tmp_path: Path) -> None:
    p = write(tmp_path, "S;D;N\n#loc+name;#date;#affected+stranded\nChacalluta;2025-11-30;12,5\n")
    assert problems(p) == [f"{p}:3: #affected+stranded: got '12,5', expected a whole number"]


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ("10-80", "a range goes in two columns, 10 in a +min column and 80 in a +max column "),
        ("10 a 80", "a range goes in two columns, 10 in a +min column and 80 in a +max column "),
        ("entre 1.000 y 1.500", "a range goes in two columns, 1.000 in a +min column and 1.500 in"),
        ("más de 100", "more than 100 is 100 in a +min column (such as #affected+min) with the "),
        ("Mas de 100", "more than 100 is 100 in a +min column"),
        (">100", "more than 100 is 100 in a +min column"),
        ("100+", "more than 100 is 100 in a +min column"),
        ("hasta 400", "up to 400 is 400 in a +max column (such as #affected+max) with the +min"),
        ("~50", "about 50 is written 50, or as a range in a +min and a +max column"),
        ("aprox. 50", "about 50 is written 50, or as a range in a +min and a +max column"),
    ],
)
def test_a_range_or_an_estimate_in_one_cell_says_where_its_numbers_go(
    tmp_path: Path, cell: str, said: str
) -> None:
    p = write(
        tmp_path, f'D,S,N\n#date,#loc+name,#affected+stranded\n2025-11-30,Chacalluta,"{cell}"\n'
    )
    (problem,) = problems(p)
    assert problem.startswith(f"{p}:3: #affected+stranded: got {cell!r}, expected ")
    assert said in problem


def test_a_range_in_one_cell_is_said_in_spanish_to_a_spanish_reader(tmp_path: Path) -> None:
    p = write(
        tmp_path, "D,S,N\n#date,#loc+name,#affected+stranded\n2025-11-30,Chacalluta,más de 100\n"
    )
    with pytest.raises(InputError) as err:
        read_observations(p, SITES)
    assert err.value.in_language("es") == [
        f"{p}:3: #affected+stranded: se recibió 'más de 100'; se esperaba un solo número: más de "
        "100 es 100 en una columna +min (como #affected+min) con la columna +max vacía"
    ]


def test_words_that_only_look_like_a_range_are_no_number(tmp_path: Path) -> None:
    p = write(tmp_path, "D,S,N\n#date,#loc+name,#affected+stranded\n2025-11-30,Chacalluta,10-x\n")
    assert problems(p) == [
        f"{p}:3: #affected+stranded: got '10-x', expected a number (such as 1200, 1,200 or 1.200)"
    ]


def test_no_kind_column_means_every_row_is_a_count(tmp_path: Path) -> None:
    p = write(tmp_path, "D,S,N\n#date,#loc+name,#affected+stranded\n2025-11-30,Chacalluta,8\n")
    assert [o.low for o in read_observations(p, SITES).items] == [8.0]


def test_the_service_export_one_count_per_report_and_site(tmp_path: Path) -> None:
    """The layout of hito.store.hxl_export.export_csv: one row per group, summed per report."""
    p = write(
        tmp_path,
        (
            "Observed at,Site code,Site name,Country,Nationality,Documented,Sex,Age band,People,Stranded,"
            "Agency,Report,Key,Remark\n"
            "#date,#loc+code,#loc+name,#country+code,#country+origin,#indicator+documented,#indicator+sex,"
            "#indicator+age,#affected+total,#affected+stranded,#org+code,#meta+id,#meta+key,#description+remark\n"
            "2025-11-30T10:00:00Z,strip,Strip,CHL,VEN,no,,,120,100,pdi-arica,1,,\n"
            "2025-11-30T10:00:00Z,strip,Strip,CHL,COL,no,,,30,25,pdi-arica,1,,\n"
            "2025-12-01T02:30:00-03:00,post-a,Post A,CHL,VEN,no,,,10,4,migraciones-tacna,2,k1,late\n"
        ),
    )
    obs = read_observations(p, SITES)
    assert obs.items == (
        Observation(D(2025, 11, 30), "strip", 125.0, 125.0, 3, "strip", "report 1 (pdi-arica)"),
        Observation(
            D(2025, 12, 1), "post-a", 4.0, 4.0, 5, "post-a", "report 2 (migraciones-tacna)"
        ),
    )


# --- the shared record ------------------------------------------------------------------

SHARED_SITES: dict[str, str | None] = {
    "Línea de la Concordia": "concordia-strip",
    "Línea de la Concordia (Peruvian side)": "concordia-strip",
    "Línea de la Concordia / La Yarada-Los Palos": None,
    "Tacna-Arica road (Línea de la Concordia)": "concordia-strip",
    "between Chacalluta and Santa Rosa": "concordia-strip",
    "between the posts": "concordia-strip",
    "camp at Chacalluta": "chacalluta",
    "Chacalluta": "chacalluta",
    "Santa Rosa": "santa-rosa",
    "Tacna border": "santa-rosa",
    "Chile northern macrozone": None,
    "Arica/Tacna": None,
}


def test_the_shared_timeline() -> None:
    path = SHARED / "tacna-arica-timeline.csv"
    window = read_observations(path, SHARED_SITES, start=D(2025, 11, 29), end=D(2025, 12, 3))
    assert len(window.items) == 12
    assert [(o.place, o.low, o.high) for o in window.on(D(2025, 12, 2))] == [
        ("chacalluta", 20.0, 50.0),
        ("concordia-strip", 0.0, 0.0),
        ("concordia-strip", 0.0, 0.0),
    ]
    whole = read_observations(path, SHARED_SITES)
    assert len(whole.items) == 34 - 2 and len(whole.skipped) == 56 - 32
    assert whole.items[0] == Observation(
        D(2023, 4, 13),
        "concordia-strip",
        60.0,
        60.0,
        3,
        "Línea de la Concordia",
        "https://noticieropresenciaregional.blogspot.com/2023/05/migrantes-cumplen-un-mes-de-estar.html",
    )
    up_to = next(o for o in whole.items if o.date == D(2023, 4, 19))
    assert (up_to.place, up_to.low, up_to.high, up_to.line) == ("santa-rosa", 0.0, 400.0, 4)


def test_the_shared_stranded_file() -> None:
    path = SHARED / "tacna-arica-stranded.csv"
    window = read_observations(path, SHARED_SITES, start=D(2025, 11, 29), end=D(2025, 12, 3))
    assert [(o.date, o.place, o.low, o.high, o.line) for o in window.items] == [
        (D(2025, 11, 29), "chacalluta", 40.0, 60.0, 12),
        (D(2025, 11, 30), "chacalluta", 10.0, 10.0, 13),
        (D(2025, 12, 2), "chacalluta", 0.0, 0.0, 15),
        (D(2025, 12, 3), "concordia-strip", 40.0, 50.0, 16),
    ]


# --- bad input: every problem at once, located --------------------------------------------


def test_unknown_site_suggests_a_close_name_and_lists_the_known(tmp_path: Path) -> None:
    p = write(tmp_path, HEAD + "2025-11-30,Chacaluta,1,1,count,a\n")
    assert problems(p) == [
        f"{p}:3: #loc+name: got unknown site 'Chacaluta' (did you mean 'Chacalluta'?), expected "
        "the id, name or alias of a place: post-a, strip"
    ]


@pytest.mark.parametrize("typed", ["franja", "La Franja", "FRANJA"])
def test_an_unknown_site_that_is_a_word_of_one_places_name_suggests_it(
    tmp_path: Path, typed: str
) -> None:
    """What a field team calls the strip, "la franja", is a word of its Spanish title."""
    from hito.scenario.load import load

    p = write(tmp_path, HEAD + f"2025-11-30,{typed},1,1,count,a\n")
    (problem,) = problems(p, load("tacna-arica-2025").observed_sites())
    assert problem.startswith(
        f"{p}:3: #loc+name: got unknown site {typed!r} (did you mean 'Franja entre Chacalluta y "
        "Santa Rosa'?), expected the id, name or alias of a place: "
    )


def test_a_word_two_places_share_as_much_suggests_neither(tmp_path: Path) -> None:
    sites: dict[str, str | None] = {"Tacna border": "strip", "Tacna": "city"}
    p = write(tmp_path, HEAD + "2025-11-30,Tacna centro,1,1,count,a\n")
    assert problems(p, sites) == [
        f"{p}:3: #loc+name: got unknown site 'Tacna centro', expected the id, name or alias of a "
        "place: city, strip"
    ]


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        HEAD
        + (
            "2025-02-30,Chacalluta,1,1,count,a\n"
            "30/11/2025,Chacalluta,1,1,count,a\n"
            "2025-11-30,Chacalluta,50,40,count,a\n"
            "2025-11-30,Chacalluta,about 40,x,count,a\n"
            "2025-11-30,Chacalluta,-3,4,count,a\n"
            "2025-11-30,Chacalluta,nan,4,count,a\n"
            "2025-11-30,,1,1,count,a\n"
        ),
    )
    assert problems(p) == [
        f"{p}:3: #date: got '2025-02-30', expected a date as YYYY-MM-DD that exists",
        f"{p}:4: #date: got '30/11/2025', expected a date as YYYY-MM-DD (2025-11-30, if it is day/month/year)",
        f"{p}:5: #affected+min: got 50 above #affected+max 40, expected a low no higher than the high",
        f"{p}:6: #affected+min: got 'about 40', expected a number: about 40 is written 40, or as "
        "a range in a +min and a +max column",
        f"{p}:6: #affected+max: got 'x', expected a number (such as 1200, 1,200 or 1.200)",
        f"{p}:7: #affected+min: got '-3', expected a count of 0 or more",
        f"{p}:8: #affected+min: got 'nan', expected a finite number",
        f"{p}:9: #loc+name: got an empty site, expected a site name",
    ]


def test_missing_hashtags_are_named(tmp_path: Path) -> None:
    p = write(
        tmp_path, "Day,Where,What\n#date+reported,#loc+name,#description\n2025-11-30,Chacalluta,x\n"
    )
    (line,) = problems(p)
    assert line.startswith(
        f"{p}:2: hashtags: got #date+reported, #loc+name, #description, missing #date; "
        "a count: #affected+min/+max, #affected+stranded or #affected+total (expected #date;"
    )


def test_the_hashtags_expected_are_said_in_spanish_to_a_spanish_reader(tmp_path: Path) -> None:
    p = write(tmp_path, "Date,Site,People\n#date,#loc,#affected\n2025-11-30,Chacalluta,3\n")
    with pytest.raises(InputError) as err:
        read_observations(p, SITES)
    assert err.value.in_language("es") == [
        f"{p}:2: etiquetas: se recibió #date, #loc, #affected; faltan #loc+name o #loc+code; "
        "un conteo: #affected+min/+max, #affected+stranded o #affected+total (se esperaba "
        "#date; #loc+name o #loc+code; #affected+min o #affected+max, o ambas (o "
        "#affected+stranded+min/+max, o una sola #affected+stranded o #affected+total))"
    ]


def test_one_missing_hashtag_is_named_after_a_title_row(tmp_path: Path) -> None:
    p = write(tmp_path, "Counts\nDay,Where,N\n#date+reported,#loc+name,#affected+total\n")
    (line,) = problems(p)
    assert line.startswith(
        f"{p}:3: hashtags: got #date+reported, #loc+name, #affected+total, missing #date ("
    )


def test_no_hashtag_row(tmp_path: Path) -> None:
    p = write(tmp_path, "Date,Site,Low\n2025-11-30,Chacalluta,1\n")
    (line,) = problems(p)
    assert line.startswith(
        f"{p}: no HXL hashtag row in the first 25 rows, expected a row of hashtags"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ": the file is empty, expected an HXL CSV file"),
        (b"  \n\n", ": the file is empty, expected an HXL CSV file"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", ": binary content, expected a CSV file in UTF-8"),
        (
            b"Date,Site\n\xff\xfe#date",
            ":2: byte 10 is not UTF-8 text; expected a CSV file in UTF-8",
        ),
        (b'{"date": "2025-11-30", "site": "x"}', ": no HXL hashtag row in the first 25 rows"),
    ],
)
def test_empty_and_non_csv_files(tmp_path: Path, content: bytes, expected: str) -> None:
    p = tmp_path / "obs.csv"
    p.write_bytes(content)
    (line,) = problems(p)
    assert line.startswith(f"{p}{expected}")


def test_a_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "nope.csv"
    assert problems(p) == [f"{p}: cannot read the file (no such file), expected a CSV file"]


# --- broken files generated at random -----------------------------------------------------

GOOD_ROW = "2025-11-{day:02d},{site},{low},{high},count,src{i}\n"
BREAKS = {
    "bad date": (
        0,
        "#date",
        "2025-13-01",
        "got '2025-13-01', expected a date as YYYY-MM-DD that exists",
    ),
    "non-number": (3, "#affected+max", "forty", "got 'forty', expected a number"),
    "low above high": (2, "#affected+min", "999", "got 999 above #affected+max"),
    "unknown site": (1, "#loc+name", "Atlantis", "got unknown site 'Atlantis'"),
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(1, 30),
            st.sampled_from(["Chacalluta", "Línea de la Concordia"]),
            st.integers(0, 200),
            st.integers(0, 200),
            st.booleans(),
        ),
        min_size=1,
        max_size=15,
    ),
    at=st.integers(0, 14),
    attack=st.sampled_from(sorted(BREAKS)),
)
def test_a_broken_row_anywhere_is_named_by_line_and_column(
    tmp_path: Path, rows: list, at: int, attack: str
) -> None:
    lines = []
    for i, (day, site, a, b, multiline) in enumerate(rows):
        row = GOOD_ROW.format(day=day, site=site, low=min(a, b), high=max(a, b), i=i)
        if multiline:  # a quoted cell spanning two lines shifts every later line
            row = row.replace(f"src{i}", f'"src{i}\nsecond line"')
        lines.append(row)
    at = at % len(lines)
    column, tag, value, message = BREAKS[attack]
    cells = lines[at].split(",", 5)
    cells[column] = value
    lines[at] = ",".join(cells)
    file_line = 3 + sum(row.count("\n") for row in lines[:at])
    p = write(tmp_path, HEAD + "".join(lines), name=f"broken-{attack.replace(' ', '-')}.csv")
    (problem,) = problems(p)
    assert problem.startswith(f"{p}:{file_line}: {tag}: {message}")


def test_a_site_code_is_used_first_and_the_name_when_the_code_is_blank(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "D,C,S,N\n#date,#loc+code,#loc+name,#affected+stranded\n"
        "2025-11-30,post-a,Línea de la Concordia,1\n2025-11-30,,Línea de la Concordia,2\n"
        "2025-11-30,,,3\n",
    )
    assert problems(p) == [f"{p}:5: #loc+code: got an empty site, expected a site name"]
    p.write_text(p.read_text().replace(",,,3\n", ""))
    assert [(o.place, o.low) for o in read_observations(p, SITES).items] == [
        ("post-a", 1.0),
        ("strip", 2.0),
    ]


def test_a_map_giving_one_name_two_places_is_refused(tmp_path: Path) -> None:
    p = write(tmp_path, HEAD)
    with pytest.raises(
        ValueError, match="site 'chacalluta ' is mapped to both 'post-a' and 'strip'"
    ):
        read_observations(p, {"Chacalluta": "post-a", "chacalluta ": "strip"})


def test_a_header_with_no_rows_has_no_observations(tmp_path: Path) -> None:
    assert read_observations(write(tmp_path, HEAD), SITES) == Observations((), ())


def test_a_record_may_name_a_place_by_its_spanish_or_english_title(tmp_path: Path) -> None:
    from hito.scenario.load import load

    sites = load("tacna-arica-2025").observed_sites()
    p = write(
        tmp_path,
        HEAD
        + "2025-12-10,Franja entre Chacalluta y Santa Rosa,30,30,count,a\n"
        + "2025-12-10,complejo fronterizo chacalluta,12,12,count,b\n"
        + "2025-12-11,Strip between Chacalluta and Santa Rosa,20,20,count,c\n",
    )
    obs = read_observations(p, sites)
    assert [(o.date, o.place, o.low) for o in obs.items] == [
        (D(2025, 12, 10), "chacalluta", 12.0),
        (D(2025, 12, 10), "concordia-strip", 30.0),
        (D(2025, 12, 11), "concordia-strip", 20.0),
    ]


def test_a_site_typed_without_accents_is_the_site_with_them(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        HEAD + "2025-11-30,Linea de la Concordia,10,10,count,a\n"
        "2025-11-30,LÍNEA DE LA CONCORDIA,15,15,count,b\n",
    )
    obs = read_observations(p, SITES)
    assert [(o.place, o.low) for o in obs.items] == [("strip", 10.0), ("strip", 15.0)]


def test_punctuation_still_tells_two_sites_apart(tmp_path: Path) -> None:
    # 2023's record calls the camp at the line "Santa Rosa"; the complex's id is "santa-rosa"
    p = write(
        tmp_path, HEAD + "2025-11-30,Santa-Rosa,10,10,count,a\n2025-11-30,santa rosa,5,5,count,b\n"
    )
    obs = read_observations(p, {"Santa Rosa": "strip", "santa-rosa": "post-b"})
    assert [(o.place, o.low) for o in obs.items] == [("post-b", 10.0), ("strip", 5.0)]


def test_the_2025_record_s_santa_rosa_is_the_peruvian_complex(tmp_path: Path) -> None:
    from hito.scenario.load import load

    p = write(tmp_path, HEAD + "2025-12-04,Santa Rosa,12,12,count,a\n")
    obs = read_observations(p, load("tacna-arica-2025").observed_sites())
    assert [(o.place, o.low) for o in obs.items] == [("santa-rosa", 12.0)]


def test_a_flood_of_bad_rows_stops_at_the_most_problems_said_at_once(tmp_path: Path) -> None:
    """A wrong file of 50,000 bad rows said 100,000 lines and took most of a minute."""
    from hito.hxl_cells import MOST_PROBLEMS

    rows = "".join(f"2025-11-30,Nowhere {i},x,1,count,a\n" for i in range(5000))
    p = write(tmp_path, HEAD + rows)
    said = problems(p)
    assert len(said) == MOST_PROBLEMS + 1
    assert said[-1] == (
        f"{p}:52: reading stopped here after 100 problems, the most said at once (fix these, and "
        "reading again says the rest)"
    )


def test_a_status_the_export_does_not_write_is_refused(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "D,S,N,St\n#date,#loc+name,#affected+stranded,#status\n2025-11-30,Chacalluta,8,anulado\n",
    )
    assert problems(p) == [
        f"{p}:3: #status: got 'anulado', expected current, corrected or withdrawn (as the "
        "service's export writes them) or an empty cell"
    ]


def test_a_count_dated_after_tomorrow_is_a_day_still_to_come(tmp_path: Path) -> None:
    """A year typed 2052 for 2025 was left out as outside the scenario, exit 0; tomorrow stays
    (Arica's clock is ahead of Tacna's, the machine's may be either)."""
    p = write(
        tmp_path,
        HEAD + "2025-12-02,Chacalluta,5,5,count,a\n2025-12-03,Chacalluta,6,6,count,b\n"
        "2052-12-01,Chacalluta,7,7,count,c\n",
    )
    with pytest.raises(InputError) as err:
        read_observations(p, SITES, today=D(2025, 12, 1))
    assert err.value.problems == [
        f"{p}:4: #date: got 2025-12-03, a day still to come; expected the day of the count, "
        "2025-12-02 at the latest",
        f"{p}:5: #date: got 2052-12-01, a day still to come; expected the day of the count, "
        "2025-12-02 at the latest",
    ]
    assert [o.low for o in read_observations(p, SITES, today=D(2052, 12, 1)).items] == [5, 6, 7]


# --- a time written on another clock than its site's -----------------------------------

OFFSET_HEAD = "Date,Site,People\n#date,#loc+name,#affected+stranded\n"


def test_a_time_with_its_offset_counts_on_its_sites_day(tmp_path: Path) -> None:
    """22:00 in Lima on 1 December is 00:00 on 2 December in Chile: a count written so in
    Peru, of the strip (in Chile), is of the 2nd, as the service dates such a report; of Santa
    Rosa (in Peru) it is of the 1st. A time on the site's own clock keeps its date."""
    p = write(
        tmp_path,
        OFFSET_HEAD
        + "2025-12-01T22:00-05:00,Línea de la Concordia,300\n"  # 3: Chile's 2 Dec, 00:00
        + "2025-12-01T22:00-05:00,Santa Rosa,40\n"  # 4: Peru's own clock
        + "2025-12-01T23:30-03:00,Línea de la Concordia,310\n"  # 5: Chile's own clock
        + "2025-12-02T02:00Z,Santa Rosa,41\n",  # 6: UTC: 1 Dec, 21:00 in Peru
    )
    sites = {"Línea de la Concordia": "strip", "Santa Rosa": "santa-rosa"}
    countries = {"strip": "CHL", "santa-rosa": "PER"}
    days = {(o.line, o.date) for o in read_observations(p, sites, countries=countries).items}
    assert days == {
        (3, D(2025, 12, 2)),
        (4, D(2025, 12, 1)),
        (5, D(2025, 12, 1)),
        (6, D(2025, 12, 1)),
    }


def test_hitos_field_counts_date_a_peruvian_writers_time_at_a_chilean_site_by_chile(
    tmp_path: Path,
) -> None:
    """`hito calibrate --observations` reads the scenario's places' countries."""
    from hito.cli.field_counts import read_counts
    from hito.scenario.load import load

    p = write(tmp_path, OFFSET_HEAD + "2025-12-01T22:00-05:00,concordia-strip,300\n")
    (ob,) = read_counts(str(p), load("tacna-arica-2025")).items
    assert (ob.place, ob.date) == ("concordia-strip", D(2025, 12, 2))
