"""Countries."""

from __future__ import annotations

from fastapi import APIRouter

from hito.api.deps import ActorDep, AdminDep, DbDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import Limit, Offset
from hito.api.schemas.countries import CountryCreate, CountryList, CountryPublic
from hito.store import countries

router = APIRouter(prefix="/countries", tags=["countries"], route_class=OnceKeyedRoute)


@router.post("", status_code=201, response_model=CountryPublic)
def create(body: CountryCreate, actor: AdminDep, db: DbDep) -> CountryPublic:
    """Add a country (the operator: an admin of no agency)."""
    with db.session() as session:
        row = countries.create_country(session, actor=actor, code=body.code, name=body.name)
        return CountryPublic.model_validate(row)


@router.get("", response_model=CountryList)
def list_(actor: ActorDep, db: DbDep, offset: Offset = 0, limit: Limit = 100) -> CountryList:
    """Countries by code."""
    with db.session(readonly=True) as session:
        rows, n = countries.list_countries(session, offset=offset, limit=limit)
        return CountryList(data=[CountryPublic.model_validate(r) for r in rows], count=n)
