"""The policies of a scenario: closures, troops, corridors, flights, shelters, readmissions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import ConfigDict, Field, model_validator

from hito.domain import Ident, Strict
from hito.errors import Invalid, Problem
from hito.scenario.numbers import Num, Prob
from hito.scenario.text import Source


class _Dated(Strict):
    start: dt.date
    end: dt.date | None = None
    announced: dt.date | None = Field(
        default=None,
        description="when the policy became known (default: its start); forecasts issued "
        "before that date do not know it",
    )
    source: Source = ""

    @property
    def known_from(self) -> dt.date:
        """The first date on which a forecaster could know of the policy."""
        return self.start if self.announced is None else self.announced

    @model_validator(mode="after")
    def _order(self) -> _Dated:
        if self.end is not None and self.end < self.start:
            raise Invalid(
                Problem("end %(end)s is before start %(start)s", end=self.end, start=self.start)
            )
        return self


class Close(_Dated):
    """Close routes to undocumented people or to everyone."""

    type: Literal["close"]
    routes: list[Ident] = Field(min_length=1)
    to: Literal["undocumented", "all"] = "undocumented"


class Reopen(_Dated):
    """Reopen routes: ends every closure of them from its start date."""

    type: Literal["reopen"]
    routes: list[Ident] = Field(min_length=1)


class Militarize(_Dated):
    """Troops near places: irregular routes nearby become more hazardous and deterred."""

    type: Literal["militarize"]
    near: list[Ident] = Field(min_length=1)
    radius_km: float = Field(default=30.0, gt=0)
    hazard_multiplier: Num = Field(default_factory=lambda: Num(value=1.0))
    deterrence: Prob = Field(
        default_factory=lambda: Prob(value=0.0),
        description="share by which the choice weight of nearby irregular routes falls",
    )
    leak_multiplier: Num = Field(
        default_factory=lambda: Num(value=1.0),
        description="multiplies the leak (behaviour.leak) of stranded people at places nearby",
    )


class Corridor(_Dated):
    """A humanitarian corridor: a daily quota of stranded people let through a closed route."""

    type: Literal["corridor"]
    route: Ident
    daily_quota: Num


class ReturnFlights(_Dated):
    """Return flights: seats per week along a flight route, filled from stranded people."""

    type: Literal["return_flights"]
    route: Ident
    seats_per_week: Num
    pickup: list[Ident] = Field(
        default_factory=list, description="places whose stranded people board (default: all)"
    )


class ShelterCapacity(_Dated):
    """Set a shelter's capacity from a date (more shelter places, or fewer)."""

    type: Literal["shelter_capacity"]
    place: Ident
    capacity: Num


class Readmit(_Dated):
    """The country people were leaving takes them back (they leave the corridor, as returned)."""

    type: Literal["readmit"]
    places: list[Ident] = Field(min_length=1)
    daily_share: Prob = Field(
        description="daily share of the people at these places taken back (leaving the corridor)"
    )


class Clearances(_Dated):
    """Clearances nobody announces: each day of the window, by chance, people are taken back.

    The authorities clear the places on days no forecaster knows in advance: everyone (with
    `complete_chance`) or a share; the people taken back leave the corridor (as returned).
    The window starts after the record (clearances on record are dated `readmit` or
    `transfer` policies); `Scenario.known_on` moves the start to the day after the issue date
    for forecasts issued earlier.
    """

    type: Literal["clearances"]
    places: list[Ident] = Field(min_length=1)
    daily_chance: Prob = Field(
        description="chance, each day of the window and at each place, that a clearance happens"
    )
    share: Prob = Field(
        description="share of the people at the place taken back by a partial clearance"
    )
    complete_chance: Prob = Field(
        default_factory=lambda: Prob(value=0.0),
        description="chance that a clearance takes everyone (else it takes `share`)",
    )


class Transfer(_Dated):
    """Stranded people moved from sites to a shelter or a city (by bus, by the authorities)."""

    type: Literal["transfer"]
    from_: list[Ident] = Field(alias="from", min_length=1)
    to: Ident
    daily_share: Prob = Field(
        default_factory=lambda: Prob(value=1.0),
        description="share of the stranded at the sites moved on each day of the window",
    )

    model_config = ConfigDict(populate_by_name=True)  # besides Strict's


Policy = Annotated[
    Close
    | Reopen
    | Militarize
    | Corridor
    | ReturnFlights
    | ShelterCapacity
    | Readmit
    | Clearances
    | Transfer,
    Field(discriminator="type"),
]
POLICY_TYPES: tuple[str, ...] = tuple(
    get_args(kind.model_fields["type"].annotation)[0] for kind in get_args(get_args(Policy)[0])
)  # close, reopen, militarize, ...: the `type` of each kind, in the union's order
