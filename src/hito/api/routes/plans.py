"""Plans (admin writes, everyone reads): joint contingency plans, written by any admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.api.deps import ActorDep, AdminDep, DbDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import Limit, Offset, RowIdPath
from hito.api.schemas.plans import PlanCreate, PlanList, PlanPublic, PlanUpdate
from hito.domain import ID_MAX_LENGTH, ID_PATTERN
from hito.store import plans

router = APIRouter(prefix="/plans", tags=["plans"], route_class=OnceKeyedRoute)
PlanId = RowIdPath


@router.post("", status_code=201, response_model=PlanPublic)
def create(body: PlanCreate, actor: AdminDep, db: DbDep) -> PlanPublic:
    """Store a plan as the next version of its name (admin); its triggers raise alerts."""
    with db.session() as session:
        if body.builtin is not None:
            row = plans.create_builtin_plan(session, actor=actor, name=body.builtin)
        else:
            assert body.text is not None
            row = plans.create_plan(session, actor=actor, text=body.text)
        return PlanPublic.model_validate(row)


@router.get("", response_model=PlanList)
def list_(
    actor: ActorDep,
    db: DbDep,
    name: Annotated[str | None, Query(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)] = None,
    all_versions: bool = False,
    offset: Offset = 0,
    limit: Limit = 100,
) -> PlanList:
    """Stored plans: the newest version of each, or every version."""
    with db.session(readonly=True) as session:
        rows, n = plans.list_plans(
            session, name=name, latest_only=not all_versions, offset=offset, limit=limit
        )
        return PlanList(data=[PlanPublic.model_validate(r) for r in rows], count=n)


@router.get("/{plan_id}", response_model=PlanPublic)
def get(plan_id: PlanId, actor: ActorDep, db: DbDep) -> PlanPublic:
    """One stored plan version."""
    with db.session(readonly=True) as session:
        return PlanPublic.model_validate(plans.get_plan(session, plan_id=plan_id))


@router.patch("/{plan_id}", response_model=PlanPublic)
def update(plan_id: PlanId, body: PlanUpdate, actor: AdminDep, db: DbDep) -> PlanPublic:
    """Switch a plan version on or off for alerts (admin)."""
    with db.session() as session:
        return PlanPublic.model_validate(
            plans.set_active(session, actor=actor, plan_id=plan_id, active=body.active)
        )
