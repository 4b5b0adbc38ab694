"""Users: argon2-hashed passwords, a role, and for editors one agency."""

from __future__ import annotations

import re
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hito.domain import USERNAME_PATTERN
from hito.errors import Problem
from hito.store import audit, logsecret
from hito.store.actors import NO_USER, Actor, paginate
from hito.store.coltypes import utcnow
from hito.store.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from hito.store.logrows import user_state
from hito.store.models import ROLES, Agency, Token, User

_HASHER = [PasswordHasher()]  # argon2id, RFC 9106 low-memory profile
ARGON2_SLOTS = 2  # at most this many hashes at once per process: argon2 takes 64 MiB each
_SLOTS = threading.BoundedSemaphore(ARGON2_SLOTS)


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Replace the argon2 parameters (tests use cheap ones; existing hashes still verify)."""
    _HASHER[0] = hasher


MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    """The argon2id hash of a password (at most ARGON2_SLOTS at once: memory stays bounded)."""
    with _SLOTS:
        return _HASHER[0].hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash (bounded like `hash_password`)."""
    with _SLOTS:
        try:
            return _HASHER[0].verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


# zxcvbn's warnings (English only, its own gettext unset), said in the reader's language
_GUESSABLE = {
    "Straight rows of keys are easy to guess.": Problem("straight rows of keys are easy to guess"),
    "Short keyboard patterns are easy to guess.": Problem(
        "short keyboard patterns are easy to guess"
    ),
    'Repeats like "aaa" are easy to guess.': Problem('repeats like "aaa" are easy to guess'),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': Problem(
        'repeats like "abcabcabc" are only slightly harder to guess than "abc"'
    ),
    'Sequences like "abc" or "6543" are easy to guess.': Problem(
        'sequences like "abc" or "6543" are easy to guess'
    ),
    "Recent years are easy to guess.": Problem("recent years are easy to guess"),
    "Dates are often easy to guess.": Problem("dates are often easy to guess"),
    "This is a top-10 common password.": Problem("it is one of the 10 most common passwords"),
    "This is a top-100 common password.": Problem("it is one of the 100 most common passwords"),
    "This is a very common password.": Problem("it is a very common password"),
    "This is similar to a commonly used password.": Problem("it is like a commonly used password"),
    "A word by itself is easy to guess.": Problem("a word by itself is easy to guess"),
    "Names and surnames by themselves are easy to guess.": Problem(
        "names and surnames by themselves are easy to guess"
    ),
    "Common names and surnames are easy to guess.": Problem(
        "common names and surnames are easy to guess"
    ),
}


def password_problem(password: str, *, username: str = "", field: str = "password") -> None:
    """Refuse a short, common or easily guessed password (zxcvbn's offline lists, score < 2)."""
    from zxcvbn import zxcvbn

    loc: list[str | int] = ["body", field]
    if len(password) < MIN_PASSWORD:
        raise InvalidError.at(
            loc,
            Problem(
                "expected at least %(min_password)s characters, got %(password)s",
                min_password=MIN_PASSWORD,
                password=len(password),
            ),
        )
    if len(password) > 200:
        raise InvalidError.at(
            loc,
            Problem("expected at most 200 characters, got %(password)s", password=len(password)),
        )
    if "\x00" in password:
        raise InvalidError.at(loc, Problem("a password cannot contain the NUL character"))
    result = zxcvbn(password[:100], user_inputs=[username, "hito", "tacna", "arica"])
    if result["score"] < 2:
        why = _GUESSABLE.get(result["feedback"]["warning"], Problem("it is too easy to guess"))
        raise InvalidError.at(
            loc,
            Problem(
                "this password is refused: %(reason)s; choose a longer one, e.g. several unrelated"
                " words",
                reason=why,
            ),
        )


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    agency_id: int | None = None,
    password_hash: str | None = None,
) -> User:
    """Add a user; an editor needs an agency, admins and viewers may have one.

    An admin of an agency is an admin of its country: the users they add are of that
    country's agencies. Only the operator (an admin of no agency) adds users of no agency.
    `password_hash`: the password already checked and hashed by the caller (outside the
    transaction, so argon2 holds no lock); `password` is then ignored.
    """
    actor.require_admin(Problem("create users"))
    if role not in ROLES:
        raise InvalidError.at(
            ["body", "role"],
            Problem(
                "got %(role)s, expected one of: %(roles)s", role=repr(role), roles=", ".join(ROLES)
            ),
        )
    if not re.fullmatch(USERNAME_PATTERN, username):  # match: "$" lets "name\n" through
        raise InvalidError.at(
            ["body", "username"],
            Problem(
                "got %(username)s, expected 3 to 64 letters, digits, '_', '.' or '@', starting "
                "with a letter or digit",
                username=repr(username),
            ),
        )
    if username.lower() in NO_USER:
        raise InvalidError.at(
            ["body", "username"],
            Problem(
                "got %(username)s, a name the log keeps for the service itself and for sign-ins "
                "of no known user: choose another",
                username=repr(username),
            ),
        )
    if password_hash is None:
        password_problem(password, username=username)
    if role == "editor" and agency_id is None:
        raise InvalidError.at(
            ["body", "agency_id"], Problem("an editor needs the agency they write for")
        )
    agency = session.get(Agency, agency_id) if agency_id is not None else None
    if agency_id is not None and agency is None:
        raise InvalidError.at(
            ["body", "agency_id"], Problem("no agency with id %(agency_id)s", agency_id=agency_id)
        )
    actor.require_country(
        agency.country_code if agency is not None else None,
        Problem("create users of agency %(code)s", code=repr(agency.code))
        if agency is not None
        else Problem("create users of no agency"),
    )
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ConflictError(
            Problem("username %(username)s is already taken", username=repr(username))
        )
    row = User(
        username=username,
        password_hash=password_hash or hash_password(password),
        role=role,
        agency_id=agency_id,
    )
    session.add(row)
    session.flush()
    bind_password(session, row)
    audit.append(
        session,
        actor=actor.username,
        action="user.create",
        resource=f"user:{row.id}",
        after=user_state(row),
    )
    return row


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> User:
    """Enable or disable a user; disabling revokes every token they hold."""
    actor.require_admin(Problem("enable or disable users"))
    row = get_user(session, user_id=user_id)
    require_manages(actor, row, Problem("enable or disable them"))
    before = user_state(row)
    if not active and row.role == "admin" and row.active:
        _keep_an_admin(session, row)
    row.active = active
    if not active:
        revoke_all(session, user_id=user_id)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="user.enable" if active else "user.disable",
        resource=f"user:{row.id}",
        before=before,
        after=user_state(row),
    )
    return row


def require_manages(actor: Actor, row: User, what: Problem) -> None:
    """Refuse an admin of a country a user of another country's agency, or of no agency.

    `what` is said of the user ("reset their password"). A user of no agency (the operator,
    a viewer of no agency) is the operator's to manage. The refusal names the user by id and
    their agency's country only: their username and agency are not the refused admin's to read
    (`may_see`).
    """
    actor.require_admin(what)
    country = _country(row)
    if actor.may_act_in(country):
        return
    if country is None:
        raise ForbiddenError(
            Problem(
                "user %(user_id)s belongs to no agency: only the service's operator (an admin "
                "of no agency) may %(what)s; you are an admin of %(own)s",
                user_id=row.id,
                what=what,
                own=actor.country_code,
            )
        )
    raise ForbiddenError(
        Problem(
            "user %(user_id)s belongs to an agency of %(country)s; you are an admin of %(own)s "
            "and may not %(what)s",
            user_id=row.id,
            country=country,
            own=actor.country_code,
            what=what,
        )
    )


def _country(row: User) -> str | None:
    """The country of a user's agency (None: a user of no agency, the operator's)."""
    return row.agency.country_code if row.agency is not None else None


def may_see(actor: Actor, row: User) -> bool:
    """Whether the actor may read a user's details (username, agency, role, state, creation).

    The operator any; anyone themselves; an admin of a country the users of its agencies (not
    the other country's, nor the users of no agency: the operator's).
    """
    if actor.operator or (actor.user_id is not None and row.id == actor.user_id):
        return True
    return (
        actor.role == "admin"
        and actor.country_code is not None
        and (_country(row) == actor.country_code)
    )


def _keep_an_admin(session: Session, row: User) -> None:
    """Refuse to disable the last active admin (the rows of the admins are locked meanwhile)."""
    admins = session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).all()
    if list(admins) == [row.id]:
        raise ConflictError(
            Problem(
                "user %(username)s is the last active admin: enable or create another admin first",
                username=repr(row.username),
            )
        )


def revoke_all(session: Session, *, user_id: int) -> int:
    """Revoke every live token of a user; returns how many."""
    result = session.execute(
        update(Token)
        .where(Token.user_id == user_id, Token.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def set_password(
    session: Session, *, actor: Actor, user_id: int, password_hash: str, reset: bool
) -> User:
    """Store a new password hash (checked and hashed by the caller) and revoke every token.

    `reset`: an admin sets another user's password; otherwise users change their own
    (the caller has checked the current password).
    """
    if reset:
        actor.require_admin(Problem("reset other users' passwords"))
    elif actor.user_id != user_id:
        raise ForbiddenError(
            Problem("you may change only your own password; an admin may reset others'")
        )
    row = get_user(session, user_id=user_id)
    if reset:
        require_manages(actor, row, Problem("reset their password"))
    before = user_state(row)
    row.password_hash = password_hash
    bind_password(session, row)
    n = revoke_all(session, user_id=user_id)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="user.password_reset" if reset else "user.password_change",
        resource=f"user:{row.id}",
        before=before,
        after=user_state(row),
        note=f"{n} tokens revoked",
    )
    return row


def bind_password(session: Session, row: User) -> None:
    """Bind the row's password hash to its user with the service's secret (`password_mac`)."""
    row.password_mac = logsecret.of_session(session).password_mac(row.id, row.password_hash)


def password_bound(session: Session, row: User) -> bool:
    """True when the row's password hash was stored by the service for this user.

    False for a hash written into the database with SQL (another user's, or one whose
    password the writer knows): signing in with it is refused.
    """
    return logsecret.of_session(session).password_bound(row.id, row.password_hash, row.password_mac)


def get_user(session: Session, *, user_id: int) -> User:
    """One user, or NotFoundError."""
    row = session.get(User, user_id)
    if row is None:
        raise NotFoundError(Problem("no user with id %(user_id)s", user_id=user_id))
    return row


def read_user(session: Session, *, actor: Actor, user_id: int) -> User:
    """One user whose details the actor may read (`may_see`), or NotFound / ForbiddenError."""
    actor.require_admin(Problem("read other users' details"))
    row = get_user(session, user_id=user_id)
    if not may_see(actor, row):
        raise ForbiddenError(
            Problem(
                "user %(user_id)s belongs to no agency of %(own)s; you are an admin of %(own)s "
                "and may read only the users of its agencies",
                user_id=user_id,
                own=actor.country_code,
            )
        )
    return row


def list_users(
    session: Session,
    *,
    actor: Actor,
    agency_id: int | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[User], int]:
    """The users the actor may see (`may_see`) by id, optionally of one agency.

    All for the operator; for an admin of a country the users of its agencies (the other
    country's and those of no agency are not listed).
    """
    actor.require_admin(Problem("list users"))
    q = select(User).order_by(User.id)
    if not actor.operator:
        theirs = select(Agency.id).where(Agency.country_code == actor.country_code)
        q = q.where(User.agency_id.in_(theirs))
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
