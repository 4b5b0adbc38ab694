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


def test_the_live_check_reads_need_gap_from_counts_and_shelter_room(tmp_path) -> None:  # noqa: ANN001
    import datetime as dt

    from hito.plans.check import check
    from hito.plans.model import Plan
    from hito.plans.observed import read_observations
    from plans.helpers import plan_dict

    csv = tmp_path / "obs.csv"
    csv.write_text(
        "Date,Site,Stranded,Sheltered,Capacity\n"
        "#date,#loc+name,#affected+stranded,#affected+sheltered,#capacity\n"
        "2025-12-01,strip,120,,\n"
        "2025-12-01,hostel,,130,150\n"  # 20 free places: gap 100
        "2025-12-02,strip,90,,\n"
        "2025-12-02,hostel,,100,150\n",  # 50 free: gap 40
        encoding="utf-8",
    )
    trig = {
        "id": "gap",
        "indicator": "need_gap",
        "places": ["strip"],
        "threshold": 50,
        "window_days": 1,
    }
    plan = Plan.model_validate(plan_dict([trig], [], sites={"strip": "strip", "hostel": "hostel"}))
    obs = read_observations(csv)
    first = check(plan, obs, dt.date(2025, 12, 1)).statuses[0]
    second = check(plan, obs, dt.date(2025, 12, 2)).statuses[0]
    assert (first.value, first.met) == (100.0, True)
    assert (second.value, second.met) == (40.0, False)
