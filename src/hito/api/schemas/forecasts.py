"""Schemas of forecast runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from hito.api.schemas.common import Day, List, Public, Request
from hito.domain import ID_MAX_LENGTH, ID_PATTERN


class ForecastCreate(Request):
    """Start a forecast of a built-in scenario from the observed state on a date."""

    scenario: str = Field(
        pattern=ID_PATTERN, max_length=ID_MAX_LENGTH, examples=["tacna-arica-2025"]
    )
    as_of: Day | None = Field(default=None, description="default: today")
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


ForecastList = List[ForecastSummary]
