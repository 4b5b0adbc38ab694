"""Field reports exported as CSV with HXL hashtags: a header row, a hashtag row, a row per count."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy.orm import selectinload

from hito.csvsafe import safe_cell
from hito.domain import site_time
from hito.store.db import Database
from hito.store.models import FieldReport
from hito.store.reports import report_query

# (column header, HXL hashtag) of the exported file, one row per count
COLUMNS: list[tuple[str, str]] = [
    ("Observed at", "#date"),
    ("Site code", "#loc+code"),
    ("Site name", "#loc+name"),
    ("Country", "#country+code"),
    ("Nationality", "#country+origin"),
    ("Documented", "#indicator+documented"),
    ("People", "#affected+total"),
    ("People, at least", "#affected+total+min"),
    ("People, at most", "#affected+total+max"),
    ("Stranded", "#affected+stranded"),
    ("Girls 0-17", "#affected+f+children"),
    ("Women 18-59", "#affected+f+adults"),
    ("Women 60+", "#affected+f+elderly"),
    ("Boys 0-17", "#affected+m+children"),
    ("Men 18-59", "#affected+m+adults"),
    ("Men 60+", "#affected+m+elderly"),
    ("Pregnant or lactating", "#affected+f+pregnant_lactating"),
    ("With disabilities", "#affected+disabled"),
    ("Unaccompanied or separated children", "#affected+children+unaccompanied_separated"),
    ("Agency", "#org+code"),
    ("Report", "#meta+id"),
    ("Key", "#meta+key"),
    ("Remark", "#description+remark"),
    ("Status", "#status"),
    ("Superseded by", "#meta+superseded_by"),
    ("Supersedes", "#meta+supersedes"),
    ("Reason", "#description+reason"),
]
EXPORT_OPTIONS = (selectinload(FieldReport.superseded_by),)  # what export_lines reads
# the HXL hashtag of each number of a count (hito.counts.Count), with the standard attributes
COUNT_TAGS = {
    "people": "#affected+total",
    "people_low": "#affected+total+min",
    "people_high": "#affected+total+max",
    "stranded": "#affected+stranded",
    "f_children": "#affected+f+children",
    "f_adults": "#affected+f+adults",
    "f_older": "#affected+f+elderly",
    "m_children": "#affected+m+children",
    "m_adults": "#affected+m+adults",
    "m_older": "#affected+m+elderly",
    "pregnant_lactating": "#affected+f+pregnant_lactating",
    "disabilities": "#affected+disabled",
    "unaccompanied_separated": "#affected+children+unaccompanied_separated",
}


def report_pages(
    db: Database, filters: dict[str, Any], *, size: int = 1000
) -> Iterator[FieldReport]:
    """The reports matching `filters` (`reports.report_query`'s: newest first), each once.

    Read `size` at a time, each page in a short transaction of its own (a slow download holds
    none open). A page starts after the last report of the one before (its observation time,
    then its id), not at an offset: a report stored meanwhile, newer than the page, cannot
    push a row already exported into the next page, where it would be written twice.
    """
    after: tuple[dt.datetime, int] | None = None
    while True:
        page = report_query(**filters, after=after).options(*EXPORT_OPTIONS)
        with db.session(readonly=True) as session:
            rows = list(session.scalars(page.limit(size)).unique())
        yield from rows
        if len(rows) < size:
            return
        after = rows[-1].observed_at, rows[-1].id


def export_csv(reports: Iterable[FieldReport]) -> str:
    """The reports as HXL CSV: a header row, a hashtag row, then one row per count."""
    return "".join(export_lines(reports))


def export_lines(reports: Iterable[FieldReport], *, rows_per_chunk: int = 500) -> Iterator[str]:
    """The HXL CSV in chunks of rows, for streaming (text cells neutralised, see `safe_cell`).

    Each report's `superseded_by` must be loaded (`EXPORT_OPTIONS`): its status is shown.
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([h for h, _ in COLUMNS])
    w.writerow([t for _, t in COLUMNS])
    n = 0
    for r in reports:
        for c in r.counts:
            n += 1
            if n % rows_per_chunk == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
            w.writerow(
                [
                    safe_cell(v)
                    for v in [
                        # the site's clock, with its offset: the date written is the count's day
                        site_time(r.site.country_code, r.observed_at).isoformat(timespec="seconds"),
                        r.site_id,
                        r.site.name,
                        r.site.country_code,
                        c.nationality,
                        "yes" if c.documented else "no",
                        *("" if getattr(c, f) is None else getattr(c, f) for f in COUNT_TAGS),
                        r.agency.code,
                        r.id,
                        r.idempotency_key or "",
                        r.remark,
                        *_status(r),
                    ]
                ]
            )
    yield out.getvalue()


def _status(r: FieldReport) -> tuple[str, object, object, str]:
    """(status, superseded by, supersedes, reason): current, corrected or withdrawn.

    A report replaced by a correction is "corrected", by a withdrawal "withdrawn" (a
    withdrawal has no counts, so no row of its own), with the reason given for that; a
    current correction names the report it supersedes and its own reason.
    """
    newer = r.superseded_by
    supersedes = "" if r.supersedes_id is None else r.supersedes_id
    if newer is None:
        return "current", "", supersedes, r.reason
    return "withdrawn" if newer.withdrawn else "corrected", newer.id, supersedes, newer.reason
