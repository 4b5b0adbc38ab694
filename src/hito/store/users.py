"""Users: argon2-hashed passwords, a role, and for editors one agency."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hito.store import audit
from hito.store.actors import Actor, paginate, snapshot
from hito.store.coltypes import utcnow
from hito.store.errors import ConflictError, InvalidError, NotFoundError
from hito.store.models import ROLES, Agency, Token, User

_HASHER = [PasswordHasher()]  # argon2id, RFC 9106 low-memory profile


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Replace the argon2 parameters (tests use cheap ones; existing hashes still verify)."""
    _HASHER[0] = hasher


MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    """The argon2id hash of a password."""
    return _HASHER[0].hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return _HASHER[0].verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _public(row: User) -> dict[str, object]:
    data = snapshot(row)
    data.pop("password_hash")
    return data


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    agency_id: int | None = None,
) -> User:
    """Add a user; an editor needs an agency, admins and viewers may have one."""
    actor.require_admin("create users")
    if role not in ROLES:
        raise InvalidError.at(
            ["body", "role"], f"got {role!r}, expected one of: {', '.join(ROLES)}"
        )
    if len(password) < MIN_PASSWORD:
        raise InvalidError.at(
            ["body", "password"],
            f"expected at least {MIN_PASSWORD} characters, got {len(password)}",
        )
    if role == "editor" and agency_id is None:
        raise InvalidError.at(["body", "agency_id"], "an editor needs the agency they write for")
    audit.lock_writes(session)
    if agency_id is not None and session.get(Agency, agency_id) is None:
        raise InvalidError.at(["body", "agency_id"], f"no agency with id {agency_id}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ConflictError(f"username {username!r} is already taken")
    row = User(
        username=username, password_hash=hash_password(password), role=role, agency_id=agency_id
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="user.create",
        resource=f"user:{row.id}",
        after=_public(row),
    )
    return row


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> User:
    """Enable or disable a user; disabling revokes every token they hold."""
    actor.require_admin("enable or disable users")
    audit.lock_writes(session)
    row = get_user(session, user_id=user_id)
    before = _public(row)
    row.active = active
    if not active:
        session.execute(
            update(Token)
            .where(Token.user_id == user_id, Token.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="user.update",
        resource=f"user:{row.id}",
        before=before,
        after=_public(row),
    )
    return row


def get_user(session: Session, *, user_id: int) -> User:
    """One user, or NotFoundError."""
    row = session.get(User, user_id)
    if row is None:
        raise NotFoundError(f"no user with id {user_id}")
    return row


def list_users(
    session: Session, *, agency_id: int | None = None, offset: int = 0, limit: int = 100
) -> tuple[list[User], int]:
    """Users by id, optionally of one agency."""
    q = select(User).order_by(User.id)
    if agency_id is not None:
        q = q.where(User.agency_id == agency_id)
    return paginate(session, q, offset=offset, limit=limit)


def actor_of(user: User) -> Actor:
    """The Actor a user acts as."""
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        agency_id=user.agency_id,
        country_code=user.agency.country_code if user.agency is not None else None,
    )
