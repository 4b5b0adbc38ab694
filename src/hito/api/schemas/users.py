"""Schemas of users and tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from hito.api.schemas.common import List, Public, Request, RowId
from hito.domain import USERNAME_PATTERN

Username = Annotated[str, Field(pattern=USERNAME_PATTERN, examples=["ana.pdi"])]


class UserCreate(Request):
    """A new user; editors need the agency they write for."""

    username: Username
    password: str = Field(min_length=8, max_length=200)
    role: Literal["admin", "editor", "viewer"]
    agency_id: RowId | None = None


class UserUpdate(Request):
    """Enable or disable a user."""

    active: bool


class PasswordChange(Request):
    """Change your own password: the current one, and the new one."""

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=8, max_length=200)


class PasswordReset(Request):
    """An admin sets a user's new password."""

    password: str = Field(min_length=8, max_length=200)


class UserPublic(Public):
    """A user, without any secret."""

    id: int
    username: str
    role: str
    agency_id: int | None
    active: bool
    created_at: dt.datetime


UserList = List[UserPublic]


class TokenPublic(Public):
    """A bearer token as returned once at login."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime


class Me(Public):
    """The signed-in user."""

    user_id: int | None
    username: str
    role: str
    agency_id: int | None
    country_code: str | None
