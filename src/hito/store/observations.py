"""Stored field reports as the forecast's observations: one count per report and site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import not_, select
from sqlalchemy.orm import Session

from hito.errors import InputError, Problem
from hito.forecast.observations import (
    Observation,
    Observations,
    SiteMap,
    not_counted,
    sort_key,
)
from hito.store.db import Database, check_url
from hito.store.models import Agency, FieldReport, open_ended


def reports_database(url: str, option: str = "--observations") -> Database:
    """The service's database at an option's URL, to read its reports; InputError if it cannot be.

    It must be there (an SQLite path that is not is refused, never made: a mistyped path left an
    empty file behind), open, and carry hito's schema at this hito's revision.
    """
    from sqlalchemy.engine import make_url

    from hito.store import migrate

    url = check_url(url)
    shown = make_url(url).render_as_string(hide_password=True)
    path = make_url(url).database
    if url.startswith("sqlite") and path and ":memory:" not in path and not Path(path).exists():
        raise InputError(
            Problem(
                "%(option)s %(database)s: no such file; expected the SQLite file of hito's service "
                "(sqlite:////absolute/path, with four slashes, or sqlite:///relative/path)",
                option=option,
                database=shown,
            )
        )
    db = Database(url, create=False).reachable()
    revision = migrate.current(db)
    if revision != migrate.head():
        db.dispose()
        raise InputError(
            Problem(
                "%(option)s %(database)s: no hito schema here; expected the database of hito's "
                "service (`hito demo` or `hito db upgrade` makes one)",
                option=option,
                database=shown,
            )
            if revision is None
            else Problem(
                "%(option)s %(database)s: schema at revision %(revision)s; expected %(head)s, "
                "this hito's (`hito db upgrade` brings it there)",
                option=option,
                database=shown,
                revision=revision,
                head=migrate.head(),
            )
        )
    return db


def observations_from_store(
    session: Session,
    sites: Mapping[str, str | None],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Observations:
    """Each stored report as one count (its stranded people, low = high) on its day.

    A report with an open-ended count ("more than 100", `FieldReport.at_least`) is a count
    with no high: at least its stranded people, as a file's row with a +min and no +max.

    A report's day is the local calendar day at its site (`FieldReport.day`), the day whose
    figures and triggers it joins, not the UTC date of its time.

    Site ids go through `sites` as in `read_observations`: a site mapped to None is left out
    with a line in `skipped`; a site the map does not know is an InputError naming the report.
    Reports outside [start, end] are not read. Superseded and withdrawn reports are left out.
    """
    site_map = SiteMap(sites)
    q = (
        select(
            FieldReport.id,
            FieldReport.site_id,
            FieldReport.day,
            FieldReport.stranded,
            Agency.code,
            open_ended(FieldReport.id),
        )
        .join(Agency, Agency.id == FieldReport.agency_id)
        .order_by(FieldReport.observed_at, FieldReport.id)
    )
    # corrections and withdrawals (a report that supersedes another), where the store has them:
    # a superseded report counts only through its correction, a withdrawal not at all
    supersedes = getattr(FieldReport, "supersedes_id", None)
    if supersedes is not None:
        q = q.where(FieldReport.id.not_in(select(supersedes).where(supersedes.is_not(None))))
    withdrawn = getattr(FieldReport, "withdrawn", None)
    if withdrawn is not None:
        q = q.where(not_(withdrawn))
    if start is not None:
        q = q.where(FieldReport.day >= start)
    if end is not None:
        q = q.where(FieldReport.day <= end)
    items: list[Observation] = []
    skipped: list[Problem] = []
    errors: list[Problem] = []
    for report_id, site_id, day, stranded, agency, at_least in session.execute(q):
        where = f"report {report_id}"
        if not site_map.knows(site_id):
            errors.append(
                Problem(
                    "%(where)s: site_id: %(unknown)s",
                    where=where,
                    unknown=site_map.unknown(site_id),
                )
            )
            continue
        place = site_map.place(site_id)
        if place is None:
            skipped.append(
                Problem("%(where)s: %(not_counted)s", where=where, not_counted=not_counted(site_id))
            )
            continue
        value = float(stranded)
        items.append(
            Observation(
                date=day,
                place=place,
                low=value,
                high=None if at_least else value,
                line=0,
                site=site_id,
                source=f"report {report_id} ({agency})",
            )
        )
    if errors:
        raise InputError(errors)
    return Observations(tuple(sorted(items, key=sort_key)), tuple(skipped))
