"""Bearer tokens: issued at login, stored hashed, expiring and revocable; failed logins limited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from hito.store import audit
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.store.errors import AuthError, TooManyAttemptsError
from hito.store.models import Token, User
from hito.store.users import actor_of, check_password, hash_password

_dummy: list[str] = []


def _dummy_hash() -> str:
    """A hash to verify against for unknown usernames: as slow as a wrong password."""
    if not _dummy:
        _dummy.append(hash_password("not-a-real-password"))
    return _dummy[0]


def token_digest(token: str) -> str:
    """SHA-256 of a bearer token: only this is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def login(
    session: Session,
    *,
    username: str,
    password: str,
    ttl: dt.timedelta,
    max_failures: int,
    lockout: dt.timedelta,
) -> tuple[str, Token]:
    """Check a password and issue a token; failures count up to a temporary lock."""
    now = utcnow()
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password(_dummy_hash(), password)
        raise AuthError("wrong username or password")
    if user.locked_until is not None and user.locked_until > now:
        wait = int((user.locked_until - now).total_seconds()) + 1
        raise TooManyAttemptsError(
            f"too many failed logins for {username!r}: try again in {wait} s", retry_after=wait
        )
    if not check_password(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
        session.commit()  # the failure must count even though the request fails
        raise AuthError("wrong username or password" if user.active else "this user is disabled")
    user.failed_logins = 0
    user.locked_until = None
    raw = secrets.token_urlsafe(32)
    row = Token(user_id=user.id, token_hash=token_digest(raw), expires_at=now + ttl)
    session.add(row)
    session.flush()
    return raw, row


# built once: every request runs it
_BY_TOKEN = (
    select(Token.revoked_at, Token.expires_at, User)
    .join(User, User.id == Token.user_id)
    .where(Token.token_hash == bindparam("digest"))
)


def authenticate(session: Session, *, token: str) -> Actor:
    """The Actor behind a bearer token, or AuthError if unknown, expired or revoked."""
    found = session.execute(_BY_TOKEN, {"digest": token_digest(token)}).first()
    if found is None:
        raise AuthError("unknown token: sign in at /api/v1/auth/token")
    revoked_at, expires_at, user = found
    if revoked_at is not None:
        raise AuthError("this token was revoked: sign in again")
    if expires_at <= utcnow():
        raise AuthError("this token has expired: sign in again")
    if not user.active:
        raise AuthError("this user is disabled")
    return actor_of(user)


def revoke(session: Session, *, token: str, actor: Actor) -> None:
    """Revoke one token (signing out)."""
    audit.lock_writes(session)
    row = session.scalar(select(Token).where(Token.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    session.flush()
    audit.append(session, actor=actor.username, action="token.revoke", resource=f"token:{row.id}")
