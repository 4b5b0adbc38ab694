"""The situation picture from the service's store: latest counts, totals, alerts, triggers, log."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy.orm import Session, lazyload

from hito.plans.model import Plan as PlanModel
from hito.plans.status import TriggerStatus, evaluate_observed
from hito.store import audit
from hito.store.alerts import list_alerts, series_for
from hito.store.coltypes import utcnow
from hito.store.forecasts import list_forecasts
from hito.store.models import FieldReport, Site
from hito.store.plans import active_plans, parsed
from hito.store.reports import daily_stranded, list_reports, report_query
from hito.store.sites import get_site, list_sites, status_history

ALERT_DAYS = 30  # alerts whose episode began this many days before `as_of` are still shown
TREND_DAYS = 7  # the trend compares the newest count with the newest a week before it
TREND_SPAN = dt.timedelta(days=21)  # ... if that one is at most this much older


@dataclass
class SiteNow:
    """A site and its newest count up to the date of the picture."""

    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    status: str
    capacity: int | None
    scenario: str = ""
    people: int | None = None
    stranded: int | None = None
    observed_at: dt.datetime | None = None
    agency: str | None = None
    trend: int | None = None  # stranded now minus TREND_DAYS before (None: too few counts)


@dataclass
class Situation:
    """Everything the overview and the situation report show, as of one date."""

    as_of: dt.date
    now: dt.datetime
    sites: list[SiteNow]
    totals: dict[str, dict[str, int]]
    alerts: list[dict[str, Any]]
    log: list[dict[str, Any]]
    triggers: list[tuple[PlanModel, list[TriggerStatus]]] = field(default_factory=list)
    forecast: dict[str, Any] | None = None

    @property
    def newest(self) -> dt.datetime | None:
        """The newest observation in the picture (its data age)."""
        times = [s.observed_at for s in self.sites if s.observed_at is not None]
        return max(times) if times else None


def _end_of(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC) + dt.timedelta(days=1)


def latest(session: Session, site_id: str, as_of: dt.date) -> FieldReport | None:
    """The newest report of a site observed on or before `as_of` (one indexed lookup)."""
    q = report_query(site_id=site_id, until=as_of).options(lazyload(FieldReport.counts))
    return cast(FieldReport | None, session.scalars(q.limit(1)).first())


def site_now(session: Session, site: Site, as_of: dt.date) -> SiteNow:
    """A site with its newest count and its one-week trend."""
    row = latest(session, site.id, as_of)
    out = SiteNow(
        id=site.id,
        name=site.name,
        kind=site.kind,
        country=site.country_code,
        lat=site.lat,
        lon=site.lon,
        status=site.status,
        capacity=site.capacity,
        scenario=site.scenario,
    )
    if row is not None:
        out.people, out.stranded, out.observed_at = row.people, row.stranded, row.observed_at
        out.agency = row.agency.code
        before = latest(session, site.id, as_of - dt.timedelta(days=TREND_DAYS))
        if before is not None and row.observed_at - before.observed_at <= TREND_SPAN:
            out.trend = row.stranded - before.stranded
    return out


def totals(sites: list[SiteNow]) -> dict[str, dict[str, int]]:
    """People and stranded people per country, from each site's newest count."""
    out: dict[str, dict[str, int]] = {}
    for s in sites:
        t = out.setdefault(s.country, {"people": 0, "stranded": 0, "sites": 0, "reported": 0})
        t["sites"] += 1
        if s.people is not None:
            t["people"] += s.people
            t["stranded"] += s.stranded or 0
            t["reported"] += 1
    return dict(sorted(out.items()))


def trigger_status(session: Session, as_of: dt.date) -> list[tuple[PlanModel, list[TriggerStatus]]]:
    """Each active stored plan with the status of its observed triggers on `as_of`."""
    out = []
    for row in active_plans(session):
        plan = parsed(row)
        series = {
            t.id: series_for(session, t, as_of) for t in plan.triggers if t.source == "observed"
        }
        out.append((plan, evaluate_observed(plan, series, as_of)))
    return out


def latest_forecast(session: Session, as_of: dt.date | None = None) -> dict[str, Any] | None:
    """The newest finished forecast (made on or before `as_of`), as plain data."""
    rows, _ = list_forecasts(session, limit=50)
    for r in rows:
        if r.status == "done" and r.result and (as_of is None or r.as_of <= as_of):
            return {
                "id": r.id,
                "scenario": r.scenario,
                "as_of": r.as_of,
                "days": r.days,
                "runs": r.runs,
                "seed": r.seed,
                "finished_at": r.finished_at,
                **r.result,
            }
    return None


def log_entries(session: Session, limit: int = 8) -> list[dict[str, Any]]:
    """The newest entries of the audit log (who did what and when)."""
    rows, _ = audit.entries(session, limit=limit)
    return [
        {"at": e.at, "actor": e.actor, "action": e.action, "resource": e.resource} for e in rows
    ]


def alerts(session: Session, as_of: dt.date) -> list[dict[str, Any]]:
    """Alerts of episodes that began in the last ALERT_DAYS days up to `as_of`."""
    rows, _ = list_alerts(
        session, since=as_of - dt.timedelta(days=ALERT_DAYS), until=as_of, limit=50
    )
    return [
        {
            "id": a.id,
            "plan": a.plan_name,
            "trigger": a.trigger,
            "met_since": a.met_since,
            "actions": a.actions,
            "agencies": a.agencies,
            "created_at": a.created_at,
        }
        for a in rows
    ]


def situation(
    session: Session, *, as_of: dt.date | None = None, with_triggers: bool = False
) -> Situation:
    """The picture on `as_of` (default today, UTC)."""
    now = utcnow()
    as_of = as_of or now.date()
    rows, _ = list_sites(session, limit=1000)
    sites = [site_now(session, r, as_of) for r in rows]
    return Situation(
        as_of=as_of,
        now=now,
        sites=sites,
        totals=totals(sites),
        alerts=alerts(session, as_of),
        log=log_entries(session),
        triggers=trigger_status(session, as_of) if with_triggers else [],
        forecast=latest_forecast(session, as_of),
    )


def site_detail(session: Session, site_id: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """One site: its newest count, daily stranded series, status history and reports."""
    as_of = as_of or utcnow().date()
    site = get_site(session, site_id=site_id)
    series = daily_stranded(session, site_ids=[site_id], until=as_of).get(site_id, {})
    history, _ = status_history(session, site_id=site_id, limit=20)
    reports, n = list_reports(session, site_id=site_id, until=as_of, limit=15)
    return {
        "site": site_now(session, site, as_of),
        "series": sorted(series.items()),
        "history": [
            {"status": h.status, "effective_at": h.effective_at, "remark": h.remark}
            for h in history
        ],
        "reports": reports,
        "report_count": n,
    }


def read_comparison(path: Path | None) -> dict[str, Any] | None:
    """A stored plan comparison as {rows, dates, stranded}, or None when there is no file.

    A plain list (the comparison.json of `hito plans compare`) gives the rows alone.
    """
    if path is None or not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return {"rows": data, "dates": [], "stranded": {}}
    return dict(data)
