"""Agencies and humanitarian partners, each of one country."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.errors import Problem
from hito.store import audit
from hito.store.actors import Actor, paginate
from hito.store.errors import ConflictError, InvalidError, NotFoundError
from hito.store.logrows import agency_state
from hito.store.models import Agency, Country


def create_agency(
    session: Session, *, actor: Actor, code: str, name: str, country_code: str
) -> Agency:
    """Add an agency of an existing country (an admin of a country adds only its agencies)."""
    actor.require_admin(Problem("create agencies"))
    if session.get(Country, country_code) is None:
        codes = ", ".join(session.scalars(select(Country.code).order_by(Country.code)))
        known = codes or Problem("none defined")
        raise InvalidError.at(
            ["body", "country_code"],
            Problem(
                "unknown country %(country_code)s, expected one of: %(known)s",
                country_code=repr(country_code),
                known=known,
            ),
        )
    actor.require_country(country_code, Problem("create agencies"))
    if session.scalar(select(Agency).where(Agency.code == code)) is not None:
        raise ConflictError(Problem("agency code %(code)s is already taken", code=repr(code)))
    row = Agency(code=code, name=name, country_code=country_code)
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="agency.create",
        resource=f"agency:{row.id}",
        after=agency_state(row),
    )
    return row


def get_agency(session: Session, *, agency_id: int) -> Agency:
    """One agency, or NotFoundError."""
    row = session.get(Agency, agency_id)
    if row is None:
        raise NotFoundError(Problem("no agency with id %(agency_id)s", agency_id=agency_id))
    return row


def list_agencies(
    session: Session, *, country: str | None = None, offset: int = 0, limit: int = 100
) -> tuple[list[Agency], int]:
    """Agencies, optionally of one country, by id."""
    q = select(Agency).order_by(Agency.id)
    if country:
        q = q.where(Agency.country_code == country)
    return paginate(session, q, offset=offset, limit=limit)
