"""Shelters: the registry (room, water, toilets, status) and occupancy from counts and updates."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, computed_field
from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.domain import SHELTER_STATUSES, site_day
from hito.errors import Problem
from hito.store import audit
from hito.store.actors import Actor, agency_country, paginate_after
from hito.store.coltypes import utcnow
from hito.store.errors import InvalidError
from hito.store.logrows import shelter_state, shelter_update_state, site_state
from hito.store.models import Agency, FieldReport, Shelter, ShelterUpdate, Site
from hito.store.reports import _midnight
from hito.store.sites import get_site, require_country
from hito.store.text import text_problem

# the most a registry entry may say, by field (the API's schema and the site page check them too)
SHELTER_LIMITS = {
    "capacity_people": 1_000_000,
    "area_m2": 10_000_000,
    "water_points": 100_000,
    "toilets": 100_000,
}


def _shelter(session: Session, site_id: str) -> Site:
    """The site, locked for the write; an InvalidError when it is not a shelter."""
    site = get_site(session, site_id=site_id, for_update=True)
    if site.kind != "shelter":
        raise InvalidError.at(
            ["path", "site_id"],
            Problem(
                "site %(site_id)s is a %(kind)s, not a shelter",
                site_id=repr(site_id),
                kind=site.kind,
            ),
        )
    return site


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
    agency = actor.agency_for_write(
        agency_id, Problem("post shelter updates"), country_of=agency_country(session)
    )
    now = utcnow()
    when = observed_at or now
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if when > now + dt.timedelta(minutes=5):
        raise InvalidError.at(
            ["body", "observed_at"],
            Problem("%(isoformat)s is in the future", isoformat=when.isoformat()),
        )
    when = min(when, now)  # within the clock skew: a few minutes ahead is now, it never wins later
    for name, v in (("occupancy", occupancy), ("capacity", capacity)):
        if v < 0:
            raise InvalidError.at(["body", name], Problem("expected 0 or more, got %(v)s", v=v))
    if agency_id is not None and session.get(Agency, agency) is None:  # an admin's, unchecked
        raise InvalidError.at(
            ["body", "agency_id"], Problem("no agency with id %(agency_id)s", agency_id=agency)
        )
    site = _shelter(session, site_id)
    require_country(actor, site, Problem("post updates of this shelter"))
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
    before = site_state(site)
    if newest is None or when >= newest:
        site.capacity = capacity
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="shelter.update",
        resource=f"shelter_update:{row.id}",
        after=shelter_update_state(row),
        note=f"site:{site_id} occupancy {occupancy} capacity {capacity}",
    )
    if site_state(site) != before:  # its capacity follows the newest update
        audit.append(
            session,
            actor=actor.username,
            action="site.update",
            resource=f"site:{site_id}",
            before=before,
            after=site_state(site),
            note=f"capacity from shelter_update:{row.id}",
        )
    return row


def list_updates(
    session: Session,
    *,
    site_id: str,
    offset: int = 0,
    limit: int = 100,
    after_id: int | None = None,
) -> tuple[list[ShelterUpdate], int]:
    """A shelter's updates, newest first (`after_id`: the page starts after that one)."""
    get_site(session, site_id=site_id)
    q = (
        select(ShelterUpdate)
        .where(ShelterUpdate.site_id == site_id)
        .order_by(ShelterUpdate.observed_at.desc(), ShelterUpdate.id.desc())
    )
    return paginate_after(
        session,
        q,
        at=ShelterUpdate.observed_at,
        after_id=after_id,
        offset=offset,
        limit=limit,
        unknown=Problem("no shelter update with id %(after)s to continue after", after=after_id),
    )


class ShelterNow(BaseModel):
    """A registered shelter with its occupancy from the newest count there."""

    model_config = ConfigDict(frozen=True)

    site_id: str
    name: str
    country: str
    status: str
    capacity_people: int
    area_m2: float
    water_points: int
    toilets: int
    operator: str
    occupancy: int | None
    observed_at: dt.datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float | None:
        """Occupancy over capacity (None when unknown or no capacity)."""
        if self.occupancy is None or self.capacity_people <= 0:
            return None
        return self.occupancy / self.capacity_people

    @computed_field  # type: ignore[prop-decorator]
    @property
    def free_places(self) -> int:
        """Places still free (0 when closed or full; all when no count yet)."""
        if self.status != "open":
            return 0
        return max(0, self.capacity_people - (self.occupancy or 0))


def register(
    session: Session,
    *,
    actor: Actor,
    site_id: str,
    capacity_people: int,
    area_m2: float,
    water_points: int = 0,
    toilets: int = 0,
    status: str = "open",
    operator: str = "",
) -> Shelter:
    """Create or update a shelter's registry entry; only agencies of its country may."""
    actor.require_writer(Problem("register shelters"))
    errs = []
    for name, v in (
        ("capacity_people", capacity_people),
        ("area_m2", area_m2),
        ("water_points", water_points),
        ("toilets", toilets),
    ):
        if (
            isinstance(v, bool)
            or not isinstance(v, int | float)
            or not 0 <= v <= SHELTER_LIMITS[name]  # also refuses nan; inf is past the limit
        ):
            errs.append(
                {
                    "loc": ["body", name],
                    "msg": Problem(
                        "expected a number from 0 to %(most)s, got %(given)s",
                        most=SHELTER_LIMITS[name],
                        given=repr(v),
                    ),
                }
            )
    if status not in SHELTER_STATUSES:
        errs.append(
            {
                "loc": ["body", "status"],
                "msg": Problem(
                    "got %(value)s, expected one of: %(choices)s",
                    value=repr(status),
                    choices=", ".join(SHELTER_STATUSES),
                ),
            }
        )
    problem = text_problem(operator, max_length=200) if operator else None
    if problem:
        errs.append({"loc": ["body", "operator"], "msg": problem})
    if errs:
        raise InvalidError.of_fields(errs)
    site = _shelter(session, site_id)
    require_country(actor, site, Problem("register it"))
    site_before = site_state(site)
    row = session.get(Shelter, site_id)
    before = shelter_state(row) if row is not None else None
    if row is None:
        row = Shelter(site_id=site_id)
        session.add(row)
    row.capacity_people, row.area_m2 = int(capacity_people), float(area_m2)
    row.water_points, row.toilets = int(water_points), int(toilets)
    row.status, row.operator, row.updated_at = status, operator, utcnow()
    site.capacity = int(capacity_people)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="shelter.register",
        resource=f"shelter:{site_id}",
        before=before,
        after=shelter_state(row),
    )
    if site_state(site) != site_before:  # its capacity follows the registry
        audit.append(
            session,
            actor=actor.username,
            action="site.update",
            resource=f"site:{site_id}",
            before=site_before,
            after=site_state(site),
            note="capacity from the shelter registry",
        )
    return row


def occupancy(
    session: Session, site_ids: list[str], as_of: dt.date | None = None
) -> dict[str, tuple[int, dt.datetime]]:
    """Per shelter, the people of the newest count there: a field report or a shelter update.

    `as_of` is a local day at each shelter (`hito.domain.site_day`): counts of later days there
    are left out.
    """
    out: dict[str, tuple[int, dt.datetime]] = {}
    if not site_ids:
        return out
    superseded = select(FieldReport.supersedes_id).where(FieldReport.supersedes_id.is_not(None))
    q1 = select(FieldReport.site_id, FieldReport.observed_at, FieldReport.people).where(
        FieldReport.site_id.in_(site_ids),
        FieldReport.id.not_in(superseded),
        FieldReport.withdrawn.is_(False),
    )
    q2 = update_days(session, site_ids, None, as_of)
    if as_of is not None:
        q1 = q1.where(FieldReport.day <= as_of)
    for site, at, people in session.execute(q1):
        if site not in out or at > out[site][1]:
            out[site] = (int(people), at)
    for site, at, people, _cap, _day in q2:
        if site not in out or at > out[site][1]:
            out[site] = (int(people), at)
    return out


def update_days(
    session: Session, site_ids: list[str], since: dt.date | None, until: dt.date | None
) -> list[tuple[str, dt.datetime, int, int, dt.date]]:
    """Shelter updates at these sites whose local day is within [since, until], oldest first.

    Each as (site, time, occupancy, capacity, local day at the site); a time's local day is
    within a day of its UTC day, so the database cuts by UTC days one wider, then by the day.
    """
    q = (
        select(
            ShelterUpdate.site_id,
            ShelterUpdate.observed_at,
            ShelterUpdate.occupancy,
            ShelterUpdate.capacity,
            Site.country_code,
        )
        .join(Site, Site.id == ShelterUpdate.site_id)
        .where(ShelterUpdate.site_id.in_(site_ids))
        .order_by(ShelterUpdate.observed_at, ShelterUpdate.id)
    )
    if since is not None:
        q = q.where(ShelterUpdate.observed_at >= _midnight(since - dt.timedelta(days=1)))
    if until is not None:
        q = q.where(ShelterUpdate.observed_at < _midnight(until + dt.timedelta(days=2)))
    out = []
    for site, at, occ, cap, country in session.execute(q):
        day = site_day(country, at)
        if (since is None or day >= since) and (until is None or day <= until):
            out.append((site, at, int(occ), int(cap), day))
    return out


def registry(session: Session, *, as_of: dt.date | None = None) -> list[ShelterNow]:
    """Every registered shelter with its occupancy from the newest count up to `as_of`."""
    rows = list(session.scalars(select(Shelter).order_by(Shelter.site_id)))
    occ = occupancy(session, [r.site_id for r in rows], as_of)
    out = []
    for r in rows:
        people, at = occ.get(r.site_id, (None, None))
        out.append(
            ShelterNow(
                site_id=r.site_id,
                name=r.site.name,
                country=r.site.country_code,
                status=r.status,
                capacity_people=r.capacity_people,
                area_m2=r.area_m2,
                water_points=r.water_points,
                toilets=r.toilets,
                operator=r.operator,
                occupancy=people,
                observed_at=at,
            )
        )
    return out
