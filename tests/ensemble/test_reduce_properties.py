"""Properties of the reduction: any split of the runs, in any order, gives the same quantiles."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hito.ensemble.reduce import LEVELS, ChunkResult, Histogram, Layout, Reducer

Q = list(LEVELS.values())
SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def runs_and_split(draw: st.DrawFn, cells: int) -> tuple[np.ndarray, list[list[int]]]:
    """[n, cells] people counts (small and large, many zeros) and a partition of the runs."""
    n = draw(st.integers(1, 24))
    values = draw(
        arrays(
            np.int64,
            (n, cells),
            elements=st.one_of(st.just(0), st.integers(0, 600), st.integers(0, 3_000_000)),
        )
    )
    order = draw(st.permutations(range(n)))
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=n - 1))) if n > 1 else []
    parts = [list(order[a:b]) for a, b in zip([0, *cuts], [*cuts, n], strict=True)]
    return values, parts


@SETTINGS
@given(runs_and_split(cells=12))
def test_histograms_of_any_split_merge_into_the_histogram_of_the_whole(case) -> None:  # type: ignore[no-untyped-def]
    values, parts = case
    whole = Histogram.of(values)
    merged = Histogram.merge([Histogram.of(values[p]) for p in parts])
    assert np.array_equal(merged.keys, whole.keys)
    assert np.array_equal(merged.counts, whole.counts)
    n = values.shape[0]
    assert np.array_equal(merged.quantiles(n, 12, Q), whole.quantiles(n, 12, Q))


@SETTINGS
@given(runs_and_split(cells=Layout(2, 1, 1).cells), st.integers(1, 5))
def test_the_reducer_gives_the_same_quantiles_for_any_split_order_and_blocks(case, blocks) -> None:  # type: ignore[no-untyped-def]
    values, parts = case
    layout = Layout(days=2, places=1, groups=1)
    n = values.shape[0]
    one = Reducer(range(n), layout, blocks=1)
    one.add(ChunkResult(np.arange(n), Histogram.of(values), {"x": values[:, 0]}, {}))
    split = Reducer(range(n), layout, blocks=blocks)
    for p in parts:
        split.add(ChunkResult(np.array(p), Histogram.of(values[p]), {"x": values[p, 0]}, {}))
    assert split.missing() == []
    assert np.array_equal(split.quantiles(Q), one.quantiles(Q))
    assert np.array_equal(split.scalars["x"], values[:, 0])


@SETTINGS
@given(
    arrays(
        np.int64, st.tuples(st.integers(1, 30), st.integers(1, 10)), elements=st.integers(0, 511)
    )
)
def test_below_512_people_the_quantiles_are_numpy_quantiles_exactly(values: np.ndarray) -> None:
    n, cells = values.shape
    got = Histogram.of(values).quantiles(n, cells, Q)
    assert np.array_equal(got, np.quantile(values.astype(float), Q, axis=0))
