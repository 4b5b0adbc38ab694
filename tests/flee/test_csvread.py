"""Flee's CSV reading: a series' value on each day, as Flee 3.1 interpolates it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hito.flee.csvread import parse_date, values


def _flee_scan(table: np.ndarray, days: int) -> list[int]:
    """Flee 3.1's ``get_interpolated_data`` read literally: day by day, rows in file order."""
    d, v = table[:, 0], table[:, 1]
    out = []
    for t in range(days):
        if t <= d[0]:
            out.append(int(v[0]))
            continue
        for i in range(1, len(d)):
            if d[i] > t:
                frac = (t - d[i - 1]) / (d[i] - d[i - 1])
                out.append(int(v[i - 1] + frac * (v[i] - v[i - 1])))
                break
        else:
            out.append(int(v[-1]))
    return out


rows = st.lists(
    st.tuples(
        st.integers(-5, 60),
        st.floats(-1e6, 1e6, allow_nan=False) | st.integers(0, 5000).map(float),
    ),
    min_size=1,
    max_size=12,
)


@given(rows, st.integers(0, 80))
def test_each_day_is_flees_value_with_dates_in_any_order(points, days):
    table = np.array(points, dtype=float).reshape(len(points), 2)
    assert values(table, days).tolist() == _flee_scan(table, days)


def test_dates_out_of_order_give_the_first_later_row_in_file_order():
    # day 5 to 20 climbs; a row dated day 10 written after day 20 is never the later row
    table = np.array([[0, 0], [5, 50], [20, 200], [10, 999]], dtype=float)
    got = values(table, 22)
    assert got[:6].tolist() == [0, 10, 20, 30, 40, 50]
    assert got[12] == 50 + int(7 / 15 * 150)
    assert got[20:].tolist() == [999, 999]


def _strptime(cell: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(cell.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


@given(
    st.from_regex(r"\A ?[0-9]{1,5}-[0-9]{1,3}-[ 0-9]{1,3} ?\Z")
    | st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
    | st.text(max_size=12)
)
def test_a_date_is_read_as_strptime_reads_it(cell):
    assert parse_date(cell) == _strptime(cell)


@pytest.mark.parametrize(
    "cell", ["2015-02-30", "2015-00-10", "2015-13-01", "0000-01-01", "2015-1-5", "2015-05- 1"]
)
def test_dates_python_refuses_or_reads_unpadded_stay_so(cell):
    assert parse_date(cell) == _strptime(cell)
