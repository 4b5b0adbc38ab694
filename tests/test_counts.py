"""The one definition of a count: totals, ranges, sex and age, specific needs, one limit."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hito.counts import MAX_PEOPLE, Count, build, sex_age, specific_needs

BASE = {"nationality": "VEN", "documented": False}
SIX = {
    "f_children": 20,
    "f_adults": 40,
    "f_older": 5,
    "m_children": 25,
    "m_adults": 30,
    "m_older": 0,
}


def test_total_only_count_has_no_breakdown() -> None:
    c = Count(**BASE, people=120, stranded=100)
    assert (c.people, c.stranded, c.estimated, c.has_breakdown) == (120, 100, False, False)


def test_a_range_without_a_best_estimate_counts_as_its_middle() -> None:
    c = Count(**BASE, people_low=150, people_high=200, stranded=100)
    assert (c.people, c.estimated) == (175, True)


def test_a_ranges_middle_below_its_stranded_gives_way_to_the_stranded() -> None:
    c = Count(**BASE, people_low=150, people_high=200, stranded=180)
    assert (c.people, c.stranded) == (180, 180)
    with pytest.raises(ValidationError, match="got 180 stranded of 175 people"):
        Count(**BASE, people_low=150, people_high=200, people=175, stranded=180)
    with pytest.raises(ValidationError, match="got 210 stranded of 175 people"):
        Count(**BASE, people_low=150, people_high=200, stranded=210)


def test_a_low_without_a_high_is_an_open_ended_count_of_at_least_the_low() -> None:
    c = Count(**BASE, people_low=100, stranded=100)
    assert (c.people, c.people_low, c.people_high, c.estimated, c.open_ended) == (
        100,
        100,
        None,
        True,
        True,
    )
    best = Count(**BASE, people_low=100, people=130, stranded=120)
    assert (best.people, best.open_ended) == (130, True)
    assert not Count(**BASE, people_low=100, people_high=150).open_ended
    assert not Count(**BASE, people=100).open_ended
    # its breakdown adds up to at least the low
    assert Count(**BASE, people_low=110, **SIX).people == 110


def test_the_messages_of_an_open_ended_count_name_its_numbers() -> None:
    _, problems = build({**BASE, "people": 90, "people_low": 100})
    assert problems[0][3] == (
        "people 90 is less than people_low 100, expected at least 100 "
        "(a low with no high: at least that many)"
    )
    _, problems = build({**BASE, "people_high": 400})
    assert problems[0][3] == (
        "people_high 400 without people_low; expected the estimate's lower end too "
        "(a low alone is an open-ended count: at least that many)"
    )


def test_breakdown_must_add_up_to_the_people() -> None:
    assert Count(**BASE, people=120, **SIX).has_breakdown
    _, problems = build({**BASE, "people": 121, **SIX})
    assert [(f, code) for f, code, _c, _m in problems] == [("f_children", "breakdown_sum")]
    assert "adds up to 120, not 121" in problems[0][3]


def test_a_breakdown_of_an_estimate_lies_within_its_range() -> None:
    assert Count(**BASE, people_low=100, people_high=150, **SIX).people == 125
    _, problems = build({**BASE, "people_low": 130, "people_high": 150, **SIX})
    assert problems[0][1] == "breakdown_outside"


def test_half_a_breakdown_names_the_missing_groups() -> None:
    _, problems = build({**BASE, "people": 10, "f_children": 10})
    assert problems[0][1] == "breakdown_partial"
    assert "missing: f_adults, f_older, m_children, m_adults, m_older" in problems[0][3]


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"people": 10, "stranded": 11}, "stranded_over", "stranded"),
        ({"people": 12, "people_high": 20}, "estimate_no_low", "people_low"),
        ({"people_high": 20}, "estimate_no_low", "people_low"),
        ({"people": 9, "people_low": 10}, "under_estimate", "people"),
        ({"people_low": 10, "stranded": 11}, "stranded_over", "stranded"),
        ({"people_low": 130, **SIX}, "breakdown_under", "f_children"),
        ({"people": 5, "people_low": 10, "people_high": 20}, "outside_estimate", "people"),
        ({"people_low": 30, "people_high": 20, "people": 25}, "estimate_order", "people_low"),
        # no best estimate: the order is what is wrong, not a missing number of people
        ({"people_low": 200, "people_high": 150}, "estimate_order", "people_low"),
        ({"people": 10, "disabilities": 11}, "need_over", "disabilities"),
        (
            {"people": 120, **SIX, "unaccompanied_separated": 46},
            "uasc_over",
            "unaccompanied_separated",
        ),
        ({"people": 120, **SIX, "pregnant_lactating": 66}, "pregnant_over", "pregnant_lactating"),
    ],
)
def test_each_inconsistency_has_its_code_and_field(extra: dict, code: str, field: str) -> None:
    count, problems = build({**BASE, **extra})
    assert count is None
    assert [(f, c) for f, c, _x, _m in problems] == [(field, code)]


def test_one_limit_for_every_count_and_no_booleans_or_strings() -> None:
    assert Count(**BASE, people=MAX_PEOPLE).people == 1_000_000
    for bad in (MAX_PEOPLE + 1, -1, True, "12", 1.5):
        _, problems = build({**BASE, "people": bad})
        assert problems and problems[0][0] == "people", bad


def test_personal_data_has_no_field_to_go_into() -> None:
    _, problems = build({**BASE, "people": 1, "name": "Ana"})
    assert problems == [("name", "extra_forbidden", {}, problems[0][3])]
    assert "unknown field" in problems[0][3]


def test_sums_over_counts() -> None:
    a = Count(**BASE, people=120, **SIX, disabilities=3)
    b = Count(
        nationality="COL", documented=True, people=10, **dict.fromkeys(SIX, 0) | {"m_adults": 10}
    )
    assert sex_age([a, b]) == {**SIX, "m_adults": 40}
    assert sex_age([a, Count(**BASE, people=1)]) is None
    assert specific_needs([a, b]) == {
        "pregnant_lactating": None,
        "disabilities": 3,
        "unaccompanied_separated": None,
    }
