"""Latin hypercube draws: one value per stratum, each distribution inside its range."""

from __future__ import annotations

import numpy as np
import pytest

from hito.ensemble.sampling import design, inverse_cdf
from hito.errors import InputError
from hito.scenario.numbers import Range

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def test_latin_hypercube_puts_one_run_in_each_stratum_of_every_uniform_range():
    rs = {
        "a": Range(value=5, low=0, high=10, dist="uniform"),
        "b": Range(value=2, low=1, high=3, dist="uniform"),
    }
    d = design(rs, 50, seed=3)
    assert d.paths == ("a", "b")
    assert d.values.shape == (50, 2)
    strata_a = np.floor(d.values[:, 0] / 10 * 50).astype(int)
    strata_b = np.floor((d.values[:, 1] - 1) / 2 * 50).astype(int)
    assert sorted(strata_a) == list(range(50))
    assert sorted(strata_b) == list(range(50))


def test_the_same_seed_gives_the_same_design_and_another_seed_another():
    rs = {"x": Range(value=5, low=1, high=9)}
    assert np.array_equal(design(rs, 20, 1).values, design(rs, 20, 1).values)
    assert not np.array_equal(design(rs, 20, 1).values, design(rs, 20, 2).values)


@pytest.mark.parametrize("dist", ["uniform", "triangular", "lognormal"])
def test_every_distribution_stays_in_its_range_and_is_monotone(dist):
    r = Range(value=4, low=1, high=20, dist=dist)
    u = np.linspace(0, 0.999999, 1001)
    x = inverse_cdf(r, u)
    assert x.min() >= 1 and x.max() <= 20
    assert (np.diff(x) >= 0).all()


def test_triangular_and_lognormal_medians_sit_where_their_shapes_put_them():
    tri = Range(value=2, low=0, high=10, dist="triangular")
    # median of a triangle (0, mode 2, 10): 10 - sqrt(10 * 8 / 2)
    assert inverse_cdf(tri, np.array([0.5]))[0] == pytest.approx(10 - np.sqrt(40))
    logn = Range(value=0.01, low=0.001, high=0.1, dist="lognormal")
    assert inverse_cdf(logn, np.array([0.5]))[0] == pytest.approx(0.01)


def test_method_none_gives_best_values_and_an_unknown_method_is_refused():
    rs = {"x": Range(value=5, low=1, high=9)}
    assert design(rs, 3, 0, "none").values.tolist() == [[5.0], [5.0], [5.0]]
    with pytest.raises(InputError, match="sampling: got 'sobol', expected one of: lhs"):
        design(rs, 3, 0, "sobol")  # type: ignore[arg-type]
