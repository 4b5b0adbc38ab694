"""Schemas of the shelter registry and the needs picture."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from hito.api.schemas.common import List, Name, Public, Request
from hito.domain import ShelterStatus
from hito.store.shelters import SHELTER_LIMITS, ShelterNow


class ShelterSet(Request):
    """A shelter's registry entry: room in people and m², water points, toilets, status."""

    capacity_people: int = Field(ge=0, le=SHELTER_LIMITS["capacity_people"], strict=True)
    area_m2: float = Field(ge=0, le=SHELTER_LIMITS["area_m2"], allow_inf_nan=False)
    water_points: int = Field(default=0, ge=0, le=SHELTER_LIMITS["water_points"], strict=True)
    toilets: int = Field(default=0, ge=0, le=SHELTER_LIMITS["toilets"], strict=True)
    status: ShelterStatus = "open"
    operator: Name | Literal[""] = ""


class ShelterPublic(ShelterNow, Public):
    """A registered shelter with its occupancy from the newest count there."""


ShelterList = List[ShelterPublic]


class NeedsOut(Public):
    """What people need (Sphere minimums unless overridden)."""

    people: int
    covered_m2: float
    water_l_day: float
    toilets: int
    water_points: int


class GapOut(Public):
    """People without a shelter place and what is missing."""

    people: int
    places: int
    covered_m2: float
    toilets: int
    water_points: int


class SiteNeedsOut(Public):
    """One site's stranded people now, the forecast band at the horizon, and its needs."""

    site_id: str
    name: str
    now: int | None
    p50: float | None
    p90: float | None
    needs: NeedsOut


class StandardOut(Public):
    """One minimum standard with its source."""

    value: float
    unit: str
    source: str


class NeedsPictureOut(Public):
    """The needs on the horizon day, the shelters' room, the gap, and the standards used."""

    as_of: dt.date
    day: dt.date
    horizon_days: int
    basis: str
    people: int
    needs: NeedsOut
    gap: GapOut
    sites: list[SiteNeedsOut]
    standards: dict[str, StandardOut]
