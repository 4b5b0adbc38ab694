"""conflicts.csv of a Flee case read as Flee 3.1's ``InputGeography.ReadConflictInputCSV``.

A day column, then one column per location; each column takes its values in row order (the
day cell is not read), so a row with fewer cells moves that column's later values up a day.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hito.errors import Plural, Problem
from hito.flee.csvread import Notes, lines_text, number, read_rows


def read_conflicts(
    n: Notes, id_of: Mapping[str, str], path: Path, length: int
) -> tuple[dict[str, list[tuple[int, float]]], int]:
    """conflicts.csv (ReadConflictInputCSV): a day column then one column per location."""
    conflicts: dict[str, list[tuple[int, float]]] = {}
    header: list[str] = []
    width = 0
    intensity_of: dict[str, Problem] = {}
    days = 0
    given: dict[str, int] = {}  # values read per column: Flee 3.1's list index for each
    short: list[int] = []
    for line, row in read_rows(n, path):
        if not header:
            header = [c.strip() for c in row]
            width = len(header)
            for nm in header[1:]:
                if nm:
                    conflicts[nm] = []
            # how a bad cell is named, made once a column (not one a cell: days x places)
            intensity_of = {
                nm: Problem("the conflict intensity of %(place)s", place=nm) for nm in conflicts
            }
            if header and not header[-1]:
                n.warn(
                    path,
                    line,
                    Problem("the header ends with a comma; the empty column is ignored"),
                )
            unknown = [nm for nm in conflicts if nm not in id_of]
            if unknown:
                n.warn(
                    path,
                    line,
                    Problem(
                        "columns for places not in locations.csv are ignored, as Flee 3.1 "
                        "does: %(names)s",
                        names=", ".join(unknown[:8])
                        + (f" ... ({len(unknown)})" if len(unknown) > 8 else ""),
                    ),
                )
            continue
        if any(header[len(row) :]):
            short.append(line)
        for k in range(1, len(row)):
            nm = header[k] if k < width else ""
            if not nm:
                if row[k].strip():
                    n.problem(
                        path,
                        line,
                        k + 1,
                        Problem(
                            "value %(row)s in a column without a location name, expected none",
                            row=repr(row[k]),
                        ),
                    )
                continue
            v = number(n, path, line, k + 1, row[k], intensity_of[nm])
            series, day = conflicts[nm], given.get(nm, 0)
            given[nm] = day + 1
            if v is not None and (not series or series[-1][1] != v):
                series.append((day, v))
        days += 1
    if short and days >= length:
        return conflicts, _short_rows(n, path, short, given, days, length)
    if header and days < length:
        n.problem(
            path,
            None,
            None,
            Plural(
                "%(days)s day row, expected at least the %(length)s days of the period",
                "%(days)s day rows, expected at least the %(length)s days of the period",
                days,
                days=days,
                length=length,
            ),
        )
    return conflicts, days


def _short_rows(
    n: Notes, path: Path, short: list[int], given: dict[str, int], days: int, length: int
) -> int:
    """Say what rows with fewer cells than the header do; the days every column has a value for.

    Each column takes its values in order, as Flee 3.1's ReadConflictInputCSV appends them,
    so a column's later values move up a day; a column left with fewer values than the
    period's days stops Flee (IndexError).
    """
    columns = {nm: c for nm, c in given.items() if c < days}
    ends = {nm: c for nm, c in columns.items() if c < length}
    names = ", ".join(sorted(ends or columns)[:8]) + (
        f" ... ({len(ends or columns)})" if len(ends or columns) > 8 else ""
    )
    if ends:
        n.problem(
            path,
            short[0],
            None,
            Problem(
                "rows with fewer cells than the header (lines %(lines_text)s) leave "
                "columns %(names)s fewer values than the period's %(length)s days, expected "
                "a value for every day in each column: Flee 3.1 gives each column its "
                "values in order and stops on day %(day)s (IndexError)",
                lines_text=lines_text(short),
                names=names,
                length=length,
                day=min(ends.values()),
            ),
        )
    else:
        n.warn(
            path,
            short[0],
            Problem(
                "rows with fewer cells than the header (lines %(lines_text)s): Flee 3.1 "
                "gives each column its values in order, so the later values of %(names)s "
                "move up a day for each missing cell, and so does hito",
                lines_text=lines_text(short),
                names=names,
            ),
        )
    return min([days, *given.values()])
