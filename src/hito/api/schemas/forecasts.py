"""Schemas of forecast runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, field_validator

from hito.api.schemas.common import Day, List, Public, Request
from hito.domain import ID_MAX_LENGTH, ID_PATTERN
from hito.errors import said_in


class ForecastCreate(Request):
    """Start a forecast of a built-in scenario from the observed state on a date."""

    scenario: str = Field(
        pattern=ID_PATTERN, max_length=ID_MAX_LENGTH, examples=["tacna-arica-2025"]
    )
    as_of: Day | None = Field(
        default=None, description="default: today in the deployment's time zone (HITO_ZONE)"
    )
    days: int = Field(default=30, ge=1, le=365)
    runs: int = Field(default=20, ge=1, le=1000)
    seed: int = Field(default=1, ge=0, le=2**31 - 1)


class ForecastSummary(Public):
    """A forecast run without its result."""

    id: int
    status: str
    scenario: str
    as_of: dt.date
    days: int
    runs: int
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ForecastPublic(ForecastSummary):
    """A forecast run: its status and, once done, its quantiles."""

    seed: int
    error: str
    result: dict[str, Any] | None

    @field_validator("error", mode="before")
    @classmethod
    def _in_english(cls, value: object) -> object:
        """Why it failed, in English (the API's language), from what the store kept."""
        return said_in(value, "en") if isinstance(value, str) else value


ForecastList = List[ForecastSummary]


class ScoreHorizon(BaseModel):
    """The service's forecasts at one horizon against the counts that came after them."""

    horizon: int = Field(description="days ahead (a lead of 2 days counts under 3, 10 under 14)")
    n: int = Field(description="forecast–count pairs")
    covered: int = Field(description="counts inside the forecast's P10–P90")
    coverage_p10_p90: float
    wis: float = Field(description="mean weighted interval score (median and 80% interval)")
    wis_persistence: float = Field(description="the same for the last count carried forward")
    improvement: float | None = Field(description="1 − wis / wis_persistence (None: both 0)")


class ScorePair(BaseModel):
    """One issued forecast of a field count and a later count at its site."""

    issued: dt.date
    target: dt.date
    lead: int
    horizon: int
    place: str
    observed: float
    p10: float
    p50: float
    p90: float
    covered: bool


class Scorecard(BaseModel):
    """The forecasts this service issued, scored against the field reports that came after."""

    issued: int = Field(description="issue dates scored (the newest forecast of each)")
    horizons: list[ScoreHorizon]
    pairs: list[ScorePair]
