"""Schemas of sites, their status history and shelter updates."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from hito.api.schemas.common import KeyedList, List, Public, Remark, Request, RowId, When
from hito.domain import SiteStatus

Status = SiteStatus


class SitePublic(Public):
    """A site with its current status."""

    id: str
    name: str
    kind: str
    country_code: str
    lat: float
    lon: float
    capacity: int | None
    status: str
    scenario: str


SiteList = List[SitePublic]


class StatusCreate(Request):
    """A change of a site's status."""

    status: Status
    effective_at: When | None = None
    remark: Remark = ""


class StatusPublic(Public):
    """One entry of a site's status history."""

    id: int
    site_id: str
    status: str
    effective_at: dt.datetime
    agency_id: int | None
    remark: str
    created_at: dt.datetime


StatusList = KeyedList[StatusPublic]


class ShelterUpdateCreate(Request):
    """A shelter's occupancy and capacity."""

    occupancy: int = Field(ge=0, le=1_000_000, strict=True)
    capacity: int = Field(ge=0, le=1_000_000, strict=True)
    observed_at: When | None = None
    agency_id: RowId | None = None


class ShelterUpdatePublic(Public):
    """A shelter update."""

    id: int
    site_id: str
    observed_at: dt.datetime
    occupancy: int
    capacity: int
    agency_id: int
    created_at: dt.datetime


ShelterUpdateList = KeyedList[ShelterUpdatePublic]


class AgencyCount(BaseModel):
    """One agency's latest count of the day at a site."""

    agency_id: int
    stranded: int
    at_least: bool = Field(
        default=False, description="the count is open-ended: at least `stranded` (more than N)"
    )


class DayFigurePublic(BaseModel):
    """A site's figure of a day (the median of each agency's latest count) and its spread."""

    day: dt.date
    figure: int = Field(description="median of the agencies' latest counts (half up)")
    low: int
    high: int
    disagree: bool = Field(description="the agencies' counts differ by over 10 people and 25 %")
    at_least: bool = Field(
        default=False,
        description="the figure is a lower bound: an open-ended count (more than N) could move it",
    )
    by_agency: list[AgencyCount]


DayFigureList = List[DayFigurePublic]
