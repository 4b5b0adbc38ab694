"""What differs between plans on simulated futures: equal medians, trigger chances and dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hito.plans.model import Plan

# the comparison's columns on the pages, in their order (metric key of comparison.json)
SHOWN = ("stranded_person_days", "peak_stranded", "diverted", "harmed")


@dataclass(frozen=True)
class TriggerOdds:
    """How often one plan's trigger fired in the simulated futures, and when (median)."""

    plan: str
    plan_title: str  # in the reader's language
    trigger: str
    title: Any  # the trigger's {es, en} title, or None (then `description`)
    description: str
    fired: int  # futures in which it fired
    runs: int
    first: dt.date | None  # median first day over the futures in which it fired


@dataclass(frozen=True)
class Odds:
    """A comparison read for the reader: the metrics whose P50 no plan moves, and the triggers."""

    same_p50: tuple[str, ...]  # one P50 for every plan, other quantiles differ
    same_all: tuple[str, ...]  # one P10, P50 and P90 for every plan: no plan moves it
    triggers: tuple[TriggerOdds, ...]
    first: dt.date | None  # the simulated futures' first and last day
    last: dt.date | None
    runs: int


def odds(
    cmp: dict[str, Any],
    lang: str,
    plans: dict[str, Plan] | None = None,
    metrics: tuple[str, ...] = SHOWN,
) -> Odds:
    """The metrics (of `metrics`) no plan moves, at the median or at all, and every trigger's odds.

    `plans` (name -> plan) gives the plans' and triggers' titles in `lang`; a plan not given
    keeps the comparison's own title and descriptions.
    """
    plans = plans or {}
    rows = [r for r in cmp.get("rows", []) if isinstance(r, dict)]

    def one(m: str, quantiles: tuple[str, ...]) -> bool:
        return (
            len(rows) > 1
            and all(isinstance(r.get(m), dict) for r in rows)
            and all(len({r[m].get(q) for r in rows}) == 1 for q in quantiles)
        )

    same_all = tuple(m for m in metrics if one(m, ("p10", "p50", "p90")))
    same = tuple(m for m in metrics if one(m, ("p50",)) and m not in same_all)
    out = []
    for r in rows:
        runs = _runs(r.get("runs")) or _runs(cmp.get("runs"))
        name = str(r.get("plan"))
        plan = plans.get(name)
        plan_title = plan.text("title", lang) if plan else str(r.get("title") or name)
        by_id = {t.id: t for t in plan.triggers} if plan else {}
        for t in r.get("triggers") or []:
            share = _number(t.get("probability")) if isinstance(t, dict) else None
            if share is None:  # a hand-edited file's entry that is no trigger's figures
                continue
            trig = by_id.get(str(t.get("trigger")))
            out.append(
                TriggerOdds(
                    plan=name,
                    plan_title=plan_title,
                    trigger=str(t.get("trigger")),
                    title=trig.title if trig else None,
                    description=(trig.description if trig else "")
                    or str(t.get("description") or "")
                    or str(t.get("trigger")),  # a trigger without words is named by its id
                    fired=round(share * runs),
                    runs=runs,
                    first=_date(t.get("median_first_date")),
                )
            )
    dates = cmp.get("dates") or []
    return Odds(
        same_p50=same,
        same_all=same_all,
        triggers=tuple(out),
        first=_date(dates[0]) if dates else None,
        last=_date(dates[-1]) if dates else None,
        runs=_runs(cmp.get("runs")) or max((_runs(r.get("runs")) for r in rows), default=0),
    )


def _date(value: Any) -> dt.date | None:
    """An ISO date of the file, or None (absent or not a date)."""
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    """A share between 0 and 1 of the file, or None (absent or not one)."""
    try:
        share = float(value)
    except (TypeError, ValueError):
        return None
    return share if 0.0 <= share <= 1.0 else None


def _runs(value: Any) -> int:
    """A count of runs of the file, or 0 (absent or not a whole number)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
