"""Field observations for a plan's check: HXL-tagged CSV rows read into dated counts per site.

Observation rows carry a date (`#date`), a site (`#loc+name`) and counts tagged by indicator:
`#affected+stranded`, `#affected+arrived`, `#affected+diverted` (each optionally split into
`+min` and `+max`), or `#affected+sheltered` with `#capacity` for shelter occupancy; or, as
the shared timeline gives them (`hito calibrate` reads it too), `#affected+min`/`#affected+max`
on rows whose `#meta+kind` is `count`, read as people stranded. Each cell is read as
hito.hxl_cells reads a field count's (the one reading of `hito calibrate` too): columns by
exact hashtag, counts with or without thousands marks (1200, 1,200, 1.200), dates as
YYYY-MM-DD.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hito.errors import InputError, Problem, Said
from hito.hxl_cells import Column, RowReading, column, parse_instant, stopped
from hito.hxl_table import read_file

RangeAs = Literal["low", "mid", "high"]
TAGS = {
    "stranded": "#affected+stranded",
    "arrivals": "#affected+arrived",
    "diverted": "#affected+diverted",
}
SHELTER_TAGS = ("#affected+sheltered", "#capacity")
# the shared timeline's form (`hito calibrate` reads it): people at a site as #affected+min/+max,
# its rows of #meta+kind count (not flow or event); read as the stranded indicator
TIMELINE_TAGS = ("#affected+min", "#affected+max")
KIND_TAG = "#meta+kind"
COUNT_TAGS = (
    *(t + end for t in TAGS.values() for end in ("", "+min", "+max")),
    *SHELTER_TAGS,
    *TIMELINE_TAGS,
)
EXPECTED = Problem("#date, #loc+name and counts such as #affected+stranded+min/+max")


@dataclass(frozen=True)
class Observation:
    """One count from a field report: a date, a site, an indicator and a reported range."""

    row: int
    date: dt.date
    site: str
    indicator: str
    low: float | None
    high: float | None
    at: dt.datetime | None = None  # a time written with its UTC offset: counted on its site's day

    def value(self, range_as: RangeAs = "mid") -> float:
        """One number for the reported range (see the module docstring)."""
        lo, hi = self.low, self.high
        if lo is None or hi is None:
            return float(lo if hi is None else hi)  # type: ignore[arg-type]
        return {"low": lo, "high": hi, "mid": (lo + hi) / 2}[range_as]


@dataclass(frozen=True)
class _Columns:
    """Where a row's date, site and counts are, by exact hashtag (hito.hxl_cells.column)."""

    date: Column
    site: Column
    counts: Mapping[str, Column | None]
    kind: Column | None = None
    status: Column | None = None  # the service's export: corrected and withdrawn reports


def read_observations(path: str | Path) -> list[Observation]:
    """Every count in an HXL-tagged CSV file (rows with no count are skipped).

    Cells are read as hito.hxl_cells reads them; every bad cell of the file is an InputError
    listing all problems as `FILE:LINE: #column: what was given, what was expected`.
    """
    name = str(path)
    table = read_file(path, EXPECTED)
    date, site = column(table, "#date"), column(table, "#loc+name")
    counts = {tag: column(table, tag) for tag in COUNT_TAGS}
    missing: list[Said] = [t for t, c in (("#date", date), ("#loc+name", site)) if c is None]
    if not any(counts.values()):
        missing.append(
            Problem(
                "a count: #affected+stranded, #affected+arrived or #affected+diverted (each "
                "alone or as +min/+max), #affected+sheltered and #capacity, or #affected+min/+max "
                "with #meta+kind count"
            )
        )
    if missing or date is None or site is None:
        raise table.lacking(name, missing, EXPECTED)
    columns = _Columns(date, site, counts, column(table, KIND_TAG), column(table, "#status"))
    problems: list[Problem] = []
    out: list[Observation] = []
    for row in table.rows:
        out += _row_observations(RowReading(row, f"{name}:{row.line}", problems), columns)
        if stopped(problems, f"{name}:{row.line}"):
            break
    if problems:
        raise InputError(problems)
    return out


def _row_observations(reading: RowReading, columns: _Columns) -> list[Observation]:
    """The counts of one row: each indicator's range, and a shelter's occupancy and free places.

    A row with no count is left out unread; a bad one gives no count (its problems noted).
    """
    counts = columns.counts
    if not any(reading.text(c) for c in counts.values()):
        return []
    if reading.replaced(columns.status, None) is not None:  # corrected or withdrawn
        return []
    n_problems = len(reading.problems)
    date = reading.date(columns.date)
    site, _ = reading.site([columns.site])
    ranges = {
        ind: reading.reported(counts[f"{tag}+min"], counts[f"{tag}+max"], counts[tag])
        for ind, tag in TAGS.items()
    }
    kind = reading.text(columns.kind).strip().lower() if columns.kind else "count"
    if ranges["stranded"] == (None, None) and kind == "count":
        ranges["stranded"] = reading.reported(*(counts[t] for t in TIMELINE_TAGS))
    sheltered, cap = (reading.count(counts[t]) for t in SHELTER_TAGS)
    if len(reading.problems) > n_problems or date is None:
        return []
    line = reading.row.line
    at = parse_instant(reading.text(columns.date))
    out = [
        Observation(line, date, site, ind, lo, hi, at)
        for ind, (lo, hi) in ranges.items()
        if lo is not None or hi is not None
    ]
    if sheltered is not None and cap:
        share = sheltered / cap
        out.append(Observation(line, date, site, "shelter_occupancy", share, share, at))
        free = max(0.0, cap - sheltered)  # for need_gap: the shelter's places still free
        out.append(Observation(line, date, site, "free_places", free, free, at))
    return out
