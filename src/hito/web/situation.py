"""The situation picture from the service's store: latest counts, totals, alerts, triggers, log."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from hito import i18n
from hito.domain import day_shown
from hito.errors import InputError, Problem
from hito.plans.model import Plan
from hito.plans.status import TriggerStatus
from hito.report import forecast_view, places
from hito.scenario.model import Title
from hito.store import logread, logview
from hito.store.alerts import list_alerts
from hito.store.coltypes import utcnow
from hito.store.figures import DayFigure, daily_figures
from hito.store.forecasts import latest_result
from hito.store.models import FieldReport, Site
from hito.store.reports import list_reports, report_query
from hito.store.sites import get_site, list_sites, status_history
from hito.textfile import read_utf8
from hito.web.plan_picture import distances, duties, trigger_status

ALERT_DAYS = 30  # alerts whose episode began this many days before `as_of` are still shown
TREND_DAYS = 7  # the trend compares the newest count with the oldest of the week before it
STALE_DAYS = 14  # counts older than this on the picture's date are shown apart, not added up

# the day's figures of stranded people and of people present: site -> day -> figure
Figures = tuple[dict[str, dict[dt.date, DayFigure]], dict[str, dict[dt.date, DayFigure]]]


@dataclass
class SiteNow:
    """A site and the day's figure of its latest day with counts up to the picture's date.

    The figure is the median of each agency's latest count that day (`daily_figures`);
    `low`/`high` are the agencies' lowest and highest count of stranded people, `agencies`
    how many counted, `disagree` whether they differ (`DayFigure.disagree`). `observed_at`
    and `agency` are the newest report that stands, of that day.
    """

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
    at_least: bool = False  # stranded is a lower bound ("more than 100")
    people_at_least: bool = False  # and people present is
    low: int | None = None  # the lowest and highest agency's count of stranded people
    high: int | None = None
    agencies: int = 0  # the agencies whose counts make the figure
    disagree: bool = False  # they differ by more than 10 people and 25 % (DayFigure.disagree)
    observed_at: dt.datetime | None = None
    day: dt.date | None = None  # the count's day: the local day at the site (FieldReport.day)
    agency: str | None = None  # the counting agency's code (exports)
    agency_name: str | None = None  # and its name (pages)
    trend: int | None = None  # the figure now minus that of the oldest day of the week before
    trend_days: int | None = None  # days between the two figures of the trend
    # "at_least" when the newest figure is a lower bound (the change is that or more),
    # "at_most" when the oldest is; with both lower bounds there is no trend to tell
    trend_bound: str | None = None
    title: Title | None = None
    stored_status: str = "open"
    stale: bool = False  # the newest count is older than the picture's stale age
    band: dict[str, Any] | None = None  # forecast of stranded people 14-28 days ahead


@dataclass
class Situation:
    """Everything the overview and the situation report show, as of one date."""

    as_of: dt.date
    now: dt.datetime
    sites: list[SiteNow]
    totals: dict[str, dict[str, int]]
    alerts: list[dict[str, Any]]
    log: list[dict[str, Any]]
    triggers: list[tuple[Plan, list[TriggerStatus]]] = field(default_factory=list)
    forecast: dict[str, Any] | None = None
    stale_days: int = STALE_DAYS
    forecast_stale: bool = False
    band: dict[str, Any] | None = None  # all sites, 14-28 days ahead
    distances: list[dict[str, Any]] = field(default_factory=list)
    past: bool = False  # a day before today: ages are counted from its end, not from now
    duties: list[dict[str, Any]] = field(default_factory=list)

    def title_of(self, plan_name: str, item: str = "") -> Any:
        """The {es, en} title of an active plan's trigger or action, or the plan itself."""
        for plan, _ in self.triggers:
            if plan.name != plan_name:
                continue
            if not item:
                return plan
            for x in [*plan.triggers, *plan.actions]:
                if x.id == item and x.title is not None:
                    return x.title
        return None

    @property
    def fresh(self) -> list[SiteNow]:
        """Sites with a count young enough to add up."""
        return [s for s in self.sites if s.observed_at is not None and not s.stale]

    @property
    def old(self) -> list[SiteNow]:
        """Sites whose newest count is too old to add up."""
        return [s for s in self.sites if s.stale]

    @property
    def uncounted(self) -> list[SiteNow]:
        """Sites without any count up to the picture's date."""
        return [s for s in self.sites if s.observed_at is None]

    @property
    def newest(self) -> dt.datetime | None:
        """The newest observation in the picture (its data age)."""
        times = [s.observed_at for s in self.sites if s.observed_at is not None]
        return max(times) if times else None


def _end_of(d: dt.date, zone: str) -> dt.datetime:
    """The moment a local day ends in a time zone (the next day's local midnight), in UTC."""
    nxt = d + dt.timedelta(days=1)
    return dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=ZoneInfo(i18n.zone(zone))).astimezone(
        dt.UTC
    )


def standing(q: Any) -> Any:
    """A query's reports that stand: neither replaced (corrected, withdrawn) nor withdrawals."""
    replaced = select(FieldReport.supersedes_id).where(FieldReport.supersedes_id.is_not(None))
    return q.where(FieldReport.withdrawn.is_(False), FieldReport.id.not_in(replaced))


def latest(session: Session, site_id: str, as_of: dt.date) -> FieldReport | None:
    """The newest report that stands at a site, of `as_of` or before (the site's local days)."""
    q = standing(report_query(site_id=site_id, until=as_of)).options(lazyload(FieldReport.counts))
    return cast(FieldReport | None, session.scalars(q.limit(1)).first())


def site_now(
    session: Session,
    site: Site,
    as_of: dt.date,
    stale_days: int = STALE_DAYS,
    figures: Figures | None = None,
) -> SiteNow:
    """A site with the day's figure of its latest day with counts, and its one-week trend.

    The figures are the day's figures (`hito.store.figures.daily_figures`: the median of each
    agency's latest count of the day), as the triggers, alerts, needs and forecasts read them;
    the time and agency shown are those of the newest report that stands. `figures`: the
    day's figures of stranded people and of people present, per site and day, up to `as_of`
    (`day_figures`), read here when not given.
    """
    row = latest(session, site.id, as_of)
    out = SiteNow(
        id=site.id,
        name=site.name,
        kind=site.kind,
        country=site.country_code,
        lat=site.lat,
        lon=site.lon,
        status=places.status(site.status, site.scenario, site.id, as_of),
        stored_status=site.status,
        capacity=site.capacity,
        scenario=site.scenario,
        title=places.titles(site.scenario).get(site.id),
    )
    if row is None:
        return out
    stranded, people = figures if figures is not None else day_figures(session, as_of, [site.id])
    days = stranded.get(site.id, {})
    fig = days.get(row.day)
    pfig = people.get(site.id, {}).get(row.day)
    if fig is None or pfig is None:  # cannot be: the newest report that stands is counted
        return out
    out.stranded, out.people = fig.figure, pfig.figure
    out.at_least, out.people_at_least = fig.at_least, pfig.at_least
    out.low, out.high, out.disagree = fig.low, fig.high, fig.disagree
    out.agencies = len(fig.by_agency)
    out.observed_at = row.observed_at
    out.day = row.day
    out.agency, out.agency_name = row.agency.code, row.agency.name
    # days are the site's local days (FieldReport.day), as `as_of` is at the site
    out.stale = row.day < as_of - dt.timedelta(days=stale_days)
    if not out.stale:
        newest = row.day
        week = [d for d in days if newest - dt.timedelta(days=TREND_DAYS) <= d < newest]
        if week:  # the figure of the oldest day with counts in the week before
            first = days[min(week)]
            if not (first.at_least and fig.at_least):
                out.trend = fig.figure - first.figure
                out.trend_days = (newest - min(week)).days
                out.trend_bound = (
                    "at_least" if fig.at_least else "at_most" if first.at_least else None
                )
    return out


def day_figures(session: Session, as_of: dt.date, site_ids: list[str] | None = None) -> Figures:
    """The day's figures of stranded people and of people present, per site and day to `as_of`."""
    return (
        daily_figures(session, site_ids=site_ids, until=as_of, field="stranded"),
        daily_figures(session, site_ids=site_ids, until=as_of, field="people"),
    )


def totals(sites: list[SiteNow]) -> dict[str, dict[str, int]]:
    """People and stranded people per country, from each site's day's figure that is not stale.

    `reported`: sites whose count is added; `stale`: sites whose count is too old to add;
    `at_least`: 1 when a site's count added is open-ended ("more than 100"), so is the sum.
    """
    out: dict[str, dict[str, int]] = {}
    for s in sites:
        t = out.setdefault(
            s.country,
            {"people": 0, "stranded": 0, "sites": 0, "reported": 0, "stale": 0, "at_least": 0},
        )
        t["sites"] += 1
        if s.stale:
            t["stale"] += 1
        elif s.people is not None:
            t["people"] += s.people
            t["stranded"] += s.stranded or 0
            t["reported"] += 1
            t["at_least"] |= s.at_least
    return dict(sorted(out.items()))


def log_entries(session: Session, limit: int = 8) -> list[dict[str, Any]]:
    """The newest entries of the log about shared things (who did what and when).

    Not sign-ins, users, subscriptions nor SMS numbers: the picture is read by both countries
    (`hito.store.logview`).
    """
    rows, _ = logread.entries(session, limit=limit, actions=logview.SHARED)
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


def reference_time(as_of: dt.date, now: dt.datetime, zone: str = i18n.DEFAULT_ZONE) -> dt.datetime:
    """The moment ages are counted from: now, or the end of `as_of` when it is in the past.

    `as_of` is a local day in `zone` (the reader's), as the report days are: a past day ends
    at its local midnight, not at UTC midnight.
    """
    return min(now, _end_of(as_of, zone) - dt.timedelta(seconds=1))


def situation(
    session: Session,
    *,
    as_of: dt.date | None = None,
    with_triggers: bool = True,
    stale_days: int = STALE_DAYS,
    zone: str = i18n.DEFAULT_ZONE,
    now: dt.datetime | None = None,
) -> Situation:
    """The picture on `as_of` (default: `day_shown` in `zone`): counts, totals, forecasts, triggers.

    Each site's counts are of its local days (`FieldReport.day`); the pages pass the visitor's
    local day (`hito.web.session.today`) and zone, whose local midnight ends a past `as_of`.
    `now` is this moment unless given.
    """
    now = now or utcnow()
    as_of = as_of or day_shown(zone, now)
    rows, _ = list_sites(session, limit=1000)
    figures = day_figures(session, as_of)
    sites = [site_now(session, r, as_of, stale_days, figures) for r in rows]
    forecast = latest_result(session, as_of)
    for x in sites:
        x.band = forecast_view.band(forecast, x.id, as_of)
    triggers = trigger_status(session, as_of) if with_triggers else []
    return Situation(
        as_of=as_of,
        now=reference_time(as_of, now, zone),
        past=reference_time(as_of, now, zone) < now,
        sites=sites,
        totals=totals(sites),
        alerts=alerts(session, as_of),
        log=log_entries(session),
        triggers=triggers,
        forecast=forecast,
        stale_days=stale_days,
        forecast_stale=forecast_view.stale(forecast, as_of),
        band=forecast_view.band(forecast, None, as_of),
        distances=distances(triggers, forecast, as_of),
        duties=duties(triggers),
    )


def site_detail(session: Session, site_id: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """One site: its newest count, daily stranded series, status history and reports."""
    as_of = as_of or utcnow().date()
    site = get_site(session, site_id=site_id)
    figures = daily_figures(session, site_ids=[site_id], until=as_of).get(site_id, {})
    series = {d: f.figure for d, f in figures.items()}
    history, _ = status_history(session, site_id=site_id, limit=20)
    reports, n = list_reports(session, site_id=site_id, until=as_of, limit=15)
    # the entries that corrected or withdrew the reports shown: report id -> (entry id, withdrawn)
    replaced = {
        old: (new, gone)
        for old, new, gone in session.execute(
            select(FieldReport.supersedes_id, FieldReport.id, FieldReport.withdrawn).where(
                FieldReport.supersedes_id.in_([r.id for r in reports])
            )
        )
    }
    return {
        "site": site_now(session, site, as_of),
        "as_of": as_of,
        "series": sorted(series.items()),
        "open_days": sorted(d for d, f in figures.items() if f.at_least),  # "more than" figures
        "history": [
            {"status": h.status, "effective_at": h.effective_at, "remark": h.remark}
            for h in history
        ],
        "reports": reports,
        "report_count": n,
        "replaced": replaced,
        # the newest report that stands (neither replaced nor a withdrawal), for its profile
        "current": next((r for r in reports if r.id not in replaced and not r.withdrawn), None),
    }


def read_comparison(path: Path | None) -> dict[str, Any] | None:
    """A stored plan comparison as {rows, dates, stranded}, or None when there is no file.

    A plain list (the comparison.json of `hito plans compare`) gives the rows alone. A file that
    is no comparison is an InputError naming it (the pages show it; the CLI exits 2).
    """
    if path is None or not path.exists():  # a folder is read, and said to be one
        return None
    try:
        data = json.loads(read_utf8(path))
    except json.JSONDecodeError as exc:
        raise InputError(not_a_comparison(f"{path}:{exc.lineno}", Problem("not JSON"))) from None
    except RecursionError:  # brackets nested thousands deep
        why = Problem("lists or mappings nested thousands of levels deep")
        raise InputError(not_a_comparison(str(path), why)) from None
    if isinstance(data, list):
        data = {"rows": data, "dates": [], "stranded": {}}
    rows = data.get("rows") if isinstance(data, dict) else None
    if rows == []:  # `hito plans compare` writes a row for each plan and one without
        raise InputError(not_a_comparison(str(path), Problem("no rows, expected one per plan")))
    if not isinstance(rows, list) or not all(_is_row(r) for r in rows):
        raise InputError(
            not_a_comparison(str(path), Problem("each row needs a plan and its P10, P50, P90"))
        )
    return dict(data)


def not_a_comparison(where: str, why: Problem) -> Problem:
    """Why a file is no plan comparison."""
    return Problem(
        "%(where)s: not a plan comparison (%(why)s); expected the comparison.json of `hito plans "
        "compare`",
        where=where,
        why=why,
    )


def _is_row(row: Any) -> bool:
    """A comparison's row: a plan's name and each figure's P10, P50 and P90."""
    shown = ("stranded_person_days", "peak_stranded", "diverted", "harmed")
    return (
        isinstance(row, dict)
        and isinstance(row.get("plan"), str)
        and all(
            isinstance(row.get(m), dict)
            and all(isinstance(row[m].get(q), int | float) for q in ("p10", "p50", "p90"))
            for m in shown
        )
    )
