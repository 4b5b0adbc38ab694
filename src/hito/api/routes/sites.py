"""Sites, their status history and shelter updates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.api.deps import ActorDep, DbDep, WriterDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import After, DayRange, Limit, Offset, SiteIdPath
from hito.api.schemas.sites import (
    AgencyCount,
    DayFigureList,
    DayFigurePublic,
    ShelterUpdateCreate,
    ShelterUpdateList,
    ShelterUpdatePublic,
    SiteList,
    SitePublic,
    StatusCreate,
    StatusList,
    StatusPublic,
)
from hito.domain import COUNTRY_PATTERN, SITE_KINDS, one_of
from hito.store import shelters, sites
from hito.store.figures import daily_figures

router = APIRouter(prefix="/sites", tags=["sites"], route_class=OnceKeyedRoute)


@router.get("", response_model=SiteList)
def list_(
    actor: ActorDep,
    db: DbDep,
    country: Annotated[str | None, Query(pattern=COUNTRY_PATTERN)] = None,
    kind: Annotated[str | None, Query(pattern=one_of(SITE_KINDS))] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> SiteList:
    """Sites with their current status, optionally of one country or kind."""
    with db.session(readonly=True) as session:
        rows, n = sites.list_sites(session, country=country, kind=kind, offset=offset, limit=limit)
        return SiteList(data=[SitePublic.model_validate(r) for r in rows], count=n)


@router.get("/{site_id}/figures", response_model=DayFigureList)
def figures(
    site_id: SiteIdPath,
    actor: ActorDep,
    db: DbDep,
    days: DayRange,
) -> DayFigureList:
    """The day's figure of stranded people per day, newest first, with each agency's count.

    One rule (`hito.store.figures`): each agency's latest report of the day counts once
    (corrections replace, withdrawals remove); the figure is their median; `low`, `high`
    and `disagree` show when agencies disagree.
    """
    with db.session(readonly=True) as session:
        sites.get_site(session, site_id=site_id)
        found = daily_figures(session, site_ids=[site_id], until=days.until).get(site_id, {})
    rows = [
        DayFigurePublic(
            day=d,
            figure=f.figure,
            low=f.low,
            high=f.high,
            disagree=f.disagree,
            at_least=f.at_least,
            by_agency=[
                AgencyCount(agency_id=a, stranded=n, at_least=a in f.open_agencies)
                for a, n in sorted(f.by_agency.items())
            ],
        )
        for d, f in sorted(found.items(), reverse=True)
        if days.since is None or d >= days.since
    ]
    return DayFigureList(data=rows, count=len(rows))


@router.get("/{site_id}", response_model=SitePublic)
def get(site_id: SiteIdPath, actor: ActorDep, db: DbDep) -> SitePublic:
    """One site."""
    with db.session(readonly=True) as session:
        return SitePublic.model_validate(sites.get_site(session, site_id=site_id))


@router.post("/{site_id}/status", status_code=201, response_model=StatusPublic)
def set_status(
    site_id: SiteIdPath, body: StatusCreate, actor: WriterDep, db: DbDep
) -> StatusPublic:
    """Change a site's status (an editor or an admin of the site's country, or the operator)."""
    with db.session() as session:
        row = sites.set_status(
            session,
            actor=actor,
            site_id=site_id,
            status=body.status,
            effective_at=body.effective_at,
            remark=body.remark,
        )
        return StatusPublic.model_validate(row)


@router.get("/{site_id}/status", response_model=StatusList)
def history(
    site_id: SiteIdPath,
    actor: ActorDep,
    db: DbDep,
    offset: Offset = 0,
    limit: Limit = 100,
    after: After = None,
) -> StatusList:
    """A site's status history, newest first; follow `next_after` (`?after=`) to page."""
    with db.session(readonly=True) as session:
        rows, n = sites.status_history(
            session, site_id=site_id, offset=offset, limit=limit, after_id=after
        )
        data = [StatusPublic.model_validate(r) for r in rows]
        return StatusList.page(data, n, limit, rows[-1].id if rows else None)


@router.post("/{site_id}/shelter-updates", status_code=201, response_model=ShelterUpdatePublic)
def shelter_update(
    site_id: SiteIdPath, body: ShelterUpdateCreate, actor: WriterDep, db: DbDep
) -> ShelterUpdatePublic:
    """Record a shelter's occupancy and capacity."""
    with db.session() as session:
        row = shelters.create_update(
            session,
            actor=actor,
            site_id=site_id,
            occupancy=body.occupancy,
            capacity=body.capacity,
            observed_at=body.observed_at,
            agency_id=body.agency_id,
        )
        return ShelterUpdatePublic.model_validate(row)


@router.get("/{site_id}/shelter-updates", response_model=ShelterUpdateList)
def shelter_updates(
    site_id: SiteIdPath,
    actor: ActorDep,
    db: DbDep,
    offset: Offset = 0,
    limit: Limit = 100,
    after: After = None,
) -> ShelterUpdateList:
    """A shelter's updates, newest first; follow `next_after` (`?after=`) to page."""
    with db.session(readonly=True) as session:
        rows, n = shelters.list_updates(
            session, site_id=site_id, offset=offset, limit=limit, after_id=after
        )
        data = [ShelterUpdatePublic.model_validate(r) for r in rows]
        return ShelterUpdateList.page(data, n, limit, rows[-1].id if rows else None)
