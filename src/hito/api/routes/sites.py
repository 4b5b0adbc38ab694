"""Sites, their status history and shelter updates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.api.deps import ActorDep, DbDep, WriterDep
from hito.api.schemas.common import Limit, Offset, SiteIdPath
from hito.api.schemas.sites import (
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

router = APIRouter(prefix="/sites", tags=["sites"])


@router.get("", response_model=SiteList)
def list_(
    actor: ActorDep,
    db: DbDep,
    country: Annotated[str | None, Query(pattern=COUNTRY_PATTERN)] = None,
    kind: Annotated[
        str | None, Query(pattern=one_of(SITE_KINDS))
    ] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> SiteList:
    """Sites with their current status, optionally of one country or kind."""
    with db.session(readonly=True) as s:
        rows, n = sites.list_sites(s, country=country, kind=kind, offset=offset, limit=limit)
        return SiteList(data=[SitePublic.model_validate(r) for r in rows], count=n)


@router.get("/{site_id}", response_model=SitePublic)
def get(site_id: SiteIdPath, actor: ActorDep, db: DbDep) -> SitePublic:
    """One site."""
    with db.session(readonly=True) as s:
        return SitePublic.model_validate(sites.get_site(s, site_id=site_id))


@router.post("/{site_id}/status", status_code=201, response_model=StatusPublic)
def set_status(
    site_id: SiteIdPath, body: StatusCreate, actor: WriterDep, db: DbDep
) -> StatusPublic:
    """Change a site's status (an editor of an agency of the site's country, or an admin)."""
    with db.session() as s:
        row = sites.set_status(
            s,
            actor=actor,
            site_id=site_id,
            status=body.status,
            effective_at=body.effective_at,
            remark=body.remark,
        )
        return StatusPublic.model_validate(row)


@router.get("/{site_id}/status", response_model=StatusList)
def history(
    site_id: SiteIdPath, actor: ActorDep, db: DbDep, offset: Offset = 0, limit: Limit = 100
) -> StatusList:
    """A site's status history, newest first."""
    with db.session(readonly=True) as s:
        rows, n = sites.status_history(s, site_id=site_id, offset=offset, limit=limit)
        return StatusList(data=[StatusPublic.model_validate(r) for r in rows], count=n)


@router.post("/{site_id}/shelter-updates", status_code=201, response_model=ShelterUpdatePublic)
def shelter_update(
    site_id: SiteIdPath, body: ShelterUpdateCreate, actor: WriterDep, db: DbDep
) -> ShelterUpdatePublic:
    """Record a shelter's occupancy and capacity."""
    with db.session() as s:
        row = shelters.create_update(
            s,
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
    site_id: SiteIdPath, actor: ActorDep, db: DbDep, offset: Offset = 0, limit: Limit = 100
) -> ShelterUpdateList:
    """A shelter's updates, newest first."""
    with db.session(readonly=True) as s:
        rows, n = shelters.list_updates(s, site_id=site_id, offset=offset, limit=limit)
        return ShelterUpdateList(
            data=[ShelterUpdatePublic.model_validate(r) for r in rows], count=n
        )
