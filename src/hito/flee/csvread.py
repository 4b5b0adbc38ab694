"""Reading Flee's CSV files as Flee 3.1 reads them, with located problems and warnings.

Flee 3.1 (``flee/datamanager/DataTable.py``, ``handle_refugee_data.py``) reads a count
series row by row in file order: a first row ``Date``/``DateTime`` is a header, rows
starting with ``#``, shorter than two cells or with an empty count are skipped; counts are
divided by ``hasten``; several files on one ``data_layout.csv`` row are added up by merging
their dates; a value for a day is found by scanning the rows in file order for the first
date after it and interpolating linearly from the row before (truncated to an integer).
Here the same rules are written with numpy, and every departure from a clean file is
reported as ``file:line: message``: a problem (Flee cannot run it either) or a warning
(Flee runs it; hito does what Flee does and says so).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from pathlib import Path

import numpy as np

from hito.errors import N_, InputError, Plural, Problem, Said
from hito.textfile import TEXT_FILE

BOM = b"\xef\xbb\xbf"


class Notes:
    """Problems and warnings of one case, each ``file:line[:column]: message``."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def where(self, path: Path, line: int | None = None, col: int | None = None) -> str:
        """``path`` relative to the case's parent, with line and column when known."""
        try:
            shown = path.relative_to(self.root.parent)
        except ValueError:
            shown = path
        return str(shown) + (f":{line}" if line else "") + (f":{col}" if col else "")

    def problem(self, path: Path, line: int | None, col: int | None, msg: Problem) -> None:
        """Something Flee 3.1 cannot run either."""
        self.problems.append(
            Problem("%(where)s: %(msg)s", where=self.where(path, line, col), msg=msg)
        )

    def warn(self, path: Path, line: int | None, msg: Problem) -> None:
        """Something Flee 3.1 runs: what hito did about it."""
        self.warnings.append(
            Problem("%(where)s: warning: %(msg)s", where=self.where(path, line), msg=msg)
        )

    def raise_if_any(self) -> None:
        """Raise every problem at once."""
        if self.problems:
            raise InputError(self.problems)


def lines_text(lines: list[int], most: int = 6) -> str:
    """``3, 7, 9`` or ``3, 7, 9, ... (12 rows)``."""
    shown = ", ".join(map(str, lines[:most]))
    return shown + (f", ... ({len(lines)} rows)" if len(lines) > most else "")


def read_rows(notes: Notes, path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every row of a CSV file, blank lines left out.

    A byte-order mark is dropped with a warning (Flee 3.1 would read it into the first cell).
    """
    raw = path.read_bytes()
    if raw.startswith(BOM):
        notes.warn(path, 1, Problem("starts with a UTF-8 byte-order mark; ignored"))
        raw = raw[len(BOM) :]
    text = decode(notes, path, raw)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    out = []
    for row in reader:
        if row and any(c.strip() for c in row):
            out.append((reader.line_num, row))
    return out


def decode(notes: Notes, path: Path, raw: bytes) -> str | None:
    """A Flee file's bytes as UTF-8 text, or None with the line of its first bad byte noted."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        notes.problem(
            path,
            line,
            None,
            Problem(
                "byte %(start)s is not UTF-8 text; expected %(expected)s",
                start=exc.start,
                expected=TEXT_FILE,
            ),
        )
        return None


# the form nearly every date is written in, read without strptime (which takes 30 µs a date)
_ISO_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)", re.ASCII)


def parse_date(cell: str) -> dt.date | None:
    """A ``%Y-%m-%d`` date as Flee's ``subtract_dates`` reads it (no zero padding needed)."""
    text = cell.strip()
    try:
        iso = _ISO_DATE.fullmatch(text)
        if iso:  # what strptime gives for these, a month or day of 00 refused alike
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None


def number(
    notes: Notes,
    path: Path,
    line: int,
    col: int,
    cell: str,
    what: Said,
    *,
    integer: bool = False,
    empty: float | None = None,
) -> float | None:
    """A number cell, or None with a located problem."""
    text = cell.strip()
    if not text and empty is not None:
        return empty
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        message = (
            N_("expected an integer for %(what)s, got %(cell)s")
            if integer
            else N_("expected a number for %(what)s, got %(cell)s")
        )
        notes.problem(path, line, col, Problem(message, what=what, cell=repr(cell)))
        return None
    if not math.isfinite(value):  # nan, inf, 1e400: no distance, place or count
        notes.problem(
            path,
            line,
            col,
            Problem(
                "expected a finite number for %(what)s, got %(cell)s", what=what, cell=repr(cell)
            ),
        )
        return None
    return value


def read_series(
    notes: Notes, path: Path
) -> tuple[str | None, list[tuple[dt.date, float]], list[int]]:
    """(header line, dated counts in file order, their line numbers) of a UNHCR series.

    Quirks Flee 3.1 reads are kept and warned about: comment rows and rows with an empty
    count are skipped, cells after the count are ignored.
    """
    header: str | None = None
    points: list[tuple[dt.date, float]] = []
    lines: list[int] = []
    comments: list[int] = []
    empty: list[int] = []
    extra: list[int] = []
    rows = read_rows(notes, path)
    for k, (line, row) in enumerate(rows):
        first = row[0].strip()
        if k == 0 and (first in ("Date", "DateTime") or first.startswith("#") or not first):
            header = ",".join(row)
            continue
        if first.startswith("#"):
            comments.append(line)
            continue
        if len(row) < 2 or not row[1].strip():
            empty.append(line)
            continue
        if len(row) > 2 and not any(c.strip() for c in row[2:]):
            extra.append(line)
        d = parse_date(row[0])
        if d is None:
            notes.problem(
                path,
                line,
                1,
                Problem(
                    "expected a date YYYY-MM-DD for the count date, got %(row)s", row=repr(row[0])
                ),
            )
            continue
        try:
            v = float(int(row[1].strip()))
        except ValueError:
            notes.problem(
                path,
                line,
                2,
                Problem("expected a whole number for the count, got %(row)s", row=repr(row[1])),
            )
            continue
        points.append((d, v))
        lines.append(line)
    if comments:
        notes.warn(
            path,
            comments[0],
            Problem(
                "comment rows skipped, as Flee does: lines %(lines_text)s",
                lines_text=lines_text(comments),
            ),
        )
    if empty:
        notes.warn(
            path,
            empty[0],
            Problem(
                "rows without a count skipped, as Flee does: lines %(lines_text)s",
                lines_text=lines_text(empty),
            ),
        )
    if extra:
        notes.warn(
            path,
            extra[0],
            Problem("trailing commas ignored: lines %(lines_text)s", lines_text=lines_text(extra)),
        )
    if not points and not notes.problems:
        notes.problem(path, None, None, Problem("no dated counts, expected rows date,count"))
    return header, points, lines


def as_table(points: list[tuple[dt.date, float]], start: dt.date, hasten: int) -> np.ndarray:
    """Flee's table of a series: (day offset, count / hasten), rows in file order."""
    return np.array([[(d - start).days, v / hasten] for d, v in points], dtype=float).reshape(
        len(points), 2
    )


def add_tables(t1: np.ndarray, t2: np.ndarray) -> np.ndarray:
    """Two series added as Flee 3.1's ``AddCSVTables`` adds them (merging by date).

    Walking the second table's rows: rows of the first dated before it are kept with the
    second's last value added; a row on the same date is the sum; a row of the second
    dated before the first's current row takes that row's value added.
    """
    out: list[tuple[float, float]] = []
    off, last = 0, 0.0
    for d2, v2 in t2:
        while d2 > t1[off, 0]:
            out.append((t1[off, 0], last + t1[off, 1]))
            if off < len(t1) - 1:
                off += 1
            else:
                break
        if d2 == t1[off, 0]:
            out.append((d2, v2 + t1[off, 1]))
            if off < len(t1) - 1:
                off += 1
            last = v2
        elif d2 < t1[off, 0]:
            out.append((d2, v2 + t1[off, 1]))
            last = v2
    return np.array(out, dtype=float).reshape(len(out), 2)


def values(table: np.ndarray, days: int) -> np.ndarray:
    """Flee's ``get_interpolated_data`` for days 0..days-1 (rows scanned in file order)."""
    d, v = table[:, 0], table[:, 1]
    t = np.arange(days, dtype=float)
    # the first row after the first with a later date than t: the first where the running
    # highest date of rows 1.. passes t (the same row whatever the order of the dates)
    i = np.searchsorted(np.maximum.accumulate(d[1:]), t, side="right") + 1
    between = (t > d[0]) & (i < len(d))
    i = np.minimum(i, len(d) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (t - d[i - 1]) / (d[i] - d[i - 1])
        inside = v[i - 1] + frac * (v[i] - v[i - 1])
    out = np.where(t <= d[0], v[0], np.where(between, inside, v[-1]))
    return np.trunc(out).astype(np.int64)


def disorder(
    notes: Notes,
    path: Path,
    points: list[tuple[dt.date, float]],
    lines: list[int],
    start: dt.date,
    days: int,
    sort: bool,
) -> None:
    """Warn about dates not in increasing order: the rows, and the days Flee reads otherwise."""
    seen = [points[0][0]]
    for d, _ in points[1:]:
        seen.append(max(seen[-1], d))
    late = [k for k in range(1, len(points)) if points[k][0] <= seen[k - 1]]
    if not late:
        return
    rows = lines_text([lines[k] for k in late])
    if sort:
        notes.warn(
            path,
            lines[late[0]],
            Problem(
                "dates not in increasing order (lines %(rows)s); sorted by date (--sort-dates)",
                rows=rows,
            ),
        )
        return
    as_read = values(as_table(points, start, 1), days)
    by_date = values(as_table(sorted(points, key=lambda p: p[0]), start, 1), days)
    diff = np.nonzero(as_read != by_date)[0]
    span: Problem
    if len(diff):
        first, last = int(diff[0]), int(diff[-1])
        span = Plural(
            "%(n)s day between day %(first)s (%(a)s) and day %(last)s (%(b)s)",
            "%(n)s days between day %(first)s (%(a)s) and day %(last)s (%(b)s)",
            len(diff),
            n=len(diff),
            first=first,
            a=start + dt.timedelta(first),
            last=last,
            b=start + dt.timedelta(last),
        )
    else:
        span = Problem("no day of the period")
    notes.warn(
        path,
        lines[late[0]],
        Problem(
            "dates not in increasing order (lines %(rows)s); read in file order as Flee 3.1 does, "
            "which changes %(span)s from the sorted series; --sort-dates sorts them",
            rows=rows,
            span=span,
        ),
    )
