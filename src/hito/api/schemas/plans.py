"""Schemas of plans and alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, model_validator

from hito.api.schemas.common import KeyedList, List, Public, Request
from hito.domain import ID_MAX_LENGTH, ID_PATTERN


class PlanCreate(Request):
    """A plan: its YAML text (the format of docs/plans.md), or the name of a built-in plan."""

    text: str | None = Field(default=None, max_length=200_000)
    builtin: str | None = Field(
        default=None, pattern=ID_PATTERN, max_length=ID_MAX_LENGTH, examples=["corridor-100"]
    )

    @model_validator(mode="after")
    def _one(self) -> PlanCreate:
        if (self.text is None) == (self.builtin is None):
            raise ValueError("give exactly one of text or builtin")
        return self


class PlanUpdate(Request):
    """Switch a plan version on or off for alerts."""

    active: bool


class PlanPublic(Public):
    """A stored plan version."""

    id: int
    name: str
    version: int
    active: bool
    text: str
    created_at: dt.datetime


PlanList = List[PlanPublic]


class AlertPublic(Public):
    """A met trigger: since when, the actions due and the agencies responsible."""

    id: int
    plan_id: int
    plan_name: str
    trigger: str
    met_since: dt.date
    actions: list[dict[str, Any]]
    agencies: list[str]
    report_id: int | None
    severity: str
    sites: list[str]
    created_at: dt.datetime


AlertList = KeyedList[AlertPublic]
