"""The cohort ruleset's recent travel on its grid (cohortstate._cell, cohorts._dawn): tiny exact cases."""

from __future__ import annotations

import numpy as np
import pytest

from hito.flee.cohorts import _dawn
from hito.flee.cohortstate import R_CELLS, _cell


def _pend(recent: list[float], arrived_today: list[int]) -> tuple:
    n = len(recent)
    p_int = np.zeros((n, 4), np.int64)
    p_int[:, 3] = arrived_today
    return p_int, np.array(recent), np.zeros((n, 2), np.int64), np.ones(n, np.int64), np.array([n])


def _rng() -> tuple:
    return np.random.default_rng(3), np.array([1, 2, 3, 4], np.uint64)


@pytest.mark.parametrize(
    ("r", "cell"),
    [(0.0, 0), (0.12, 0), (0.13, 1), (0.37, 1), (0.375, 2), (0.5, 2), (0.99, 4), (1.9, 8)],
)
def test_recent_travel_goes_to_the_nearest_quarter(r: float, cell: int) -> None:
    assert _cell(r, R_CELLS) == cell


def test_recent_travel_off_the_grid_goes_to_its_ends_and_one_cell_is_always_0() -> None:
    assert _cell(-0.3, R_CELLS) == 0
    assert _cell(5.0, R_CELLS) == R_CELLS - 1
    assert _cell(0.8, 1) == 0


def test_a_day_of_rest_halves_recent_travel_then_yesterdays_arrivals_join() -> None:
    pool = np.zeros((1, 2, R_CELLS), np.int64)
    arr = np.zeros_like(pool)
    pool[0, 0, 4] = 10  # recent 1: to 1/2 exactly
    pool[0, 1, 2] = 7  # 1/2: to 1/4 exactly
    pool[0, 0, 8] = 3  # 2: to 1
    arr[0, 0, 3] = 5  # arrived yesterday: kept as it is
    _dawn(_rng(), pool, arr, _pend([], []), R_CELLS)
    want = np.zeros_like(pool)
    want[0, 0, 2], want[0, 1, 1], want[0, 0, 4], want[0, 0, 3] = 10, 7, 3, 5
    assert (pool == want).all()
    assert not arr.any()


def test_half_a_quarter_is_split_between_its_neighbours_and_nobody_is_lost() -> None:
    pool = np.zeros((1, 2, R_CELLS), np.int64)
    pool[0, 0, 1] = 40  # recent 1/4: half of it, 1/8, is between cells 0 and 1
    pool[0, 0, 3] = 40  # 3/4: 3/8 is between cells 1 and 2
    _dawn(_rng(), pool, np.zeros_like(pool), _pend([], []), R_CELLS)
    assert pool[0, 0, 0] + pool[0, 0, 1] + pool[0, 0, 2] == 80
    assert pool[0, 0, 0] > 0 and pool[0, 0, 2] > 0
    assert pool[0, 0, 3:].sum() == 0 and pool[0, 1].sum() == 0


def test_pending_cohorts_halve_except_those_that_arrived_today() -> None:
    pend = _pend([0.75, 0.75], [0, 1])
    pool = np.zeros((1, 2, R_CELLS), np.int64)
    _dawn(_rng(), pool, np.zeros_like(pool), pend, R_CELLS)
    assert list(pend[1]) == [0.375, 0.75]
    assert list(pend[0][:, 3]) == [0, 0]
