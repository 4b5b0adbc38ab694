"""Schemas of field reports: aggregate counts by group, nothing personal."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, Field

from hito.api.schemas.common import List, Public, Remark, Request, SiteId
from hito.counts import Count

CountCreate = Count  # the one definition of a count, shared with the form and the store


class ReportCreate(Request):
    """A field report; the agency is the editor's own (an admin names it)."""

    site_id: SiteId
    observed_at: AwareDatetime
    counts: list[Count] = Field(min_length=1, max_length=200)
    agency_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    remark: Remark = ""


class CountPublic(Public):
    """One group's count as stored: total, range, sex and age, specific needs."""

    nationality: str
    documented: bool
    people: int
    stranded: int
    people_low: int | None
    people_high: int | None
    f_children: int | None
    f_adults: int | None
    f_older: int | None
    m_children: int | None
    m_adults: int | None
    m_older: int | None
    pregnant_lactating: int | None
    disabilities: int | None
    unaccompanied_separated: int | None


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
