"""Schemas of field reports: aggregate counts by group, nothing personal."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from hito.api.schemas.common import (
    KeyedList,
    Public,
    Remark,
    Request,
    RowId,
    SiteId,
    When,
    safe_text,
)
from hito.counts import Count
from hito.store.intake import Submission

CountCreate = Count  # the one definition of a count, shared with the form and the store


class ReportCreate(Request):
    """A field report; the agency is the editor's own (an admin names it)."""

    site_id: SiteId
    observed_at: When
    counts: list[Count] = Field(min_length=1, max_length=200)
    agency_id: RowId | None = None
    remark: Remark = ""

    def submission(self, token: str, idempotency_key: str | None) -> Submission:
        """The report as the intake stores it, with the token that posted it."""
        return Submission(
            token=token,
            site_id=self.site_id,
            observed_at=self.observed_at,
            counts=list(self.counts),
            agency_id=self.agency_id,
            idempotency_key=idempotency_key,
            remark=self.remark,
        )


class CountPublic(Public):
    """One group's count as stored: total, range, sex and age, specific needs."""

    nationality: str
    documented: bool
    people: int
    stranded: int
    people_low: int | None = Field(
        description="an estimate's lower end; with no people_high, open-ended: at least this many"
    )
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
    day: dt.date = Field(
        description="the local calendar day at the site when counted: the day of its figures"
    )
    agency_id: int
    people: int
    stranded: int
    at_least: bool = Field(
        description="people and stranded are lower bounds: a count is open-ended (more than N)"
    )
    counts: list[CountPublic]
    remark: str
    idempotency_key: str | None
    supersedes_id: int | None = Field(description="the report this one corrects or withdraws")
    withdrawn: bool
    reason: str = Field(description="why the report it supersedes was corrected or withdrawn")
    created_at: dt.datetime


ReportList = KeyedList[ReportPublic]

Reason = Annotated[str, Field(min_length=1, max_length=500), safe_text(500)]


class ReportCorrection(Request):
    """New counts for a report: stored as a new report that supersedes it, with the reason."""

    counts: list[CountCreate] = Field(min_length=1, max_length=200)
    observed_at: When | None = Field(default=None, description="default: the report's own")
    remark: Remark = ""
    reason: Reason


class ReportWithdrawal(Request):
    """Withdraw a report: a new entry that supersedes it with no counts, and the reason."""

    reason: Reason


class ImportResult(Public):
    """What an HXL import stored."""

    imported: int
    report_ids: list[int]
