"""The ``input_csv`` tables of a Flee case read as Flee 3.1's ``InputGeography`` reads them.

Locations, routes and closures (conflicts: ``hito.flee.conflictcsv``): columns by position,
``#`` rows are headers, extra columns become attributes, duplicate routes are separate links;
every problem located (``file:line:column``), every quirk Flee runs with a warning
(``hito.flee.csvread.Notes``).
``hito.flee.case`` reads the rest of a case and puts it together.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hito.errors import Problem
from hito.flee.csvread import (
    Notes,
    lines_text,
    number,
    read_rows,
)
from hito.flee.model import FleeClosure
from hito.flee.names import (
    LOCATION_COLUMNS,
    LOCATION_TYPE_WORDS,
    ROUTE_COLUMNS,
    country_code,
    slug,
)

CLOSURE_TYPES = ("country", "location", "link", "camp", "idpcamp", "remove_forced_redirection")


class InputReader:
    """The state of reading one case: notes, names seen so far."""

    def __init__(self, root: Path):
        self.root = root
        self.n = Notes(root)
        self.id_of: dict[str, str] = {}  # the last row of a name (Flee's linkUp)
        self.types: dict[str, str] = {}
        self.countries: set[str] = set()

    def known(self, path: Path, line: int, col: int, nm: str) -> bool:
        """Whether a place name is one read so far; if not, a problem at its cell."""
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
        strange: dict[int, str] = {}
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
            if not any(word in low for word in LOCATION_TYPE_WORDS):
                strange[line] = ltype
            if "conflict" in low:
                number(n, path, line, 7, cdate, "conflict_date", integer=True)
            pop = number(n, path, line, 8, row[7], "population", integer=True, empty=0)
            if lat is None or lon is None or pop is None:
                continue
            if pop < 0:  # Flee weighs places by population: a negative weight is no weight
                n.problem(
                    path,
                    line,
                    8,
                    Problem("expected a population of 0 or more, got %(cell)s", cell=repr(row[7])),
                )
                continue
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                n.problem(
                    path,
                    line,
                    4,
                    Problem(
                        "expected latitude in -90..90 and longitude in -180..180, got %(lat)s, "
                        "%(lon)s",
                        lat=repr(row[3]),
                        lon=repr(row[4]),
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
        if strange:
            n.warn(
                path,
                min(strange),
                Problem(
                    "location types Flee 3.1 does not know (%(types)s; lines %(lines_text)s, "
                    "expected a type with one of: %(words)s): Flee 3.1 gives such a place the "
                    "move chance 1 (Ecosystem.addLocation's default: everyone leaves it each "
                    "day, as from a forwarding hub), and so does hito",
                    types=", ".join(sorted({repr(t) for t in strange.values()})),
                    lines_text=lines_text(sorted(strange)),
                    words=", ".join(LOCATION_TYPE_WORDS),
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
        other_redirection: list[int] = []
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
            if len(row) > 3 and row[3].strip() and not re.fullmatch(r"[+-]?\d+", row[3].strip()):
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
            if len(row) > 3 and row[3].strip() and int(row[3]) not in (0, 1, 2):
                other_redirection.append(line)
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
        if other_redirection:
            n.warn(
                path,
                other_redirection[0],
                Problem(
                    "forced_redirection other than 0, 1 or 2 (lines %(lines_text)s): Flee 3.1 "
                    "links such a row as a plain route (0), and so does hito",
                    lines_text=lines_text(other_redirection),
                ),
            )
        return routes

    def closures(self, path: Path, length: int) -> list[FleeClosure]:
        """closures.csv (ReadClosuresFromCSV; Ecosystem.enact_border_closures)."""
        n = self.n
        closures: list[FleeClosure] = []
        outside: list[int] = []
        backwards: list[int] = []
        links: list[int] = []
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
            if days[1] <= days[0]:
                backwards.append(line)
            if ctype == "link":
                links.append(line)
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
        if backwards:
            n.warn(
                path,
                backwards[0],
                Problem(
                    "closures that end on or before the day they start (lines %(lines_text)s): "
                    "Flee 3.1 reopens on the end day, then closes on the start day for the rest "
                    "of the run (on the same day: closes and reopens at once), and so does hito",
                    lines_text=lines_text(backwards),
                ),
            )
        if links:
            n.warn(
                path,
                links[0],
                Problem(
                    "link closures (lines %(lines_text)s): Flee 3.1 finds the route to close by "
                    "the identity of name1's string (flee.py compares with 'is not'), which "
                    "matches only a one-letter name1: it then closes the route from name2 to "
                    "name1 only, and otherwise nothing; hito does the same (with --all-settings "
                    "it closes the route both ways)",
                    lines_text=lines_text(links),
                ),
            )
        return closures
