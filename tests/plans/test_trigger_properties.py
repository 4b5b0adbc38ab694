"""Properties of the trigger machine: windows, hysteresis, cooldown, and no look-ahead."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from hito.plans.model import Trigger
from hito.plans.triggers import episodes, holds

SETTINGS = settings(max_examples=150, deadline=None)

values = st.lists(
    st.one_of(st.integers(0, 100).map(float), st.just(math.nan)), min_size=0, max_size=60
)


@st.composite
def triggers(draw: st.DrawFn) -> Trigger:
    """A trigger on `stranded >= T` with a window, maybe an end condition below it, a cooldown."""
    threshold = draw(st.integers(1, 100))
    d: dict = {
        "id": "t",
        "indicator": "stranded",
        "threshold": threshold,
        "window_days": draw(st.integers(1, 5)),
        "cooldown_days": draw(st.integers(0, 6)),
    }
    if draw(st.booleans()):
        d["end"] = {
            "compare": "<",
            "threshold": draw(st.integers(0, threshold)),
            "window_days": draw(st.integers(1, 4)),
        }
    return Trigger.model_validate(d)


@SETTINGS
@given(triggers(), values)
def test_episodes_are_ordered_apart_and_fire_only_after_a_full_window(t: Trigger, v: list) -> None:
    eps = episodes(t, v)
    for e in eps:
        start = e.fired - t.window_days + 1
        assert start >= 0
        assert all(holds(x, t.compare, t.threshold) for x in v[start : e.fired + 1])
        if e.ended is not None:
            assert e.ended > e.fired
    for a, b in zip(eps, eps[1:], strict=False):
        assert a.ended is not None, "only the last episode may still be on"
        assert b.fired >= a.ended + t.cooldown_days


@SETTINGS
@given(triggers(), values)
def test_with_an_end_condition_it_switches_off_only_after_the_end_window(
    t: Trigger, v: list
) -> None:
    for e in episodes(t, v):
        if e.ended is None:
            continue
        if t.end is None:
            assert not holds(v[e.ended], t.compare, t.threshold)
        else:
            w = t.end.window_days
            assert e.ended - w + 1 > e.fired
            assert all(
                holds(x, t.end.compare, t.end.threshold) for x in v[e.ended - w + 1 : e.ended + 1]
            )


@SETTINGS
@given(triggers(), values, st.integers(0, 60))
def test_no_look_ahead_the_past_episodes_do_not_depend_on_later_days(
    t: Trigger, v: list, k: int
) -> None:
    whole = episodes(t, v)
    prefix = episodes(t, v[:k])
    expected = [e for e in whole if e.fired < k]
    assert [e.fired for e in prefix] == [e.fired for e in expected]
    for p, e in zip(prefix, expected, strict=True):
        assert p.ended == (e.ended if e.ended is not None and e.ended < k else None)


@SETTINGS
@given(triggers(), st.integers(1, 40))
def test_a_value_between_the_two_thresholds_never_switches_it_off(t: Trigger, days: int) -> None:
    if t.end is None or t.end.threshold >= t.threshold:
        return
    # fire, then stay in the band end.threshold <= value < threshold: hysteresis holds it on
    v = [float(t.threshold)] * t.window_days + [float(t.end.threshold)] * days
    eps = episodes(t, v)
    assert len(eps) == 1 and eps[0].fired == t.window_days - 1 and eps[0].ended is None
