"""Needs of people at a site (space, water, toilets) by the Sphere minimum standards, and gaps."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field, field_validator

from hito.domain import Strict
from hito.errors import Invalid, Problem


def catalogued(message: str) -> str:
    """Mark a source for the Babel catalogues; pages show it translated (filter `catalogued`)."""
    return message


class Standard(Strict):
    """One minimum standard: a value, its unit, and where it comes from."""

    value: float = Field(gt=0)
    unit: str
    source: str = Field(min_length=3, description="who set this value, where (never blank)")

    @field_validator("source")
    @classmethod
    def _sourced(cls, v: str) -> str:
        if not v.strip():
            raise Invalid(Problem("every standard needs its source, got a blank one"))
        return v.strip()


class Standards(Strict):
    """The minimums needs are computed with; each may be overridden, with its own source."""

    covered_m2_per_person: Standard = Standard(
        value=3.5,
        unit="m²/person",
        source=catalogued("Sphere Handbook 2018, Shelter and settlement standard 3 (living space)"),
    )
    water_l_per_person_day: Standard = Standard(
        value=15,
        unit="L/person/day",
        source=catalogued("Sphere Handbook 2018, Water supply standard 2.1 (quantity)"),
    )
    people_per_toilet: Standard = Standard(
        value=20,
        unit="people/toilet",
        source=catalogued(
            "Sphere Handbook 2018, Excreta management standard 3.2 (communal toilets)"
        ),
    )
    people_per_water_point: Standard = Standard(
        value=250,
        unit="people/tap",
        source=catalogued(
            "Sphere Handbook 2018, Water supply standard 1.1 (guidance: people per tap)"
        ),
    )


@dataclass(frozen=True)
class Needs:
    """What a number of people needs each day by the standards."""

    people: int
    covered_m2: float
    water_l_day: float
    toilets: int
    water_points: int


def needs_for(people: float, standards: Standards | None = None) -> Needs:
    """Space, water, toilets and water points for `people` (fractions of a person round up)."""
    std = standards or Standards()
    n = max(0, math.ceil(people - 1e-9))
    return Needs(
        people=n,
        covered_m2=n * std.covered_m2_per_person.value,
        water_l_day=n * std.water_l_per_person_day.value,
        toilets=math.ceil(n / std.people_per_toilet.value),
        water_points=math.ceil(n / std.people_per_water_point.value),
    )


@dataclass(frozen=True)
class Provision:
    """What shelters provide: places, covered area, water points and toilets."""

    places: int = 0
    area_m2: float = 0.0
    water_points: int = 0
    toilets: int = 0
    occupancy: int = 0

    @property
    def free_places(self) -> int:
        """Places not yet taken (never below 0)."""
        return max(0, self.places - self.occupancy)


@dataclass(frozen=True)
class Gap:
    """People without a shelter place, and what is missing for everyone to meet the standards."""

    people: int
    places: int
    covered_m2: float
    toilets: int
    water_points: int


def gap(need: Needs, have: Provision) -> Gap:
    """What `have` lacks to meet `need` (each part 0 or more)."""
    return Gap(
        people=max(0, need.people - have.places),
        places=have.places,
        covered_m2=max(0.0, need.covered_m2 - have.area_m2),
        toilets=max(0, need.toilets - have.toilets),
        water_points=max(0, need.water_points - have.water_points),
    )


def need_gap(stranded: float, free_places: float) -> float:
    """The `need_gap` indicator: stranded people beyond the shelters' free places."""
    return max(0.0, float(stranded) - max(0.0, float(free_places)))


def place_band(forecast: Mapping[str, Any], place: str) -> dict[str, list[float]] | None:
    """A place's band of people in a forecast: present where counted, else stranded, else None.

    Present people are what field teams count and what the forecast was calibrated on: at a
    border post people wait without being stranded in the model's sense (the closed road is
    further on), so its stranded band is empty while people are there.
    """
    present = (forecast.get("present_by_place") or {}).get(place)
    return present or (forecast.get("stranded_by_place") or {}).get(place)


def band_at(dates: list[str], band: dict[str, list[float]], day: str) -> dict[str, float] | None:
    """The band's quantiles (p10, p50, p90) on one ISO date, or None outside the forecast."""
    if day not in dates:
        return None
    i = dates.index(day)
    return {k: float(v[i]) for k, v in band.items() if isinstance(v, list) and i < len(v)}
