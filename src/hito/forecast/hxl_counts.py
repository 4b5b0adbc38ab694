"""Field counts of stranded people read from an HXL CSV file (libhxl): timeline or export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hito.errors import InputError, Problem
from hito.forecast.count_rows import EXPECTED, Row, find_columns
from hito.forecast.observations import (
    Observation,
    Observations,
    SiteMap,
    sort_key,
)


def read_observations(
    path: str | Path,
    sites: Mapping[str, str | None],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Observations:
    """The counts of an HXL CSV file (the shared timeline, or the service's report export).

    Rows of kind flow or event, rows with no number, rows of sites mapped to None and rows
    dated outside [start, end] are left out, one line each in `skipped`. Every bad row is an
    InputError listing all problems as `FILE:LINE: COLUMN: what was given, what was expected`.
    Rows sharing a #meta+id (one stored report) at one site make one count: their sum.
    """
    name = str(path)
    site_map = SiteMap(sites)
    text = _read_text(Path(path), name)
    reader, delimiter = _hxl_reader(text, name)
    lines = _record_lines(text, delimiter)
    columns = find_columns(reader, text, delimiter, lines, name)
    errors: list[Problem] = []
    skipped: list[Problem] = []
    rows: list[Row] = []
    for hrow in reader:
        values = ["" if v is None else str(v).strip() for v in hrow.values]
        if not any(values):
            continue
        index = hrow.source_row_number
        line = lines[index] if index < len(lines) else index + 1
        row = columns.parse(values, line, f"{name}:{line}", site_map, start, end, errors, skipped)
        if row is not None:
            rows.append(row)
    if errors:
        raise InputError(errors)
    items = sorted(_merge_reports(rows), key=sort_key)
    return Observations(tuple(items), tuple(skipped))


def _read_text(path: Path, name: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = exc.strerror or str(exc)
        raise InputError(
            Problem(
                "%(name)s: cannot read the file (%(problem)s), expected a CSV file",
                name=name,
                problem=problem,
            )
        ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(
                "%(name)s: byte %(start)s is not UTF-8 text, expected a CSV file in UTF-8",
                name=name,
                start=exc.start,
            )
        ) from exc
    if "\x00" in text:
        raise InputError(
            Problem("%(name)s: binary content, expected a CSV file in UTF-8", name=name)
        )
    if not text.strip():
        raise InputError(
            Problem(
                "%(name)s: the file is empty, expected an HXL CSV file (%(expected)s)",
                name=name,
                expected=EXPECTED,
            )
        )
    return text


def _hxl_reader(text: str, name: str) -> tuple[Any, str]:
    """The libhxl reader of the text as CSV (never JSON or Excel), and its delimiter."""
    import hxl
    from hxl.input import CSVInput, HXLParseException

    options = hxl.InputOptions(allow_local=True, encoding="utf-8")
    try:
        source = CSVInput(io.BufferedReader(io.BytesIO(text.encode("utf-8"))), options)
        reader = hxl.data(source, options)
        reader.columns  # noqa: B018 - finds the hashtag row now
    except HXLParseException as exc:
        raise InputError(
            Problem(
                "%(name)s: no HXL hashtag row in the first 25 rows, expected a row of hashtags "
                "under the header with %(expected)s",
                name=name,
                expected=EXPECTED,
            )
        ) from exc
    except csv.Error as exc:
        raise InputError(
            Problem("%(name)s: cannot read the file as CSV (%(exc)s)", name=name, exc=exc)
        ) from exc
    return reader, str(source.delimiter)


def _record_lines(text: str, delimiter: str) -> list[int]:
    """The 1-based file line where each CSV record starts (quoted newlines span lines)."""
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    try:
        for _ in reader:
            out.append(end + 1)
            end = reader.line_num
    except csv.Error:
        pass
    return out


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
