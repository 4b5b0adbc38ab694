"""Read a Flee case's ``source_data/``: the UNHCR series its camps are scored against.

As Flee 3.1's ``flee/datamanager`` reads them (``DataTable``, ``AddCSVTables``,
``RefugeeTable.ReadL1Corrections``): the rows of ``data_layout.csv``, the series files
they name (several on a row are added up by date) and the registration corrections.
"""

from __future__ import annotations

from pathlib import Path

from hito.errors import Problem
from hito.flee.csvread import Notes, disorder, parse_date, read_rows, read_series
from hito.flee.model import FleeCorrection, FleeLayoutRow, FleePeriod, FleeSeries


def read_source_data(
    n: Notes, src: Path, period: FleePeriod, types: dict[str, str], sort_dates: bool
) -> tuple[list[FleeLayoutRow], dict[str, FleeSeries]]:
    """data_layout.csv and its series (DataTable): several files on a row are summed.

    ``types``: the location type of each name in locations.csv.
    """
    path = src / "data_layout.csv"
    layout: list[FleeLayoutRow] = []
    series: dict[str, FleeSeries] = {}
    first_line: dict[str, int] = {}
    for line, row in read_rows(n, path):
        if len(row) < 2 or row[0].strip().startswith("#"):
            continue
        nm = row[0].strip()
        files = [f.strip() for f in row[1:] if f.strip()]
        if len(files) < len(row) - 1:
            n.warn(path, line, Problem("empty file cells (trailing commas) ignored"))
        if not files:
            n.problem(
                path,
                line,
                2,
                Problem("no file for %(nm)s, expected a CSV file name", nm=repr(nm)),
            )
            continue
        if nm in first_line:
            n.warn(
                path,
                line,
                Problem(
                    "%(nm)s already has a row (line %(first_line)s); the first row is used, as"
                    " Flee 3.1 does",
                    nm=repr(nm),
                    first_line=first_line[nm],
                ),
            )
        else:
            first_line[nm] = line
            if nm != "total" and nm not in types:
                n.warn(
                    path,
                    line,
                    Problem("%(nm)s is not in locations.csv; its row is not used", nm=repr(nm)),
                )
            elif nm != "total" and "camp" not in types[nm]:
                n.warn(
                    path,
                    line,
                    Problem(
                        "%(nm)s is a %(types)s, not a camp; its row is not used",
                        nm=repr(nm),
                        types=types[nm],
                    ),
                )
        if len(files) > 1:
            n.warn(
                path,
                line,
                Problem(
                    "%(nm)s adds up %(count)s files (%(files)s) by date, as Flee 3.1's "
                    "AddCSVTables does",
                    nm=repr(nm),
                    count=len(files),
                    files=", ".join(files),
                ),
            )
        layout.append(FleeLayoutRow(name=nm, files=files))
        for k, f in enumerate(files, start=2):
            fp = src / f
            if not fp.is_file():
                n.problem(path, line, k, Problem("missing file %(f)s in source_data", f=repr(f)))
            elif f not in series:
                header, points, lines = read_series(n, fp)
                if points:
                    disorder(n, fp, points, lines, period.start, period.length, sort_dates)
                if sort_dates:
                    points = sorted(points, key=lambda p: p[0])
                series[f] = FleeSeries(header=header, points=points)
    if "total" not in first_line:
        n.problem(path, None, None, Problem("no 'total' row, expected one naming the total series"))
    for nm, t in types.items():
        if "camp" in t and nm not in first_line:
            n.problem(
                path,
                None,
                None,
                Problem("camp %(nm)s has no row, expected one per camp", nm=repr(nm)),
            )
    return layout, series


def read_corrections(
    n: Notes, path: Path, layout: list[FleeLayoutRow], series: dict[str, FleeSeries]
) -> list[FleeCorrection]:
    """registration_corrections.csv (RefugeeTable.ReadL1Corrections)."""
    out: list[FleeCorrection] = []
    files: dict[str, list[str]] = {}
    for r in layout:
        files.setdefault(r.name, r.files)
    for line, row in read_rows(n, path):
        if len(row) < 2:
            continue
        nm = row[0].strip()
        d = parse_date(row[1])
        if d is None:
            n.problem(
                path,
                line,
                2,
                Problem(
                    "expected a date YYYY-MM-DD for the correction date, got %(row)s",
                    row=repr(row[1]),
                ),
            )
            continue
        if nm not in files:
            n.problem(
                path,
                line,
                1,
                Problem(
                    "unknown camp %(camp)s, expected one of data_layout.csv: %(camps)s",
                    camp=repr(nm),
                    camps=", ".join(sorted(x for x in files if x != "total")),
                ),
            )
            continue
        dates = {p[0] for f in files[nm] if f in series for p in series[f].points[1:]}
        if dates and d not in dates:
            n.problem(
                path,
                line,
                2,
                Problem(
                    "date %(d)s is not a later date of %(files)s, expected one of its dates "
                    "after the first",
                    d=d,
                    files=", ".join(files[nm]),
                ),
            )
            continue
        out.append(FleeCorrection(name=nm, date=d, note=",".join(row[2:]).strip()))
    return out
