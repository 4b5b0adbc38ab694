"""The phone form without signal: the service worker, and the outbox's send with its outcome."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from hito.store.errors import StoreError
from hito.web import STATIC, reporting
from hito.web.render import missing_page, render
from hito.web.session import LoginRequired, actor, today, tr

router = APIRouter(include_in_schema=False)


@router.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from the root so that it may keep /report for offline use."""
    return Response(
        (STATIC / "sw.js").read_text(encoding="utf-8"),
        media_type="application/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


# the pages the service worker shows without signal in place of a signed-in one (no user's data)
NOTICES = ("expired", "signed-out", "no-session")


@router.get("/offline/{kind}", response_class=HTMLResponse)
def offline_notice(request: Request, kind: str) -> Response:
    """A notice the service worker keeps: the session expired, or the sign-out waits for signal."""
    if kind not in NOTICES:
        return missing_page(request)
    return render(request, "offline_notice.html.j2", user=None, kind=kind)


def _refused(request: Request, errors: dict[str, str]) -> JSONResponse:
    unique = list(dict.fromkeys(errors.values()))
    message = " ".join(unique) or tr(request, "Please check the fields marked below.")
    return JSONResponse({"outcome": "refused", "errors": errors, "message": message}, 422)


@router.post("/report/send")
async def report_send(request: Request) -> JSONResponse:
    """Store a report from the outbox; its own Idempotency-Key makes a repeat store nothing.

    200 stored (or stored before; `next`: the overview that shows it), 422 refused with the
    reasons, 401 when the session is gone, 403 when it is another user's than the one who typed
    the report (it keeps waiting).
    """
    try:
        who = actor(request)
    except LoginRequired:
        return JSONResponse(
            {"outcome": "signin", "message": tr(request, "Sign in again to send.")}, 401
        )
    data, form, _ctx = await reporting.checked(request)
    if reporting.typed_by_another(who, data):  # it waits for its author's session
        return JSONResponse(
            {"outcome": "signin", "message": tr(request, "Sign in again to send.")}, 403
        )
    agency_id = reporting.sender_agency(request, who, data, form)
    if not form.ok:
        return _refused(request, form.errors)
    key = data.get("idempotency_key") or None
    try:
        report_id, created, day = await asyncio.to_thread(
            reporting.store, request, who, form, agency_id, key
        )
    except StoreError as exc:
        return _refused(request, {"counts": reporting.refusal(request, exc, who, form)})
    # where the page goes next: the overview on the count's day, as the form without script
    shown = reporting.overview_after(
        report_id, day, request.app.state.settings.as_of, today(request, who)
    )
    body: dict[str, Any] = {
        "outcome": "stored",
        "report_id": report_id,
        "replayed": not created,
        "next": shown,
    }
    return JSONResponse(body, 200)
