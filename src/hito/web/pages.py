"""The dashboard's pages: login, language, overview, site, plans, field report, downloads."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hito import i18n
from hito.report import sitrep
from hito.report import situation as sit
from hito.store import tokens
from hito.store.agencies import list_agencies
from hito.store.coltypes import utcnow
from hito.store.errors import AuthError, ConflictError, StoreError, TooManyAttemptsError
from hito.store.needs import picture as needs_picture
from hito.store.plans import list_plans, parsed
from hito.store.reports import create_report
from hito.store.sites import list_sites
from hito.web import forms, guard, overview
from hito.web.session import (
    LANG_COOKIE,
    SESSION_COOKIE,
    LoginRequired,
    actor,
    language,
    safe_next,
    secure,
    set_session,
)

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page in the visitor's language."""
    lang = language(request)
    env = i18n.environment(("hito.web", "hito.report"), lang)
    guard.install_globals(env)
    context.setdefault("now", utcnow())
    html = env.get_template(name).render(request=request, path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/", secure=secure(request)
        )
    return response


def tr(request: Request, message: str) -> str:
    """A message in the visitor's language."""
    return i18n.gettext(language(request), message)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form."""
    return render(request, "login.html.j2", next=safe_next(next), error="", username="")


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password with the service, keep its token in a cookie, go back to `next`."""
    settings = request.app.state.settings
    db = request.app.state.db

    def run() -> tuple[str, Any]:
        with db.session() as s:
            return tokens.login(
                s,
                username=username.strip(),
                password=password,
                ttl=dt.timedelta(minutes=settings.token_ttl_minutes),
                max_failures=settings.login_max_failures,
                lockout=dt.timedelta(seconds=settings.login_lockout_seconds),
            )

    try:
        raw, _row = await asyncio.to_thread(run)
    except TooManyAttemptsError as exc:
        msg = tr(request, "Too many failed sign-ins: try again in %(s)d seconds.") % {
            "s": exc.retry_after
        }
        return render(
            request, "login.html.j2", 429, next=safe_next(next), error=msg, username=username
        )
    except AuthError:
        await asyncio.sleep(settings.login_failure_delay)
        msg = tr(request, "Wrong username or password.")
        return render(
            request, "login.html.j2", 401, next=safe_next(next), error=msg, username=username
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session(
        response,
        raw,
        max_age=settings.token_ttl_minutes * 60,
        secure=secure(request),
    )
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """Revoke the session's token and forget it."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            who = actor(request)
            with request.app.state.db.session() as s:
                tokens.revoke(s, token=token, actor=who)
        except (LoginRequired, StoreError):
            pass  # the session was already dead: nothing to revoke
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    """Remember the chosen language and return to the page."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in i18n.LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/", secure=secure(request)
        )
    return response


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, reported: int | None = None) -> HTMLResponse:
    """The border at a glance: map, counts and their age, totals, alerts, the log."""
    who = actor(request)
    with request.app.state.db.session(readonly=True) as s:
        picture = sit.situation(s)
        need = needs_picture(
            s,
            forecast=picture.forecast,
            standards=request.app.state.settings.needs,
            as_of=picture.as_of,
        )
    return render(
        request,
        "overview.html.j2",
        refresh=request.app.state.settings.refresh_seconds,
        user=who,
        s=picture,
        maps=overview.maps(picture, language(request)),
        reported=reported,
        needs=need,
    )


@router.get("/sites/{site_id}", response_class=HTMLResponse)
def site_page(request: Request, site_id: str) -> HTMLResponse:
    """One site: observed counts, the latest forecast as a fan chart, capacity, status history."""
    who = actor(request)
    lang = language(request)
    try:
        with request.app.state.db.session(readonly=True) as s:
            detail = sit.site_detail(s, site_id)
            forecast = sit.latest_forecast(s)
            need = needs_picture(s, forecast=forecast, standards=request.app.state.settings.needs)
    except StoreError:
        return render(request, "missing.html.j2", 404, user=who, what=site_id)
    chart = sitrep.site_chart(detail, forecast, lang)
    old = sitrep.stale(sitrep.forecast_fan(forecast, site_id), detail["series"])
    return render(
        request,
        "site.html.j2",
        user=who,
        d=detail,
        forecast=forecast,
        chart=chart,
        stale=old,
        needs=need,
        needs_site=site_id,
    )


@router.get("/plans", response_class=HTMLResponse)
def plans_page(request: Request) -> HTMLResponse:
    """Stored plans, whether each trigger is met, and the comparison of the options."""
    who = actor(request)
    lang = language(request)
    with request.app.state.db.session(readonly=True) as s:
        rows, _n = list_plans(s, limit=200)
        stored = [(r, parsed(r)) for r in rows]
        status = {p.name: st for p, st in sit.trigger_status(s, utcnow().date())}
    cmp = sit.read_comparison(request.app.state.settings.comparison)
    charts = sitrep.comparison_charts(cmp, lang) if cmp else []
    return render(
        request,
        "plans.html.j2",
        user=who,
        stored=stored,
        status=status,
        cmp=cmp,
        charts=charts,
        text=sitrep.plan_text,
    )


def _form_context(request: Request) -> dict[str, Any]:
    with request.app.state.db.session(readonly=True) as s:
        sites, _n = list_sites(s, limit=1000)
        agencies, _m = list_agencies(s, limit=1000)
    scenario = sites[0].scenario if sites else ""
    return {"sites": sites, "rows": forms.groups(scenario), "agencies": agencies}


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, site: str = "") -> HTMLResponse:
    """The field report form, with a fresh idempotency key."""
    who = actor(request)
    ctx = _form_context(request)
    values = {
        "site_id": site,
        "idempotency_key": uuid.uuid4().hex,
        "observed_at": utcnow().strftime("%Y-%m-%dT%H:%M"),
        "tz_offset": "0",
    }
    return render(request, "report.html.j2", user=who, values=values, errors={}, **ctx)


async def _form_data(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: str(v) for k, v in data.items()}


@router.post("/report/check", response_class=HTMLResponse)
async def report_check(request: Request) -> HTMLResponse:
    """Check the form as the user types: one message element per field (htmx out-of-band)."""
    actor(request)
    data = await _form_data(request)
    ctx = await asyncio.to_thread(_form_context, request)
    form = forms.check(
        data,
        rows=ctx["rows"],
        site_ids=[s.id for s in ctx["sites"]],
        now=utcnow(),
        gettext=lambda m: tr(request, m),
    )
    touched = {k for k, v in data.items() if v.strip()}
    errors = {k: v for k, v in form.errors.items() if k in touched or k == "observed_at"}
    return render(request, "report_errors.html.j2", errors=errors, rows=ctx["rows"])


@router.post("/report", response_class=HTMLResponse)
async def report_submit(request: Request) -> Response:
    """Store the report through the service; a repeated key returns the first report."""
    who = actor(request)
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
    if form.ok:
        assert form.observed_at is not None
        try:
            report_id = await asyncio.to_thread(
                _store_report, request, who, form, agency_id, data.get("idempotency_key") or None
            )
        except ConflictError:
            form.errors["counts"] = tr(
                request, "This form was sent before with other numbers: reload it for a new report."
            )
        except StoreError as exc:
            form.errors["counts"] = "; ".join(exc.problems)
        else:
            return RedirectResponse(f"/?reported={report_id}", status_code=303)
    return render(
        request, "report.html.j2", 422, user=who, values=form.values, errors=form.errors, **ctx
    )


def _store_report(
    request: Request, who: Any, form: forms.ReportForm, agency_id: int | None, key: str | None
) -> int:
    with request.app.state.db.session() as s:
        row, _created = create_report(
            s,
            actor=who,
            site_id=form.values["site_id"],
            observed_at=form.observed_at,  # type: ignore[arg-type]
            counts=form.counts,
            agency_id=agency_id,
            idempotency_key=key,
            remark=form.values.get("remark", "").strip(),
            after=request.app.state.after_report,
        )
        return int(row.id)


@router.get("/sitrep.{fmt}")
def sitrep_download(
    request: Request, fmt: str, as_of: Annotated[dt.date | None, Query()] = None
) -> Response:
    """The situation report of a date in the visitor's language, as HTML or PDF."""
    actor(request)
    lang = language(request)
    if fmt not in ("pdf", "html"):
        return Response(status_code=404)
    html = sitrep.build_html(
        request.app.state.db,
        as_of=as_of,
        lang=lang,
        comparison=request.app.state.settings.comparison,
        standards=request.app.state.settings.needs,
    )
    day = (as_of or utcnow().date()).isoformat()
    if fmt == "html":
        return HTMLResponse(html)
    pdf = sitrep.to_pdf(html)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="sitrep-{day}-{lang}.pdf"'},
    )
