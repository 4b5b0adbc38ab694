"""The active plans in the situation picture: each trigger's status, how close it is, duties due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from hito.plans.model import Plan
from hito.plans.status import TriggerStatus, evaluate_observed
from hito.plans.triggers import holds
from hito.report import forecast_view
from hito.store.alerts import series_for
from hito.store.plans import active_plans, parsed

MEASURED = ("stranded", "shelter_occupancy")  # what field counts and shelter updates measure


def trigger_status(session: Session, as_of: dt.date) -> list[tuple[Plan, list[TriggerStatus]]]:
    """Each active stored plan with the status of its observed triggers on `as_of`."""
    out = []
    read: dict[tuple[str, tuple[str, ...]], dict[dt.date, float]] = {}  # shared by plans
    for row in active_plans(session):
        plan = parsed(row)
        series = {}
        for t in plan.triggers:
            if t.source == "observed":
                key = (t.indicator, tuple(t.places))
                if key not in read:
                    read[key] = series_for(session, t, as_of)
                series[t.id] = read[key]
        out.append((plan, evaluate_observed(plan, series, as_of)))
    return out


def forecast_value(
    t: Any, forecast: dict[str, Any] | None, as_of: dt.date
) -> tuple[float | None, dt.date]:
    """A forecast trigger's value in the fresh forecast at its horizon, and the day it is for.

    The sum of the sites' quantiles (an upper estimate); None when the forecast is stale.
    """
    fresh = None if forecast_view.stale(forecast, as_of) else forecast
    day = as_of + dt.timedelta(days=t.horizon_days)
    return forecast_view.at(fresh, list(t.places), day, t.quantile), day


def distances(
    triggers: list[tuple[Plan, list[TriggerStatus]]],
    forecast: dict[str, Any] | None,
    as_of: dt.date,
) -> list[dict[str, Any]]:
    """Each trigger of the active plans with its latest value and how far it is from firing.

    Observed triggers read the field counts; forecast triggers read the fresh forecast at
    their horizon (the sum of the sites' quantiles, an upper estimate); the closest first.
    """
    out = []
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for plan, statuses in triggers:
        by_id = {st.trigger: st for st in statuses}
        for t in plan.triggers:
            same = (t.indicator, tuple(t.places), t.source, t.compare, t.threshold, t.window_days)
            if same in seen:  # one trigger shared by several plans: one row, every plan named
                seen[same]["plans"].append(plan)
                continue
            st = by_id.get(t.id)
            value: float | None = None
            value_date: dt.date | None = None
            if t.source == "forecast":
                value, value_date = forecast_value(t, forecast, as_of)
            elif st is not None:
                value, value_date = st.value, st.value_date
            up = t.compare in (">=", ">")
            gap = None if value is None else (t.threshold - value if up else value - t.threshold)
            row = {
                "plan": plan,
                "plans": [plan],
                "trigger": t,
                "met": bool(st and st.met),
                "since": st.since if st else None,
                "value": value,
                "value_date": value_date,
                "gap": max(gap, 0.0) if gap is not None else None,
                # past the threshold but not met: the days in a row it still needs, or a pause
                "reached": value is not None and holds(value, t.compare, t.threshold),
                "run": st.condition_days if st else 0,
                "share": None if value is None or not t.threshold else value / t.threshold,
                "measured": t.indicator in MEASURED,
            }
            seen[same] = row
            out.append(row)
    out.sort(key=_closeness)
    return out


def _closeness(d: dict[str, Any]) -> tuple[bool, bool, float]:
    share = d["share"]
    return (not d["met"], d["gap"] is None, -(share if isinstance(share, float) else 0.0))


def duties(triggers: list[tuple[Plan, list[TriggerStatus]]]) -> list[dict[str, Any]]:
    """What each agency must do and by when: actions due under met triggers, then on standby.

    One entry per agency and action, {agency, country, plan, trigger, action, due, lead}:
    `due` is a date for a met trigger, None for an action waiting on its trigger.
    """
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for plan, statuses in triggers:
        met = {st.trigger: st for st in statuses if st.met}
        for a in plan.actions:
            ag = plan.agency(a.agency)
            st = met.get(a.trigger)
            due = st.since + dt.timedelta(days=a.lead_time_days) if st and st.since else None
            key = (ag.agency, a.id)
            old = out.get(key)
            if old is not None and (old["due"] is not None or due is None):
                continue  # the same action under another plan: keep the one that is due
            trig = next(t for t in plan.triggers if t.id == a.trigger)
            out[key] = {
                "agency": ag.agency,
                "country": ag.country,
                "plan": plan,
                "trigger": trig,
                "action": a,
                "due": due,
                "lead": a.lead_time_days,
            }
    return sorted(
        out.values(),
        key=lambda d: (d["due"] is None, d["due"] or dt.date.max, d["agency"], d["action"].id),
    )
