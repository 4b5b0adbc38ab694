"""Field reports: post (idempotent), list, HXL import and export."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from hito.api.deps import ActorDep, BearerDep, DbDep, WriterDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import ROW_ID_MAX, After, DayRange, Limit, Offset, RowIdPath
from hito.api.schemas.reports import (
    ImportResult,
    ReportCorrection,
    ReportCreate,
    ReportList,
    ReportPublic,
    ReportWithdrawal,
)
from hito.domain import COUNTRY_PATTERN, ID_MAX_LENGTH, ID_PATTERN, IDEMPOTENCY_KEY_PATTERN
from hito.store import hxl_export, hxl_import, reports

router = APIRouter(prefix="/reports", tags=["reports"], route_class=OnceKeyedRoute)
ReportId = RowIdPath
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="client-made key: a retry with the same key returns the original report",
    ),
]


class Filters:
    """The list filters: site, country, agency and a date range of observation."""

    def __init__(
        self,
        days: DayRange,
        site_id: Annotated[str | None, Query(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)] = None,
        country: Annotated[str | None, Query(pattern=COUNTRY_PATTERN)] = None,
        agency_id: Annotated[int | None, Query(ge=1, le=ROW_ID_MAX)] = None,
    ):
        self.values: dict[str, Any] = dict(
            site_id=site_id,
            country=country,
            agency_id=agency_id,
            since=days.since,
            until=days.until,
        )


@router.post(
    "",
    status_code=201,
    response_model=ReportPublic,
    responses={200: {"description": "the original report, for a reused key"}},
)
async def create(
    body: ReportCreate,
    token: BearerDep,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ReportPublic:
    """Post a field report; a retry with the same Idempotency-Key creates nothing.

    Stored by the report intake (`hito.store.intake`) with the reports posted meanwhile,
    in one transaction; answered once it is committed.
    """
    row, created = await request.app.state.intake.store(body.submission(token, idempotency_key))
    out = ReportPublic.model_validate(row)
    if not created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("", response_model=ReportList)
def list_(
    actor: ActorDep,
    db: DbDep,
    filters: Annotated[Filters, Depends()],
    offset: Offset = 0,
    limit: Limit = 100,
    after: After = None,
) -> ReportList:
    """Reports, newest observation first, filtered by site, country, agency and dates.

    To read them all, follow `next_after` (`?after=`) from page to page: each page starts
    after the last report of the one before. With `offset`, a report stored while paging
    moves the others down a place, and one already read comes again on the next page.
    """
    with db.session(readonly=True) as session:
        rows, n = reports.list_reports(
            session, offset=offset, limit=limit, after_id=after, **filters.values
        )
        data = [ReportPublic.model_validate(r) for r in rows]
        return ReportList.page(data, n, limit, rows[-1].id if rows else None)


@router.get(
    "/export.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export(actor: ActorDep, db: DbDep, filters: Annotated[Filters, Depends()]) -> StreamingResponse:
    """The filtered reports as CSV with HXL hashtags, one row per count, streamed page by page.

    Text cells that a spreadsheet would take for a formula (= + - @ tab CR) start with '.
    Each row says whether its report is current, corrected or withdrawn (`#status`).
    """
    return StreamingResponse(
        hxl_export.export_lines(hxl_export.report_pages(db, filters.values)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="reports.csv"'},
    )


@router.post(
    "/import",
    status_code=201,
    response_model=ImportResult,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
async def import_(request: Request, actor: WriterDep, db: DbDep) -> ImportResult:
    """Import HXL CSV: every row or none; every bad row is reported with its line number."""
    data = await request.body()

    def run() -> ImportResult:
        with db.session() as session:
            rows = hxl_import.import_csv(
                session, actor=actor, data=data, after=request.app.state.after_report
            )
            return ImportResult(imported=len(rows), report_ids=[r.id for r in rows])

    return await asyncio.to_thread(run)


@router.get("/{report_id}", response_model=ReportPublic)
def get(report_id: ReportId, actor: ActorDep, db: DbDep) -> ReportPublic:
    """One report."""
    with db.session(readonly=True) as session:
        return ReportPublic.model_validate(reports.get_report(session, report_id=report_id))


@router.post("/{report_id}/corrections", status_code=201, response_model=ReportPublic)
def correct(
    report_id: ReportId, body: ReportCorrection, actor: WriterDep, db: DbDep, request: Request
) -> ReportPublic:
    """Correct a report: a new report with the new counts that supersedes it, with the reason."""
    counts = list(body.counts)
    with db.session() as session:
        row = reports.supersede_report(
            session,
            actor=actor,
            report_id=report_id,
            reason=body.reason,
            counts=counts,
            observed_at=body.observed_at,
            remark=body.remark,
            after=request.app.state.after_report,
        )
        return ReportPublic.model_validate(row)


@router.post("/{report_id}/withdrawal", status_code=201, response_model=ReportPublic)
def withdraw(
    report_id: ReportId, body: ReportWithdrawal, actor: WriterDep, db: DbDep, request: Request
) -> ReportPublic:
    """Withdraw a report: a new entry with no counts that supersedes it, with the reason."""
    with db.session() as session:
        row = reports.supersede_report(
            session,
            actor=actor,
            report_id=report_id,
            reason=body.reason,
            withdraw=True,
            after=request.app.state.after_report,
        )
        return ReportPublic.model_validate(row)
