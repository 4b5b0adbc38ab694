"""Tiny hand-built Flee case directories shared by the Flee tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# ../shared/data/flee-cases beside the checkout (CI clones under /work, beside ../shared)
SHARED_CASES = Path(__file__).resolve().parents[2] / "shared" / "data" / "flee-cases"


def shared_case(name: str) -> Path:
    """A shared Flee case; missing, the test fails under CI and skips elsewhere."""
    case = SHARED_CASES / name
    if not case.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{case} is missing: CI runs beside ../shared")
        pytest.skip(f"{case} is missing: the shared Flee cases are not beside this checkout")
    return case


SETTINGS = """\
spawn_rules:
  conflict_spawn_decay: [1.0, 1.0, 0.5]
  insert_day0: True
move_rules:
  max_move_speed: 400.0
  max_walk_speed: 35.0
  camp_weight: 2.0
  softening: 10.0
  default_movechance: 1.0
  avoid_short_stints: True
  awareness_level: 1
  camp_movechance: 0.0
  conflict_movechance: 1.0
  conflict_weight: 0.0
  foreign_weight: 1.0
optimisations:
  hasten: 1
"""


def make_case(
    root: Path,
    *,
    days: int = 20,
    locations: list[str] | None = None,
    routes: list[str] | None = None,
    closures: list[str] | None = None,
    totals: list[str] | None = None,
    camps: dict[str, list[str]] | None = None,
    corrections: list[str] | None = None,
    settings: str = SETTINGS,
) -> Path:
    """A Flee case: A (conflict, Land) -100- B (town, Land) -50- C (camp, Land), B -1000- D
    (camp, Abroad) unless overridden. Totals: 0 on day 0, 10 from day 1."""
    inp, src = root / "input_csv", root / "source_data"
    inp.mkdir(parents=True)
    src.mkdir(parents=True)
    locations = locations or [
        "A,RegA,Land,1.0,1.0,conflict_zone,0,1000",
        "B,RegB,Land,1.1,1.1,town,,500",
        "C,RegC,Land,1.2,1.2,camp,,100",
        "D,RegD,Abroad,1.3,1.3,camp,,100",
    ]
    (inp / "locations.csv").write_text(
        "#name,region,country,latitude,longitude,location_type,conflict_date,population\n"
        + "\n".join(locations)
        + "\n"
    )
    routes = routes if routes is not None else ["A,B,100,0", "B,C,50,0", "B,D,1000,0"]
    (inp / "routes.csv").write_text(
        "#name1,name2,distance,forced_redirection\n" + "\n".join(routes) + "\n"
    )
    (inp / "closures.csv").write_text(
        "#closure_type,name1,name2,closure_start,closure_end\n" + "\n".join(closures or []) + "\n"
    )
    names = [row.split(",")[0] for row in locations]
    conf = ["#Day," + ",".join(names)]
    for t in range(days):
        conf.append(f"{t}," + ",".join("1" if n == "A" else "0" for n in names))
    (inp / "conflicts.csv").write_text("\n".join(conf) + "\n")
    (inp / "sim_period.csv").write_text(f"StartDate,2020-01-01\nLength,{days}\n")
    (inp / "registration_corrections.csv").write_text("\n".join(corrections or []) + "\n")
    totals = totals or ["2020-01-01,0", "2020-01-02,10", "2020-03-01,10"]
    (src / "refugees.csv").write_text("Date,Refugee_numbers\n" + "\n".join(totals) + "\n")
    camps = (
        camps
        if camps is not None
        else {"C": ["2020-01-01,0", "2020-03-01,5"], "D": ["2020-01-01,0", "2020-03-01,5"]}
    )
    layout = ["total,refugees.csv"]
    for name, rows in camps.items():
        (src / f"{name.lower()}.csv").write_text("#DateTime,count\n" + "\n".join(rows) + "\n")
        layout.append(f"{name},{name.lower()}.csv")
    (src / "data_layout.csv").write_text("\n".join(layout) + "\n")
    (root / "simsetting.yml").write_text(settings)
    return root
