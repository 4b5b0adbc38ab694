"""Read a Flee case directory into a hito Scenario, and write a Scenario back as a Flee case.

A Flee case is ``input_csv/`` (locations, routes, closures, conflicts, sim_period or
conflict_period, registration_corrections), ``source_data/`` (data_layout.csv and one CSV
of dated counts per camp plus the total) and ``simsetting.yml``. Column conventions follow
Flee 3.1's ``flee/InputGeography.py`` (columns by position, ``#`` lines are headers, extra
columns become attributes), ``flee/datamanager/DataTable.py`` (a first line ``Date`` or
``DateTime`` is a header) and ``flee/SimulationSettings.py`` (the YAML keys). Every
malformed value is reported as ``file:line:column: what was expected``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hito.errors import InputError
from hito.scenario.flee_section import (
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
from hito.scenario.model import Scenario

LOCATION_COLUMNS = [
    "name", "region", "country", "latitude", "longitude", "location_type", "conflict_date",
    "population",
]
ROUTE_COLUMNS = ["name1", "name2", "distance", "forced_redirection"]
CLOSURE_TYPES = ("country", "location", "link", "camp", "idpcamp", "remove_forced_redirection")
KIND_OF_TYPE = {"conflict_zone": "origin", "town": "city", "camp": "shelter"}
COUNTRIES = {
    "mali": "MLI", "mauritania": "MRT", "burkina_faso": "BFA", "niger": "NER",
    "burundi": "BDI", "rwanda": "RWA", "tanzania": "TZA", "uganda": "UGA", "drc": "COD",
    "dr_congo": "COD", "democratic_republic_of_the_congo": "COD", "south_sudan": "SSD",
    "sudan": "SDN", "ethiopia": "ETH", "kenya": "KEN", "central_african_republic": "CAF",
    "car": "CAF", "chad": "TCD", "cameroon": "CMR", "nigeria": "NGA", "syria": "SYR",
    "iraq": "IRQ", "turkey": "TUR", "lebanon": "LBN", "jordan": "JOR", "ukraine": "UKR",
    "poland": "POL", "moldova": "MDA", "romania": "ROU", "hungary": "HUN", "slovakia": "SVK",
    "somalia": "SOM", "yemen": "YEM", "afghanistan": "AFG", "pakistan": "PAK", "iran": "IRN",
    "venezuela": "VEN", "colombia": "COL", "peru": "PER", "chile": "CHL", "ecuador": "ECU",
    "brazil": "BRA", "bolivia": "BOL", "myanmar": "MMR", "bangladesh": "BGD",
    "mozambique": "MOZ", "malawi": "MWI", "zambia": "ZMB", "zimbabwe": "ZWE",
    "congo": "COG", "gabon": "GAB", "senegal": "SEN", "guinea": "GIN", "ghana": "GHA",
    "eritrea": "ERI", "djibouti": "DJI", "libya": "LBY", "algeria": "DZA", "egypt": "EGY",
}
UNSUPPORTED_SETTINGS = {
    ("spawn_rules", "conflict_driven_spawning"), ("spawn_rules", "flood_driven_spawning"),
    ("spawn_rules", "flood_zone_spawning_only"), ("spawn_rules", "camps_are_sicks"),
    ("spawn_rules", "read_from_agents_csv_file"), ("move_rules", "stay_close_to_home"),
    ("move_rules", "use_pop_for_loc_weight"), ("move_rules", "use_v1_rules"),
    ("", "flood_rules"),
}


def country_code(name: str) -> str:
    """ISO 3166 alpha-3 code of a Flee country name (``XXX`` when unknown)."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    if re.fullmatch(r"[a-z]{3}", key) and key.upper() in COUNTRIES.values():
        return key.upper()
    return COUNTRIES.get(key, "XXX")


def slug(name: str, taken: set[str]) -> str:
    """A hito id for a Flee name: lower case, [a-z0-9_-], unique within ``taken``."""
    s = re.sub(r"[^a-z0-9_\-]+", "_", name.strip().lower()).strip("_-") or "x"
    if not s[0].isalnum():
        s = "x" + s
    s = s[:60]
    out, k = s, 2
    while out in taken:
        out, k = f"{s}-{k}", k + 1
    taken.add(out)
    return out


class _Problems:
    """Collects ``file:line:column: message`` strings; raises them all at once."""

    def __init__(self, root: Path):
        self.root = root
        self.items: list[str] = []

    def add(self, path: Path, line: int | None, col: int | None, msg: str) -> None:
        try:
            shown = path.relative_to(self.root.parent)
        except ValueError:
            shown = path
        where = str(shown) + (f":{line}" if line else "") + (f":{col}" if col else "")
        self.items.append(f"{where}: {msg}")

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a CSV file, skipping empty lines."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        for row in reader:
            if row and any(c.strip() for c in row):
                yield reader.line_num, row


def _num(p: _Problems, path: Path, line: int, col: int, cell: str, what: str,
         integer: bool = False, empty: float | None = None) -> float | None:
    text = cell.strip()
    if not text and empty is not None:
        return empty
    try:
        return int(text) if integer else float(text)
    except ValueError:
        kind = "an integer" if integer else "a number"
        p.add(path, line, col, f"expected {kind} for {what}, got {cell!r}")
        return None


def _date(p: _Problems, path: Path, line: int, col: int, cell: str, what: str
          ) -> dt.date | None:
    try:
        return dt.date.fromisoformat(cell.strip())
    except ValueError:
        p.add(path, line, col, f"expected a date YYYY-MM-DD for {what}, got {cell!r}")
        return None


def _read_period(p: _Problems, path: Path) -> FleePeriod | None:
    start, length = None, None
    for line, row in _rows(path):
        key = row[0].strip().lower()
        if len(row) < 2:
            p.add(path, line, 2, f"expected a value after {row[0]!r}")
        elif key == "startdate":
            start = _date(p, path, line, 2, row[1], "StartDate")
        elif key == "length":
            v = _num(p, path, line, 2, row[1], "Length", integer=True)
            if v is not None and v <= 0:
                p.add(path, line, 2, f"expected a positive Length, got {row[1]!r}")
            elif v is not None:
                length = int(v)
    if start is None or length is None:
        p.add(path, None, None, "expected a StartDate row and a Length row")
        return None
    return FleePeriod(start=start, length=length)


def _read_settings(p: _Problems, path: Path) -> FleeSettings:
    if not path.exists():
        return FleeSettings()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        p.add(path, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
              f"expected valid YAML: {getattr(exc, 'problem', exc)}")
        return FleeSettings()
    if not isinstance(doc, dict):
        p.add(path, 1, 1, "expected a mapping of sections")
        return FleeSettings()
    for sec, key in sorted(UNSUPPORTED_SETTINGS):
        val = doc.get(key) if not sec else (doc.get(sec) or {}).get(key)
        if val not in (None, False, 0):
            p.add(path, None, None, f"{sec + '.' if sec else ''}{key} is not supported by "
                  "hito's Flee ruleset yet, expected it absent or false")

    def split(section: Any, model: type) -> dict[str, Any]:
        section = dict(section or {})
        known = set(model.model_fields) - {"other"}
        out = {k: v for k, v in section.items() if k in known}
        out["other"] = {k: v for k, v in section.items() if k not in known}
        return out

    try:
        opt = dict(doc.get("optimisations") or {})
        return FleeSettings(
            log_levels=dict(doc.get("log_levels") or {}),
            spawn_rules=FleeSpawnRules(**split(doc.get("spawn_rules"), FleeSpawnRules)),
            move_rules=FleeMoveRules(**split(doc.get("move_rules"), FleeMoveRules)),
            hasten=int(opt.pop("hasten", 1)),
            other={k: v for k, v in doc.items()
                   if k not in ("log_levels", "spawn_rules", "move_rules")}
            | ({"optimisations": opt} if opt else {}),
        )
    except (ValidationError, TypeError, ValueError) as exc:
        errs = exc.errors() if isinstance(exc, ValidationError) else [{"loc": (), "msg": exc}]
        for e in errs:
            p.add(path, None, None, f"{'.'.join(map(str, e['loc']))}: {e['msg']}")
        return FleeSettings()


def read_case(case_dir: str | Path, *, name: str | None = None) -> Scenario:
    """Read a Flee case directory into a Scenario with a ``flee`` section.

    Raises InputError listing every problem as ``file:line:column: message``.
    """
    root = Path(case_dir)
    p = _Problems(root)
    if not root.is_dir():
        raise InputError(f"{root}: not a directory, expected a Flee case directory")
    inp, src = root / "input_csv", root / "source_data"
    for f in (inp / "locations.csv", inp / "routes.csv", inp / "closures.csv",
              inp / "conflicts.csv", src / "data_layout.csv"):
        if not f.exists():
            p.add(f, None, None, "missing file, expected it in a Flee case")
    period_files = [n for n in ("sim_period.csv", "conflict_period.csv") if (inp / n).exists()]
    if not period_files:
        p.add(inp / "sim_period.csv", None, None,
              "missing file, expected sim_period.csv or conflict_period.csv")
    p.raise_if_any()

    settings = _read_settings(p, root / "simsetting.yml")
    periods = {n: _read_period(p, inp / n) for n in period_files}
    p.raise_if_any()
    period = periods[period_files[0]]
    assert period is not None
    conflict_period = periods.get("conflict_period.csv")
    if conflict_period == period:
        conflict_period = None

    # locations.csv (flee/InputGeography.py ReadLocationsFromCSV, StoreInputGeographyInEcosystem)
    path = inp / "locations.csv"
    columns = list(LOCATION_COLUMNS)
    places: list[dict[str, Any]] = []
    ids: set[str] = set()
    id_of: dict[str, str] = {}
    types: dict[str, str] = {}
    countries: set[str] = set()
    for line, row in _rows(path):
        if row[0].strip().startswith("#"):
            columns = list(LOCATION_COLUMNS) + [c.strip() for c in row[8:]]
            continue
        if len(row) < 6:
            p.add(path, line, len(row) + 1, "expected at least 6 columns: name, region, "
                  "country, latitude, longitude, location_type")
            continue
        row = row + [""] * (8 - len(row))
        nm = row[0].strip()
        if nm in id_of:
            p.add(path, line, 1, f"location {nm!r} is defined twice, expected unique names")
            continue
        lat = _num(p, path, line, 4, row[3], "latitude", empty=0.0)
        lon = _num(p, path, line, 5, row[4], "longitude", empty=0.0)
        ltype = row[5].strip()
        low = ltype.lower()
        if not any(k in low for k in ("camp", "conflict", "forward", "marker", "default", "town")):
            p.add(path, line, 6, f"expected a location_type of conflict_zone, town, camp, "
                  f"idpcamp, forwarding_hub or marker, got {ltype!r}")
        cdate = row[6].strip()
        if "conflict" in low:
            _num(p, path, line, 7, cdate, "conflict_date", integer=True)
        pop = _num(p, path, line, 8, row[7], "population", integer=True, empty=0)
        if None in (lat, lon, pop):
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
            p.add(path, line, 4, f"expected latitude in -90..90 and longitude in -180..180, "
                  f"got {row[3]!r}, {row[4]!r}")
            continue
        pid = slug(nm, ids)
        id_of[nm] = pid
        types[nm] = low
        countries.add(row[2].strip())
        attrs: dict[str, Any] = {"flee_location_type": ltype, "region": row[1],
                                 "flee_country": row[2], "conflict_date": cdate}
        camp = "camp" in low
        if not camp:
            attrs["population"] = row[7].strip()
        for k, c in enumerate(row[8:], start=8):
            attrs[columns[k] if k < len(columns) else f"column_{k + 1}"] = c
        kind = "shelter" if camp else "origin" if "conflict" in low else "city"
        places.append({
            "id": pid, "name": nm, "kind": kind, "country": country_code(row[2]),
            "lat": lat, "lon": lon,
            "capacity": int(row[7]) if camp and row[7].strip() else None,
            "attributes": attrs,
        })
    p.raise_if_any()
    if not places:
        raise InputError(f"{path}: no locations, expected at least one row")

    def known(path: Path, line: int, col: int, nm: str) -> bool:
        if nm.strip() in id_of:
            return True
        p.add(path, line, col, f"unknown location {nm.strip()!r}, expected a name from "
              "locations.csv")
        return False

    # routes.csv (ReadLinksFromCSV)
    path = inp / "routes.csv"
    rcols = list(ROUTE_COLUMNS)
    routes: list[dict[str, Any]] = []
    rids: set[str] = set()
    for line, row in _rows(path):
        if row[0].strip().startswith("#"):
            rcols = list(ROUTE_COLUMNS) + [c.strip() for c in row[4:]]
            continue
        if len(row) < 3:
            p.add(path, line, len(row) + 1, "expected name1, name2, distance")
            continue
        ok = known(path, line, 1, row[0]) & known(path, line, 2, row[1])
        km = _num(p, path, line, 3, row[2], "distance")
        if km is not None and km <= 0:
            p.add(path, line, 3, f"expected a positive distance in km, got {row[2]!r}")
            continue
        if len(row) > 3 and row[3].strip() not in ("", "0", "1", "2"):
            p.add(path, line, 4, f"expected forced_redirection 0, 1, 2 or empty, got {row[3]!r}")
            continue
        if not ok or km is None:
            continue
        a, b = id_of[row[0].strip()], id_of[row[1].strip()]
        if a == b:
            p.add(path, line, 2, f"route from {row[0]!r} to itself")
            continue
        attrs = {"forced_redirection": row[3]} if len(row) > 3 else {}
        for k, c in enumerate(row[4:], start=4):
            attrs[rcols[k] if k < len(rcols) else f"column_{k + 1}"] = c
        routes.append({"id": slug(f"{a}--{b}", rids), "from": a, "to": b, "km": km,
                       "two_way": True, "attributes": attrs})

    # closures.csv (ReadClosuresFromCSV; Ecosystem.enact_border_closures)
    path = inp / "closures.csv"
    closures: list[FleeClosure] = []
    for line, row in _rows(path):
        if row[0].strip().startswith("#"):
            continue
        if len(row) < 5:
            p.add(path, line, len(row) + 1, "expected closure_type, name1, name2, "
                  "closure_start, closure_end")
            continue
        ctype = row[0].strip()
        if ctype not in CLOSURE_TYPES:
            p.add(path, line, 1, f"unknown closure_type {ctype!r}, expected one of: "
                  + ", ".join(CLOSURE_TYPES))
            continue
        if ctype == "country":
            for c in (1, 2):
                if row[c].strip() not in countries:
                    p.add(path, line, c + 1, f"unknown country {row[c].strip()!r}, expected "
                          "one of: " + ", ".join(sorted(countries)))
        elif ctype in ("link", "remove_forced_redirection"):
            known(path, line, 2, row[1])
            known(path, line, 3, row[2])
        else:
            known(path, line, 2, row[1])
        days = []
        for c in (3, 4):
            v = _num(p, path, line, c + 1, row[c], ("closure_start", "closure_end")[c - 3],
                     integer=True)
            if v is not None and not 0 <= v <= period.length:
                p.add(path, line, c + 1, f"day {int(v)} is outside the period 0..{period.length}")
            days.append(v)
        if None not in days:
            closures.append(FleeClosure(closure_type=ctype, name1=row[1].strip(),  # type: ignore[arg-type]
                                        name2=row[2].strip(), start=int(days[0]),  # type: ignore[arg-type]
                                        end=int(days[1])))  # type: ignore[arg-type]

    # conflicts.csv (ReadConflictInputCSV): a day column then one column per location.
    path = inp / "conflicts.csv"
    conflicts: dict[str, list[tuple[int, float]]] = {}
    header: list[str] = []
    n_days = 0
    for line, row in _rows(path):
        if not header:
            header = [c.strip() for c in row]
            # Names missing from locations.csv are kept and ignored, as Flee does.
            for nm in header[1:]:
                if nm:
                    conflicts[nm] = []
            continue
        for k in range(1, len(row)):
            nm = header[k] if k < len(header) else ""
            if not nm:
                if row[k].strip():
                    p.add(path, line, k + 1, "value in a column without a location name")
                continue
            v = _num(p, path, line, k + 1, row[k], f"the conflict intensity of {nm}")
            if v is not None and (not conflicts[nm] or conflicts[nm][-1][1] != v):
                conflicts[nm].append((n_days, v))
        n_days += 1
    if header and n_days < period.length:
        p.add(path, None, None, f"{n_days} day rows, expected at least the {period.length} "
              "days of the period")
    p.raise_if_any()

    # source_data (DataTable, RefugeeTable.ReadL1Corrections)
    path = src / "data_layout.csv"
    layout: list[FleeLayoutRow] = []
    series: dict[str, FleeSeries] = {}
    for line, row in _rows(path):
        if len(row) < 2 or row[0].strip().startswith("#"):
            continue
        nm = row[0].strip()
        if nm != "total" and not layout:
            p.add(path, line, 1, f"expected the first row to name 'total', got {nm!r}")
        if nm != "total" and known(path, line, 1, nm) and "camp" not in types[nm]:
            p.add(path, line, 1, f"{nm!r} is a {types[nm]}, expected a camp")
        files = [f.strip() for f in row[1:] if f.strip()]
        if len(files) != 1:
            p.add(path, line, 3, "expected exactly one CSV file per row (summing several "
                  "files is not supported yet)")
            continue
        layout.append(FleeLayoutRow(name=nm, files=files))
        for k, f in enumerate(files, start=2):
            fp = src / f
            if not fp.exists():
                p.add(path, line, k, f"missing file {f!r} in source_data")
            elif f not in series:
                series[f] = _read_series(p, fp)
    named = {r.name for r in layout}
    for nm, t in types.items():
        if "camp" in t and nm not in named:
            p.add(path, None, None, f"camp {nm!r} has no row, expected one per camp")
    corrections: list[FleeCorrection] = []
    path = inp / "registration_corrections.csv"
    file_of = {r.name: r.files[0] for r in layout}
    if path.exists():
        for line, row in _rows(path):
            if len(row) < 2:
                continue
            nm = row[0].strip()
            d = _date(p, path, line, 2, row[1], "the correction date")
            if nm not in file_of:
                p.add(path, line, 1, f"unknown camp {nm!r}, expected one of data_layout.csv: "
                      + ", ".join(sorted(n for n in file_of if n != "total")))
            elif d is not None and file_of[nm] in series:
                dates = [q[0] for q in series[file_of[nm]].points]
                if d not in dates[1:]:
                    p.add(path, line, 2, f"date {d} is not a later date of "
                          f"{file_of[nm]}, expected one of its dates after the first")
            if d is not None:
                corrections.append(FleeCorrection(name=nm, date=d,
                                                  note=",".join(row[2:]).strip()))
    p.raise_if_any()

    flee = FleeSection(
        settings=settings, period_files=period_files,  # type: ignore[arg-type]
        conflict_period=conflict_period, conflict_days=n_days, conflicts=conflicts,
        closures=closures, layout=layout, series=series, corrections=corrections,
    )
    home = places[0]["country"]
    name = name or root.name
    try:
        return Scenario.model_validate({
            "schema_version": 1,
            "name": name,
            "description": f"Imported from the Flee case {name}",
            "start": period.start,
            "days": period.length,
            "places": places,
            "routes": routes,
            "groups": [{"id": "displaced", "nationality": home, "documented": False,
                        "label": "displaced people (Flee agents)"}],
            "sources": {"flee": f"Flee case {name}"},
            "flee": flee,
        })
    except ValidationError as exc:
        raise InputError([f"{root}: {e['loc']}: {e['msg']}" for e in exc.errors()]) from None


def _read_series(p: _Problems, path: Path) -> FleeSeries:
    header: str | None = None
    points: list[tuple[dt.date, float]] = []
    first = True
    for line, row in _rows(path):
        if first:
            first = False
            if row[0].strip() in ("Date", "DateTime") or row[0].startswith("#") \
                    or not row[0].strip():
                header = ",".join(row)
                continue
        if row[0].startswith("#") or len(row) < 2 or not row[1].strip():
            continue
        d = _date(p, path, line, 1, row[0], "the count date")
        v = _num(p, path, line, 2, row[1], "the count")
        if d is not None and v is not None:
            if points and d <= points[-1][0]:
                p.add(path, line, 1, f"date {d} is not after the previous {points[-1][0]}, "
                      "expected dates in increasing order")
            points.append((d, v))
    if not points:
        p.add(path, None, None, "no dated counts, expected rows date,count")
    return FleeSeries(header=header, points=points)


def _num_text(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def write_case(scenario: Scenario, out_dir: str | Path) -> Path:
    """Write a Scenario with a ``flee`` section as a Flee case directory; returns it."""
    fs: FleeSection | None = getattr(scenario, "flee", None)
    if fs is None:
        raise InputError("the scenario has no flee section, expected one imported from Flee")
    out = Path(out_dir)
    inp, src = out / "input_csv", out / "source_data"
    inp.mkdir(parents=True, exist_ok=True)
    src.mkdir(parents=True, exist_ok=True)
    name_of = {p.id: p.name for p in scenario.places}

    def write(path: Path, rows: list[list[Any]]) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)

    extra = sorted({k for p in scenario.places for k in p.attributes} - {
        "flee_location_type", "region", "flee_country", "conflict_date", "population"})
    rows: list[list[Any]] = [["#" + LOCATION_COLUMNS[0], *LOCATION_COLUMNS[1:], *extra]]
    for p in scenario.places:
        a = p.attributes
        ltype = str(a.get("flee_location_type", {"origin": "conflict_zone", "shelter": "camp"}
                          .get(p.kind, "town")))
        pop = (str(p.capacity) if p.capacity is not None else "") if "camp" in ltype.lower() \
            else str(a.get("population", ""))
        rows.append([p.name, a.get("region", ""), a.get("flee_country", p.country),
                     repr(p.lat), repr(p.lon), ltype, a.get("conflict_date", ""), pop,
                     *[a.get(k, "") for k in extra]])
    write(inp / "locations.csv", rows)

    rextra = sorted({k for r in scenario.routes for k in r.attributes} - {"forced_redirection"})
    rows = [["#" + ROUTE_COLUMNS[0], *ROUTE_COLUMNS[1:], *rextra]]
    for r in scenario.routes:
        rows.append([name_of[r.from_], name_of[r.to], _num_text(r.km),
                     r.attributes.get("forced_redirection", ""),
                     *[r.attributes.get(k, "") for k in rextra]])
    write(inp / "routes.csv", rows)

    write(inp / "closures.csv", [["#closure_type", "name1", "name2", "closure_start",
                                  "closure_end"]]
          + [[c.closure_type, c.name1, c.name2, c.start, c.end] for c in fs.closures])
    names = list(fs.conflicts)
    write(inp / "conflicts.csv", [["#Day", *names]]
          + [[t, *[_num_text(v) for v in row]]
             for t, row in enumerate(fs.conflict_matrix(names))])
    for fname in fs.period_files:
        per = fs.conflict_period if fname == "conflict_period.csv" and fs.conflict_period \
            else FleePeriod(start=scenario.start, length=scenario.days)
        write(inp / fname, [["StartDate", per.start.isoformat()], ["Length", per.length]])
    write(inp / "registration_corrections.csv",
          [[c.name, c.date.isoformat(), *([c.note] if c.note else [])] for c in fs.corrections])
    write(src / "data_layout.csv", [[r.name, *r.files] for r in fs.layout])
    for fname, s in fs.series.items():
        lines = ([s.header] if s.header is not None else []) + [
            f"{d.isoformat()},{_num_text(v)}" for d, v in s.points]
        (src / fname).write_text("\n".join(lines) + "\n", encoding="utf-8")

    st = fs.settings
    doc: dict[str, Any] = {
        "log_levels": dict(st.log_levels),
        "spawn_rules": {**st.spawn_rules.model_dump(exclude={"other"}), **st.spawn_rules.other},
        "move_rules": {**st.move_rules.model_dump(exclude={"other"}), **st.move_rules.other},
        **st.other,
    }
    doc["optimisations"] = {**doc.get("optimisations", {}), "hasten": st.hasten}
    (out / "simsetting.yml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return out
