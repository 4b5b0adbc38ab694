"""Histograms merge exactly in any order; quantiles match np.quantile on small counts."""

from __future__ import annotations

import numpy as np
import pytest

from hito.ensemble.reduce import (
    LEVELS,
    ChunkResult,
    Histogram,
    Layout,
    Reducer,
    bucket,
    representative,
)

Q = list(LEVELS.values())


def test_buckets_are_exact_below_512_and_within_a_fifth_of_a_percent_above():
    v = np.arange(0, 200_000)
    b = bucket(v)
    assert np.array_equal(b[:512], v[:512])
    assert (np.diff(b) >= 0).all()
    rel = np.abs(representative(b) - v)[1:] / v[1:]
    assert rel.max() <= 0.002


@pytest.mark.parametrize("n", [1, 2, 5, 40])
def test_quantiles_of_a_histogram_equal_numpy_quantiles_for_small_counts(n):
    rng = np.random.default_rng(n)
    v = rng.integers(0, 500, (n, 64)) * (rng.random((n, 64)) < 0.5)
    got = Histogram.of(v).quantiles(n, 64, Q)
    assert np.array_equal(got, np.quantile(v.astype(float), Q, axis=0))


def test_merging_in_any_split_and_order_gives_identical_quantiles():
    rng = np.random.default_rng(0)
    v = rng.integers(0, 50_000, (60, 30)) * (rng.random((60, 30)) < 0.7)
    whole = Histogram.of(v)
    parts = [Histogram.of(v[a:b]) for a, b in ((0, 7), (7, 30), (30, 31), (31, 60))]
    merged = Histogram.merge(parts[::-1])
    assert np.array_equal(merged.keys, whole.keys)
    assert np.array_equal(merged.counts, whole.counts)
    assert np.array_equal(merged.quantiles(60, 30, Q), whole.quantiles(60, 30, Q))


def _chunk(runs, values):
    return ChunkResult(np.array(runs), Histogram.of(values), {"x": values[:, 0]}, {})


def test_the_reducer_gives_the_same_answer_whatever_order_chunks_arrive_in():
    layout = Layout(days=1, places=1, groups=1)  # 8 + 8 + 8 cells
    rng = np.random.default_rng(5)
    v = rng.integers(0, 2000, (30, layout.cells))
    chunks = [_chunk(range(a, a + 6), v[a : a + 6]) for a in range(0, 30, 6)]
    answers = []
    for order in ([0, 1, 2, 3, 4], [4, 2, 0, 3, 1]):
        red = Reducer(range(30), layout, blocks=3)
        for i in order:
            red.add(chunks[i])
        assert red.missing() == []
        answers.append((red.quantiles(Q), red.scalars["x"]))
    assert np.array_equal(answers[0][0], answers[1][0])
    assert np.array_equal(answers[0][1], v[:, 0])
    assert np.array_equal(answers[1][1], v[:, 0])


def test_the_reducer_names_missing_runs_and_refuses_a_run_twice():
    layout = Layout(days=1, places=1, groups=1)
    v = np.ones((4, layout.cells), dtype=np.int64)
    red = Reducer(range(10), layout)
    red.add(_chunk([2, 3, 4, 5], v))
    assert red.missing() == [0, 1, 6, 7, 8, 9]
    with pytest.raises(ValueError, match=r"runs \[2, 3, 4, 5\] were reduced twice"):
        red.add(_chunk([2, 3, 4, 5], v))
