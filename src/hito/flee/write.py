"""Write a FleeCase back as a Flee case directory that Flee 3.1 and hito read the same way."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from hito.flee.model import FleeCase, FleePeriod
from hito.flee.names import LOCATION_COLUMNS, ROUTE_COLUMNS


def _num_text(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def write_case(case: FleeCase, out_dir: str | Path) -> Path:
    """Write a case as a Flee case directory; returns it."""
    scenario, fs = case.scenario, case.flee
    out = Path(out_dir)
    inp, src = out / "input_csv", out / "source_data"
    inp.mkdir(parents=True, exist_ok=True)
    src.mkdir(parents=True, exist_ok=True)
    name_of = {p.id: p.name for p in scenario.places}

    def write(path: Path, rows: list[list[Any]]) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)

    extra = sorted(
        {k for p in scenario.places for k in p.attributes}
        - {"flee_location_type", "region", "flee_country", "conflict_date", "population"}
    )
    rows: list[list[Any]] = [["#" + LOCATION_COLUMNS[0], *LOCATION_COLUMNS[1:], *extra]]
    for p in scenario.places:
        a = p.attributes
        ltype = str(
            a.get(
                "flee_location_type",
                {"origin": "conflict_zone", "shelter": "camp"}.get(p.kind, "town"),
            )
        )
        pop = (
            (str(p.capacity) if p.capacity is not None else "")
            if "camp" in ltype.lower()
            else str(a.get("population", ""))
        )
        rows.append(
            [
                p.name,
                a.get("region", ""),
                a.get("flee_country", p.country),
                repr(p.lat),
                repr(p.lon),
                ltype,
                a.get("conflict_date", ""),
                pop,
                *[a.get(k, "") for k in extra],
            ]
        )
    write(inp / "locations.csv", rows)

    rextra = sorted({k for r in scenario.routes for k in r.attributes} - {"forced_redirection"})
    rows = [["#" + ROUTE_COLUMNS[0], *ROUTE_COLUMNS[1:], *rextra]]
    for r in scenario.routes:
        rows.append(
            [
                name_of[r.from_],
                name_of[r.to],
                _num_text(r.km),
                r.attributes.get("forced_redirection", ""),
                *[r.attributes.get(k, "") for k in rextra],
            ]
        )
    write(inp / "routes.csv", rows)

    write(
        inp / "closures.csv",
        [["#closure_type", "name1", "name2", "closure_start", "closure_end"]]
        + [[c.closure_type, c.name1, c.name2, c.start, c.end] for c in fs.closures],
    )
    names = list(fs.conflicts)
    write(
        inp / "conflicts.csv",
        [["#Day", *names]]
        + [[t, *[_num_text(v) for v in row]] for t, row in enumerate(fs.conflict_matrix(names))],
    )
    for period_file in fs.period_files:
        fname = str(period_file)
        per = (
            fs.conflict_period
            if fname == "conflict_period.csv" and fs.conflict_period
            else FleePeriod(start=scenario.start, length=scenario.days)
        )
        write(inp / fname, [["StartDate", per.start.isoformat()], ["Length", per.length]])
    write(
        inp / "registration_corrections.csv",
        [[c.name, c.date.isoformat(), *([c.note] if c.note else [])] for c in fs.corrections],
    )
    write(src / "data_layout.csv", [[r.name, *r.files] for r in fs.layout])
    for fname, s in fs.series.items():
        lines = ([s.header] if s.header is not None else []) + [
            f"{d.isoformat()},{_num_text(v)}" for d, v in s.points
        ]
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
