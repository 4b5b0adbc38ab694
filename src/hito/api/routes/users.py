"""Users (admin only): an admin of a country manages the users of its agencies, the operator all."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.api.deps import AdminDep, DbDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import ROW_ID_MAX, Limit, Offset, RowIdPath
from hito.api.schemas.users import (
    PasswordReset,
    UserCreate,
    UserList,
    UserPublic,
    UserUpdate,
)
from hito.errors import Problem
from hito.store import users

router = APIRouter(prefix="/users", tags=["users"], route_class=OnceKeyedRoute)
UserId = RowIdPath


@router.post("", status_code=201, response_model=UserPublic)
def create(body: UserCreate, actor: AdminDep, db: DbDep) -> UserPublic:
    """Add a user (admin); common or easily guessed passwords are refused.

    An admin of a country adds users of its agencies; the operator (an admin of no agency) any.
    """
    users.password_problem(body.password, username=body.username)
    password_hash = users.hash_password(body.password)  # outside the transaction
    with db.session() as session:
        row = users.create_user(
            session,
            actor=actor,
            username=body.username,
            password="",
            password_hash=password_hash,
            role=body.role,
            agency_id=body.agency_id,
        )
        return UserPublic.model_validate(row)


@router.post("/{user_id}/password", status_code=204)
def reset_password(user_id: UserId, body: PasswordReset, actor: AdminDep, db: DbDep) -> None:
    """Set a user's new password (admin); every token of theirs is revoked.

    An admin of a country resets the passwords of users of its agencies; the operator any.
    """
    with db.session(readonly=True) as session:
        target = users.get_user(session, user_id=user_id)
        users.require_manages(actor, target, Problem("reset their password"))  # before argon2
    users.password_problem(body.password, username=target.username)
    password_hash = users.hash_password(body.password)
    with db.session() as session:
        users.set_password(
            session, actor=actor, user_id=user_id, password_hash=password_hash, reset=True
        )


@router.get("", response_model=UserList)
def list_(
    actor: AdminDep,
    db: DbDep,
    agency_id: Annotated[int | None, Query(ge=1, le=ROW_ID_MAX)] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> UserList:
    """Users, optionally of one agency (admin).

    An admin of a country lists the users of its agencies; the operator all.
    """
    with db.session(readonly=True) as session:
        rows, n = users.list_users(
            session, actor=actor, agency_id=agency_id, offset=offset, limit=limit
        )
        return UserList(data=[UserPublic.model_validate(r) for r in rows], count=n)


@router.get("/{user_id}", response_model=UserPublic)
def get(user_id: UserId, actor: AdminDep, db: DbDep) -> UserPublic:
    """One user (admin): an admin of a country reads the users of its agencies; the operator any."""
    with db.session(readonly=True) as session:
        return UserPublic.model_validate(users.read_user(session, actor=actor, user_id=user_id))


@router.patch("/{user_id}", response_model=UserPublic)
def update(user_id: UserId, body: UserUpdate, actor: AdminDep, db: DbDep) -> UserPublic:
    """Enable or disable a user; disabling revokes their tokens; the last admin stays (admin).

    An admin of a country enables or disables users of its agencies; the operator any.
    """
    with db.session() as session:
        row = users.set_active(session, actor=actor, user_id=user_id, active=body.active)
        return UserPublic.model_validate(row)
