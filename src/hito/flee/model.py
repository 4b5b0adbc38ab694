"""A Flee case as hito holds it: a core Scenario (places, routes) and the Flee section.

The Flee section holds settings, conflicts, closures and UNHCR series. Key names follow
Flee's own files (``simsetting.yml``, ``closures.csv``, ``conflicts.csv``,
``data_layout.csv``, ``registration_corrections.csv``) so that a case can be written
back unchanged; defaults are Flee 3.1's (``flee/SimulationSettings.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ConfigDict, Field, ValidationError, field_validator

from hito import yamldoc
from hito.domain import Strict
from hito.errors import InputError, Invalid, Problem
from hito.scenario.model import Scenario
from hito.textfile import read_utf8

SQRT_TEN = 3.16227766017


class FleeMoveRules(Strict):
    """``move_rules`` of ``simsetting.yml`` (Flee 3.1 defaults)."""

    max_move_speed: float = 360.0
    max_walk_speed: float = 35.0
    max_crossing_speed: float = 20.0
    foreign_weight: float = 1.0
    camp_weight: float = 1.0
    conflict_weight: float = 1.0 / SQRT_TEN
    conflict_movechance: float = Field(default=1.0, ge=0, le=1)
    camp_movechance: float = Field(default=0.001, ge=0, le=1)
    idpcamp_movechance: float = Field(default=0.1, ge=0, le=1)
    default_movechance: float = Field(default=0.3, ge=0, le=1)
    awareness_level: int = Field(default=1, ge=1)  # 0 (a random link) is refused on reading
    capacity_buffer: float = Field(default=0.9, ge=0, lt=1)
    capacity_scaling: float = Field(
        default=1.0, gt=0, description="camp capacity multiplier (not read by Flee 3.1)"
    )
    avoid_short_stints: bool = False
    start_on_foot: bool = False
    softening: float = Field(default=10.0, ge=0)
    weight_softening: float = Field(default=0.0, ge=0)
    weight_power: float = 1.0
    distance_power: float = 1.0
    movechance_pop_base: float = Field(default=10000.0, gt=0)
    movechance_pop_scale_factor: float = 0.0
    other: dict[str, Any] = Field(default_factory=dict, description="keys hito does not use")

    @field_validator("max_move_speed")
    @classmethod
    def _divides(cls, v: float) -> float:
        # flee.py divides each person's km of the day by it at the end of every day
        if v == 0:
            raise Invalid(
                Problem(
                    "expected a speed other than 0 km a day: Flee 3.1 divides by it at the end "
                    "of every day (ZeroDivisionError)"
                )
            )
        return v


class FleeConflictSpawning(Strict):
    """``spawn_rules.conflict_driven_spawning``: people leave conflict zones at a daily rate.

    ``constant``: int(rate x intensity) a day per conflict zone (rate 500 by default);
    ``pop_ratio``: int(rate x population x intensity) (rate 0.01 by default), as
    ``flee/spawning.py`` spawn_daily_displaced. Flee 3.1 reads the rate as a whole number
    in ``constant`` mode; its ``Poisson`` mode never matches (it compares a lower-cased name
    with "Poisson") and fails, so hito refuses it.
    """

    model_config = ConfigDict(extra="allow", frozen=True)  # Flee ignores other keys

    spawn_mode: Literal["constant", "pop_ratio"] = "constant"
    displaced_per_conflict_day: float | None = Field(default=None, ge=0)

    def rate(self) -> float:
        """The daily rate as Flee 3.1 reads it (int() in constant mode)."""
        if self.spawn_mode == "pop_ratio":
            return (
                0.01 if self.displaced_per_conflict_day is None else self.displaced_per_conflict_day
            )
        return float(
            int(500 if self.displaced_per_conflict_day is None else self.displaced_per_conflict_day)
        )


class FleeSpawnRules(Strict):
    """``spawn_rules`` of ``simsetting.yml`` (Flee 3.1 defaults)."""

    conflict_driven_spawning: FleeConflictSpawning | None = None

    take_from_population: bool = False
    insert_day0: bool = True
    conflict_zone_spawning_only: bool = True
    conflict_spawn_decay: list[float] | None = None
    conflict_spawn_decay_interval: int = Field(default=30, gt=0)
    sum_from_camps: bool = Field(
        default=False, description="spawn from the sum of camp series (not read by Flee 3.1)"
    )
    empty_camps_on_day0: bool = False
    other: dict[str, Any] = Field(default_factory=dict)


class FleeSettings(Strict):
    """The whole ``simsetting.yml``."""

    log_levels: dict[str, Any] = Field(default_factory=dict)
    spawn_rules: FleeSpawnRules = Field(default_factory=FleeSpawnRules)
    move_rules: FleeMoveRules = Field(default_factory=FleeMoveRules)
    hasten: int = Field(default=1, ge=1, description="optimisations.hasten: population divisor")
    other: dict[str, Any] = Field(default_factory=dict)


ClosureType = Literal["country", "location", "link", "camp", "idpcamp", "remove_forced_redirection"]


class FleeClosure(Strict):
    """One row of ``closures.csv``: names are Flee names (countries or locations)."""

    closure_type: ClosureType
    name1: str
    name2: str = ""
    start: int
    end: int


class FleeSeries(Strict):
    """One UNHCR CSV of ``source_data``: dated counts, with its header line if it had one."""

    header: str | None = None
    points: list[tuple[dt.date, float]]


class FleeLayoutRow(Strict):
    """One row of ``data_layout.csv``: a camp (or ``total``) and its CSV files."""

    name: str
    files: list[str] = Field(min_length=1)


class FleeCorrection(Strict):
    """One row of ``registration_corrections.csv``."""

    name: str
    date: dt.date
    note: str = ""


class FleePeriod(Strict):
    """A ``StartDate``/``Length`` period file."""

    start: dt.date
    length: int = Field(gt=0)


PeriodFile = Literal["sim_period.csv", "conflict_period.csv"]
SIM_PERIOD: PeriodFile = "sim_period.csv"


class FleeSection(Strict):
    """Everything of a Flee case that hito's scenario has no field for."""

    settings: FleeSettings = Field(default_factory=FleeSettings)
    period_files: list[PeriodFile] = Field(default_factory=lambda: [SIM_PERIOD])
    conflict_period: FleePeriod | None = Field(
        default=None, description="only when conflict_period.csv differs from the sim period"
    )
    conflict_days: int = Field(default=0, ge=0, description="rows of conflicts.csv")
    conflicts: dict[str, list[tuple[int, float]]] = Field(
        default_factory=dict,
        description="location name -> [day, intensity] at each change (first at day 0)",
    )
    closures: list[FleeClosure] = Field(default_factory=list)
    layout: list[FleeLayoutRow] = Field(default_factory=list)
    series: dict[str, FleeSeries] = Field(default_factory=dict, description="file -> counts")
    corrections: list[FleeCorrection] = Field(default_factory=list)

    def conflict_matrix(self, names: list[str]) -> list[list[float]]:
        """Daily intensities, one row per day, one column per name (0 where not listed)."""
        rows = [[0.0] * len(names) for _ in range(self.conflict_days)]
        for j, name in enumerate(names):
            changes = self.conflicts.get(name, [])
            for k, (day, value) in enumerate(changes):
                stop = changes[k + 1][0] if k + 1 < len(changes) else self.conflict_days
                for t in range(day, min(stop, self.conflict_days)):
                    rows[t][j] = value
        return rows


@dataclass(frozen=True)
class FleeCase:
    """A Flee case: the network as a core Scenario and everything else in ``flee``.

    ``warnings`` are the ``file:line: message`` notes of reading it (not compared).
    """

    scenario: Scenario
    flee: FleeSection
    warnings: tuple[Problem, ...] = field(default=(), compare=False)


def dump_yaml(case: FleeCase) -> str:
    """The scenario file of a case: the core scenario's fields plus a ``flee`` mapping."""
    s = case.scenario
    data = s.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {
        "schema_version": s.schema_version,
        **data,
        "flee": case.flee.model_dump(mode="json", exclude_defaults=True),
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def load_yaml(path: str | Path) -> FleeCase:
    """Read a scenario file written by ``hito flee import``; errors name file:line."""
    from hito.scenario.load import validate

    p = Path(path)
    text = read_utf8(p)
    data, node = yamldoc.compose(text, str(p), what="scenario", error=InputError)
    flee = data.pop("flee", None)
    if not isinstance(flee, dict):
        raise InputError(
            Problem(
                "%(p)s: no flee mapping, expected a scenario written by `hito flee import`", p=p
            )
        )
    scenario = validate(data, str(p), node)
    try:
        section = FleeSection.model_validate(flee)
    except ValidationError as exc:
        raise InputError(
            [
                yamldoc.at(
                    yamldoc.where(str(p), node, ("flee", *e["loc"])),
                    yamldoc.field_problem("flee." + ".".join(map(str, e["loc"])), e),
                )
                for e in exc.errors(include_url=False)
            ]
        ) from None
    return FleeCase(scenario=scenario, flee=section)
