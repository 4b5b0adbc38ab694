"""ARD as Flee's post-processing computes it, on hand-worked numbers."""

from __future__ import annotations

import numpy as np
import pytest

from hito.flee.validation import ard


def test_ard_normal_and_rescaled_by_hand():
    sim = np.array([[10, 0], [20, 0]])
    data = np.array([[8, 2], [8, 2]])
    a = ard(sim, data, raw_total=np.array([10, 10]))
    # day 0: (2 + 2) / 10; day 1: (12 + 2) / 10; rescaled day 1: sim x 10/20 -> (2 + 2) / 10
    assert a.daily.tolist() == pytest.approx([0.4, 1.4])
    assert a.daily_rescaled.tolist() == pytest.approx([0.4, 0.4])
    assert (a.ard, a.ard_rescaled) == pytest.approx((0.9, 0.4))
    assert a.camp_mean_abs_error.tolist() == pytest.approx([7.0, 2.0])
    assert a.camp_mean_rel_error.tolist() == pytest.approx([(0.25 + 1.5) / 2, 1.0])


def test_days_before_any_registration_divide_by_one():
    a = ard(np.array([[3, 0]]), np.array([[0, 0]]), raw_total=np.array([0]))
    assert a.ard == 3.0 and a.ard_rescaled == 0.0
