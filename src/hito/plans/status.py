"""Which triggers of a plan are met on a date, from daily indicator values (pure, no files)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from hito.plans.model import Plan, Trigger
from hito.plans.notes import NO_VALUES, PARTIAL, STALE, Note
from hito.plans.triggers import TriggerMachine, holds

CARRY_DAYS = 3


@dataclass(frozen=True)
class ActionDue:
    """An action a met trigger calls for: who does it, in which country, from which date."""

    action: str
    type: str
    agency: str
    agency_name: str
    country: str
    due: dt.date
    lead_time_days: int
    description: str = ""


@dataclass(frozen=True)
class TriggerStatus:
    """A trigger on a date: met or not, since when, on which value, and the actions due."""

    trigger: str
    indicator: str
    source: str
    met: bool
    since: dt.date | None
    value: float | None
    value_date: dt.date | None
    condition_days: int
    window_days: int
    compare: str
    threshold: float
    last_fired: dt.date | None = None
    note: str = ""
    description: str = ""
    actions_due: list[ActionDue] = field(default_factory=list)
    remark: Note | None = None  # the note with its values, to say it in the reader's language
    fired: tuple[dt.date, ...] = ()  # the day each episode of the replayed window fired

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready mapping (dates as ISO strings)."""

        def iso(v: Any) -> Any:
            if isinstance(v, dt.date):
                return v.isoformat()
            if isinstance(v, list):
                return [iso(x) for x in v]
            if isinstance(v, dict):
                return {k: iso(x) for k, x in v.items()}
            return v

        out = iso(asdict(self))
        del out["remark"], out["fired"]
        return out


def daily(
    values: Mapping[dt.date, float], until: dt.date, carry_days: int = CARRY_DAYS
) -> dict[dt.date, float]:
    """Fill the days after each value with it, for at most `carry_days` days, up to `until`.

    Field counts are sparse: a count stands for the next days until a newer count arrives
    or it grows stale; a day with neither has no value (and breaks a trigger's window).
    """
    out: dict[dt.date, float] = {}
    dates = sorted(d for d, v in values.items() if d <= until and not math.isnan(v))
    for i, d in enumerate(dates):
        nxt = dates[i + 1] if i + 1 < len(dates) else until + dt.timedelta(days=1)
        for k in range(carry_days + 1):
            day = d + dt.timedelta(days=k)
            if day >= nxt or day > until:
                break
            out[day] = float(values[d])
    return out


def evaluate(
    plan: Plan,
    trigger: Trigger,
    values: Mapping[dt.date, float],
    as_of: dt.date,
    carry_days: int = CARRY_DAYS,
) -> TriggerStatus:
    """Run one trigger over its daily values up to `as_of` and report its state that day."""
    filled = daily(values, as_of, carry_days)
    base: dict[str, Any] = {
        "trigger": trigger.id,
        "indicator": trigger.indicator,
        "source": trigger.source,
        "window_days": trigger.window_days,
        "compare": trigger.compare,
        "threshold": trigger.threshold,
        "description": trigger.description,
    }
    if not filled:
        empty = Note.of(NO_VALUES, indicator=trigger.indicator, date=as_of)
        return TriggerStatus(
            **base,
            met=False,
            since=None,
            value=None,
            value_date=None,
            condition_days=0,
            note=str(empty),
            remark=empty,
        )
    first = min(filled)
    m = TriggerMachine(trigger)
    day = 0
    run = 0
    d = first
    while d <= as_of:
        v = filled.get(d, math.nan)
        m.step(day, v)
        run = run + 1 if holds(v, trigger.compare, trigger.threshold) else 0
        d += dt.timedelta(days=1)
        day += 1
    since = first + dt.timedelta(days=m.episodes[-1].fired) if m.active else None
    last = first + dt.timedelta(days=m.episodes[-1].fired) if m.episodes else None
    seen = [x for x in values if x <= as_of and not math.isnan(values[x])]
    value_date = max(seen)
    remark = None
    if as_of not in filled:
        remark = Note.of(STALE, date=as_of, latest=value_date, days=carry_days)
    elif not m.active and run and run < trigger.window_days:
        remark = Note.of(PARTIAL, run=run, days=trigger.window_days)
    due: list[ActionDue] = []
    if since is not None:
        for a in plan.actions_of(trigger.id):
            ag = plan.agency(a.agency)
            due.append(
                ActionDue(
                    action=a.id,
                    type=a.type,
                    agency=ag.id,
                    agency_name=ag.agency,
                    country=ag.country,
                    due=since + dt.timedelta(days=a.lead_time_days),
                    lead_time_days=a.lead_time_days,
                    description=a.description,
                )
            )
    return TriggerStatus(
        **base,
        met=m.active,
        since=since,
        value=filled.get(as_of),
        value_date=value_date,
        condition_days=run,
        last_fired=last,
        note=str(remark or ""),
        actions_due=due,
        remark=remark,
        fired=tuple(first + dt.timedelta(days=e.fired) for e in m.episodes),
    )


def evaluate_observed(
    plan: Plan,
    series_by_trigger: Mapping[str, Mapping[dt.date, float]],
    as_of: dt.date,
    carry_days: int = CARRY_DAYS,
) -> list[TriggerStatus]:
    """The status on `as_of` of every trigger of the plan, from its daily indicator values.

    `series_by_trigger` maps a trigger id to {date: value} of that trigger's indicator
    (for example the people stranded at its places, summed); values after `as_of` are
    ignored; a trigger with no series is reported as not met with a note.
    """
    return [
        evaluate(plan, t, series_by_trigger.get(t.id, {}), as_of, carry_days) for t in plan.triggers
    ]
