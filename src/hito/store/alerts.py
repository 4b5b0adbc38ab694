"""Alerts: after each new report the active plans' observed triggers are re-evaluated."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hito.errors import Problem
from hito.plans.model import Plan, Trigger
from hito.plans.status import TriggerStatus, evaluate_observed
from hito.plans.status import evaluate as evaluate_status
from hito.store import audit, deliveries, figures
from hito.store.actors import Actor, paginate_after
from hito.store.errors import NotFoundError
from hito.store.logrows import alert_state
from hito.store.models import Alert, FieldReport, Shelter, Site
from hito.store.plans import active_plans, parsed
from hito.store.reports import daily_stranded
from hito.store.shelters import update_days

HISTORY_DAYS = 120  # how far back the triggers' windows and cooldowns are replayed
LATE_DAYS = 30  # a late report re-evaluates the days after it, this many at most
_REPLAYED = "alerts_replayed_to"  # in a batch's memo: the last days replayed up to already
_NEWEST = "alerts_newest_day"  # in a batch's memo: the newest count's day at the plans' sites


def after_report(session: Session, actor: Actor, report: FieldReport) -> None:
    """The hook run after each new report: raise the alerts its day calls for.

    A report's day is the local calendar day at its site (`FieldReport.day`).

    A report of an earlier day than counts already stored (one that waited on a phone without
    signal) can complete a condition on a later day: the triggers are replayed once up to the
    newest count at the plans' sites (at most LATE_DAYS later), and each episode that fired
    after the report's day without its alert raises it. In a batch (`figures.reports_settled`)
    that replay is done once per last day.
    """
    day = report.day  # the local day at its site
    evaluate(session, actor=actor, as_of=day, report_id=report.id)
    memo = session.info.get(figures.MEMO)
    if memo is None:  # one report
        newest, done = _newest_day(session), set()
    else:  # a batch: its reports are all written, the newest day is read once
        if _NEWEST not in memo:
            memo[_NEWEST] = _newest_day(session)
        newest, done = memo[_NEWEST], memo.setdefault(_REPLAYED, set())
    if newest is None or newest <= day:
        return
    last = min(newest, day + dt.timedelta(days=LATE_DAYS))
    if last in done:
        return
    done.add(last)
    for fired in sorted(_fired_between(session, day, last)):
        evaluate(session, actor=actor, as_of=fired, report_id=report.id)


def _newest_day(session: Session) -> dt.date | None:
    """The newest count's day at the active plans' observed sites (None: no plan, no count)."""
    places: set[str] = set()
    for row in active_plans(session):  # none switched on (the usual case): nothing to read
        for t in parsed(row).triggers:
            if t.source == "observed":
                places.update(t.places or session.scalars(select(Site.id)))
    newest = None
    for site in sorted(places):  # one index seek each (site, day)
        on = session.scalar(select(func.max(FieldReport.day)).where(FieldReport.site_id == site))
        if on is not None and (newest is None or on > newest):
            newest = on
    return newest


def _fired_between(session: Session, day: dt.date, last: dt.date) -> set[dt.date]:
    """The days after `day`, up to `last`, on which an observed trigger fired with no alert."""
    out = set()
    for row in active_plans(session):
        plan = parsed(row)
        observed = [t for t in plan.triggers if t.source == "observed"]
        series = {t.id: series_for(session, t, last) for t in observed}
        for st in evaluate_observed(plan, series, last):
            for fired in st.fired:
                if day < fired <= last and not _alerted(session, plan.name, st.trigger, fired):
                    out.add(fired)
    return out


def _alerted(session: Session, plan: str, trigger: str, since: dt.date) -> bool:
    return (
        session.scalar(
            select(Alert.id).where(
                Alert.plan_name == plan, Alert.trigger == trigger, Alert.met_since == since
            )
        )
        is not None
    )


def _shelter_share(
    session: Session, places: list[str], since: dt.date, until: dt.date
) -> dict[dt.date, float]:
    """Per local day, the shelters' occupancy over their capacity (each one's latest update)."""
    latest: dict[dt.date, dict[str, tuple[int, int]]] = defaultdict(dict)
    for site, _at, occ, cap, day in update_days(session, places, since, until):
        latest[day][site] = (occ, cap)
    out = {}
    for day, per in latest.items():
        cap = sum(c for _, c in per.values())
        if cap > 0:
            out[day] = sum(o for o, _ in per.values()) / cap
    return out


def series_for(session: Session, trigger: Trigger, as_of: dt.date) -> dict[dt.date, float]:
    """The observed daily values of a trigger's indicator up to `as_of` (empty if none)."""
    since = as_of - dt.timedelta(days=HISTORY_DAYS)
    if trigger.indicator == "stranded":
        places = list(trigger.places) or None
        per_site = daily_stranded(session, site_ids=places, until=as_of)
        total: dict[dt.date, float] = defaultdict(float)
        for days in per_site.values():
            for day, v in days.items():
                if day >= since:
                    total[day] += v
        return dict(total)
    if trigger.indicator == "shelter_occupancy":
        places = list(trigger.places)
        if not places:
            places = list(session.scalars(select(Site.id).where(Site.kind == "shelter")))
        return _shelter_share(session, places, since, as_of)
    if trigger.indicator == "need_gap":
        return _need_gap(session, trigger, since, as_of)
    return {}  # arrivals and diversions are not counted in field reports


def _need_gap(
    session: Session, trigger: Trigger, since: dt.date, as_of: dt.date
) -> dict[dt.date, float]:
    """Stranded people outside shelters beyond the registered shelters' free places, per day.

    The registry's current capacity and status apply to every day; each shelter's occupancy
    is its newest count up to that day (hito.needs.need_gap).
    """
    from hito.needs import need_gap
    from hito.store.shelters import occupancy

    kinds: dict[str, str] = {i: k for i, k in session.execute(select(Site.id, Site.kind))}
    places = [p for p in (trigger.places or kinds) if kinds.get(p) != "shelter"]
    per_site = daily_stranded(session, site_ids=places, until=as_of)
    stranded: dict[dt.date, float] = defaultdict(float)
    for days in per_site.values():
        for day, v in days.items():
            if day >= since:
                stranded[day] += v
    shelters = list(session.scalars(select(Shelter).where(Shelter.status == "open")))
    out = {}
    for day in sorted(stranded):
        occ = occupancy(session, [r.site_id for r in shelters], day)
        free = sum(max(0, r.capacity_people - occ.get(r.site_id, (0, None))[0]) for r in shelters)
        out[day] = need_gap(stranded[day], free)
    return out


def evaluate(
    session: Session, *, actor: Actor, as_of: dt.date, report_id: int | None = None
) -> list[Alert]:
    """Evaluate every active plan's observed triggers on `as_of`; store one alert per episode."""
    new: list[Alert] = []
    for row in active_plans(session):
        plan = parsed(row)
        observed = [t for t in plan.triggers if t.source == "observed"]
        if not observed:
            continue
        series = {t.id: series_for(session, t, as_of) for t in observed}
        for st in evaluate_observed(plan, series, as_of):
            if st.source != "observed" or not st.met or st.since is None:
                continue
            alert = _alert_once(
                session, actor=actor, plan_id=row.id, plan=plan, status=st, report_id=report_id
            )
            if alert is not None:
                new.append(alert)
    return new


def evaluate_forecast(
    session: Session, *, actor: Actor, result: dict[str, Any], as_of: dt.date
) -> list[Alert]:
    """Evaluate the active plans' forecast triggers on a calibrated forecast's result.

    A trigger on the stranded at its places reads the forecast's quantile (its `quantile`)
    summed over those places (all places: the total) for each day from `as_of` up to its
    horizon; when its window of days is met inside that horizon, one alert is stored, dated
    the day the forecast says the condition begins (none while an alert of the same trigger
    dated within its horizon before `as_of` stands: later refreshes repeat the warning).
    The sum of per-place quantiles is not the quantile of the sum: with several places it
    leans to the cautious side.
    """
    dates = [dt.date.fromisoformat(d) for d in result.get("dates", [])]
    new: list[Alert] = []
    for row in active_plans(session):
        plan = parsed(row)
        for t in plan.triggers:
            if t.source != "forecast" or t.indicator != "stranded":
                continue
            if t.places:
                fans = [
                    result["stranded_by_place"][p][t.quantile]
                    for p in t.places
                    if p in result.get("stranded_by_place", {})
                ]
                values = [sum(v) for v in zip(*fans, strict=True)] if fans else []
            else:
                values = result["stranded_total"][t.quantile]
            end = as_of + dt.timedelta(days=t.horizon_days)
            series = {d: float(v) for d, v in zip(dates, values, strict=False) if d <= end}
            if not series:
                continue
            st = evaluate_status(plan, t, series, max(series))
            if not st.met or st.since is None:
                continue
            recent = session.scalar(
                select(Alert.id).where(
                    Alert.plan_name == plan.name,
                    Alert.trigger == t.id,
                    Alert.met_since >= as_of - dt.timedelta(days=t.horizon_days),
                )
            )
            if recent is not None:  # the same warning, from an earlier refresh
                continue
            alert = _alert_once(
                session, actor=actor, plan_id=row.id, plan=plan, status=st, report_id=None
            )
            if alert is not None:
                new.append(alert)
    return new


def _alert_once(
    session: Session,
    *,
    actor: Actor,
    plan_id: int,
    plan: Plan,
    status: TriggerStatus,
    report_id: int | None,
) -> Alert | None:
    exists = session.scalar(
        select(Alert.id).where(
            Alert.plan_name == plan.name,
            Alert.trigger == status.trigger,
            Alert.met_since == status.since,
        )
    )
    if exists is not None:
        return None
    actions = [a for a in status.to_json()["actions_due"]]
    trigger = next((t for t in plan.triggers if t.id == status.trigger), None)
    agencies = sorted({f"{a.agency_name} ({a.country})" for a in status.actions_due})
    alert = Alert(
        plan_id=plan_id,
        plan_name=plan.name,
        trigger=status.trigger,
        met_since=status.since,
        actions=actions,
        agencies=agencies,
        report_id=report_id,
        severity=trigger.severity if trigger is not None else "warning",
        sites=list(trigger.places) if trigger is not None else [],
    )
    try:
        with session.begin_nested():  # a savepoint: only the alert is undone if it loses
            session.add(alert)
    except IntegrityError:  # another writer's report raised this episode's alert meanwhile
        return None
    deliveries.enqueue(session, alert)  # the subscribers' deliveries, with the alert itself
    audit.append(
        session,
        actor=actor.username,
        action="alert.create",
        resource=f"alert:{alert.id}",
        after=alert_state(alert),
    )
    return alert


def get_alert(session: Session, *, alert_id: int) -> Alert:
    """One alert, or NotFoundError."""
    row = session.get(Alert, alert_id)
    if row is None:
        raise NotFoundError(Problem("no alert with id %(alert_id)s", alert_id=alert_id))
    return row


def list_alerts(
    session: Session,
    *,
    plan_name: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    offset: int = 0,
    limit: int = 100,
    after_id: int | None = None,
) -> tuple[list[Alert], int]:
    """Alerts, newest episode first (then newest id), with the total count.

    `after_id`: the page starts after that alert (the last one of the page before), not at
    an offset (`actors.newest_after`); the count is of every alert matching the filters.
    """
    q = select(Alert)
    if plan_name:
        q = q.where(Alert.plan_name == plan_name)
    if since:
        q = q.where(Alert.met_since >= since)
    if until:
        q = q.where(Alert.met_since <= until)
    return paginate_after(
        session,
        q.order_by(Alert.met_since.desc(), Alert.id.desc()),
        at=Alert.met_since,
        after_id=after_id,
        offset=offset,
        limit=limit,
        unknown=Problem("no alert with id %(after)s to continue after", after=after_id),
    )
