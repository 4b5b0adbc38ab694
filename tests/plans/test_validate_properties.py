"""Properties of the plan checks: every repeated id and every unknown reference is named."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hito.plans.validate import internal_problems

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

ids = st.from_regex(r"[a-z][a-z0-9\-]{0,6}", fullmatch=True)
SETTINGS = settings(max_examples=120, deadline=None)


def plan(triggers: list[str], agencies: list[str], actions: list[tuple[str, str, str]]) -> dict:
    return {
        "agencies": [{"id": a, "country": "PER", "agency": a.upper()} for a in agencies],
        "triggers": [{"id": t, "indicator": "stranded", "threshold": 1} for t in triggers],
        "actions": [
            {
                "id": i,
                "type": "shelter_places",
                "trigger": t,
                "agency": a,
                "place": "x",
                "places": 1,
            }
            for i, t, a in actions
        ],
    }


@SETTINGS
@given(
    st.lists(ids, min_size=1, max_size=5, unique=True),
    st.lists(ids, min_size=1, max_size=4, unique=True),
    st.data(),
)
def test_a_plan_whose_references_all_resolve_has_no_problem(triggers, agencies, data) -> None:  # type: ignore[no-untyped-def]
    n = data.draw(st.integers(0, 5))
    actions = [
        (f"a{k}", data.draw(st.sampled_from(triggers)), data.draw(st.sampled_from(agencies)))
        for k in range(n)
    ]
    assert internal_problems(plan(triggers, agencies, actions)) == []


@SETTINGS
@given(st.lists(ids, min_size=1, max_size=5), st.lists(ids, min_size=1, max_size=4, unique=True))
def test_every_repeated_trigger_id_is_named_once(triggers, agencies) -> None:  # type: ignore[no-untyped-def]
    repeated = sorted({t for t in triggers if triggers.count(t) > 1})
    problems = [str(p) for p in internal_problems(plan(triggers, agencies, []))]
    assert problems == [f"triggers: id {t!r} is used twice, expected unique ids" for t in repeated]


@SETTINGS
@given(st.lists(ids, min_size=1, max_size=4, unique=True), ids, st.integers(0, 3))
def test_an_unknown_trigger_is_named_with_the_action_and_the_choices(triggers, ghost, at) -> None:  # type: ignore[no-untyped-def]
    if ghost in triggers:
        return
    actions = [(f"a{k}", triggers[0], "mig") for k in range(4)]
    actions[at] = (f"a{at}", ghost, "mig")
    problems = [str(p) for p in internal_problems(plan(triggers, ["mig"], actions))]
    assert problems == [
        f"actions[{at}].trigger: unknown trigger {ghost!r}, expected one of: {', '.join(sorted(triggers))}"
    ]
