"""The cohort ruleset's draws: route bounds counted (``_cumulate``, ``_pick``), ``_unif`` / ``_xo``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hito.flee.cohortdraws import _cumulate, _pick, _unif, _xo


def _draw(weights: list[float], width: int, u: float) -> int:
    """The path a uniform draw ``u`` in [0, 1) picks among ``weights``, in a row ``width`` wide."""
    row = np.full(width, -1.0)
    row[: len(weights)] = weights
    scale = _cumulate(row, len(weights), width, float(sum(weights)))
    return int(_pick(row, width, u * scale))


def test_bounds_are_cumulative_and_infinite_from_the_last_positive_weight() -> None:
    row = np.array([3.0, 0.0, 2.0, 0.0, -1.0])
    scale = _cumulate(row, 4, 5, 5.0)
    assert scale == 5.0
    assert row.tolist() == [3.0, 3.0, math.inf, math.inf, math.inf]


def test_each_path_is_picked_over_its_share_of_the_draws() -> None:
    weights = [3.0, 0.0, 2.0]
    assert [_draw(weights, 4, u) for u in (0.0, 0.59, 0.6, 0.99)] == [0, 0, 2, 2]


def test_a_path_of_weight_zero_is_never_picked_even_at_the_edges() -> None:
    assert _draw([0.0, 5.0, 0.0], 3, 0.0) == 1
    assert _draw([0.0, 5.0, 0.0], 3, 0.999999) == 1
    assert _draw([2.0, 0.0, 0.0], 8, 0.999999) == 0


def test_every_weight_zero_gives_equal_chances() -> None:
    assert [_draw([0.0, 0.0, 0.0], 5, u) for u in (0.0, 0.34, 0.67, 0.99)] == [0, 1, 2, 2]


@given(
    st.lists(st.floats(0.0, 100.0), min_size=1, max_size=6),
    st.floats(0.0, 1.0, exclude_max=True),
    st.integers(0, 3),
)
def test_the_pick_is_a_path_and_has_a_positive_weight_when_any_has(
    weights: list[float], u: float, pad: int
) -> None:
    got = _draw(weights, len(weights) + pad, u)
    assert 0 <= got < len(weights)
    if sum(weights) > 0.0:
        assert weights[got] > 0.0


@pytest.mark.parametrize("u", [0.1, 0.5, 0.9])
def test_the_pick_is_the_first_path_whose_cumulative_weight_exceeds_the_draw(u: float) -> None:
    weights = [1.0, 2.0, 3.0, 4.0]
    cum = np.cumsum(weights)
    expect = int(np.searchsorted(cum, u * cum[-1], side="right"))
    assert _draw(weights, 6, u) == expect


def test_draws_on_words_in_locals_are_the_draws_on_the_array() -> None:
    words = np.array([1, 2**63 + 5, 12345, 2**40], np.uint64)
    held = [int(w) for w in words]
    for _ in range(5):
        u, *rest = _xo(*[np.uint64(w) for w in held])
        held = [int(w) for w in rest]
        assert _unif(words) == u
        assert [int(w) for w in words] == held
