"""The shelter registry and the needs picture (Sphere minimums against the forecast band)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from hito.api.deps import ActorDep, DbDep, WriterDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import SiteIdPath
from hito.api.schemas.shelters import (
    NeedsPictureOut,
    ShelterList,
    ShelterPublic,
    ShelterSet,
)
from hito.store import needs, shelters
from hito.store.forecasts import latest_result

router = APIRouter(tags=["shelters"], route_class=OnceKeyedRoute)


@router.get("/shelters", response_model=ShelterList)
def list_(actor: ActorDep, db: DbDep) -> ShelterList:
    """Registered shelters with their occupancy from the newest count."""
    with db.session(readonly=True) as session:
        rows = shelters.registry(session)
    return ShelterList(data=[ShelterPublic.model_validate(r) for r in rows], count=len(rows))


@router.put("/shelters/{site_id}", response_model=ShelterPublic)
def put(site_id: SiteIdPath, body: ShelterSet, actor: WriterDep, db: DbDep) -> ShelterPublic:
    """Register or update a shelter (an editor or an admin of its country, or the operator)."""
    with db.session() as session:
        shelters.register(session, actor=actor, site_id=site_id, **body.model_dump())
    with db.session(readonly=True) as session:
        row = next(r for r in shelters.registry(session) if r.site_id == site_id)
    return ShelterPublic.model_validate(row)


@router.get("/needs", response_model=NeedsPictureOut)
def get_needs(
    request: Request,
    actor: ActorDep,
    db: DbDep,
    horizon_days: Annotated[int, Query(ge=0, le=365)] = needs.HORIZON_DAYS,
) -> NeedsPictureOut:
    """Needs per site on the horizon day from the newest forecast (P90) or counts, and the gap."""
    with db.session(readonly=True) as session:
        p = needs.picture(
            session,
            forecast=latest_result(session),
            standards=request.app.state.settings.needs,
            horizon_days=horizon_days,
        )
    return NeedsPictureOut.model_validate(
        {
            **{k: getattr(p, k) for k in ("as_of", "day", "horizon_days", "basis", "people")},
            "needs": p.needs,
            "gap": p.gap,
            "sites": p.sites,
            "standards": p.standards.model_dump(),
        }
    )
