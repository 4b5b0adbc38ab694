"""Request dependencies: the database, the signed-in actor, and role checks in one place."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from hito.errors import Problem
from hito.store import tokens
from hito.store.actors import Actor
from hito.store.db import Database
from hito.store.errors import AuthError
from hito.store.settings import Settings

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_db(request: Request) -> Database:
    """The app's database."""
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TokenDep = Annotated[str | None, Depends(oauth2)]


def current_actor(db: DbDep, token: TokenDep) -> Actor:
    """The signed-in actor behind the bearer token (401 without a valid one)."""
    if not token:
        raise AuthError(
            Problem("sign in first: send 'Authorization: Bearer <token>' from /api/v1/auth/token")
        )
    with db.lookup() as session:
        return tokens.authenticate(session, token=token)


async def bearer_token(token: TokenDep) -> str:
    """The bearer token, not yet checked (401 without one); the report intake checks it."""
    if not token:
        raise AuthError(
            Problem("sign in first: send 'Authorization: Bearer <token>' from /api/v1/auth/token")
        )
    return token


def admin_actor(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """The signed-in actor, who must be an admin (403 otherwise)."""
    actor.require_admin(Problem("do this"))
    return actor


def writer_actor(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """The signed-in actor, who must be an admin or an editor (403 for viewers)."""
    actor.require_writer(Problem("write"))
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]
AdminDep = Annotated[Actor, Depends(admin_actor)]
WriterDep = Annotated[Actor, Depends(writer_actor)]
BearerDep = Annotated[str, Depends(bearer_token)]
