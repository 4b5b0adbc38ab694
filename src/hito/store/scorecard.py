"""The service's own forecasts scored against the field reports that arrived after them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hito.forecast.scorecard import IssuedBand, Scorecard, score_issued
from hito.scenario.load import shared as load_scenario
from hito.store.models import FieldReport, Forecast, Site
from hito.store.observations import observations_from_store

WINDOW_DAYS = 28  # the longest horizon scored: older forecasts have no count left to meet
_cache: dict[tuple[Any, ...], Scorecard] = {}


def _issued(session: Session, as_of: dt.date | None) -> list[Any]:
    """(id, as_of, scenario, finished_at) of the newest finished forecast of each issue date.

    The newest WINDOW_DAYS + 1 issue dates up to `as_of`, oldest first; the results (large)
    are read only when the scorecard is not already known.
    """
    newest = select(func.max(Forecast.id)).where(Forecast.status == "done")
    if as_of is not None:
        newest = newest.where(Forecast.as_of <= as_of)
    newest = newest.group_by(Forecast.as_of).order_by(Forecast.as_of.desc())
    ids = list(session.scalars(newest.limit(WINDOW_DAYS + 1)))
    cols = (Forecast.id, Forecast.as_of, Forecast.scenario, Forecast.finished_at)
    return list(session.execute(select(*cols).where(Forecast.id.in_(ids)).order_by(Forecast.as_of)))


def _bands(row: Forecast) -> list[IssuedBand]:
    """The field-count bands of one finished forecast, one per counted place."""
    result: dict[str, Any] = row.result or {}
    dates = tuple(dt.date.fromisoformat(d) for d in result.get("dates", []))
    by_place: dict[str, dict[str, list[float | None]]] = result.get("count_by_place") or {}
    out = []
    for place, q in by_place.items():
        out.append(
            IssuedBand(row.as_of, place, dates, tuple(q["p10"]), tuple(q["p50"]), tuple(q["p90"]))
        )
    return out


def live_scorecard(session: Session, as_of: dt.date | None = None) -> Scorecard | None:
    """Score the forecasts issued up to `as_of` against the counts up to it (None: no forecast).

    Only forecasts of the scenario of the newest one are scored (their places are its places);
    a forecast is scored by the reports whose count date is after its issue date. The result
    is kept until a forecast finishes or a report is stored, corrected or withdrawn.
    """
    rows = _issued(session, as_of)
    if not rows:
        return None
    scenario = rows[-1].scenario
    rows = [r for r in rows if r.scenario == scenario]
    # reports are only ever added (a correction or a withdrawal is a new report)
    reports = session.execute(
        select(
            func.count(FieldReport.id), func.max(FieldReport.id), func.max(FieldReport.created_at)
        )
    ).one()
    done = tuple((r.id, r.finished_at) for r in rows)
    key = (str(session.get_bind().engine.url), as_of, done, tuple(reports))
    if key in _cache:
        return _cache[key]
    sc = load_scenario(scenario)
    sites: dict[str, str | None] = dict.fromkeys(session.scalars(select(Site.id)))
    sites.update(sc.observed_sites())
    obs = observations_from_store(session, sites, end=as_of)  # all before: persistence's spread
    full = session.scalars(select(Forecast).where(Forecast.id.in_([r.id for r in rows])))
    card = score_issued([b for r in full for b in _bands(r)], obs)
    _cache.clear()  # one picture at a time is enough: the key changes with every report
    _cache[key] = card
    return card
