"""Correct or withdraw a field report from the dashboard: a new entry that references it.

A report is never edited: its agency's editors (or an admin of its country) correct it with a new
report that supersedes it (the report form, filled with the original's values) or withdraw it with
a reason (`hito.store.reports.supersede_report`, as the API's `/reports/{id}/corrections` and
`/withdrawal`). Anyone else is refused (403), even posting the form by hand.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hito.api.schemas.common import RowIdPath
from hito.report import places
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.store.errors import ConflictError, InvalidError, NotFoundError, StoreError
from hito.store.models import FieldReport
from hito.store.report_checks import may_supersede
from hito.store.reports import get_report, supersede_report
from hito.web import forms, reporting
from hito.web.render import render
from hito.web.session import actor, language, today, tr

router = APIRouter(include_in_schema=False)


def _original(request: Request, report_id: int) -> tuple[FieldReport, int | None]:
    """The report (detached, its counts loaded) and the entry that superseded it, if any."""
    with request.app.state.db.session(readonly=True) as session:
        row = get_report(session, report_id=report_id)
        newer = row.superseded_by
        return row, (newer.id if newer is not None else None)


def _about(request: Request, row: FieldReport) -> dict[str, Any]:
    """What the pages say of the original: its id, site's name, agency and time."""
    title = places.titles(row.site.scenario).get(row.site_id)
    return {"id": row.id, "title": title, "site": row.site, "agency": row.agency.name, "row": row}


def _refused(request: Request, who: Actor, status_code: int, words: str) -> HTMLResponse:
    return render(request, "report_change.html.j2", status_code, user=who, refusal=words)


def _gate(request: Request, who: Actor, report_id: int) -> FieldReport | HTMLResponse:
    """The report a user may change, or the page that says why not (404, 403 or 409)."""
    try:
        row, newer = _original(request, report_id)
    except NotFoundError:
        return render(request, "missing.html.j2", 404, user=who, what=report_id, kind="report")
    if not may_supersede(who, row.agency_id, row.agency.country_code):
        words = tr(
            request,
            "Only an editor of the agency that sent this report, or an administrator of its "
            "country, may correct or withdraw it.",
        )
        return _refused(request, who, 403, words)
    if said := reporting.elsewhere(request, row.site_id, who):  # at the other country's site
        return _refused(request, who, 403, said)
    if newer is not None or row.withdrawn:
        words = (
            tr(request, "This report was already corrected or withdrawn by report %(id)s.")
            % {"id": newer}
            if newer is not None
            else tr(request, "This entry withdraws a report; there is nothing to correct.")
        )
        return _refused(request, who, 409, words)
    return row


def _prefilled(request: Request, who: Actor, row: FieldReport) -> dict[str, str]:
    """The report form's values from the original: its time in the reader's zone, its counts."""
    values = {
        "site_id": row.site_id,
        **reporting.clock_values(request, who, row.observed_at),
        "remark": row.remark,
    }
    rows = forms.groups(row.site.scenario)
    for c in row.counts:
        key = (c.nationality, c.documented)
        g = next((g for g in rows if (g.nationality, g.documented) == key), None)
        if g is None:
            continue
        for name in forms.NUMBERS:
            value = getattr(c, name, None)
            if value is not None:
                values[f"{name}-{g.id}"] = str(value)
    return values


def _form_page(
    request: Request,
    who: Actor,
    row: FieldReport,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    ctx = reporting.form_context(request, who)
    ctx["sites"] = [s for s in ctx["sites"] if s.id == row.site_id] or [row.site]
    return render(
        request,
        "report.html.j2",
        status_code,
        user=who,
        values=values,
        errors=errors,
        correcting=_about(request, row),
        **ctx,
    )


@router.get("/reports/{report_id}/correct", response_class=HTMLResponse)
def correct_form(request: Request, report_id: RowIdPath) -> HTMLResponse:
    """The report form filled with the report's values, to save as its correction."""
    who = actor(request)
    row = _gate(request, who, report_id)
    if isinstance(row, HTMLResponse):
        return row
    return _form_page(request, who, row, _prefilled(request, who, row), {})


@router.post("/reports/{report_id}/correct", response_class=HTMLResponse)
async def correct_submit(request: Request, report_id: RowIdPath) -> Response:
    """Save a correction: a new report with the typed counts that supersedes the original."""
    who = actor(request)
    row = await asyncio.to_thread(_gate, request, who, report_id)
    if isinstance(row, HTMLResponse):
        return row
    data = await reporting.form_data(request)
    data["site_id"] = row.site_id  # a correction stays at the original's site
    form = forms.check(
        data,
        rows=forms.groups(row.site.scenario),
        site_ids=[row.site_id],
        now=utcnow(),
        gettext=lambda m: tr(request, m),
        lang=language(request),
    )
    form.errors.pop("idempotency_key", None)  # a correction has none
    reason = data.get("reason", "").strip()
    if not reason:
        form.errors["reason"] = tr(request, "Say why the report is corrected.")
    if form.ok:
        try:
            new_id, day = await asyncio.to_thread(_supersede, request, who, row.id, reason, form)
        except StoreError as exc:
            form.errors[_field(exc)] = _refusal(request, exc)
        else:
            shown = request.app.state.settings.as_of
            # on the correction's day
            where = site_after(row.site_id, day, shown, new_id, today(request, who))
            return RedirectResponse(where, status_code=303)
    return _form_page(request, who, row, form.values, form.errors, 422)


def _supersede(
    request: Request, who: Actor, report_id: int, reason: str, form: forms.ReportForm | None
) -> tuple[int, dt.date]:
    """Store the correction (a checked form) or the withdrawal (None): the new entry, its day."""
    with request.app.state.db.session() as session:
        new = supersede_report(
            session,
            actor=who,
            report_id=report_id,
            reason=reason,
            counts=form.counts if form is not None else (),
            observed_at=form.observed_at if form is not None else None,
            remark=form.values.get("remark", "").strip() if form is not None else "",
            withdraw=form is None,
            after=request.app.state.after_report,
        )
        return int(new.id), new.day


def site_after(
    site_id: str, entry_day: dt.date, shown_day: dt.date | None, new_id: int, today: dt.date
) -> str:
    """The site's page at a new entry, on the entry's day when the page shows another day.

    The page lists a site's newest reports up to the day it shows (`shown_day`: the
    deployment's `HITO_AS_OF`, a demo's; None is today): an older entry shows on its day, and
    so does a later one where the deployment shows an earlier day (the demo's 3 December).
    """
    day = min(entry_day, today)  # never a day to come (a 400 page); `today`: the visitor's
    when = f"?as_of={day.isoformat()}" if day != (shown_day or today) else ""
    return f"/sites/{site_id}{when}#report-{new_id}"


def _field(exc: StoreError) -> str:
    """The form's field a refusal of the store is said at."""
    fields = getattr(exc, "fields", []) if isinstance(exc, InvalidError) else []
    return "reason" if any(name == "reason" for name, _msg in fields) else "counts"


def _refusal(request: Request, exc: StoreError) -> str:
    if isinstance(exc, ConflictError):
        return tr(
            request, "This report was corrected or withdrawn meanwhile: reload its site page."
        )
    return reporting.refusal(request, exc)


@router.get("/reports/{report_id}/withdraw", response_class=HTMLResponse)
def withdraw_form(request: Request, report_id: RowIdPath) -> HTMLResponse:
    """Ask for the reason and the confirmation before withdrawing a report."""
    who = actor(request)
    row = _gate(request, who, report_id)
    if isinstance(row, HTMLResponse):
        return row
    return render(
        request, "report_change.html.j2", user=who, report=_about(request, row), errors={}
    )


@router.post("/reports/{report_id}/withdraw", response_class=HTMLResponse)
async def withdraw_submit(request: Request, report_id: RowIdPath) -> Response:
    """Withdraw a report: a new entry with no counts, the reason, that supersedes it."""
    who = actor(request)
    row = await asyncio.to_thread(_gate, request, who, report_id)
    if isinstance(row, HTMLResponse):
        return row
    data = await reporting.form_data(request)
    reason = data.get("reason", "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = tr(request, "Say why the report is withdrawn.")
    if data.get("confirm") != "yes":
        errors["confirm"] = tr(request, "Tick the box to confirm the withdrawal.")
    if not errors:
        try:
            new_id, day = await asyncio.to_thread(_supersede, request, who, row.id, reason, None)
        except StoreError as exc:
            errors["reason"] = _refusal(request, exc)
        else:
            shown = request.app.state.settings.as_of
            where = site_after(row.site_id, day, shown, new_id, today(request, who))
            return RedirectResponse(where, status_code=303)
    return render(
        request,
        "report_change.html.j2",
        422,
        user=who,
        report=_about(request, row),
        errors=errors,
        reason=data.get("reason", ""),
        confirmed=data.get("confirm")
        == "yes",  # a ticked box stays ticked when the reason is missing
    )
