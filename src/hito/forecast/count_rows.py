"""The columns of an HXL file of field counts, found by hashtag, and each row read as a count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hito.domain import site_day
from hito.errors import Problem, Said
from hito.forecast.observations import SiteMap, not_counted
from hito.hxl_cells import Column, RowReading, column, parse_instant
from hito.hxl_table import HxlRow, HxlTable

# rows of these #meta+kind values are not counts of the stranded stock; any other text
# (blank, "count", or a free description such as "camp size") is read as a count
NOT_COUNTS = frozenset({"flow", "event"})
SITE_TAGS = ("#loc+code", "#loc+name")
RANGE_TAGS = (
    ("#affected+min", "#affected+max"),
    ("#affected+stranded+min", "#affected+stranded+max"),
)
SINGLE_TAGS = ("#affected+stranded", "#affected+total")
# the service's export gives a report's people as a range too: a +min with an empty +max is an
# open-ended count ("more than 100"), and then its stranded (the single column) are at least
# as many as said, no more known
OPEN_TAGS = ("#affected+total+min", "#affected+total+max")
EXPECTED = Problem(
    "#date; #loc+name or #loc+code; #affected+min and/or #affected+max "
    "(or #affected+stranded+min/+max, or one #affected+stranded or #affected+total)"
)


@dataclass
class Row:
    """One count row as read, before the rows of one stored report are summed."""

    line: int
    date: dt.date
    site: str
    place: str
    low: float
    high: float | None
    source: str
    report: str


@dataclass
class Columns:
    """Where each needed value is in a row, by exact hashtag (hito.hxl_cells.column)."""

    date: Column
    sites: list[Column]
    low: Column | None
    high: Column | None
    single: Column | None
    kind: int | None
    source: int | None
    report: int | None
    org: int | None
    status: Column | None = None  # the service's export: corrected and withdrawn reports
    superseded_by: Column | None = None
    latest: dt.date | None = None  # a count dated later is a day still to come: refused
    open_low: Column | None = None  # the export's people range (OPEN_TAGS)
    open_high: Column | None = None
    # place id -> its country (ISO3): a time written with an offset counts on its site's day
    countries: Mapping[str, str] = field(default_factory=dict)

    def parse(
        self,
        row: HxlRow,
        where: str,
        site_map: SiteMap,
        start: dt.date | None,
        end: dt.date | None,
        errors: list[Problem],
        skipped: list[Problem],
    ) -> Row | None:
        """One row as a count, or None when it is left out or bad (noted in the lists)."""
        reading = RowReading(row, where, errors)
        kind = row.cell(self.kind)
        if kind.casefold() in NOT_COUNTS:
            skipped.append(
                Problem(
                    "%(where)s: kind %(kind)s is not a count of stranded people",
                    where=where,
                    kind=repr(kind),
                )
            )
            return None
        if (replaced := reading.replaced(self.status, self.superseded_by)) is not None:
            skipped.append(replaced)
            return None
        numbers = [c for c in (self.low, self.high, self.single) if c is not None]
        if not any(reading.text(c) for c in numbers):
            skipped.append(
                Problem(
                    "%(where)s: no number in %(values)s",
                    where=where,
                    values=", ".join((t for _, t in numbers)),
                )
            )
            return None
        n_errors = len(errors)
        date = reading.date(self.date)
        if date is not None and (when := parse_instant(reading.text(self.date))) is not None:
            date = self._site_day(reading, site_map, when) or date
        if date is not None and self.latest is not None and date > self.latest:
            errors.append(
                Problem(
                    "%(where)s: %(tag)s: got %(date)s, a day still to come; expected the day of "
                    "the count, %(latest)s at the latest",
                    where=where,
                    tag=self.date[1],
                    date=date,
                    latest=self.latest,
                )
            )
            return None
        if date is not None and (
            (start is not None and date < start) or (end is not None and date > end)
        ):
            skipped.append(
                Problem(
                    "%(where)s: dated %(date)s, outside %(start)s to %(end)s",
                    where=where,
                    date=date,
                    start=start or Problem("the start"),
                    end=end or Problem("the end"),
                )
            )
            return None
        site, place = self._place(reading, site_map)
        low, high = reading.reported(self.low, self.high, self.single)
        if self._open(reading):
            high = None
        if len(errors) > n_errors or date is None:
            return None
        if place is None:
            skipped.append(
                Problem("%(where)s: %(not_counted)s", where=where, not_counted=not_counted(site))
            )
            return None
        report = row.cell(self.report)
        org = row.cell(self.org)
        source = row.cell(self.source) or (
            f"report {report}" + (f" ({org})" if org else "") if report else where
        )
        return Row(row.line, date, site, place, low or 0.0, high, source, report)

    def _open(self, reading: RowReading) -> bool:
        """Whether a single count belongs to an open-ended people range (OPEN_TAGS)."""
        return (
            self.single is not None
            and self.low is None
            and self.high is None
            and self.open_low is not None
            and bool(reading.text(self.open_low))
            and not reading.text(self.open_high)
        )

    def _site_day(
        self, reading: RowReading, site_map: SiteMap, when: dt.datetime
    ) -> dt.date | None:
        """The local day at the row's site of a time written on any clock (None: unknown).

        As the service dates a report (`hito.domain.site_day`).
        """
        given = [reading.text(c) for c in self.sites if reading.text(c)]
        place = site_map.place(given[0]) if given and site_map.knows(given[0]) else None
        country = self.countries.get(place) if place is not None else None
        return site_day(country, when) if country is not None else None

    def _place(self, reading: RowReading, site_map: SiteMap) -> tuple[str, str | None]:
        """The site as written and its place id (None when empty, unknown or not counted)."""
        site, site_tag = reading.site(self.sites)
        if site and not site_map.knows(site):
            reading.problems.append(
                Problem(
                    "%(where)s: %(site_tag)s: %(unknown)s",
                    where=reading.where,
                    site_tag=site_tag,
                    unknown=site_map.unknown(site),
                )
            )
        elif site:
            return site, site_map.place(site)
        return site, None


def find_columns(table: HxlTable, name: str) -> Columns:
    """Find the needed columns by hashtag, or an InputError naming the missing ones."""

    def get(tag: str) -> Column | None:
        return column(table, tag)

    missing: list[Said] = []
    date = get("#date")
    if date is None:
        missing.append("#date")
    sites = [c for c in (get(t) for t in SITE_TAGS) if c is not None]
    if not sites:
        missing.append(Problem("#loc+name or #loc+code"))
    low, high, single = _count_columns(get)
    if not (low or high or single):
        missing.append(
            Problem("a count: #affected+min/+max, #affected+stranded or #affected+total")
        )
    if missing or date is None:
        raise table.lacking(name, missing, EXPECTED)
    return Columns(
        date=date,
        sites=sites,
        low=low,
        high=high,
        single=single,
        kind=table.column("#meta+kind"),
        source=table.column("#meta+source"),
        report=table.column("#meta+id"),
        org=table.column("#org+code"),
        status=get("#status"),
        superseded_by=get("#meta+superseded_by"),
        open_low=get(OPEN_TAGS[0]),
        open_high=get(OPEN_TAGS[1]),
    )


def _count_columns(
    get: Callable[[str], Column | None],
) -> tuple[Column | None, Column | None, Column | None]:
    """The count's columns: a low and high pair (the first tags that exist) or else one number."""
    for lo, hi in RANGE_TAGS:
        low, high = get(lo), get(hi)
        if low or high:
            return low, high, None
    return None, None, next((c for c in (get(t) for t in SINGLE_TAGS) if c is not None), None)
