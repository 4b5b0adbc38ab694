"""The day's figure at a site: one documented rule over the latest count of each agency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hito.store.models import FieldReport, open_ended


def daily_stranded(
    session: Session, *, site_ids: Sequence[str] | None = None, until: dt.date | None = None
) -> dict[str, dict[dt.date, int]]:
    """Per site and day, the day's figure of stranded people (see `daily_figures`)."""
    return {
        site: {day: f.figure for day, f in days.items()}
        for site, days in daily_figures(session, site_ids=site_ids, until=until).items()
    }


# a key of Session.info: while set (to a dict), daily_figures answers from one read per
# site list; only for a stretch of a transaction in which no report is written
MEMO = "hito_daily_figures"


@contextmanager
def reports_settled(session: Session) -> Iterator[None]:
    """Within the block, `daily_figures` reads the reports once (none may be written).

    `plans.active_plans` too reads the plans once (none may be written either).
    """
    session.info[MEMO] = {}
    try:
        yield
    finally:
        session.info.pop(MEMO, None)


@dataclass(frozen=True)
class DayFigure:
    """A site's figure of a day, each agency's latest count, and whether they disagree.

    `open_agencies` are the agencies whose count is open-ended ("more than 100": at least its
    value); `at_least` says the figure is a lower bound too (see `daily_figures`).
    """

    figure: int
    low: int
    high: int
    by_agency: dict[int, int]
    open_agencies: frozenset[int] = frozenset()
    at_least: bool = False

    @property
    def disagree(self) -> bool:
        """Agencies disagree when their counts differ by more than 10 people and 25 %."""
        return self.high - self.low > max(10, 0.25 * self.high)


def daily_figures(
    session: Session,
    *,
    site_ids: Sequence[str] | None = None,
    until: dt.date | None = None,
    field: str = "stranded",
) -> dict[str, dict[dt.date, DayFigure]]:
    """Per site and day: the day's figure, by one rule over the latest count per agency.

    A report's day is the local calendar day at its site (`FieldReport.day`, see
    `hito.domain.site_day`), not the UTC day of its time.

    The rule: reports are snapshots, not increments. Corrected reports count only through
    their correction, withdrawn ones not at all (the agency's earlier count that day stands).
    For each agency that reported at a site on a day, its latest report of the day (by
    observation time, then by id) is its count;
    the day's figure is the median of the agencies' counts (the mean of the two middle ones,
    rounded half up, for an even number). One agency cannot outvote another by reporting
    more often, and `low`/`high`/`by_agency` show when agencies disagree.

    An open-ended count ("more than 100", `FieldReport.at_least`) counts as its value, a lower
    bound. The figure is then a lower bound too (`at_least`) when such a count could move it:
    when one is among the counts at or below the middle (the upper middle for an even number),
    an exact count ranked before an open one of the same value.
    """
    memo = session.info.get(MEMO)
    if memo is not None:  # reports do not change meanwhile: read all days once, then cut
        key = (None if site_ids is None else tuple(sorted(site_ids)), field)
        if key not in memo:
            memo[key] = _daily_figures(session, site_ids=site_ids, until=None, field=field)
        return {
            site: kept
            for site, days in memo[key].items()
            if (kept := {d: f for d, f in days.items() if until is None or d <= until})
        }
    return _daily_figures(session, site_ids=site_ids, until=until, field=field)


def _daily_figures(
    session: Session,
    *,
    site_ids: Sequence[str] | None,
    until: dt.date | None,
    field: str,
) -> dict[str, dict[dt.date, DayFigure]]:
    superseded = select(FieldReport.supersedes_id).where(FieldReport.supersedes_id.is_not(None))
    col = FieldReport.stranded if field == "stranded" else FieldReport.people
    # each agency's latest report of a day (by observation time, then id), in the database:
    # one row per site, day and agency instead of every report
    newest = func.row_number().over(
        partition_by=(FieldReport.site_id, FieldReport.day, FieldReport.agency_id),
        order_by=(FieldReport.observed_at.desc(), FieldReport.id.desc()),
    )
    q = select(
        FieldReport.site_id,
        FieldReport.day,
        FieldReport.agency_id,
        col.label("value"),
        open_ended(FieldReport.id).label("open"),
        newest.label("n"),
    ).where(
        FieldReport.id.not_in(superseded),
        # a withdrawn report is gone; the agency's earlier count of the day stands
        FieldReport.withdrawn.is_(False),
    )
    if site_ids is not None:
        q = q.where(FieldReport.site_id.in_(list(site_ids)))
    if until is not None:
        q = q.where(FieldReport.day <= until)
    latest = q.subquery()
    rows = session.execute(
        select(
            latest.c.site_id, latest.c.day, latest.c.agency_id, latest.c.value, latest.c.open
        ).where(latest.c.n == 1)
    )
    per: dict[tuple[str, dt.date], dict[int, tuple[int, bool]]] = {}
    for site, on, agency, value, is_open in rows:
        per.setdefault((site, on), {})[agency] = (int(value), bool(is_open))
    out: dict[str, dict[dt.date, DayFigure]] = {}
    for (site, day), counted in per.items():
        ranked = sorted(counted.values())  # (value, open): an exact count first at a tie
        vals = [v for v, _ in ranked]
        n = len(vals)
        mid = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2] + 1) // 2
        out.setdefault(site, {})[day] = DayFigure(
            mid,
            vals[0],
            vals[-1],
            {a: v for a, (v, _) in counted.items()},
            frozenset(a for a, (_, o) in counted.items() if o),
            any(o for _, o in ranked[: n // 2 + 1]),
        )
    return out
