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

    same_p50: tuple[str, ...]
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
    """The metrics (of `metrics`) with one P50 for every plan, and every trigger's chance of firing.

    `plans` (name -> plan) gives the plans' and triggers' titles in `lang`; a plan not given
    keeps the comparison's own title and descriptions.
    """
    plans = plans or {}
    rows = [r for r in cmp.get("rows", []) if isinstance(r, dict)]
    same = tuple(
        m
        for m in metrics
        if len(rows) > 1
        and all(isinstance(r.get(m), dict) for r in rows)
        and len({r[m].get("p50") for r in rows}) == 1
    )
    out = []
    for r in rows:
        runs = int(r.get("runs") or cmp.get("runs") or 0)
        name = str(r.get("plan"))
        plan = plans.get(name)
        plan_title = plan.text("title", lang) if plan else str(r.get("title") or name)
        by_id = {t.id: t for t in plan.triggers} if plan else {}
        for t in r.get("triggers") or []:
            first = t.get("median_first_date")
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
                    fired=round(float(t.get("probability") or 0.0) * runs),
                    runs=runs,
                    first=dt.date.fromisoformat(first) if first else None,
                )
            )
    dates = cmp.get("dates") or []
    return Odds(
        same_p50=same,
        triggers=tuple(out),
        first=dt.date.fromisoformat(dates[0]) if dates else None,
        last=dt.date.fromisoformat(dates[-1]) if dates else None,
        runs=int(cmp.get("runs") or max((int(r.get("runs") or 0) for r in rows), default=0)),
    )
