"""A new field report's checks: its problems as {loc, msg} items, its content digest, its country.

One reading for every way a report comes in (the API, the field page, SMS, an HXL import,
an offline batch): `validate_report` says everything wrong at once; `country_rule` keeps an
editor, or an admin of a country, to their own country's sites and the strip between the posts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from hito.counts import Count
from hito.domain import IDEMPOTENCY_KEY_PATTERN
from hito.errors import Problem
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.store.errors import ForbiddenError
from hito.store.models import Site
from hito.store.text import text_problem

CLOCK_SKEW = dt.timedelta(minutes=5)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


def validate_report(
    session: Session,
    *,
    site_id: str,
    observed_at: dt.datetime,
    counts: Sequence[Count],
    remark: str,
    idempotency_key: str | None,
    loc: Sequence[str | int] = ("body",),
    site_known: bool = False,
    count_name: Callable[[int], str] = "counts[{}]".format,
) -> list[dict[str, Any]]:
    """Every problem of a new report as {loc, msg} items (empty when it is fine).

    `site_known`: the caller has just read the site (its existence is not checked again).
    `count_name`: how a message names another count of the report (a CSV import: its line).
    """
    errs: list[dict[str, Any]] = []

    def bad(path: Sequence[str | int], msg: str) -> None:
        errs.append({"loc": [*loc, *path], "msg": msg})

    if not site_known and session.scalar(_SITE, {"id": site_id}) is None:
        known = list(session.scalars(select(Site.id).order_by(Site.id).limit(30)))
        bad(
            ["site_id"],
            f"unknown site {site_id!r}, expected one of: {', '.join(known) or 'none loaded'}",
        )
    if problem := _time_problem(observed_at):
        bad(["observed_at"], problem)
    if not counts:
        bad(["counts"], "expected at least one count")
    for i, problem in _group_problems(counts, count_name):
        bad(["counts", i], problem)
    if remark:
        problem = text_problem(remark, max_length=500)
        if problem:
            bad(["remark"], problem)
    if idempotency_key is not None and not _KEY.fullmatch(idempotency_key):  # not "k\n"
        bad(["idempotency_key"], "expected 1 to 100 letters, digits or . _ : -")
    return errs


def _time_problem(observed_at: dt.datetime) -> str | None:
    """What is wrong with a report's time (naive times are UTC), or None."""
    if observed_at.tzinfo is None:
        observed_at = observed_at.replace(tzinfo=dt.UTC)
    if observed_at > utcnow() + CLOCK_SKEW:
        return f"{observed_at.isoformat()} is in the future"
    if observed_at < EARLIEST:
        return f"{observed_at.isoformat()} is before {EARLIEST.date()}"
    return None


def _group_problems(
    counts: Sequence[Count], count_name: Callable[[int], str]
) -> list[tuple[int, str]]:
    """(index, message) for each count of a group already counted in the report."""
    seen: dict[tuple[object, ...], int] = {}
    out = []
    for i, c in enumerate(counts):
        group = (c.nationality, c.documented)
        if group in seen:
            out.append((i, f"the same group as {count_name(seen[group])}; give each group once"))
        seen[group] = i
    return out


_SITE = select(Site.id).where(Site.id == bindparam("id"))  # built once: every report runs it


def fingerprint(
    *,
    agency_id: int,
    site_id: str,
    observed_at: dt.datetime,
    counts: Sequence[Count],
    remark: str,
) -> str:
    """A digest of a report's content: a reused idempotency key must carry the same content."""
    body = {
        "agency": agency_id,
        "site": site_id,
        "at": observed_at.astimezone(dt.UTC).isoformat(),
        "counts": sorted(
            (c.model_dump(exclude_none=True) for c in counts),
            key=lambda d: json.dumps(d, sort_keys=True),
        ),
        "remark": remark,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


_SITE_COUNTRY = select(Site.country_code, Site.kind).where(Site.id == bindparam("id"))
SHARED_KINDS = ("between_posts",)  # the strip between the posts: both countries count there


def may_report(actor: Actor | None) -> bool:
    """Whether a user may report counts at all (an editor or an admin; not a viewer)."""
    return actor is not None and actor.role in ("admin", "editor")


def may_report_at(actor: Actor | None, kind: str, country_code: str) -> bool:
    """Whether a user may report at a site of this kind and country.

    An editor, or an admin of a country, at their own country's sites and the strip between
    the posts; the operator (an admin of no agency) anywhere, for the agency they name. The
    rule `country_rule` enforces, for choosing what to offer.
    """
    if actor is None or not may_report(actor):
        return False
    return kind in SHARED_KINDS or actor.may_act_in(country_code)


def may_supersede(actor: Actor | None, agency_id: int, agency_country: str) -> bool:
    """Whether a user may correct or withdraw a report of this agency (of this country).

    Its agency's editors, an admin of its country, or the operator.
    """
    if actor is None:
        return False
    if actor.role == "admin":
        return actor.may_act_in(agency_country)
    return actor.role == "editor" and actor.agency_id == agency_id


def check_country(session: Session, actor: Actor, site_id: str) -> bool:
    """A writer reports at their own country's sites, and at the strip between the posts.

    Returns whether the site exists (one indexed read, reused by `validate_report`).
    """
    site = session.execute(_SITE_COUNTRY, {"id": site_id}).first()
    return country_rule(actor, site_id, site)


def country_rule(actor: Actor, site_id: str, site: Any) -> bool:
    """Whether a site (a row with `country_code` and `kind`, or None) exists.

    ForbiddenError when an editor, or an admin of a country, writes at another country's site
    (the strip between the posts is shared; the operator writes anywhere).
    """
    if site is None:
        return False
    if actor.role not in ("admin", "editor") or may_report_at(actor, site.kind, site.country_code):
        return True
    if actor.role == "admin":
        raise ForbiddenError(
            Problem(
                "site %(site_id)s is a %(kind)s in %(site_country)s; an admin of %(own_country)s "
                "writes only at sites of %(own_country)s and between the posts",
                site_id=repr(site_id),
                kind=site.kind,
                site_country=site.country_code,
                own_country=actor.country_code,
            )
        )
    raise ForbiddenError(
        Problem(
            "site %(site_id)s is a %(kind)s in %(site_country)s; an editor of an agency of "
            "%(own_country)s reports only at sites of %(own_country)s and between the posts",
            site_id=repr(site_id),
            kind=site.kind,
            site_country=site.country_code,
            own_country=actor.country_code,
        )
    )
