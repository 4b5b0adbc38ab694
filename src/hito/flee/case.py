"""Read a Flee case directory into a FleeCase: what Flee 3.1 runs, hito reads.

A Flee case is ``input_csv/`` (locations, routes, closures, conflicts, sim_period or
conflict_period, registration_corrections), ``source_data/`` (data_layout.csv and the
UNHCR series it names) and ``simsetting.yml``. Columns follow Flee 3.1's
``flee/InputGeography.py`` (columns by position, ``#`` rows are headers, extra columns
become attributes, duplicate routes are separate links), ``flee/datamanager`` (see
``hito.flee.csvread`` and ``hito.flee.sourcedata``) and ``flee/SimulationSettings.py``
(the YAML keys: ``hito.flee.settings``); ``input_csv/``'s tables are read by
``hito.flee.inputcsv``. What Flee cannot run is a problem (``file:line:column: what was
given, what was expected``); what it runs with a quirk is a warning saying what hito did.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from hito.errors import InputError, Problem
from hito.flee.conflictcsv import read_conflicts
from hito.flee.inputcsv import InputReader
from hito.flee.model import FleeCase, FleeSection
from hito.flee.settings import read_period, read_settings
from hito.flee.sourcedata import read_corrections, read_source_data
from hito.scenario.model import Scenario
from hito.validation import pydantic_problem


def open_case(source: str | Path, *, sort_dates: bool = False, strict: bool = False) -> FleeCase:
    """A Flee case folder or a scenario file written by ``hito flee import`` (.yaml, .yml).

    With ``strict`` every warning (a quirk Flee 3.1 runs with) is an error: InputError.
    """
    from hito.flee.model import load_yaml

    src = Path(source)
    if src.is_file() and src.suffix in (".yaml", ".yml"):
        case = load_yaml(src)
    else:
        case = read_case(src, sort_dates=sort_dates)
    if strict and case.warnings:
        raise InputError([Problem("%(where)s: %(msg)s", **w.values) for w in case.warnings])
    return case


def read_case(
    case_dir: str | Path, *, name: str | None = None, sort_dates: bool = False
) -> FleeCase:
    """Read a Flee case directory; raises InputError listing every problem located.

    ``sort_dates`` sorts each UNHCR series by date (Flee 3.1 reads rows in file order).
    """
    root = Path(case_dir)
    if not root.exists():
        raise InputError(
            Problem("%(root)s: no such directory, expected a Flee case directory", root=root)
        )
    if not root.is_dir():
        raise InputError(
            Problem("%(root)s: not a directory, expected a Flee case directory", root=root)
        )
    r = InputReader(root)
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

    settings = read_settings(n, root / "simsetting.yml")
    periods = {f: read_period(n, inp / f) for f in period_files}
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
    conflicts, n_days = read_conflicts(r.n, r.id_of, inp / "conflicts.csv", period.length)
    # source_data's problems are listed with the ones above
    layout, series = read_source_data(n, src, period, r.types, sort_dates)
    path = inp / "registration_corrections.csv"
    corrections = read_corrections(n, path, layout, series) if path.is_file() else []
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
