"""Read a Flee case directory into a FleeCase: what Flee 3.1 runs, hito reads.

A Flee case is ``input_csv/`` (locations, routes, closures, conflicts, sim_period or
conflict_period, registration_corrections), ``source_data/`` (data_layout.csv and the
UNHCR series it names) and ``simsetting.yml``. Columns follow Flee 3.1's
``flee/InputGeography.py`` (columns by position, ``#`` rows are headers, extra columns
become attributes, duplicate routes are separate links), ``flee/datamanager`` (see
``hito.flee.csvread``) and ``flee/SimulationSettings.py`` (the YAML keys). What Flee cannot
run is a problem (``file:line:column: what was given, what was expected``); what it runs
with a quirk is a warning saying what hito did.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hito.errors import InputError, Problem
from hito.flee.csvread import (
    Notes,
    disorder,
    lines_text,
    number,
    parse_date,
    read_rows,
    read_series,
)
from hito.flee.model import (
    FleeCase,
    FleeClosure,
    FleeCorrection,
    FleeLayoutRow,
    FleeMoveRules,
    FleePeriod,
    FleeSection,
    FleeSeries,
    FleeSettings,
    FleeSpawnRules,
)
from hito.flee.names import LOCATION_COLUMNS, ROUTE_COLUMNS, country_code, slug
from hito.scenario.model import Scenario
from hito.validation import pydantic_problem

CLOSURE_TYPES = ("country", "location", "link", "camp", "idpcamp", "remove_forced_redirection")
UNSUPPORTED_SETTINGS = {
    ("spawn_rules", "flood_driven_spawning"),
    ("spawn_rules", "flood_zone_spawning_only"),
    ("spawn_rules", "camps_are_sicks"),
    ("spawn_rules", "read_from_agents_csv_file"),
    ("move_rules", "stay_close_to_home"),
    ("move_rules", "use_pop_for_loc_weight"),
    ("move_rules", "use_v1_rules"),
    ("", "flood_rules"),
}


def _read_period(n: Notes, path: Path) -> FleePeriod | None:
    start, length = None, None
    for line, row in read_rows(n, path):
        key = row[0].strip().lower()
        if key not in ("startdate", "length"):
            continue
        if len(row) < 2:
            n.problem(path, line, 2, Problem("expected a value after %(row)s", row=repr(row[0])))
        elif key == "startdate":
            start = parse_date(row[1])
            if start is None:
                n.problem(
                    path,
                    line,
                    2,
                    Problem(
                        "expected a date YYYY-MM-DD for StartDate, got %(row)s", row=repr(row[1])
                    ),
                )
        else:
            v = number(n, path, line, 2, row[1], "Length", integer=True)
            if v is not None and v <= 0:
                n.problem(
                    path,
                    line,
                    2,
                    Problem("expected a positive Length, got %(row)s", row=repr(row[1])),
                )
            elif v is not None:
                length = int(v)
    if start is None or length is None:
        if not n.problems:
            n.problem(path, None, None, Problem("expected a StartDate row and a Length row"))
        return None
    return FleePeriod(start=start, length=length)


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line of each key of simsetting.yml, two levels deep: (section,) and (section, key)."""
    lines: dict[tuple[str, ...], int] = {}
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return lines
    for k, v in root.value:
        lines[(str(k.value),)] = k.start_mark.line + 1
        if isinstance(v, yaml.MappingNode):
            for k2, _ in v.value:
                lines[(str(k.value), str(k2.value))] = k2.start_mark.line + 1
    return lines


def _read_settings(n: Notes, path: Path) -> FleeSettings:
    if not path.exists():
        n.warn(path, None, Problem("missing; Flee 3.1's default settings are used"))
        return FleeSettings()
    try:
        text = path.read_text(encoding="utf-8-sig")
        doc = yaml.safe_load(text) or {}
        at = _key_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        n.problem(
            path,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            Problem("expected valid YAML: %(reason)s", reason=getattr(exc, "problem", exc)),
        )
        return FleeSettings()
    if not isinstance(doc, dict):
        n.problem(path, 1, 1, Problem("expected a mapping of sections"))
        return FleeSettings()
    for sec, key in sorted(UNSUPPORTED_SETTINGS):
        val = doc.get(key) if not sec else (doc.get(sec) or {}).get(key)
        if val not in (None, False, 0):
            n.problem(
                path,
                at.get((sec, key) if sec else (key,)),
                None,
                Problem(
                    "%(setting)s is not supported by hito's Flee ruleset yet, expected it absent "
                    "or false",
                    setting=f"{sec}.{key}" if sec else key,
                ),
            )

    def split(section: Any, model: type[FleeMoveRules] | type[FleeSpawnRules]) -> dict[str, Any]:
        section = dict(section or {})
        known = set(model.model_fields) - {"other"}
        out = {k: v for k, v in section.items() if k in known}
        out["other"] = {k: v for k, v in section.items() if k not in known}
        return out

    if (doc.get("move_rules") or {}).get("awareness_level") == 0:
        n.problem(
            path,
            at.get(("move_rules", "awareness_level")),
            None,
            Problem(
                "move_rules.awareness_level 0 (a link drawn at random, flee/moving.py) is not "
                "supported by hito's Flee ruleset yet, expected 1 or more"
            ),
        )
    if (doc.get("spawn_rules") or {}).get("conflict_driven_spawning") is not None:
        n.warn(
            path,
            at.get(("spawn_rules", "conflict_driven_spawning")),
            Problem(
                "spawn_rules.conflict_driven_spawning: people leave conflict zones at a daily "
                "rate, not by the UNHCR totals; Flee 3.1 then keeps its raw UNHCR count at 0, so "
                "its ARD divides each day's absolute differences by 1, and hito's does too"
            ),
        )
    try:
        opt = dict(doc.get("optimisations") or {})
        return FleeSettings(
            log_levels=dict(doc.get("log_levels") or {}),
            spawn_rules=FleeSpawnRules(**split(doc.get("spawn_rules"), FleeSpawnRules)),
            move_rules=FleeMoveRules(**split(doc.get("move_rules"), FleeMoveRules)),
            hasten=int(opt.pop("hasten", 1)),
            other={
                k: v
                for k, v in doc.items()
                if k not in ("log_levels", "spawn_rules", "move_rules", "optimisations")
            }
            | ({"optimisations": opt} if opt else {}),
        )
    except ValidationError as exc:
        for e in exc.errors(include_url=False):
            if e["loc"] == ("awareness_level",) and e["input"] == 0:
                continue  # said above
            key = str(e["loc"][0]) if e["loc"] else ""
            n.problem(
                path,
                at.get(("move_rules", key)) or at.get(("spawn_rules", key)),
                None,
                Problem(
                    "%(field)s: %(problem)s",
                    field=".".join(map(str, e["loc"])),
                    problem=pydantic_problem(e),
                ),
            )
        return FleeSettings()
    except (TypeError, ValueError) as exc:
        n.problem(
            path, None, None, Problem("expected Flee's sections and values: %(exc)s", exc=exc)
        )
        return FleeSettings()


class _Reader:
    """The state of reading one case: notes, names seen so far."""

    def __init__(self, root: Path, sort_dates: bool):
        self.root = root
        self.n = Notes(root)
        self.sort_dates = sort_dates
        self.id_of: dict[str, str] = {}  # the last row of a name (Flee's linkUp)
        self.types: dict[str, str] = {}
        self.countries: set[str] = set()

    def known(self, path: Path, line: int, col: int, nm: str) -> bool:
        if nm.strip() in self.id_of:
            return True
        self.n.problem(
            path,
            line,
            col,
            Problem(
                "unknown location %(name)s, expected a name from locations.csv",
                name=repr(nm.strip()),
            ),
        )
        return False

    def locations(self, path: Path) -> list[dict[str, Any]]:
        """locations.csv (InputGeography.ReadLocationsFromCSV, StoreInputGeographyInEcosystem)."""
        n = self.n
        columns = list(LOCATION_COLUMNS)
        places: list[dict[str, Any]] = []
        ids: set[str] = set()
        again: list[int] = []
        for line, row in read_rows(n, path):
            if row[0].strip().startswith("#"):
                columns = list(LOCATION_COLUMNS) + [c.strip() for c in row[8:]]
                continue
            if len(row) < 6:
                n.problem(
                    path,
                    line,
                    len(row) + 1,
                    Problem(
                        "expected at least 6 columns: name, region, country, latitude, longitude, "
                        "location_type"
                    ),
                )
                continue
            row = row + [""] * (8 - len(row))
            nm = row[0].strip()
            if nm in self.id_of and ("camp" in row[5].lower() or "camp" in self.types[nm]):
                n.problem(
                    path,
                    line,
                    1,
                    Problem(
                        "camp %(nm)s is defined twice, expected unique camp names", nm=repr(nm)
                    ),
                )
                continue
            if nm in self.id_of:
                again.append(line)
            lat = number(n, path, line, 4, row[3], "latitude", empty=0.0)
            lon = number(n, path, line, 5, row[4], "longitude", empty=0.0)
            ltype = row[5].strip()
            low = ltype.lower()
            cdate = row[6].strip()
            if "conflict" in low:
                number(n, path, line, 7, cdate, "conflict_date", integer=True)
            pop = number(n, path, line, 8, row[7], "population", integer=True, empty=0)
            if lat is None or lon is None or pop is None:
                continue
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                n.problem(
                    path,
                    line,
                    4,
                    Problem(
                        "expected latitude in -90..90 and longitude in -180..180, got %(row)s, "
                        "%(row2)s",
                        row=repr(row[3]),
                        row2=repr(row[4]),
                    ),
                )
                continue
            pid = slug(nm, ids)
            self.id_of[nm] = pid
            self.types[nm] = low
            self.countries.add(row[2].strip())
            attrs: dict[str, Any] = {
                "flee_location_type": ltype,
                "region": row[1],
                "flee_country": row[2],
                "conflict_date": cdate,
            }
            camp = "camp" in low
            if not camp:
                attrs["population"] = row[7].strip()
            for k, c in enumerate(row[8:], start=8):
                attrs[columns[k] if k < len(columns) else f"column_{k + 1}"] = c
            kind = "shelter" if camp else "origin" if "conflict" in low else "city"
            places.append(
                {
                    "id": pid,
                    "name": nm,
                    "kind": kind,
                    "country": country_code(row[2]),
                    "lat": lat,
                    "lon": lon,
                    "capacity": int(row[7]) if camp and row[7].strip() else None,
                    "attributes": attrs,
                }
            )
        if again:
            n.warn(
                path,
                again[0],
                Problem(
                    "locations named as an earlier row (lines %(lines_text)s) are kept as separate"
                    " places, as Flee 3.1 does: routes and closures reach the last row of a name "
                    "(Ecosystem.linkUp), conflicts.csv the first (add_conflict_zone)",
                    lines_text=lines_text(again),
                ),
            )
        return places

    def routes(self, path: Path) -> list[dict[str, Any]]:
        """routes.csv (ReadLinksFromCSV): duplicate and reversed rows are separate links."""
        n = self.n
        rcols = list(ROUTE_COLUMNS)
        routes: list[dict[str, Any]] = []
        rids: set[str] = set()
        pairs: dict[frozenset[str], int] = {}
        dups: list[int] = []
        for line, row in read_rows(n, path):
            if row[0].strip().startswith("#"):
                rcols = list(ROUTE_COLUMNS) + [c.strip() for c in row[4:]]
                continue
            if len(row) < 3:
                n.problem(path, line, len(row) + 1, Problem("expected name1, name2, distance"))
                continue
            ok = self.known(path, line, 1, row[0]) & self.known(path, line, 2, row[1])
            km = number(n, path, line, 3, row[2], "distance")
            if km is not None and km <= 0:
                n.problem(
                    path,
                    line,
                    3,
                    Problem("expected a positive distance in km, got %(row)s", row=repr(row[2])),
                )
                continue
            if len(row) > 3 and row[3].strip() and not re.fullmatch(r"-?\d+", row[3].strip()):
                n.problem(
                    path,
                    line,
                    4,
                    Problem(
                        "expected an integer forced_redirection (0, 1, 2) or empty, got %(row)s",
                        row=repr(row[3]),
                    ),
                )
                continue
            if not ok or km is None:
                continue
            a, b = self.id_of[row[0].strip()], self.id_of[row[1].strip()]
            if a == b:
                n.problem(
                    path,
                    line,
                    2,
                    Problem(
                        "route from %(row)s to itself, expected two different locations",
                        row=repr(row[0]),
                    ),
                )
                continue
            key = frozenset((a, b))
            if key in pairs:
                dups.append(line)
            pairs.setdefault(key, line)
            attrs = {"forced_redirection": row[3]} if len(row) > 3 else {}
            for k, c in enumerate(row[4:], start=4):
                attrs[rcols[k] if k < len(rcols) else f"column_{k + 1}"] = c
            routes.append(
                {
                    "id": slug(f"{a}--{b}", rids),
                    "from": a,
                    "to": b,
                    "km": km,
                    "two_way": True,
                    "attributes": attrs,
                }
            )
        if dups:
            n.warn(
                path,
                dups[0],
                Problem(
                    "routes between the same two locations as an earlier row (lines "
                    "%(lines_text)s) are kept as separate links, as Flee 3.1 does: such a pair "
                    "weighs more in route choice",
                    lines_text=lines_text(dups),
                ),
            )
        return routes

    def closures(self, path: Path, length: int) -> list[FleeClosure]:
        """closures.csv (ReadClosuresFromCSV; Ecosystem.enact_border_closures)."""
        n = self.n
        closures: list[FleeClosure] = []
        outside: list[int] = []
        for line, row in read_rows(n, path):
            if row[0].strip().startswith("#"):
                continue
            if len(row) < 5:
                n.problem(
                    path,
                    line,
                    len(row) + 1,
                    Problem("expected closure_type, name1, name2, closure_start, closure_end"),
                )
                continue
            ctype = row[0].strip()
            if ctype not in CLOSURE_TYPES:
                n.problem(
                    path,
                    line,
                    1,
                    Problem(
                        "unknown closure_type %(type)s, expected one of: %(types)s",
                        type=repr(ctype),
                        types=", ".join(CLOSURE_TYPES),
                    ),
                )
                continue
            if ctype == "country":
                for c in (1, 2):
                    if row[c].strip() not in self.countries:
                        n.problem(
                            path,
                            line,
                            c + 1,
                            Problem(
                                "unknown country %(country)s, expected one of: %(countries)s",
                                country=repr(row[c].strip()),
                                countries=", ".join(sorted(self.countries)),
                            ),
                        )
            elif ctype in ("link", "remove_forced_redirection"):
                self.known(path, line, 2, row[1])
                self.known(path, line, 3, row[2])
            else:
                self.known(path, line, 2, row[1])
            got = [
                number(
                    n,
                    path,
                    line,
                    c + 1,
                    row[c],
                    ("closure_start", "closure_end")[c - 3],
                    integer=True,
                )
                for c in (3, 4)
            ]
            days = [int(d) for d in got if d is not None]
            if len(days) < 2:
                continue
            if any(not 0 <= d < length for d in days):
                outside.append(line)
            closures.append(
                FleeClosure(
                    closure_type=ctype,  # type: ignore[arg-type]
                    name1=row[1].strip(),
                    name2=row[2].strip(),
                    start=int(days[0]),
                    end=int(days[1]),
                )
            )
        if outside:
            n.warn(
                path,
                outside[0],
                Problem(
                    "closure days outside the period 0..%(value)s (lines %(lines_text)s): those "
                    "starts or ends never happen, as in Flee 3.1",
                    value=length - 1,
                    lines_text=lines_text(outside),
                ),
            )
        return closures

    def conflicts(self, path: Path, length: int) -> tuple[dict[str, list[tuple[int, float]]], int]:
        """conflicts.csv (ReadConflictInputCSV): a day column then one column per location."""
        n = self.n
        conflicts: dict[str, list[tuple[int, float]]] = {}
        header: list[str] = []
        days = 0
        for line, row in read_rows(n, path):
            if not header:
                header = [c.strip() for c in row]
                for nm in header[1:]:
                    if nm:
                        conflicts[nm] = []
                if header and not header[-1]:
                    n.warn(
                        path,
                        line,
                        Problem("the header ends with a comma; the empty column is ignored"),
                    )
                unknown = [nm for nm in conflicts if nm not in self.id_of]
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
            for k in range(1, len(row)):
                nm = header[k] if k < len(header) else ""
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
                v = number(n, path, line, k + 1, row[k], f"the conflict intensity of {nm}")
                if v is not None and (not conflicts[nm] or conflicts[nm][-1][1] != v):
                    conflicts[nm].append((days, v))
            days += 1
        if header and days < length:
            n.problem(
                path,
                None,
                None,
                Problem(
                    "%(days)s day rows, expected at least the %(length)s days of the period",
                    days=days,
                    length=length,
                ),
            )
        return conflicts, days

    def source_data(
        self, src: Path, period: FleePeriod
    ) -> tuple[list[FleeLayoutRow], dict[str, FleeSeries]]:
        """data_layout.csv and its series (DataTable): several files on a row are summed."""
        n = self.n
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
                if nm != "total" and nm not in self.id_of:
                    n.warn(
                        path,
                        line,
                        Problem("%(nm)s is not in locations.csv; its row is not used", nm=repr(nm)),
                    )
                elif nm != "total" and "camp" not in self.types[nm]:
                    n.warn(
                        path,
                        line,
                        Problem(
                            "%(nm)s is a %(types)s, not a camp; its row is not used",
                            nm=repr(nm),
                            types=self.types[nm],
                        ),
                    )
            if len(files) > 1:
                n.warn(
                    path,
                    line,
                    Problem(
                        "%(nm)s adds up %(files)s files (%(files2)s) by date, as Flee 3.1's "
                        "AddCSVTables does",
                        nm=repr(nm),
                        files=len(files),
                        files2=", ".join(files),
                    ),
                )
            layout.append(FleeLayoutRow(name=nm, files=files))
            for k, f in enumerate(files, start=2):
                fp = src / f
                if not fp.is_file():
                    n.problem(
                        path, line, k, Problem("missing file %(f)s in source_data", f=repr(f))
                    )
                elif f not in series:
                    header, points, lines = read_series(n, fp)
                    if points:
                        disorder(n, fp, points, lines, period.start, period.length, self.sort_dates)
                    if self.sort_dates:
                        points = sorted(points, key=lambda p: p[0])
                    series[f] = FleeSeries(header=header, points=points)
        if "total" not in first_line:
            n.problem(
                path, None, None, Problem("no 'total' row, expected one naming the total series")
            )
        for nm, t in self.types.items():
            if "camp" in t and nm not in first_line:
                n.problem(
                    path,
                    None,
                    None,
                    Problem("camp %(nm)s has no row, expected one per camp", nm=repr(nm)),
                )
        return layout, series

    def corrections(
        self, path: Path, layout: list[FleeLayoutRow], series: dict[str, FleeSeries]
    ) -> list[FleeCorrection]:
        """registration_corrections.csv (RefugeeTable.ReadL1Corrections)."""
        n = self.n
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


def read_case(
    case_dir: str | Path, *, name: str | None = None, sort_dates: bool = False
) -> FleeCase:
    """Read a Flee case directory; raises InputError listing every problem located.

    ``sort_dates`` sorts each UNHCR series by date (Flee 3.1 reads rows in file order).
    """
    root = Path(case_dir)
    if not root.is_dir():
        raise InputError(
            Problem("%(root)s: not a directory, expected a Flee case directory", root=root)
        )
    r = _Reader(root, sort_dates)
    n = r.n
    inp, src = root / "input_csv", root / "source_data"
    for f in (
        inp / "locations.csv",
        inp / "routes.csv",
        inp / "conflicts.csv",
        src / "data_layout.csv",
    ):
        if not f.is_file():
            n.problem(f, None, None, Problem("missing file, expected it in a Flee case"))
    if not (inp / "closures.csv").is_file():
        n.warn(inp / "closures.csv", None, Problem("missing; read as no closures"))
    period_files = [f for f in ("sim_period.csv", "conflict_period.csv") if (inp / f).is_file()]
    if not period_files:
        n.problem(
            inp / "sim_period.csv",
            None,
            None,
            Problem("missing file, expected sim_period.csv or conflict_period.csv"),
        )
    n.raise_if_any()

    settings = _read_settings(n, root / "simsetting.yml")
    periods = {f: _read_period(n, inp / f) for f in period_files}
    n.raise_if_any()
    period = periods[period_files[0]]
    assert period is not None
    conflict_period = periods.get("conflict_period.csv")
    if period_files == ["conflict_period.csv"]:
        n.warn(
            inp / "conflict_period.csv",
            None,
            Problem("no sim_period.csv; the period is read from conflict_period.csv"),
        )
        conflict_period = None
    elif conflict_period == period:
        conflict_period = None
    elif conflict_period is not None:
        n.warn(
            inp / "conflict_period.csv",
            None,
            Problem(
                "differs from sim_period.csv (%(start)s, %(length)s days); sim_period.csv is used",
                start=conflict_period.start,
                length=conflict_period.length,
            ),
        )

    places = r.locations(inp / "locations.csv")
    n.raise_if_any()
    if not places:
        raise InputError(
            Problem(
                "%(where)s: no locations, expected at least one row",
                where=n.where(inp / "locations.csv"),
            )
        )
    routes = r.routes(inp / "routes.csv")
    closures = (
        r.closures(inp / "closures.csv", period.length) if (inp / "closures.csv").is_file() else []
    )
    conflicts, n_days = r.conflicts(inp / "conflicts.csv", period.length)
    layout, series = r.source_data(src, period)  # its problems listed with the ones above
    path = inp / "registration_corrections.csv"
    corrections = r.corrections(path, layout, series) if path.is_file() else []
    n.raise_if_any()

    flee = FleeSection(
        settings=settings,
        period_files=period_files,  # type: ignore[arg-type]
        conflict_period=conflict_period,
        conflict_days=n_days,
        conflicts=conflicts,
        closures=closures,
        layout=layout,
        series=series,
        corrections=corrections,
    )
    home = places[0]["country"]
    name = name or root.name
    try:
        scenario = Scenario.model_validate(
            {
                "schema_version": 1,
                "name": name,
                "description": f"Imported from the Flee case {name}",
                "start": period.start,
                "days": period.length,
                "places": places,
                "routes": routes,
                "groups": [
                    {
                        "id": "displaced",
                        "nationality": home,
                        "documented": False,
                        "label": "displaced people (Flee agents)",
                    }
                ],
                "sources": {"flee": f"Flee case {name}"},
            }
        )
    except ValidationError as exc:
        raise InputError(
            [
                Problem(
                    "%(root)s: %(loc)s: %(problem)s",
                    root=root,
                    loc=e["loc"],
                    problem=pydantic_problem(e),
                )
                for e in exc.errors()
            ]
        ) from None
    return FleeCase(scenario=scenario, flee=flee, warnings=tuple(sorted(n.warnings, key=_where)))


def _where(note: Problem) -> tuple[str, int]:
    """Sort key of a note: its file, then its line."""
    place = str(note.values["where"]).split(":")
    return place[0], int(place[1]) if len(place) > 1 and place[1].isdigit() else 0
