"""The columns of an HXL file of field counts, found by hashtag, and each row read as a count."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from hito.errors import Problem, Said
from hito.forecast.observations import SiteMap, not_counted
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
    """Where each needed value is in a row, by hashtag."""

    date: tuple[int, str]
    sites: list[tuple[int, str]]
    low: tuple[int, str] | None
    high: tuple[int, str] | None
    single: tuple[int, str] | None
    kind: int | None
    source: int | None
    report: int | None
    org: int | None

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
        cell = row.cell
        kind = cell(self.kind)
        if kind.casefold() in NOT_COUNTS:
            skipped.append(
                Problem(
                    "%(where)s: kind %(kind)s is not a count of stranded people",
                    where=where,
                    kind=repr(kind),
                )
            )
            return None
        numbers = [c for c in (self.low, self.high, self.single) if c is not None]
        if not any(cell(i) for i, _ in numbers):
            skipped.append(
                Problem(
                    "%(where)s: no number in %(values)s",
                    where=where,
                    values=", ".join((t for _, t in numbers)),
                )
            )
            return None
        n_errors = len(errors)
        date, outside = self._date(cell(self.date[0]), where, start, end, errors, skipped)
        if outside:
            return None
        site, place = self._place(cell, where, site_map, errors)
        low, high = self._range(cell, where, errors)
        if len(errors) > n_errors or date is None:
            return None
        if place is None:
            skipped.append(
                Problem("%(where)s: %(not_counted)s", where=where, not_counted=not_counted(site))
            )
            return None
        report = cell(self.report)
        org = cell(self.org)
        source = cell(self.source) or (
            f"report {report}" + (f" ({org})" if org else "") if report else where
        )
        return Row(row.line, date, site, place, low or 0.0, high, source, report)

    def _date(
        self,
        text: str,
        where: str,
        start: dt.date | None,
        end: dt.date | None,
        errors: list[Problem],
        skipped: list[Problem],
    ) -> tuple[dt.date | None, bool]:
        """The row's date (None when bad, an error noted) and whether it is outside the window."""
        date = _date(text)
        if date is None:
            errors.append(
                Problem(
                    "%(where)s: %(date)s: got %(text)s, expected a date as YYYY-MM-DD",
                    where=where,
                    date=self.date[1],
                    text=repr(text),
                )
            )
        elif (start is not None and date < start) or (end is not None and date > end):
            skipped.append(
                Problem(
                    "%(where)s: dated %(date)s, outside %(start)s to %(end)s",
                    where=where,
                    date=date,
                    start=start or Problem("the start"),
                    end=end or Problem("the end"),
                )
            )
            return date, True
        return date, False

    def _place(
        self,
        cell: Callable[[int | None], str],
        where: str,
        site_map: SiteMap,
        errors: list[Problem],
    ) -> tuple[str, str | None]:
        """The site as written and its place id (None when unknown or not counted)."""
        given = [(cell(i), t) for i, t in self.sites if cell(i)]
        site, site_tag = given[0] if given else ("", self.sites[0][1])
        if not site:
            errors.append(
                Problem(
                    "%(where)s: %(site_tag)s: got an empty site, expected a site name",
                    where=where,
                    site_tag=site_tag,
                )
            )
        elif not site_map.knows(site):
            errors.append(
                Problem(
                    "%(where)s: %(site_tag)s: %(unknown)s",
                    where=where,
                    site_tag=site_tag,
                    unknown=site_map.unknown(site),
                )
            )
        else:
            return site, site_map.place(site)
        return site, None

    def _range(
        self, cell: Callable[[int | None], str], where: str, errors: list[Problem]
    ) -> tuple[float | None, float | None]:
        """The count's low and high (equal for a single number); bad ones noted as errors."""
        if self.single is not None:
            value = _number(cell(self.single[0]), self.single[1], where, errors)
            return value, value
        low = _number(cell(self.low[0]), self.low[1], where, errors) if self.low else None
        high = _number(cell(self.high[0]), self.high[1], where, errors) if self.high else None
        if low is not None and high is not None and low > high and self.low and self.high:
            errors.append(
                Problem(
                    "%(where)s: %(low_tag)s: got %(low)s above %(high_tag)s %(high)s, expected a "
                    "low no higher than the high",
                    where=where,
                    low_tag=self.low[1],
                    low=_fmt(low),
                    high_tag=self.high[1],
                    high=_fmt(high),
                )
            )
        return low, high


def find_columns(table: HxlTable, name: str) -> Columns:
    """Find the needed columns by hashtag, or an InputError naming the missing ones."""

    def get(tag: str) -> tuple[int, str] | None:
        i = table.column(tag)
        return None if i is None else (i, table.tags[i])

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
    )


Col = tuple[int, str]


def _count_columns(
    get: Callable[[str], Col | None],
) -> tuple[Col | None, Col | None, Col | None]:
    """The count's columns: a low and high pair (the first tags that exist) or else one number."""
    for lo, hi in RANGE_TAGS:
        low, high = get(lo), get(hi)
        if low or high:
            return low, high, None
    return None, None, next((c for c in (get(t) for t in SINGLE_TAGS) if c is not None), None)


def _date(text: str) -> dt.date | None:
    """A YYYY-MM-DD date, or the UTC date of an ISO 8601 time; None when it is neither."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) > 10 and text[10] in "T ":
            t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return (t.astimezone(dt.UTC) if t.tzinfo else t).date()
    except ValueError:
        return None
    return None


def _number(text: str, tag: str, where: str, errors: list[Problem]) -> float | None:
    """A count of 0 or more, None when blank; a problem line when it is not one."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors.append(
            Problem(
                "%(where)s: %(tag)s: got %(text)s, expected a number",
                where=where,
                tag=tag,
                text=repr(text),
            )
        )
        return None
    if not math.isfinite(value):
        errors.append(
            Problem(
                "%(where)s: %(tag)s: got %(text)s, expected a finite number",
                where=where,
                tag=tag,
                text=repr(text),
            )
        )
        return None
    if value < 0:
        errors.append(
            Problem(
                "%(where)s: %(tag)s: got %(text)s, expected a count of 0 or more",
                where=where,
                tag=tag,
                text=text,
            )
        )
        return None
    return value


def _fmt(x: float) -> str:
    return str(int(x)) if x.is_integer() else str(x)
