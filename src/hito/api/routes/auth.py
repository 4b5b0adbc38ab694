"""Sign in (OAuth2 password flow), sign out, and who am I."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from hito.api.deps import ActorDep, DbDep, SettingsDep, TokenDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.users import Me, PasswordChange, TokenPublic
from hito.errors import Problem
from hito.store import throttle, tokens, users
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.errors import AuthError, TooManyAttemptsError
from hito.store.models import Token
from hito.store.settings import Settings

router = APIRouter(prefix="/auth", tags=["auth"], route_class=OnceKeyedRoute)


@router.post("/token", response_model=TokenPublic)
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    db: DbDep,
    settings: SettingsDep,
    request: Request,
) -> TokenPublic:
    """Exchange a username and password for a bearer token; failures are slowed and limited.

    Failures are counted per address, per account, and per account from an address; over
    a limit the answer is 429 with Retry-After, naming no account.
    """
    address = request.client.host if request.client else "unknown"
    try:
        raw, row = await asyncio.to_thread(
            sign_in, db, settings, form.username, form.password, address
        )
    except AuthError:
        await asyncio.sleep(settings.login_failure_delay)
        raise
    return TokenPublic(access_token=raw, expires_at=row.expires_at)


def sign_in(
    db: Database, settings: Settings, username: str, password: str, address: str
) -> tuple[str, Token]:
    """`tokens.sign_in` with the settings' lifetime and limits (also used by the dashboard)."""
    if "\x00" in username or len(username) > 200:
        raise AuthError(Problem("wrong username or password"))
    return tokens.sign_in(
        db,
        username=username,
        password=password,
        ttl=dt.timedelta(minutes=settings.token_ttl_minutes),
        limits=limits(settings),
        address=address,
    )


def limits(settings: Settings) -> throttle.Limits:
    """The settings' limits on failed password checks (sign-in and password change alike)."""
    return throttle.Limits(
        pair=settings.login_max_failures,
        address=settings.login_max_failures_per_address,
        account=settings.login_max_failures_per_account,
        window=dt.timedelta(seconds=settings.login_lockout_seconds),
    )


@router.post("/password", status_code=204)
async def change_password(
    body: PasswordChange, actor: ActorDep, db: DbDep, settings: SettingsDep, request: Request
) -> None:
    """Change your own password (the current one is checked); every token of yours is revoked.

    Each attempt counts as a failed sign-in of the account until it succeeds, so a stolen
    token cannot be used to guess the current password faster than sign-in allows.
    """
    if actor.user_id is None:
        raise AuthError(Problem("sign in as a user first"))
    address = request.client.host if request.client else "unknown"

    def run() -> None:
        with db.session() as session:
            wait = throttle.reserve(
                session,
                username=actor.username,
                address=address,
                limits=limits(settings),
                now=utcnow(),
            )
        if wait is not None:
            raise TooManyAttemptsError(
                Problem("too many sign-in attempts: try again in %(wait)s s", wait=wait),
                retry_after=wait,
            )
        with db.lookup() as session:
            row = users.get_user(session, user_id=actor.user_id)  # type: ignore[arg-type]
            current, bound = row.password_hash, users.password_bound(session, row)
        if not users.check_password(current, body.current_password) or not bound:
            raise AuthError(Problem("the current password is wrong"))
        with db.session() as session:  # the right password: the attempt was no guess
            throttle.clear(session, username=actor.username, address=address)
        users.password_problem(body.new_password, username=actor.username, field="new_password")
        new_hash = users.hash_password(body.new_password)
        with db.session() as session:
            users.set_password(
                session,
                actor=actor,
                user_id=actor.user_id,  # type: ignore[arg-type]
                password_hash=new_hash,
                reset=False,
            )

    try:
        await asyncio.to_thread(run)
    except AuthError:
        await asyncio.sleep(settings.login_failure_delay)
        raise


@router.post("/revoke", status_code=204)
def revoke(actor: ActorDep, token: TokenDep, db: DbDep) -> None:
    """Revoke the token of this request (sign out)."""
    assert token is not None
    with db.session() as session:
        tokens.revoke(session, token=token, actor=actor)


@router.get("/me", response_model=Me)
def me(actor: ActorDep) -> Me:
    """The signed-in user, their role and agency."""
    return Me.model_validate(actor)
