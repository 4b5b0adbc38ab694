"""Pydantic models of a joint contingency plan: signatory agencies, triggers and actions."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator, model_validator

from hito.domain import CountryCode, CurrencyCode, Ident, Severity, Strict
from hito.errors import Invalid, Problem
from hito.scenario.model import Title

SCHEMA_VERSION = 1

Indicator = Literal["stranded", "shelter_occupancy", "arrivals", "diverted", "need_gap"]
INDICATORS: tuple[str, ...] = get_args(Indicator)
Operator = Literal[">=", ">", "<=", "<"]  # how a value is compared with a threshold
ACTION_TYPES = ("corridor", "shelter_places", "return_flights", "health_team", "reopen")


class Agency(Strict):
    """An agency that signs the plan and carries out some of its actions."""

    id: Ident
    country: CountryCode
    agency: str = Field(min_length=1, description="the agency's name")


class EndCondition(Strict):
    """When an active trigger switches off (hysteresis: a lower bar than the one that fired it)."""

    compare: Operator = "<"
    threshold: float
    window_days: int = Field(default=1, ge=1)


class Trigger(Strict):
    """An indicator, a threshold and a window; observed, or forecast at a horizon."""

    id: Ident
    title: Title | None = Field(default=None, description="what users read, es and en")
    description: str = ""
    indicator: Indicator = Field(
        description="need_gap: stranded people beyond the shelters' free places (Sphere needs)"
    )
    severity: Severity = Field(
        default="warning", description="how urgent an alert of this trigger is (subscribers filter)"
    )
    places: list[Ident] = Field(
        default_factory=list,
        description="places summed into the indicator (empty: every place, or every shelter)",
    )
    source: Literal["observed", "forecast"] = "observed"
    quantile: Literal["p50", "p90"] = Field(
        default="p50", description="forecast only: which quantile of the ensemble"
    )
    horizon_days: int = Field(default=0, ge=0, description="forecast only: days ahead")
    compare: Operator = ">="
    threshold: float
    window_days: int = Field(
        default=1, ge=1, description="the condition must hold on this many consecutive days"
    )
    end: EndCondition | None = Field(
        default=None,
        description="switch off only when this holds (else: as soon as the condition fails)",
    )
    cooldown_days: int = Field(
        default=0, ge=0, description="days after switching off before it may fire again"
    )

    @model_validator(mode="after")
    def _forecast(self) -> Trigger:
        if self.source == "forecast" and self.horizon_days < 1:
            raise Invalid(
                Problem(
                    "a forecast trigger needs horizon_days >= 1, got %(horizon_days)s",
                    horizon_days=self.horizon_days,
                )
            )
        if self.source == "observed" and self.horizon_days:
            raise Invalid(
                Problem(
                    "horizon_days is for forecast triggers, got %(horizon_days)s on an observed "
                    "trigger; expected source: forecast or no horizon_days",
                    horizon_days=self.horizon_days,
                )
            )
        counted = self.indicator in ("stranded", "arrivals", "diverted")
        negative = [t for t in (self.threshold, self.end.threshold if self.end else 0.0) if t < 0]
        if counted and negative:  # need_gap may fall below 0 (free places beyond the need)
            raise Invalid(
                Problem(
                    "%(indicator)s counts people: got threshold %(threshold)s, expected 0 or more",
                    indicator=repr(self.indicator),
                    threshold=format(negative[0], "g"),
                )
            )
        end = self.end
        if end is not None:
            up = self.compare in (">=", ">")
            if (end.compare in (">=", ">")) == up or (
                end.threshold > self.threshold if up else end.threshold < self.threshold
            ):
                side = "<" if up else ">"
                raise Invalid(
                    Problem(
                        "end %(end_compare)s %(end_threshold)s can hold together with the firing "
                        "condition %(compare)s %(threshold)s; expected an end condition on the "
                        "other side (hysteresis), such as %(side)s %(threshold)s or further",
                        end_compare=end.compare,
                        end_threshold=format(end.threshold, "g"),
                        compare=self.compare,
                        threshold=format(self.threshold, "g"),
                        side=side,
                    )
                )
        if self.indicator == "shelter_occupancy" and not 0 <= self.threshold <= 10:
            raise Invalid(
                Problem(
                    "shelter_occupancy is a share of capacity (0.9 is 90%%), got threshold "
                    "%(threshold)s",
                    threshold=self.threshold,
                )
            )
        return self


class Cost(Strict):
    """What an action costs: an amount per day it runs, or per unit it provides."""

    currency: CurrencyCode
    amount: float = Field(ge=0)
    per: Literal["day", "unit"] = "day"
    source: str = ""


class _Action(Strict):
    id: Ident
    title: Title | None = Field(default=None, description="what users read, es and en")
    trigger: Ident = Field(description="the trigger whose firing switches this action on")
    agency: Ident = Field(description="id of the responsible agency in `agencies`")
    lead_time_days: int = Field(ge=0, description="days from firing until it takes effect")
    duration_days: int | None = Field(
        default=None, ge=1, description="days it runs (default: until the trigger switches off)"
    )
    cost: Cost | None = None
    description: str = ""


class CorridorAction(_Action):
    """Open a humanitarian corridor: a daily quota of stranded people let through a route."""

    type: Literal["corridor"]
    route: Ident
    daily_quota: int = Field(ge=1)


class ShelterAction(_Action):
    """Add shelter places (a unit is one place)."""

    type: Literal["shelter_places"]
    place: Ident
    add: int = Field(ge=1)
    m2_per_person: float = Field(
        default=3.5, ge=3.5, description="covered space per person (Sphere: at least 3.5 m²)"
    )


class FlightAction(_Action):
    """Schedule return flights: seats per week along a flight route (a unit is one seat)."""

    type: Literal["return_flights"]
    route: Ident
    seats_per_week: int = Field(ge=1)
    pickup: list[Ident] = Field(default_factory=list)


class HealthTeamAction(_Action):
    """Deploy a health or water team that lowers harm on irregular routes (a unit is a day)."""

    type: Literal["health_team"]
    routes: list[Ident] = Field(
        default_factory=list, description="routes it covers (default: every irregular route)"
    )
    hazard_reduction: float = Field(gt=0, le=1, description="share of the hazard removed")


class ReopenAction(_Action):
    """Reopen crossings to documented people."""

    type: Literal["reopen"]
    routes: list[Ident] = Field(min_length=1)


Action = Annotated[
    CorridorAction | ShelterAction | FlightAction | HealthTeamAction | ReopenAction,
    Field(discriminator="type"),
]


class PlanText(Strict):
    """The plan's words in another language (empty: fall back to the main text)."""

    title: str = ""
    description: str = ""
    rationale: str = ""
    sources: dict[str, str] = Field(
        default_factory=dict, description="source key -> citation in this language"
    )


class Plan(Strict):
    """A joint contingency plan: who signs it, what triggers it, what each agency does."""

    schema_version: Literal[1]
    name: Ident
    title: str = ""
    version: str = "1"
    scenario: str | None = Field(
        default=None, description="the scenario it was written for (built-in name or path)"
    )
    description: str = ""
    rationale: str = ""
    translations: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")], PlanText] = Field(
        default_factory=dict, description="language code (ISO 639-1) -> title, description..."
    )
    agencies: list[Agency] = Field(default_factory=list)
    sites: dict[str, Ident] = Field(
        default_factory=dict,
        description="field site name (as in observation files) -> place id",
    )
    triggers: list[Trigger] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    sources: dict[str, str] = Field(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_written(cls, v: object) -> object:
        # `version: 2` is a number to YAML; a planner means the text "2". A decimal is
        # refused: YAML reads 1.10 as 1.1, so only quotes keep it as written.
        if isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        if isinstance(v, float):
            raise Invalid(
                Problem(
                    'expected a text; write it in quotes ("%(v)s") so that YAML keeps it as '
                    "written, not as the number %(v)s",
                    v=repr(v),
                )
            )
        return v

    @model_validator(mode="after")
    def _references(self) -> Plan:
        from hito.plans.validate import internal_problems

        problems = internal_problems(self)
        if problems:
            raise Invalid(*problems)
        return self

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id."""
        return next(a for a in self.agencies if a.id == agency_id)

    def text(self, field: str, lang: str) -> str:
        """The title, description or rationale in a language, falling back to the main text.

        A plan without a title is named by its name.
        """
        other = self.translations.get(lang)
        value = (getattr(other, field) if other else "") or getattr(self, field)
        return str(value or (self.name if field == "title" else ""))

    def actions_of(self, trigger_id: str) -> list[Action]:
        """The actions that a trigger switches on."""
        return [a for a in self.actions if a.trigger == trigger_id]
