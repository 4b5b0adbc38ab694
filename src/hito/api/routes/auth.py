"""Sign in (OAuth2 password flow), sign out, and who am I."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from hito.api.deps import ActorDep, DbDep, SettingsDep, TokenDep
from hito.api.schemas.users import Me, TokenPublic
from hito.store import tokens
from hito.store.db import Database
from hito.store.errors import AuthError
from hito.store.models import Token
from hito.store.settings import Settings

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenPublic)
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], db: DbDep, settings: SettingsDep
) -> TokenPublic:
    """Exchange a username and password for a bearer token; failures are slowed and limited."""
    try:
        raw, row = await asyncio.to_thread(_login, db, settings, form.username, form.password)
    except AuthError:
        await asyncio.sleep(settings.login_failure_delay)
        raise
    return TokenPublic(access_token=raw, expires_at=row.expires_at)


def _login(db: Database, settings: Settings, username: str, password: str) -> tuple[str, Token]:
    with db.session() as s:
        return tokens.login(
            s,
            username=username,
            password=password,
            ttl=dt.timedelta(minutes=settings.token_ttl_minutes),
            max_failures=settings.login_max_failures,
            lockout=dt.timedelta(seconds=settings.login_lockout_seconds),
        )


@router.post("/revoke", status_code=204)
def revoke(actor: ActorDep, token: TokenDep, db: DbDep) -> None:
    """Revoke the token of this request (sign out)."""
    assert token is not None
    with db.session() as s:
        tokens.revoke(s, token=token, actor=actor)


@router.get("/me", response_model=Me)
def me(actor: ActorDep) -> Me:
    """The signed-in user, their role and agency."""
    return Me.model_validate(actor)
