"""Shared schema pieces: strict request base, safe text, codes, and the list envelope."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from hito.domain import FIRST_DAY, ID_MAX_LENGTH, ID_PATTERN, LAST_DAY, Ident
from hito.store.text import check_text

T = TypeVar("T")


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused (aggregates only, no personal data)."""

    model_config = ConfigDict(extra="forbid")


class Public(BaseModel):
    """Base of responses, read from table rows."""

    model_config = ConfigDict(from_attributes=True)


class List(BaseModel, Generic[T]):
    """A page of items and the total number matching the filters."""

    data: list[T]
    count: int


class KeyedList(List[T], Generic[T]):
    """A page of a list read newest first, and the id the next page starts after."""

    next_after: int | None = Field(
        None,
        description="the last item's id when the page is full: pass it as `after` for the "
        "next page (null: this page is the last)",
    )

    @classmethod
    def page(cls, data: list[T], count: int, limit: int, last_id: int | None) -> KeyedList[T]:
        """The page, with `next_after` set when it is full."""
        return cls(data=data, count=count, next_after=last_id if len(data) == limit else None)


def safe_text(max_length: int) -> object:
    """A validator applying the text policy (no markup, no SQL syntax) with a length limit."""
    return AfterValidator(lambda v: check_text(v, max_length=max_length))


Name = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), safe_text(200)
]
Remark = Annotated[str, Field(max_length=500), safe_text(500)]
Code = Annotated[str, Field(pattern=ID_PATTERN, max_length=40, examples=["pdi-arica"])]
SiteId = Annotated[Ident, Field(examples=["concordia-strip"])]
SiteIdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]  # /sites/{site_id}
ROW_ID_MAX = 2**31 - 1  # a stored row's id is a 32-bit integer column
RowId = Annotated[int, Field(ge=1, le=ROW_ID_MAX)]  # in a body
RowIdPath = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]  # in a URL: /plans/{plan_id}
# `?after=ID`: the page starts after that row (the `next_after` of the page before)
After = Annotated[
    int | None,
    Query(
        ge=1,
        le=ROW_ID_MAX,
        description="start after this item (the `next_after` of the page before), not at an "
        "offset: an item stored meanwhile cannot repeat one already read",
    ),
]
Offset = Annotated[int, Field(ge=0, le=10_000_000)]
Limit = Annotated[int, Field(ge=1, le=1000)]


def _utc_in_range(v: dt.datetime) -> dt.datetime:
    try:
        u = v.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        u = None
    if u is None or not FIRST_DAY <= u.date() <= LAST_DAY:
        raise ValueError(f"expected a time between {FIRST_DAY} and {LAST_DAY} (UTC)")
    return u


def _day_in_range(v: dt.date) -> dt.date:
    if not FIRST_DAY <= v <= LAST_DAY:
        raise ValueError(f"expected a day between {FIRST_DAY} and {LAST_DAY}")
    return v


When = Annotated[
    AwareDatetime,
    AfterValidator(_utc_in_range),
    Field(description="ISO 8601 with a UTC offset, between 2000 and 2099"),
]
Day = Annotated[dt.date, AfterValidator(_day_in_range)]


class _DayRange:
    """The ``since`` and ``until`` days of a list; ``until`` before ``since`` is a 422."""

    def __init__(
        self,
        since: Annotated[Day | None, Query(description="first day, YYYY-MM-DD")] = None,
        until: Annotated[Day | None, Query(description="last day, YYYY-MM-DD")] = None,
    ):
        if since is not None and until is not None and until < since:
            raise RequestValidationError(
                [
                    {
                        "type": "value_error",
                        "loc": ("query", "until"),
                        "msg": f"expected a day on or after since ({since.isoformat()})",
                        "input": until.isoformat(),
                    }
                ]
            )
        self.since, self.until = since, until


DayRange = Annotated[_DayRange, Depends()]
