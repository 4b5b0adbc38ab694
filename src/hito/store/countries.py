"""Countries taking part: created by an admin, listed by anyone signed in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.errors import Problem
from hito.store import audit
from hito.store.actors import Actor, paginate, snapshot
from hito.store.errors import ConflictError, NotFoundError
from hito.store.models import Country


def create_country(session: Session, *, actor: Actor, code: str, name: str) -> Country:
    """Add a country (ISO 3166-1 alpha-3 code)."""
    actor.require_operator(Problem("create countries"))
    if session.get(Country, code) is not None:
        raise ConflictError(Problem("country %(code)s already exists", code=repr(code)))
    row = Country(code=code, name=name)
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="country.create",
        resource=f"country:{code}",
        after=snapshot(row),
    )
    return row


def ensure_country(
    session: Session, *, actor: Actor, code: str, name: str | None = None
) -> Country:
    """The country with this code, created if missing (used when sites are loaded)."""
    row = session.get(Country, code)
    return (
        row
        if row is not None
        else create_country(session, actor=actor, code=code, name=name or code)
    )


def get_country(session: Session, *, code: str) -> Country:
    """One country, or NotFoundError."""
    row = session.get(Country, code)
    if row is None:
        raise NotFoundError(Problem("no country %(code)s", code=repr(code)))
    return row


def list_countries(
    session: Session, *, offset: int = 0, limit: int = 100
) -> tuple[list[Country], int]:
    """Countries by code."""
    return paginate(session, select(Country).order_by(Country.code), offset=offset, limit=limit)
