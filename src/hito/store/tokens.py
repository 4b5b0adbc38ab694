"""Bearer tokens: issued at login, stored hashed, expiring and revocable; failed logins limited."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from hito.errors import Problem
from hito.store import audit, logsecret, throttle
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.errors import AuthError, TooManyAttemptsError
from hito.store.models import Agency, Token, User
from hito.store.users import actor_of, check_password, hash_password, password_bound

log = logging.getLogger(__name__)
_dummy: list[str] = []


def _dummy_hash() -> str:
    """A hash to verify against for unknown usernames: as slow as a wrong password."""
    if not _dummy:
        _dummy.append(hash_password("not-a-real-password"))
    return _dummy[0]


def token_digest(session: Session, token: str) -> str:
    """What is stored of a bearer token: an HMAC with the service's secret (`hito.store.logsecret`).

    Whoever can write the database but not read the log key cannot store a token of their own.
    """
    return logsecret.of_session(session).token_digest(token)


def login(
    session: Session,
    *,
    username: str,
    password: str,
    ttl: dt.timedelta,
    max_failures: int = 5,
    lockout: dt.timedelta = dt.timedelta(minutes=5),
    address: str = "local",
) -> tuple[str, Token]:
    """Check a password and issue a token, in one session (commands and tests).

    The server uses `sign_in`, which checks the password outside any transaction.
    """
    limits = throttle.Limits(pair=max_failures, window=lockout)
    now = utcnow()
    wait = throttle.reserve(session, username=username, address=address, limits=limits, now=now)
    session.commit()  # the attempt counts even though the request may fail
    if wait is not None:
        _refuse(wait)
    user = session.scalar(select(User).where(User.username == username))
    bound = user is not None and password_bound(session, user)
    ok = check_password(user.password_hash if user else _dummy_hash(), password)
    return _settle(
        session, user, ok, bound, username=username, address=address, ttl=ttl, limits=limits
    )


def sign_in(
    db: Database,
    *,
    username: str,
    password: str,
    ttl: dt.timedelta,
    limits: throttle.Limits,
    address: str,
) -> tuple[str, Token]:
    """Count the attempt, check the password with no transaction open, then issue a token.

    Three steps: a short transaction counts the attempt (refused at once when a limit is
    reached: 429 naming no account), argon2 runs outside every lock (bounded in
    `hito.store.users`), a short transaction issues the token or records the failure.
    """
    now = utcnow()
    with db.session() as session:
        wait = throttle.reserve(session, username=username, address=address, limits=limits, now=now)
    if wait is not None:
        with db.session() as session:
            audit.append(
                session,
                actor="anonymous",
                action="auth.refused",
                resource="user:?",
                note=f"too many attempts; wait {wait} s",
            )
        _refuse(wait)
    with db.lookup() as session:
        user = session.scalar(select(User).where(User.username == username))
        stored = user.password_hash if user is not None else _dummy_hash()
        bound = user is not None and password_bound(session, user)
    ok = check_password(stored, password)
    with db.session() as session:
        fresh = session.get(User, user.id) if user is not None else None
        if fresh is not None and fresh.password_hash != stored:  # changed meanwhile: check again
            bound, ok = False, False
        return _settle(
            session, fresh, ok, bound, username=username, address=address, ttl=ttl, limits=limits
        )


def _refuse(wait: int) -> None:
    raise TooManyAttemptsError(
        Problem("too many sign-in attempts: try again in %(wait)s s", wait=wait), retry_after=wait
    )


def _settle(
    session: Session,
    user: User | None,
    ok: bool,
    bound: bool,
    *,
    username: str,
    address: str,
    ttl: dt.timedelta,
    limits: throttle.Limits,
) -> tuple[str, Token]:
    """Record the outcome: a token and a sign-in entry, or a failure (and a lockout) entry."""
    resource = f"user:{user.id}" if user is not None else "user:?"
    swapped = user is not None and ok and not bound
    if swapped:
        log.warning(
            "sign-in refused: the password hash of user %s was not stored by the service "
            "(written into the database behind its back)",
            user.id,  # type: ignore[union-attr]
        )
    if user is None or not ok or not bound or not user.active:
        audit.append(
            session,
            actor=user.username if user else "anonymous",
            action="auth.failure",
            resource=resource,
            note="password hash not stored by the service" if swapped else "",
        )
        if throttle.just_locked(session, username=username, address=address, limits=limits):
            audit.append(
                session,
                actor="anonymous",
                action="auth.lockout",
                resource=resource,
                note=f"{limits.pair} failures from one address",
            )
        session.commit()
        if user is None or not ok or not bound:
            raise AuthError(Problem("wrong username or password"))
        raise AuthError(Problem("this user is disabled"))
    throttle.clear(session, username=username, address=address)
    raw = secrets.token_urlsafe(32)
    row = Token(user_id=user.id, token_hash=token_digest(session, raw), expires_at=utcnow() + ttl)
    session.add(row)
    session.flush()
    audit.append(
        session, actor=user.username, action="auth.login", resource=resource, note=f"token:{row.id}"
    )
    return raw, row


# built once: every request runs it
_BY_TOKEN = (
    select(Token.revoked_at, Token.expires_at, User)
    .join(User, User.id == Token.user_id)
    .where(Token.token_hash == bindparam("digest"))
)


def authenticate(session: Session, *, token: str) -> Actor:
    """The Actor behind a bearer token, or AuthError if unknown, expired or revoked."""
    return authenticate_until(session, token=token)[0]


def authenticate_until(session: Session, *, token: str) -> tuple[Actor, dt.datetime]:
    """`authenticate`, with the time the token expires (a page kept offline ends with it)."""
    found = session.execute(_BY_TOKEN, {"digest": token_digest(session, token)}).first()
    if found is None:
        raise AuthError(Problem("unknown token: sign in at /api/v1/auth/token"))
    revoked_at, expires_at, user = found
    _check(revoked_at, expires_at, user.active, utcnow())
    return actor_of(user), expires_at


def _check(
    revoked_at: dt.datetime | None, expires_at: dt.datetime, active: bool, now: dt.datetime
) -> None:
    if revoked_at is not None:
        raise AuthError(Problem("this token was revoked: sign in again"))
    if expires_at <= now:
        raise AuthError(Problem("this token has expired: sign in again"))
    if not active:
        raise AuthError(Problem("this user is disabled"))


_MANY = (
    select(
        Token.token_hash,
        Token.revoked_at,
        Token.expires_at,
        User.id,
        User.username,
        User.role,
        User.agency_id,
        User.active,
        Agency.country_code,
    )
    .join(User, User.id == Token.user_id)
    .outerjoin(Agency, Agency.id == User.agency_id)
)
# built once (a statement made per call costs more CPU than its round trip)
_MANY_BY_DIGEST = _MANY.where(Token.token_hash.in_(bindparam("digests", expanding=True)))


def actors_for(session: Session, digests: Iterable[str]) -> dict[str, Actor | AuthError]:
    """The Actor behind each of several token digests, or why it is refused, in one statement.

    The same checks and messages as `authenticate`.
    """
    wanted = sorted(set(digests))
    now = utcnow()
    out: dict[str, Actor | AuthError] = {}
    for d, revoked_at, expires_at, uid, name, role, agency_id, active, country in (
        session.connection().execute(_MANY_BY_DIGEST, {"digests": wanted}) if wanted else ()
    ):
        try:
            _check(revoked_at, expires_at, active, now)
        except AuthError as exc:
            out[d] = exc
            continue
        out[d] = Actor(uid, name, role, agency_id, country)
    for d in wanted:
        out.setdefault(d, AuthError(Problem("unknown token: sign in at /api/v1/auth/token")))
    return out


def revoke(session: Session, *, token: str, actor: Actor) -> None:
    """Revoke one token (signing out)."""
    row = session.scalar(select(Token).where(Token.token_hash == token_digest(session, token)))
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    session.flush()
    audit.append(session, actor=actor.username, action="token.revoke", resource=f"token:{row.id}")


def revoke_replaced(session: Session, *, token: str) -> bool:
    """Revoke the session a browser held when someone signed in on it (its old cookie).

    On a shared phone the previous user's session ends there, on the server too: its token,
    copied before, opens nothing. Logged as that user's `token.revoke` (an entry their
    country reads), noting why. True when a live token was revoked.
    """
    found = session.execute(
        select(Token, User.username)
        .join(User, User.id == Token.user_id)
        .where(Token.token_hash == token_digest(session, token))
    ).first()
    if found is None or found[0].revoked_at is not None:
        return False
    row, owner = found
    row.revoked_at = utcnow()
    session.flush()
    audit.append(
        session,
        actor=owner,
        action="token.revoke",
        resource=f"token:{row.id}",
        note="replaced by a new sign-in in the same browser",
    )
    return True
