"""Users (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from hito.api.deps import AdminDep, DbDep
from hito.api.schemas.common import Limit, Offset
from hito.api.schemas.users import UserCreate, UserList, UserPublic, UserUpdate
from hito.store import users

router = APIRouter(prefix="/users", tags=["users"])
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("", status_code=201, response_model=UserPublic)
def create(body: UserCreate, actor: AdminDep, db: DbDep) -> UserPublic:
    """Add a user (admin)."""
    with db.session() as s:
        row = users.create_user(
            s,
            actor=actor,
            username=body.username,
            password=body.password,
            role=body.role,
            agency_id=body.agency_id,
        )
        return UserPublic.model_validate(row)


@router.get("", response_model=UserList)
def list_(
    actor: AdminDep,
    db: DbDep,
    agency_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> UserList:
    """Users, optionally of one agency (admin)."""
    with db.session(readonly=True) as s:
        rows, n = users.list_users(s, agency_id=agency_id, offset=offset, limit=limit)
        return UserList(data=[UserPublic.model_validate(r) for r in rows], count=n)


@router.get("/{user_id}", response_model=UserPublic)
def get(user_id: UserId, actor: AdminDep, db: DbDep) -> UserPublic:
    """One user (admin)."""
    with db.session(readonly=True) as s:
        return UserPublic.model_validate(users.get_user(s, user_id=user_id))


@router.patch("/{user_id}", response_model=UserPublic)
def update(user_id: UserId, body: UserUpdate, actor: AdminDep, db: DbDep) -> UserPublic:
    """Enable or disable a user; disabling revokes their tokens (admin)."""
    with db.session() as s:
        row = users.set_active(s, actor=actor, user_id=user_id, active=body.active)
        return UserPublic.model_validate(row)
