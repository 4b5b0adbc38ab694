"""The need_gap indicator in simulated futures: stranded outside shelters beyond free places."""

from __future__ import annotations

import numpy as np

from hito.engine.compile import PLACE_KINDS, STATES
from hito.plans.indicators import Selector, series
from hito.plans.model import Trigger


def test_need_gap_is_stranded_outside_shelters_minus_the_shelters_free_room() -> None:
    # places: a strip, a shelter of 150 places; two days; one group
    kind = np.array([PLACE_KINDS.index("between_posts"), PLACE_KINDS.index("shelter")])
    states = np.zeros((2, len(STATES), 2, 1))
    st, pr = STATES.index("stranded"), STATES.index("present")
    states[0, st, 0, 0], states[0, pr, 1, 0], states[0, st, 1, 0] = 430, 100, 100
    states[1, st, 0, 0], states[1, pr, 1, 0], states[1, st, 1, 0] = 40, 140, 140
    capacity = np.array([[-1, 150], [-1, 150]])
    sel = Selector("need_gap", np.array([True, True]), kind)
    got = series(sel, states, np.zeros(2), capacity)
    assert got.tolist() == [380.0, 30.0]  # 430 - (150 - 100); 40 - (150 - 140)


def test_a_trigger_takes_need_gap_and_a_severity() -> None:
    t = Trigger(id="gap", indicator="need_gap", threshold=50, severity="critical")
    assert (t.indicator, t.severity) == ("need_gap", "critical")
    assert Trigger(id="s", indicator="stranded", threshold=1).severity == "warning"
