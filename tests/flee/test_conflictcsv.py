"""conflicts.csv rows with fewer cells than the header, as Flee 3.1 reads them."""

from __future__ import annotations

import pytest

from flee_helpers import make_case
from hito.errors import InputError
from hito.flee.case import read_case
from hito.flee.compile import compile_flee


def _conflicts(root, rows):
    (root / "input_csv" / "conflicts.csv").write_text("\n".join(["#Day,A,B,C,D", *rows]) + "\n")


def _days(n, short_at=None):
    # A in conflict throughout, B from day 5; the row of day short_at gives only A's cell
    return [f"{t},1" if t == short_at else f"{t},1,{1 if t >= 5 else 0},0,0" for t in range(n)]


@pytest.mark.usefixtures("english_reader")
def test_a_short_row_moves_the_later_values_of_its_missing_columns_up_a_day(tmp_path):
    root = make_case(tmp_path / "case")  # a 20-day period
    _conflicts(root, _days(22, short_at=2))
    case = read_case(root)
    assert list(map(str, case.warnings)) == [
        "case/input_csv/conflicts.csv:4: warning: rows with fewer cells than the header (lines "
        "4): Flee 3.1 gives each column its values in order, so the later values of B, C, D "
        "move up a day for each missing cell, and so does hito"
    ]
    assert case.flee.conflict_days == 21  # B, C and D have 21 values
    c = compile_flee(case)
    b = [c.conflict_names.index(c.names.index(x)) for x in "AB"]
    # B's value of day 5 is its fifth value: it starts on day 4, A is untouched
    assert c.conflict_values[:7, b[1]].tolist() == [0, 0, 0, 0, 1, 1, 1]
    assert c.conflict_values[:, b[0]].tolist() == [1.0] * 21
    even = make_case(tmp_path / "even")
    _conflicts(even, _days(22))
    assert compile_flee(read_case(even)).conflict_values[:7, b[1]].tolist() == [0] * 5 + [1] * 2


@pytest.mark.usefixtures("english_reader")
def test_a_short_row_leaving_a_column_short_of_the_period_is_refused_as_flee_fails(tmp_path):
    root = make_case(tmp_path / "case")
    _conflicts(root, _days(20, short_at=2))
    with pytest.raises(InputError) as err:
        read_case(root)
    assert err.value.problems == [
        "case/input_csv/conflicts.csv:4: rows with fewer cells than the header (lines 4) leave "
        "columns B, C, D fewer values than the period's 20 days, expected a value for every day "
        "in each column: Flee 3.1 gives each column its values in order and stops on day 19 "
        "(IndexError)"
    ]
