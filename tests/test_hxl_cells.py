"""A field count's cells read once (hito.hxl_cells), the same for `calibrate` and `plans check`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hito.errors import InputError
from hito.forecast import hxl_counts
from hito.hxl_cells import parse_count, parse_date
from hito.plans import observed

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

# one layout both readers take: a site, a date and a stranded count as a low-high range
HEAD = (
    "Date,Site,Low,High,Note\n"
    "#date,#loc+name,#affected+stranded+min,#affected+stranded+max,#description\n"
)
SITES: dict[str, str | None] = {"strip": "strip", "post": "post"}


def write(tmp_path: Path, text: str, name: str = "obs.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8", newline="")
    return p


def forecast_problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        hxl_counts.read_observations(path, SITES)
    return err.value.problems


def plans_problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        observed.read_observations(path)
    return err.value.problems


READERS = {"calibrate": forecast_problems, "plans check": plans_problems}


# --- one cell -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("", None),
        ("0", 0.0),
        ("-0", 0.0),
        ("1200", 1200.0),
        ("1,200", 1200.0),  # thousands as English writes them
        ("1.200", 1200.0),  # and as Spanish does
        ("1 200", 1200.0),
        ("1\u00a0200", 1200.0),  # a no-break space, as a spreadsheet in Spanish writes it
        ("1\u202f200", 1200.0),
        ("1,234,567", 1234567.0),
        ("1.234.567", 1234567.0),
        ("60.0", 60.0),  # a whole number as a spreadsheet saves one
        ("60,0", 60.0),  # and as one in Spanish does, with a decimal comma
        ("60,00", 60.0),
        ("1.200,0", 1200.0),
        ("007", 7.0),
    ],
)
def test_a_count_with_or_without_thousands_marks(text: str, value: float | None) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("12.5", "whole"),
        ("0.500", "whole"),  # no thousands group starts with 0
        ("12,5", "whole"),  # a decimal comma: a fraction, not a count either
        ("1,20", "whole"),
        ("1.200,5", "whole"),
        ("1,2000", "number"),  # neither a decimal comma nor thousands
        ("1,200,5", "number"),
        ("1,200.000", "number"),  # two marks
        ("1,200 300", "number"),
        ("about 40", "number"),
        ("40+", "number"),
        ("-3", "negative"),
        ("-1,200", "negative"),
        ("-0.5", "negative"),
        ("nan", "finite"),
        ("inf", "finite"),
        ("1e3", "number"),  # float() reads these three; a count is written in digits
        ("1_000", "number"),
        ("+5", "number"),
    ],
)
def test_what_is_no_count_is_named_by_what_is_wrong(text: str, wrong: str) -> None:
    assert parse_count(text) == wrong


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2025-11-30", dt.date(2025, 11, 30)),
        ("2025-11-30T10:00:00Z", dt.date(2025, 11, 30)),
        ("2025-12-01T02:30:00-03:00", dt.date(2025, 12, 1)),  # 05:30 UTC
        # the service's export: the site's clock; 01:30 UTC on 1 December, 30 November in Arica
        ("2025-11-30T22:30:00-03:00", dt.date(2025, 11, 30)),
        ("2025-12-01T20:00:00-05:00", dt.date(2025, 12, 1)),  # 20:00 in Tacna, 01:00 UTC on the 2nd
        ("2025-11-30 08:00", dt.date(2025, 11, 30)),
        ("20251130", None),
        ("30/11/2025", None),
        ("2025-11-31", None),
        ("2025-W48-7", None),
        ("", None),
    ],
)
def test_a_date_is_a_day_or_the_day_a_time_is_written_on(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


# --- both readers read a cell alike -------------------------------------------------------


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize(
    ("row", "said"),
    [
        (
            "2025-11-30,strip,forty,50,x",
            "#affected+stranded+min: got 'forty', expected a number (such as 1200, 1,200 or 1.200)",
        ),
        (
            "2025-11-30,strip,12.5,50,x",
            "#affected+stranded+min: got '12.5', expected a whole number",
        ),
        (
            "2025-11-30,strip,-3,50,x",
            "#affected+stranded+min: got '-3', expected a count of 0 or more",
        ),
        (
            "2025-11-30,strip,nan,50,x",
            "#affected+stranded+min: got 'nan', expected a finite number",
        ),
        (
            '2025-11-30,strip,"1,500",900,x',
            "#affected+stranded+min: got 1500 above #affected+stranded+max 900, expected a low no "
            "higher than the high",
        ),
        (
            "30/11/2025,strip,1,2,x",
            "#date: got '30/11/2025', expected a date as YYYY-MM-DD (2025-11-30, if it is day/month/year)",
        ),
        ("2025-11-30,,1,2,x", "#loc+name: got an empty site, expected a site name"),
    ],
)
def test_a_bad_cell_is_said_the_same_by_both_readers(
    tmp_path: Path, reader: str, row: str, said: str
) -> None:
    p = write(tmp_path, HEAD + "2025-11-29,strip,1,2,x\n" + row + "\n")
    assert READERS[reader](p) == [f"{p}:4: {said}"]


def test_both_readers_read_the_same_counts_and_open_ranges(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        HEAD
        + '2025-11-29,strip,"1,200",1.500,x\n'  # 3: thousands marked two ways
        + "2025-11-29,post,100,,more than 100\n"  # 4
        + "2025-11-30,post,,400,up to 400\n"  # 5
        + "2025-11-30,strip,,,no count\n",  # 6: left out
    )
    plans = [(o.row, o.low, o.high) for o in observed.read_observations(p)]
    assert plans == [(3, 1200.0, 1500.0), (4, 100.0, None), (5, None, 400.0)]
    forecast = hxl_counts.read_observations(p, SITES)
    # the forecast's own meaning of an open low: 0 ("up to 400" is 0 to 400)
    assert sorted((o.line, o.low, o.high) for o in forecast.items) == [
        (3, 1200.0, 1500.0),
        (4, 100.0, None),
        (5, 0.0, 400.0),
    ]


DTM = (
    "Date,Site,Women,Men,Total\n"
    "#date,#loc+name,#affected+stranded+f+adult,#affected+stranded+m+adult,#affected+stranded\n"
)


@pytest.mark.parametrize("reader", ["calibrate", "plans check"])
def test_a_dtm_file_is_read_by_its_total_not_by_the_first_part_of_it(
    tmp_path: Path, reader: str
) -> None:
    p = write(tmp_path, DTM + "2025-11-30,strip,20,35,70\n")
    if reader == "calibrate":
        lows = [o.low for o in hxl_counts.read_observations(p, SITES).items]
    else:
        lows = [o.low for o in observed.read_observations(p)]
    assert lows == [70.0]  # libhxl's tag pattern #affected+stranded took the 20 women


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_file_with_only_the_parts_of_a_count_is_refused_naming_its_hashtags(
    tmp_path: Path, reader: str
) -> None:
    p = write(
        tmp_path,
        "Date,Site,Women,Men\n#date,#loc+name,#affected+stranded+f+adult,#affected+stranded+m+adult\n"
        "2025-11-30,strip,20,35\n",
    )
    (said,) = READERS[reader](p)
    assert said.startswith(
        f"{p}:2: hashtags: got #date, #loc+name, #affected+stranded+f+adult, "
        "#affected+stranded+m+adult, missing a count: "
    )


# --- broken files generated at random, read by either reader -------------------------------

BREAKS = {  # column, the cell written, what is said after FILE:LINE:
    "bad date": (
        0,
        "2025-13-01",
        "#date: got '2025-13-01', expected a date as YYYY-MM-DD that exists",
    ),
    "non-number": (3, "forty", "#affected+stranded+max: got 'forty', expected a number"),
    "fraction": (2, "2.5", "#affected+stranded+min: got '2.5', expected a whole number"),
    "negative": (2, "-7", "#affected+stranded+min: got '-7', expected a count of 0 or more"),
    "low above high": (2, '"9,999"', "#affected+stranded+min: got 9999 above"),
    "empty site": (1, "", "#loc+name: got an empty site, expected a site name"),
}


def _number(n: int, mark: str) -> str:
    """n written with its thousands marked as the file's writer does (quoted when it holds a comma)."""
    text = f"{n:,}".replace(",", mark)
    return f'"{text}"' if "," in text else text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(1, 30),
            st.sampled_from(["strip", "post"]),
            st.integers(0, 5000),
            st.integers(0, 5000),
            st.sampled_from(["", ",", ".", " "]),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    ),
    at=st.integers(0, 11),
    attack=st.sampled_from(sorted(BREAKS)),
    reader=st.sampled_from(sorted(READERS)),
)
def test_a_broken_row_anywhere_is_named_by_line_and_column_by_either_reader(
    tmp_path: Path, rows: list, at: int, attack: str, reader: str
) -> None:
    lines = []
    for i, (day, site, a, b, mark, multiline) in enumerate(rows):
        low, high = _number(min(a, b), mark), _number(max(a, b), mark)
        note = f'"note {i}\nsecond line"' if multiline else f"note {i}"  # shifts later lines
        lines.append([f"2025-11-{day:02d}", site, low, high, note])
    at = at % len(lines)
    column, value, said = BREAKS[attack]
    lines[at][column] = value
    text = HEAD + "".join(",".join(cells) + "\n" for cells in lines)
    file_line = 3 + at + sum("\n" in cells[4] for cells in lines[:at])
    p = write(tmp_path, text, name=f"broken-{attack.replace(' ', '-')}.csv")
    (problem,) = READERS[reader](p)
    assert problem.startswith(f"{p}:{file_line}: {said}"), text


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("30/11/2025", "2025-11-30"),
        ("1/2/2025", "2025-02-01"),
        ("30.11.2025", "2025-11-30"),
        (" 30-11-2025 ", "2025-11-30"),
        ("31/02/2025", None),
        ("11/30/2025", None),  # month/day: no 30th month, so no guess
        ("2025/11/30", None),
        ("30/11/25", None),
    ],
)
def test_a_spreadsheets_day_month_year_is_given_back_in_iso(text: str, iso: str | None) -> None:
    from hito.hxl_cells import day_month_year

    assert day_month_year(text) == iso
