"""Agencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.api.deps import ActorDep, AdminDep, DbDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.agencies import AgencyCreate, AgencyList, AgencyPublic
from hito.api.schemas.common import Limit, Offset, RowIdPath
from hito.domain import COUNTRY_PATTERN
from hito.store import agencies

router = APIRouter(prefix="/agencies", tags=["agencies"], route_class=OnceKeyedRoute)
AgencyId = RowIdPath


@router.post("", status_code=201, response_model=AgencyPublic)
def create(body: AgencyCreate, actor: AdminDep, db: DbDep) -> AgencyPublic:
    """Add an agency of a country (an admin of that country, or the operator)."""
    with db.session() as session:
        row = agencies.create_agency(
            session, actor=actor, code=body.code, name=body.name, country_code=body.country_code
        )
        return AgencyPublic.model_validate(row)


@router.get("", response_model=AgencyList)
def list_(
    actor: ActorDep,
    db: DbDep,
    country: Annotated[str | None, Query(pattern=COUNTRY_PATTERN)] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> AgencyList:
    """Agencies, optionally of one country."""
    with db.session(readonly=True) as session:
        rows, n = agencies.list_agencies(session, country=country, offset=offset, limit=limit)
        return AgencyList(data=[AgencyPublic.model_validate(r) for r in rows], count=n)


@router.get("/{agency_id}", response_model=AgencyPublic)
def get(agency_id: AgencyId, actor: ActorDep, db: DbDep) -> AgencyPublic:
    """One agency."""
    with db.session(readonly=True) as session:
        return AgencyPublic.model_validate(agencies.get_agency(session, agency_id=agency_id))
