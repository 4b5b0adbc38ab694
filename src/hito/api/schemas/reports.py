"""Schemas of field reports: aggregate counts by group, nothing personal."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, Field

from hito.api.schemas.common import CountryCode, List, Public, Remark, Request, SiteId


class CountCreate(Request):
    """One group's count: nationality, documented, optional sex and age band."""

    nationality: CountryCode
    documented: bool = Field(strict=True)
    people: int = Field(ge=0, le=1_000_000, strict=True)
    stranded: int = Field(
        default=0,
        ge=0,
        le=1_000_000,
        strict=True,
        description="of the people, how many are stranded",
    )
    sex: Literal["f", "m", "x"] | None = None
    age_band: Literal["0-4", "5-17", "18-59", "60+"] | None = None


class ReportCreate(Request):
    """A field report; the agency is the editor's own (an admin names it)."""

    site_id: SiteId
    observed_at: AwareDatetime
    counts: list[CountCreate] = Field(min_length=1, max_length=200)
    agency_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    remark: Remark = ""


class CountPublic(Public):
    """One group's count."""

    nationality: str
    documented: bool
    people: int
    stranded: int
    sex: str | None
    age_band: str | None


class ReportPublic(Public):
    """A stored field report."""

    id: int
    site_id: str
    observed_at: dt.datetime
    agency_id: int
    people: int
    stranded: int
    counts: list[CountPublic]
    remark: str
    idempotency_key: str | None
    created_at: dt.datetime


ReportList = List[ReportPublic]


class ImportResult(Public):
    """What an HXL import stored."""

    imported: int
    report_ids: list[int]
