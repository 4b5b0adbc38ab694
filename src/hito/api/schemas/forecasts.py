"""Schemas of forecast runs."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hito.api.schemas.common import Day, KeyedList, Public, Request
from hito.domain import ID_MAX_LENGTH, ID_PATTERN
from hito.errors import said_in


class ForecastCreate(Request):
    """Start a forecast of a built-in scenario from the observed state on a date."""

    scenario: str = Field(
        pattern=ID_PATTERN, max_length=ID_MAX_LENGTH, examples=["tacna-arica-2025"]
    )
    as_of: Day | None = Field(
        default=None,
        description="default: today as the pages show it: the later of the day in the "
        "deployment's time zone (HITO_ZONE) and the border sites' days",
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


class Band(BaseModel):
    """People, P10, P50 and P90 over runs."""

    p10: float
    p50: float
    p90: float


class OutcomeBands(BaseModel):
    """What people did after the as-of date (each a band over runs)."""

    diverted: Band = Field(description="left a road for an irregular route (smugglers, pampas)")
    harmed: Band = Field(description="harmed by a route's hazard (the minefields, the desert)")
    crossed: Band = Field(description="crossed a border")
    returned: Band = Field(description="turned back: gave up, walked back or were readmitted")


class PlaceOutcomes(OutcomeBands):
    """The outcomes counted at one place."""

    kind: str = Field(description="the place's kind: border_post, irregular_crossing, city...")


class DayOutcomes(BaseModel):
    """The outcomes from the day after the as-of date to `date`."""

    days: int = Field(description="days after the as-of date: 7, 14 or 28")
    date: dt.date
    total: OutcomeBands
    by_kind: dict[str, OutcomeBands]


class Outcomes(BaseModel):
    """People who diverted, were harmed, crossed or turned back after the as-of date.

    Counted from the day after `after` to `until` (cumulative), where it happened: a
    diversion where people left for an irregular route, a crossing at the place crossed
    into, harm where the route's hazard is counted, a return where people turned back.
    """

    after: dt.date = Field(description="the as-of date: what happened up to it is not counted")
    until: dt.date = Field(description="the forecast's last day")
    days: int = Field(description="days from `after` to `until`")
    total: OutcomeBands
    by_kind: dict[str, OutcomeBands] = Field(
        description="per kind of place; kinds where every P90 is 0 left out"
    )
    by_place: dict[str, PlaceOutcomes] = Field(
        description="per place id; places where every P90 is 0 left out"
    )
    by_day: list[DayOutcomes] = Field(
        description="7, 14 and 28 days after the as-of date, those the forecast reaches"
    )


class ForecastResult(BaseModel):
    """A finished forecast's bands; keys beyond those named here are given as stored.

    `dates`, `stranded_total`, `stranded_by_place`, `present_by_place`, `count_by_place`
    (P10/P50/P90 per day), `calibrated`, `observed`, `peak_stranded`, `stranded_person_days`,
    `runs` and `conservation_error`.
    """

    model_config = ConfigDict(extra="allow")

    outcomes: Outcomes | None = Field(
        default=None,
        description="people diverted, harmed, crossed, turned back; null: not computed for "
        "this forecast (made before hito kept them)",
    )


class ForecastPublic(ForecastSummary):
    """A forecast run: its status and, once done, its quantiles."""

    seed: int
    error: str
    result: ForecastResult | None

    @field_validator("error", mode="before")
    @classmethod
    def _in_english(cls, value: object) -> object:
        """Why it failed, in English (the API's language), from what the store kept."""
        return said_in(value, "en") if isinstance(value, str) else value


ForecastList = KeyedList[ForecastSummary]


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
