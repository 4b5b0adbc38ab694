"""Shelter updates: occupancy and capacity of a shelter at a time, by one agency."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.store import audit
from hito.store.actors import Actor, paginate, snapshot
from hito.store.coltypes import utcnow
from hito.store.errors import InvalidError
from hito.store.models import ShelterUpdate
from hito.store.sites import get_site


def create_update(
    session: Session,
    *,
    actor: Actor,
    site_id: str,
    occupancy: int,
    capacity: int,
    observed_at: dt.datetime | None = None,
    agency_id: int | None = None,
) -> ShelterUpdate:
    """Record a shelter's occupancy and capacity; the site's capacity follows the newest one."""
    agency = actor.agency_for_write(agency_id, "post shelter updates")
    now = utcnow()
    when = observed_at or now
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if when > now + dt.timedelta(minutes=5):
        raise InvalidError.at(["body", "observed_at"], f"{when.isoformat()} is in the future")
    for name, v in (("occupancy", occupancy), ("capacity", capacity)):
        if v < 0:
            raise InvalidError.at(["body", name], f"expected 0 or more, got {v}")
    audit.lock_writes(session)
    site = get_site(session, site_id=site_id)
    if site.kind != "shelter":
        raise InvalidError.at(
            ["path", "site_id"], f"site {site_id!r} is a {site.kind}, not a shelter"
        )
    row = ShelterUpdate(
        site_id=site_id,
        observed_at=when,
        occupancy=occupancy,
        capacity=capacity,
        agency_id=agency,
        user_id=actor.user_id,
    )
    session.add(row)
    newest = session.scalar(
        select(ShelterUpdate.observed_at)
        .where(ShelterUpdate.site_id == site_id)
        .order_by(ShelterUpdate.observed_at.desc())
        .limit(1)
    )
    if newest is None or when >= newest:
        site.capacity = capacity
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="shelter.update",
        resource=f"site:{site_id}",
        after=snapshot(row),
    )
    return row


def list_updates(
    session: Session, *, site_id: str, offset: int = 0, limit: int = 100
) -> tuple[list[ShelterUpdate], int]:
    """A shelter's updates, newest first."""
    get_site(session, site_id=site_id)
    q = (
        select(ShelterUpdate)
        .where(ShelterUpdate.site_id == site_id)
        .order_by(ShelterUpdate.observed_at.desc(), ShelterUpdate.id.desc())
    )
    return paginate(session, q, offset=offset, limit=limit)
