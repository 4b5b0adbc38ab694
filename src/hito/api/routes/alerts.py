"""Alerts raised by plans' observed triggers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.api.deps import ActorDep, DbDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import After, DayRange, Limit, Offset, RowIdPath
from hito.api.schemas.plans import AlertList, AlertPublic
from hito.domain import ID_MAX_LENGTH, ID_PATTERN
from hito.store import alerts

router = APIRouter(prefix="/alerts", tags=["alerts"], route_class=OnceKeyedRoute)
AlertId = RowIdPath


@router.get("", response_model=AlertList)
def list_(
    actor: ActorDep,
    db: DbDep,
    days: DayRange,
    plan: Annotated[str | None, Query(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)] = None,
    offset: Offset = 0,
    limit: Limit = 100,
    after: After = None,
) -> AlertList:
    """Alerts, newest episode first, optionally of one plan and a date range.

    To read them all, follow `next_after` (`?after=`) from page to page: each page starts
    after the last alert of the one before, where an `offset` repeats one already read each
    time a newer alert is raised while a script pages.
    """
    with db.session(readonly=True) as session:
        rows, n = alerts.list_alerts(
            session,
            plan_name=plan,
            since=days.since,
            until=days.until,
            offset=offset,
            limit=limit,
            after_id=after,
        )
        data = [AlertPublic.model_validate(r) for r in rows]
        return AlertList.page(data, n, limit, rows[-1].id if rows else None)


@router.get("/{alert_id}", response_model=AlertPublic)
def get(alert_id: AlertId, actor: ActorDep, db: DbDep) -> AlertPublic:
    """One alert."""
    with db.session(readonly=True) as session:
        return AlertPublic.model_validate(alerts.get_alert(session, alert_id=alert_id))
