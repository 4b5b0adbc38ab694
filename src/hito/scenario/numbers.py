"""Uncertain numbers of a scenario: a best value, a range, a distribution and their source."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from hito.domain import Strict
from hito.errors import Invalid, Problem
from hito.scenario.text import Source

Distribution = Literal["uniform", "triangular", "lognormal"]


class Range(Strict):
    """An uncertain number: a best value, a range and a distribution, with its source."""

    value: float = Field(ge=0, description="best estimate, used when nothing is sampled")
    low: float | None = Field(default=None, ge=0)
    high: float | None = Field(default=None, ge=0)
    dist: Distribution = "triangular"
    source: Source = ""

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        low = self.value if self.low is None else self.low
        high = self.value if self.high is None else self.high
        if not low <= self.value <= high:
            raise Invalid(
                Problem(
                    "expected low <= value <= high, got low=%(low)s, value=%(value)s, "
                    "high=%(high)s",
                    low=_shown(low),
                    value=_shown(self.value),
                    high=_shown(high),
                )
            )
        if self.dist == "lognormal" and low <= 0 < high - low:
            raise Invalid(Problem("a lognormal range needs low > 0, got low=%(low)s", low=low))
        return self

    @property
    def lo(self) -> float:
        """Lower end of the range (the value itself when the number is certain)."""
        return self.value if self.low is None else self.low

    @property
    def hi(self) -> float:
        """Upper end of the range (the value itself when the number is certain)."""
        return self.value if self.high is None else self.high

    @property
    def uncertain(self) -> bool:
        """True when the range has any width to sample from."""
        return self.hi > self.lo


def _shown(x: float) -> int | float:
    """A number as the file most likely wrote it: 30, not 30.0 (0.25 stays 0.25)."""
    return int(x) if float(x).is_integer() else x


def _coerce_range(v: object) -> object:
    if isinstance(v, bool):
        raise Invalid(Problem("expected a number or a range, got %(v)s", v=repr(v)))
    if isinstance(v, int | float):
        return {"value": v}
    return v


class Num(Range):
    """A Range that also accepts a plain non-negative number in the file."""

    _plain_max: ClassVar[float | None] = None

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, v: object) -> object:
        return _coerce_range(v)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """In the file a number may stand for a certain range: allow both in the schema."""
        plain: dict[str, Any] = {"type": "number", "minimum": 0}
        if cls._plain_max is not None:
            plain["maximum"] = cls._plain_max
        return {"anyOf": [plain, handler(core_schema)]}


class Prob(Num):
    """A Range restricted to probabilities in [0, 1]."""

    _plain_max: ClassVar[float | None] = 1.0

    @model_validator(mode="after")
    def _unit(self) -> Prob:
        if self.hi > 1 and self.high is None:  # one number
            raise Invalid(
                Problem("expected a probability between 0 and 1, got %(v)s", v=_shown(self.value))
            )
        if self.hi > 1:
            raise Invalid(
                Problem(
                    "expected a probability between 0 and 1, got a range up to %(hi)s",
                    hi=_shown(self.hi),
                )
            )
        return self
