"""Field counts of stranded people read from an HXL CSV file (libhxl): timeline or export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from hito.domain import day_shown
from hito.errors import InputError, Problem
from hito.forecast.count_rows import EXPECTED, Row, find_columns
from hito.forecast.observations import (
    Observation,
    Observations,
    SiteMap,
    sort_key,
)
from hito.hxl_cells import stopped
from hito.hxl_table import read_file


def read_observations(
    path: str | Path,
    sites: Mapping[str, str | None],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
    countries: Mapping[str, str] | None = None,
) -> Observations:
    """The counts of an HXL CSV file (the shared timeline, or the service's report export).

    Rows of kind flow or event, rows with no number, rows of sites mapped to None and rows
    dated outside [start, end] are left out, one line each in `skipped`. Every bad row is an
    InputError listing all problems as `FILE:LINE: COLUMN: what was given, what was expected`.
    Rows sharing a #meta+id (one stored report) at one site make one count: their sum.
    A row dated after tomorrow (`today`, default `day_shown` on the machine's clock; a day's
    slack for the sites' clocks, Chile's ahead of Peru's) is a problem: a count of a day still
    to come is a typo.
    A time written with its UTC offset counts on the local day at its site, as the service
    dates a report: `countries` gives each place's country (ISO3; default: none, the day as
    written).
    """
    name = str(path)
    site_map = SiteMap(sites)
    table = read_file(path, EXPECTED)
    columns = find_columns(table, name)
    columns.latest = (today or day_shown(None, dt.datetime.now(dt.UTC))) + dt.timedelta(days=1)
    columns.countries = countries or {}
    errors: list[Problem] = []
    skipped: list[Problem] = []
    rows: list[Row] = []
    for hrow in table.rows:
        where = f"{name}:{hrow.line}"
        row = columns.parse(hrow, where, site_map, start, end, errors, skipped)
        if row is not None:
            rows.append(row)
        if stopped(errors, where):
            break
    if errors:
        raise InputError(errors)
    items = sorted(_merge_reports(rows), key=sort_key)
    return Observations(tuple(items), tuple(skipped))


def _merge_reports(rows: list[Row]) -> list[Observation]:
    """One count per row, but the rows of one stored report (#meta+id) at a site summed."""
    out: list[Observation] = []
    groups: dict[tuple[str, str, dt.date], list[Row]] = {}
    for r in rows:
        if r.report:
            groups.setdefault((r.report, r.place, r.date), []).append(r)
        else:
            out.append(Observation(r.date, r.place, r.low, r.high, r.line, r.site, r.source))
    for members in groups.values():
        first = members[0]
        highs = [m.high for m in members]
        high = None if any(h is None for h in highs) else sum(h for h in highs if h is not None)
        low = sum(m.low for m in members)
        out.append(
            Observation(first.date, first.place, low, high, first.line, first.site, first.source)
        )
    return out
