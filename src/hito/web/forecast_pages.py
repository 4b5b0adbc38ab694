"""The dashboard's forecast pages: start a forecast, follow it, read its outcomes or failure."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hito import i18n
from hito.api.schemas.common import RowIdPath
from hito.errors import kept, say
from hito.report import outcomes_view
from hito.store.errors import ForbiddenError, StoreError, TooManyAttemptsError
from hito.store.forecastrun import INTERRUPTED
from hito.store.forecasts import BeforeStart, create_forecast, get_forecast
from hito.store.sites import list_sites
from hito.web import reporting
from hito.web.render import BadDate, render
from hito.web.session import actor, language, safe_next, tr
from hito.web.session import today as local_today

FORECAST_DAYS = 60  # a forecast started from the dashboard covers this many days
FORECAST_RUNS = 20

router = APIRouter(include_in_schema=False)


def failure(request: Request, stored: str) -> tuple[str, str]:
    """Why a forecast failed, in the visitor's language, and the program's own words (English).

    A failure the dashboard knows is said in full in the visitor's language; any other keeps
    the program's message as a technical detail, marked as English on the page.
    """
    if stored == INTERRUPTED:
        return tr(request, "The server stopped before this forecast finished: start it again."), ""
    problems = kept(stored)
    if problems is not None:  # hito's own words, said in the visitor's language
        return "; ".join(say(p, language(request)) for p in problems), ""
    return tr(
        request, "Start it again; if it fails again, send this detail to the administrator."
    ), (stored)


@router.post("/forecasts", response_class=HTMLResponse)
async def forecast_start(request: Request) -> Response:
    """Start a forecast from the counts of the date shown (editors); its status page follows."""
    who = actor(request)
    data = await reporting.form_data(request)
    back = safe_next(data.get("next") or "/")
    raw = data.get("as_of", "")
    try:
        as_of = dt.date.fromisoformat(raw)
    except ValueError:
        raise BadDate(raw, "format") from None
    today = local_today(request, who)  # the visitor's day, as on every page
    if as_of > today:
        raise BadDate(raw, "future")
    db, settings = request.app.state.db, request.app.state.settings

    def start() -> int:
        with db.session() as session:
            rows, _n = list_sites(session, limit=1)
            scenario = rows[0].scenario if rows else ""
            return int(
                create_forecast(
                    session,
                    actor=who,
                    scenario=scenario,
                    as_of=as_of,
                    today=today,
                    days=FORECAST_DAYS,
                    runs=FORECAST_RUNS,
                    seed=1,
                    quota=settings.forecast_quota(),
                ).id
            )

    def refused(status: int, error: str) -> HTMLResponse:
        return render(request, "forecast.html.j2", status, user=who, f=None, back=back, error=error)

    try:
        fid = await asyncio.to_thread(start)
    except ForbiddenError:
        return refused(403, tr(request, "A viewer cannot start forecasts; ask an editor."))
    except BeforeStart as exc:  # the store's check, said with the day in the reader's words
        day = i18n.date(exc.start, language(request))
        text = tr(request, "The scenario starts on %(d)s: choose that day or a later one.")
        return refused(422, text % {"d": day})
    except TooManyAttemptsError as exc:  # the quota the API applies too
        busy = refused(429, "; ".join(exc.in_language(language(request))))
        busy.headers["Retry-After"] = str(exc.retry_after)
        return busy
    except StoreError as exc:
        return refused(422, "; ".join(exc.in_language(language(request))))
    request.app.state.forecast_runner.submit(fid)  # one at a time in this process
    return RedirectResponse(f"/forecasts/{fid}?next={quote(back, safe='/')}", status_code=303)


@router.get("/forecasts/{forecast_id}", response_class=HTMLResponse)
def forecast_status(request: Request, forecast_id: RowIdPath, next: str = "/") -> HTMLResponse:
    """A forecast's progress; the page asks again every two seconds until it is done."""
    who = actor(request)
    try:
        with request.app.state.db.session(readonly=True) as session:
            row = get_forecast(session, forecast_id=forecast_id)
            f: dict[str, Any] = {
                "id": row.id,
                "status": row.status,
                "as_of": row.as_of,
                "runs": row.runs,
                "days": row.days,
                "finished_at": row.finished_at,
            }
            stored = row.error or ""
            result = row.result if row.status == "done" else None
            forecast = {"scenario": row.scenario, "as_of": row.as_of, **(result or {})}
    except StoreError:
        return render(
            request, "missing.html.j2", 404, user=who, what=str(forecast_id), kind="forecast"
        )
    f["why"], f["detail"] = failure(request, stored) if f["status"] == "failed" else ("", "")
    lang = language(request)
    if result is not None:
        f["outcomes"] = outcomes_view.view(forecast, lang)
        f["no_outcomes"] = "" if f["outcomes"] else outcomes_view.not_computed(lang)
    return render(request, "forecast.html.j2", user=who, f=f, back=safe_next(next), error="")
