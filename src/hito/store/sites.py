"""Sites loaded from a scenario, their current status and its history."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.domain import SITE_KINDS, SITE_STATUSES
from hito.errors import Problem
from hito.scenario.load import builtin_names, load
from hito.scenario.model import Scenario
from hito.store import audit
from hito.store.actors import Actor, paginate, paginate_after
from hito.store.coltypes import utcnow
from hito.store.countries import ensure_country
from hito.store.errors import ForbiddenError, InvalidError, NotFoundError
from hito.store.logrows import site_state
from hito.store.models import Site, SiteStatusChange

COUNTRY_NAMES = {"CHL": "Chile", "PER": "Peru", "BOL": "Bolivia", "VEN": "Venezuela"}


@lru_cache(maxsize=8)
def _builtin(name: str) -> Scenario:
    return load(name)


def _load(ref: str) -> Scenario:
    return _builtin(ref) if ref in builtin_names() else load(ref)


def load_sites(session: Session, *, actor: Actor, scenario: str) -> tuple[int, int]:
    """Create or refresh the sites of a scenario (built-in name or path); returns (new, updated).

    Only places where people are counted become sites: border posts, the strip between
    posts, shelters and irregular crossings. A site's status is left as it is.
    """
    actor.require_operator(Problem("load sites"))
    s = _load(scenario)
    new = updated = 0
    for p in s.places:
        if p.kind not in SITE_KINDS:
            continue
        ensure_country(session, actor=actor, code=p.country, name=COUNTRY_NAMES.get(p.country))
        row = session.get(Site, p.id)
        values = dict(
            name=p.name,
            kind=p.kind,
            country_code=p.country,
            lat=p.lat,
            lon=p.lon,
            capacity=p.capacity,
            scenario=s.name,
        )
        if row is None:
            row = Site(id=p.id, status="open", **values)
            session.add(row)
            session.flush()
            audit.append(
                session,
                actor=actor.username,
                action="site.create",
                resource=f"site:{p.id}",
                after=site_state(row),
            )
            new += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            before = site_state(row)
            for k, v in values.items():
                setattr(row, k, v)
            session.flush()
            audit.append(
                session,
                actor=actor.username,
                action="site.update",
                resource=f"site:{p.id}",
                before=before,
                after=site_state(row),
            )
            updated += 1
    return new, updated


def get_site(session: Session, *, site_id: str, for_update: bool = False) -> Site:
    """One site, or NotFoundError; `for_update` locks its row until the transaction ends."""
    row = session.get(Site, site_id, with_for_update=for_update or None)
    if row is None:
        raise NotFoundError(Problem("no site %(site_id)s", site_id=repr(site_id)))
    return row


def require_country(actor: Actor, site: Site, what: Problem) -> None:
    """A site's writes belong to its country: an editor or an admin of another one is refused.

    The operator (an admin of no agency) is not.
    """
    actor.require_writer(what)
    if actor.may_act_in(site.country_code):
        return
    if actor.role == "admin":
        raise ForbiddenError(
            Problem(
                "site %(id)s is in %(site_country)s; an admin of %(own_country)s may not %(what)s",
                id=repr(site.id),
                site_country=site.country_code,
                own_country=actor.country_code,
                what=what,
            )
        )
    raise ForbiddenError(
        Problem(
            "site %(id)s is in %(site_country)s; an editor of an agency of %(own_country)s "
            "may not %(what)s",
            id=repr(site.id),
            site_country=site.country_code,
            own_country=actor.country_code,
            what=what,
        )
    )


def list_sites(
    session: Session,
    *,
    country: str | None = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[Site], int]:
    """Sites by id, optionally of one country or kind."""
    q = select(Site).order_by(Site.id)
    if country:
        q = q.where(Site.country_code == country)
    if kind:
        q = q.where(Site.kind == kind)
    return paginate(session, q, offset=offset, limit=limit)


def set_status(
    session: Session,
    *,
    actor: Actor,
    site_id: str,
    status: str,
    effective_at: dt.datetime | None = None,
    remark: str = "",
) -> SiteStatusChange:
    """Record a status change; an editor or an admin of a country changes only its sites."""
    actor.require_writer(Problem("change a site's status"))
    if status not in SITE_STATUSES:
        raise InvalidError.at(
            ["body", "status"],
            Problem(
                "got %(status)s, expected one of: %(site_statuses)s",
                status=repr(status),
                site_statuses=", ".join(SITE_STATUSES),
            ),
        )
    now = utcnow()
    when = effective_at or now
    if when > now + dt.timedelta(minutes=5):
        raise InvalidError.at(
            ["body", "effective_at"],
            Problem("%(isoformat)s is in the future", isoformat=when.isoformat()),
        )
    when = min(when, now)  # within the clock skew: stored as now, so it never wins over later ones
    site = get_site(session, site_id=site_id, for_update=True)
    require_country(actor, site, Problem("change its status"))
    before = site_state(site)
    change = SiteStatusChange(
        site_id=site_id,
        status=status,
        effective_at=when,
        agency_id=actor.agency_id,
        user_id=actor.user_id,
        remark=remark,
    )
    session.add(change)
    latest = session.scalar(
        select(SiteStatusChange.effective_at)
        .where(SiteStatusChange.site_id == site_id)
        .order_by(SiteStatusChange.effective_at.desc())
        .limit(1)
    )
    if latest is None or when >= latest:
        site.status = status
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="site.status",
        resource=f"site:{site_id}",
        before=before,
        after=site_state(site),
        note=f"{status} from {when.astimezone(dt.UTC).isoformat()}",
    )
    return change


def status_history(
    session: Session,
    *,
    site_id: str,
    offset: int = 0,
    limit: int = 100,
    after_id: int | None = None,
) -> tuple[list[SiteStatusChange], int]:
    """A site's status changes, newest first (`after_id`: the page starts after that one)."""
    get_site(session, site_id=site_id)
    q = (
        select(SiteStatusChange)
        .where(SiteStatusChange.site_id == site_id)
        .order_by(SiteStatusChange.effective_at.desc(), SiteStatusChange.id.desc())
    )
    return paginate_after(
        session,
        q,
        at=SiteStatusChange.effective_at,
        after_id=after_id,
        offset=offset,
        limit=limit,
        unknown=Problem("no status change with id %(after)s to continue after", after=after_id),
    )
