"""Pydantic models of the scenario file: places, routes, groups, inflows, policies, behaviour."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import (
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from hito.domain import FIRST_DAY, LAST_DAY, MAX_DAYS, CountryCode, Ident, Strict
from hito.errors import Invalid, Problem
from hito.scenario.numbers import Num, Prob
from hito.scenario.policies import Clearances, Policy
from hito.scenario.references import reference_problems
from hito.scenario.text import Source, Text, Title, in_language
from hito.scenario.versions import as_current

PlaceKind = Literal[
    "origin", "city", "border_post", "between_posts", "shelter", "irregular_crossing", "exit"
]
PLACE_KINDS: tuple[str, ...] = get_args(PlaceKind)
RouteKind = Literal["road", "irregular", "flight"]
ROUTE_KINDS: tuple[str, ...] = get_args(RouteKind)


# the dated counts shipped with hito (`observation.records` names one of them)
SHIPPED_COUNTS = Path(__file__).resolve().parents[1] / "forecast" / "data"


class Place(Strict):
    """A node: where people are, wait, cross or leave the corridor."""

    id: Ident
    name: str
    title: Title | None = Field(default=None, description="the name users read, es and en")
    kind: PlaceKind
    country: CountryCode
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    capacity: int | None = Field(default=None, ge=0)
    serves: list[Ident] = Field(
        default_factory=list,
        description="for shelters: the places whose stranded people this shelter takes in",
    )
    aliases: list[str] = Field(
        default_factory=list,
        description="other names field reports use for this place (matched ignoring case)",
    )
    back_to: Ident | None = Field(
        default=None,
        description="where people who turn back from here go (default: the start of the road in)",
    )
    attributes: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="extra columns kept from imported files"
    )
    source: Source = ""


class Route(Strict):
    """A directed edge in the direction of travel (two_way adds the reverse edge)."""

    id: Ident
    from_: Ident = Field(alias="from")
    to: Ident
    km: float = Field(gt=0, le=20_000, description="length; at most half the Earth's girth")
    kind: RouteKind = "road"
    access: Literal["everyone", "documented"] = "everyone"
    hazard: Prob = Field(default_factory=lambda: Prob(value=0.0))
    weight: Num = Field(
        default_factory=lambda: Num(value=1.0),
        description="how much more (or less) people choose this route than others of its kind",
    )
    two_way: bool = False
    attributes: dict[str, str | int | float | bool] = Field(default_factory=dict)
    source: Source = ""

    model_config = ConfigDict(populate_by_name=True)  # besides Strict's


class Group(Strict):
    """A class of people who behave alike: nationality x documentation status."""

    id: Ident
    nationality: CountryCode
    documented: bool
    label: str = ""
    title: Title | None = Field(default=None, description="the group's name users read, es and en")


class Population(Strict):
    """People already at a place on the start date."""

    place: Ident
    group: Ident
    people: Num = Field(description="people (a range when the count at the start is uncertain)")
    stranded: bool = False
    source: Source = ""


class Inflow(Strict):
    """Daily arrivals at an origin place for one group (Poisson around the rate)."""

    origin: Ident
    group: Ident
    per_day: Num
    start: dt.date | None = None
    end: dt.date | None = None


class Shock(Strict):
    """A dated event that multiplies every inflow: a step, or a pulse that peaks and decays.

    Without `half_life_days` the multiplier holds from `start` to `end` (a step). With it, the
    multiplier rises linearly from 1 on `start` to its full value on `peak` (default: `start`),
    then decays towards 1 with that half-life; `end` (optional) cuts the pulse off.
    """

    name: str
    title: Title | None = Field(default=None, description="the event's name users read, es and en")
    start: dt.date
    end: dt.date | None = None
    peak: dt.date | None = None
    half_life_days: Num | None = None
    multiplier: Num
    source: Source = ""

    @model_validator(mode="after")
    def _shape(self) -> Shock:
        if self.half_life_days is None:
            if self.end is None:
                raise Invalid(Problem("a step shock needs an end date (or give half_life_days)"))
            if self.peak is not None:
                raise Invalid(Problem("peak needs half_life_days (a pulse)"))
        elif self.half_life_days.lo <= 0:
            raise Invalid(
                Problem(
                    "half_life_days: expected more than 0, got %(lo)s", lo=self.half_life_days.lo
                )
            )
        if self.peak is not None and self.peak < self.start:
            raise Invalid(
                Problem("peak %(peak)s is before start %(start)s", peak=self.peak, start=self.start)
            )
        if self.end is not None and self.end < max(self.start, self.peak or self.start):
            raise Invalid(Problem("end %(end)s is before the start or the peak", end=self.end))
        return self


class Season(Strict):
    """Monthly multipliers of the inflows (1 to 12; missing months are 1)."""

    months: dict[int, Num] = Field(default_factory=dict)
    source: Source = ""

    @field_validator("months")
    @classmethod
    def _months(cls, v: dict[int, Num]) -> dict[int, Num]:
        bad = sorted(m for m in v if not 1 <= m <= 12)
        if bad:
            raise Invalid(Problem("expected months 1..12, got %(bad)s", bad=bad))
        return v


def _default_move() -> dict[PlaceKind, Prob]:
    return {
        "origin": Prob(value=1.0),
        "city": Prob(value=0.3),
        "border_post": Prob(value=0.9),
        "between_posts": Prob(value=0.9),
        "shelter": Prob(value=0.3),
        "irregular_crossing": Prob(value=1.0),
        "exit": Prob(value=0.0),
    }


def _default_weights() -> dict[RouteKind, Num]:
    return {"road": Num(value=1.0), "irregular": Num(value=0.05), "flight": Num(value=0.0)}


def _default_speeds() -> dict[RouteKind, Num]:
    return {"road": Num(value=500.0), "irregular": Num(value=25.0), "flight": Num(value=5000.0)}


class Behaviour(Strict):
    """How people move, choose routes, wait and give up."""

    move_chance: dict[PlaceKind, Prob] = Field(default_factory=_default_move)
    route_weight: dict[RouteKind, Num] = Field(default_factory=_default_weights)
    speed_km_per_day: dict[RouteKind, Num] = Field(default_factory=_default_speeds)
    awareness: Prob = Field(
        default_factory=lambda: Prob(value=0.5),
        description="share of route choice that avoids a route known to lead to a closure",
    )
    tolerance_days: Num = Field(
        default_factory=lambda: Num(value=10.0),
        description="mean days stranded people wait before they give up",
    )
    divert_share: Prob = Field(
        default_factory=lambda: Prob(value=0.3),
        description="share of those who give up who divert to an irregular route (else return)",
    )
    shelter_seek: Prob = Field(
        default_factory=lambda: Prob(value=0.2),
        description="daily chance that a stranded person moves to a shelter with room",
    )
    turn_back: Prob = Field(
        default_factory=lambda: Prob(value=0.0),
        description="daily chance that a stranded person walks back to the place they came from",
    )
    leak: Prob = Field(
        default_factory=lambda: Prob(value=0.0),
        description="daily share of stranded people who get through a closed route with smugglers",
    )
    arrival_cv: Num = Field(
        default_factory=lambda: Num(value=0.0),
        description="day-to-day variation of departures from an origin beyond chance (coefficient "
        "of variation of a daily multiplier): people travel in groups and move on rumours",
    )

    @field_validator("tolerance_days")
    @classmethod
    def _positive(cls, v: Num) -> Num:
        if v.lo < 1:
            raise Invalid(Problem("expected at least 1 day, got %(lo)s", lo=v.lo))
        return v


class ObservationModel(Strict):
    """How field counts relate to the people at a place: a noisy, sometimes wrong measurement."""

    log_sd: Num = Field(
        default_factory=lambda: Num(value=0.5),
        description="spread of a report around the true count, on the log scale",
    )
    outlier_share: Prob = Field(
        default_factory=lambda: Prob(value=0.05),
        description="share of reports that bear no relation to the count (rumours, rhetoric)",
    )
    nobody_seen: Prob = Field(
        default_factory=lambda: Prob(value=0.0),
        description="share of reports that see nobody though people are there (dispersed by "
        "day, crossing at night, hidden from patrols)",
    )
    ignore_sites: dict[str, str] = Field(
        default_factory=dict,
        description="site names in observation files that are not a place's count -> why",
    )
    records: str = Field(
        default="",
        description="a file of dated counts shipped with hito (hito/forecast/data) used when "
        "no observations are given",
    )
    source: Source = ""

    @field_validator("records")
    @classmethod
    def _shipped(cls, v: str) -> str:
        shipped = sorted(p.name for p in SHIPPED_COUNTS.glob("*.csv"))
        if v and v not in shipped:  # a file of one's own, or a path: read from somewhere else
            raise Invalid(
                Problem(
                    "got %(v)s, expected one of the count files shipped with hito: %(shipped)s "
                    "(counts of your own are given with --observations FILE)",
                    v=repr(v),
                    shipped=", ".join(shipped),
                )
            )
        return v


# people a scenario may bring in all: the engine's counts are kept below 2**31, and inflows
# vary beyond their rates (arrival_cv), so half of that is the limit of the highs
MOST_PEOPLE = 1_000_000_000


def most_people(s: Scenario) -> float:
    """An upper bound of everyone a scenario brings: population and inflows at their highs."""
    boost = max([1.0, *(m.hi for m in s.season.months.values())])
    for shock in s.shocks:
        boost *= max(1.0, shock.multiplier.hi)
    daily = sum(f.per_day.hi for f in s.inflows)
    return sum(p.people.hi for p in s.population) + daily * boost * s.days


class Scenario(Strict):
    """A whole scenario: the network, the people, the policies and the behaviour."""

    schema_version: Literal[2] = Field(
        description="2; version-1 files are read as 2 when they use none of its new fields"
    )
    name: str
    title: Title | None = Field(default=None, description="the episode's name users read (es, en)")
    description: Text = Field(
        default="", description="what the scenario is and what it reproduces (a text, or es and en)"
    )
    start: dt.date = Field(ge=FIRST_DAY, le=LAST_DAY, description="day 0 of the simulation")
    days: int = Field(gt=0, le=MAX_DAYS, description="horizon in days")
    places: list[Place] = Field(min_length=1)
    routes: list[Route] = Field(default_factory=list)
    groups: list[Group] = Field(min_length=1)
    population: list[Population] = Field(default_factory=list)
    inflows: list[Inflow] = Field(default_factory=list)
    season: Season = Field(default_factory=Season)
    shocks: list[Shock] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    observation: ObservationModel = Field(default_factory=ObservationModel)
    sources: dict[str, Source] = Field(
        default_factory=dict, description="key -> citation (a text, or es and en)"
    )

    @model_validator(mode="before")
    @classmethod
    def _version_1(cls, data: Any) -> Any:
        return as_current(data)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        problems = reference_problems(self.model_dump(by_alias=True))
        if problems:
            raise Invalid(*problems)
        most = most_people(self)
        if most > MOST_PEOPLE:
            raise Invalid(
                Problem(
                    "population and inflows: up to %(most)s people over %(days)s days (the highs "
                    "of the population, and of the inflows times the season's and the shocks' "
                    "highest multipliers); expected at most %(limit)s, what hito counts",
                    most=round(most),  # whole digits: 3.2e+09 is no number to a planner
                    days=self.days,
                    limit=MOST_PEOPLE,
                )
            )
        return self

    def observed_sites(self) -> dict[str, str | None]:
        """Site names of field reports -> place id (None: a known name that is not a count).

        A place is known by its id, its name, its title in Spanish and in English, and its
        aliases (the names the record uses).
        """
        out: dict[str, str | None] = {}
        for p in self.places:
            titles = (p.title.es, p.title.en) if p.title is not None else ()
            for name in (p.id, p.name, *titles, *p.aliases):
                out[name] = p.id
        for name in self.observation.ignore_sites:
            out[name] = None
        return out

    def described(self, lang: str) -> str:
        """The description in a language (the one text when it is not given in both)."""
        return in_language(self.description, lang)

    def known_on(self, issued: dt.date) -> Scenario:
        """The scenario as a forecaster knew it on `issued`: later-announced policies left out.

        Clearances stand for the days the record does not cover: a forecaster on `issued`
        knows the record up to that day only, so their chance starts the day after at latest.
        """
        kept: list[Policy] = []
        for p in self.policies:
            if isinstance(p, Clearances):
                after = issued + dt.timedelta(days=1)
                kept.append(p if p.start <= after else p.model_copy(update={"start": after}))
            elif p.known_from <= issued:
                kept.append(p)
        if kept == list(self.policies):
            return self
        return self.model_copy(update={"policies": kept})

    def place_index(self) -> dict[str, int]:
        """Map place id -> position."""
        return {p.id: i for i, p in enumerate(self.places)}

    def group_index(self) -> dict[str, int]:
        """Map group id -> position."""
        return {g.id: i for i, g in enumerate(self.groups)}

    def date_of(self, day: int) -> dt.date:
        """The calendar date of a simulation day (day 0 is the start date)."""
        return self.start + dt.timedelta(days=day)

    def day_of(self, date: dt.date) -> int:
        """The simulation day of a calendar date."""
        return (date - self.start).days
