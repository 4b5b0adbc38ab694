"""The phone form without signal: the service worker, and the outbox's send with its outcome."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from hito.store.coltypes import utcnow
from hito.store.errors import ConflictError, StoreError
from hito.store.reports import create_report
from hito.web import STATIC, forms
from hito.web.pages import _form_context, _form_data, tr
from hito.web.session import LoginRequired, actor

router = APIRouter(include_in_schema=False)


@router.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from the root so that it may keep /report for offline use."""
    return Response(
        (STATIC / "sw.js").read_text(encoding="utf-8"),
        media_type="application/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


def _refused(request: Request, errors: dict[str, str]) -> JSONResponse:
    unique = list(dict.fromkeys(errors.values()))
    message = " ".join(unique) or tr(request, "Please check the fields marked below.")
    return JSONResponse({"outcome": "refused", "errors": errors, "message": message}, 422)


@router.post("/report/send")
async def report_send(request: Request) -> JSONResponse:
    """Store a report from the outbox; its own Idempotency-Key makes a repeat store nothing.

    200 stored (or stored before), 422 refused with the reasons, 401 when the session is gone.
    """
    try:
        who = actor(request)
    except LoginRequired:
        return JSONResponse(
            {"outcome": "signin", "message": tr(request, "Sign in again to send.")}, 401
        )
    data = await _form_data(request)
    ctx = await asyncio.to_thread(_form_context, request)
    form = forms.check(
        data,
        rows=ctx["rows"],
        site_ids=[s.id for s in ctx["sites"]],
        now=utcnow(),
        gettext=lambda m: tr(request, m),
    )
    agency_id = None
    if who.role == "admin":
        try:
            agency_id = int(data.get("agency_id", ""))
        except ValueError:
            form.errors["agency_id"] = tr(request, "Choose the agency you report for.")
    if who.role == "viewer":
        form.errors["counts"] = tr(request, "A viewer cannot send reports; ask an editor.")
    key = data.get("idempotency_key") or None
    if not form.ok:
        return _refused(request, form.errors)

    def store() -> tuple[int, bool]:
        with request.app.state.db.session() as session:
            row, created = create_report(
                session,
                actor=who,
                site_id=form.values["site_id"],
                observed_at=form.observed_at,  # type: ignore[arg-type]
                counts=form.counts,
                agency_id=agency_id,
                idempotency_key=key,
                remark=form.values.get("remark", "").strip(),
                after=request.app.state.after_report,
            )
            return int(row.id), created

    try:
        report_id, created = await asyncio.to_thread(store)
    except ConflictError:
        again = "This form was sent before with other numbers: reload it for a new report."
        return _refused(request, {"counts": tr(request, again)})
    except StoreError as exc:
        return _refused(request, {"counts": "; ".join(exc.problems)})
    body: dict[str, Any] = {"outcome": "stored", "report_id": report_id, "replayed": not created}
    return JSONResponse(body, 200)
