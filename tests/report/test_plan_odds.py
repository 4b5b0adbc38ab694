"""What differs between plans on simulated futures: equal medians and each trigger's chance."""

from __future__ import annotations

import datetime as dt

from hito.plans.load import load as load_plan
from hito.report.plan_odds import odds


def _row(plan: str, p50: float, p90: float, triggers: list[dict]) -> dict:
    q = {"p10": 1.0, "p50": p50, "p90": p90}
    return {
        "plan": plan,
        "title": plan.title(),
        "runs": 20,
        "triggers": triggers,
        **{m: q for m in ("stranded_person_days", "peak_stranded", "diverted", "harmed")},
    }


def test_equal_medians_are_named_and_each_trigger_gets_its_futures_and_date() -> None:
    corridor = load_plan("corridor-100")
    fired = {
        "trigger": "stranded-200-2d",
        "description": "English words",
        "probability": 0.3,
        "median_first_day": 72.0,
        "median_first_date": "2026-02-02",
    }
    cmp = {
        "dates": ["2025-11-22", "2025-11-23", "2026-03-31"],
        "rows": [
            _row("no-plan", 5336.0, 20798.0, []),
            _row("corridor-100", 5336.0, 15102.0, [fired]),
            _row(
                "other", 5336.0, 20798.0, [{**fired, "probability": 0.0, "median_first_date": None}]
            ),
        ],
    }
    cmp["rows"][1]["harmed"] = {"p10": 1.0, "p50": 8.0, "p90": 19.0}  # one plan moves one median
    got = odds(cmp, "es", {"corridor-100": corridor})
    assert got.same_p50 == ("stranded_person_days", "peak_stranded", "diverted")
    assert (got.first, got.last, got.runs) == (dt.date(2025, 11, 22), dt.date(2026, 3, 31), 20)
    first, never = got.triggers
    assert (first.plan, first.plan_title, first.fired, first.runs, first.first) == (
        "corridor-100",
        corridor.text("title", "es"),
        6,
        20,
        dt.date(2026, 2, 2),
    )
    assert first.title == corridor.triggers[0].title  # the plan's own es/en title
    assert (never.plan_title, never.title, never.description, never.fired, never.first) == (
        "Other",
        None,
        "English words",
        0,
        None,
    )


def test_medians_that_differ_are_not_called_equal() -> None:
    cmp = {"rows": [_row("no-plan", 10.0, 20.0, []), _row("a", 9.0, 20.0, [])]}
    assert odds(cmp, "en").same_p50 == () and odds(cmp, "en").same_all == ()
    assert odds({"rows": [_row("no-plan", 10.0, 20.0, [])]}, "en").same_p50 == ()  # one row


def test_a_hand_edited_comparison_with_broken_trigger_figures_is_read_not_a_500() -> None:
    """HITO_COMPARISON may point to a file someone edited: a date that is no date, a share of
    'high' or 3, runs of 'many' must not break the plans page."""
    good = {"trigger": "t", "probability": 0.5, "median_first_date": "2026-02-02"}
    row = _row("p", 1.0, 2.0, [good, {**good, "probability": "high"}, {**good, "probability": 3}])
    row["triggers"] += ["text", {**good, "median_first_date": "2026-02-30"}]
    row["runs"] = "many"
    got = odds({"runs": 4, "dates": ["late", "2026-03-31"], "rows": [row]}, "en")
    assert [(t.fired, t.runs, t.first) for t in got.triggers] == [
        (2, 4, dt.date(2026, 2, 2)),
        (2, 4, None),
    ]
    assert (got.first, got.last, got.runs) == (None, dt.date(2026, 3, 31), 4)


def test_a_metric_no_plan_moves_at_all_is_not_said_to_differ_in_the_worse_futures() -> None:
    """An alert-only plan beside no plan: the same P10, P50 and P90; 'they differ in the P90'
    would be false."""
    cmp = {"rows": [_row("no-plan", 10.0, 20.0, []), _row("status-quo", 10.0, 20.0, [])]}
    cmp["rows"][1]["harmed"] = {"p10": 1.0, "p50": 10.0, "p90": 25.0}
    got = odds(cmp, "en")
    assert got.same_all == ("stranded_person_days", "peak_stranded", "diverted")
    assert got.same_p50 == ("harmed",)
