"""The dashboard's pages: overview, site, plans, field report, downloads."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hito import i18n
from hito.domain import is_ident
from hito.errors import InputError
from hito.plans.status import CARRY_DAYS
from hito.report import forecast_view, plan_odds
from hito.report.skill_lines import live_skill_summary, skill_and_reach, skill_lines
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.store.errors import ForbiddenError, StoreError
from hito.store.forecasts import latest_result, running
from hito.store.needs import picture as needs_picture
from hito.store.needs import profile
from hito.store.plans import list_plans, parsed
from hito.store.report_checks import may_report_at, may_supersede
from hito.store.scorecard import live_scorecard
from hito.web import overview, reporting, sitrep, sitrep_limit
from hito.web import situation as sit
from hito.web.plan_picture import MEASURED, forecast_value, trigger_status
from hito.web.render import as_of_of, missing_page, render
from hito.web.session import actor, language, zone
from hito.web.session import today as local_today

router = APIRouter(include_in_schema=False)


def _picture(request: Request, as_of: dt.date, who: Actor | None) -> sit.Situation:
    settings = request.app.state.settings
    tz = zone(request, who)  # `as_of` is the visitor's local day
    # one snapshot: the log's entries move from waiting to sequenced while the page reads them
    with request.app.state.db.session(readonly=True, snapshot=True) as session:
        return sit.situation(session, as_of=as_of, stale_days=settings.stale_days, zone=tz)


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, reported: int | None = None) -> HTMLResponse:
    """The ten-second picture: counts and trends, forecast band, triggers, duties, map, log."""
    who = actor(request)
    as_of = as_of_of(request, who)
    picture = _picture(request, as_of, who)
    with request.app.state.db.session(readonly=True) as session:
        need = needs_picture(
            session,
            forecast=None if picture.forecast_stale else picture.forecast,
            standards=request.app.state.settings.needs,
            as_of=picture.as_of,
        )
        card = live_scorecard(session, as_of)
    return render(
        request,
        "overview.html.j2",
        refresh=request.app.state.settings.refresh_seconds,
        carry_days=CARRY_DAYS,
        user=who,
        s=picture,
        as_of=as_of,
        asked=request.query_params.get("as_of", ""),
        maps=overview.maps(picture, language(request), request.query_params.get("as_of", "")),
        site_titles={x.id: x.title for x in picture.sites},
        reported=reported,
        needs=need,
        # a band 14 to 28 days ahead: its skill, and how far ahead skill was measured at all
        skill=skill_and_reach(picture.forecast["scenario"], language(request))
        if picture.forecast
        else [],
        count_lines=_count_lines(picture),
        live_skill=live_skill_summary(card, language(request)),
    )


def _count_lines(picture: Any) -> list[tuple[Any, dict[str, Any]]]:
    """Each counted site's field-count band a week after the picture: the band the skill scores."""
    out = []
    for x in picture.sites:
        bands = forecast_view.count_bands(picture.forecast, x.id, picture.as_of)
        if bands:
            out.append((x, bands[0]))
    return out


@router.get("/sites.csv")
def sites_csv(request: Request) -> Response:
    """The overview's sites as CSV: ISO dates and times with their offset, in the viewer's zone."""
    import csv
    import io

    who = actor(request)
    as_of = as_of_of(request, who)
    picture = _picture(request, as_of, who)
    tz = zone(request, who)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "as_of",
            "site",
            "country",
            "status",
            "people",
            "stranded",
            "at_least",  # stranded is a lower bound ("more than 100"; people_at_least: people)
            "counted_at",
            "stale",
            "trend",
            "trend_days",
            "band_first",
            "band_last",
            "band_p10",
            "band_p50",
            "band_p90",
            # columns added since go at the end, in the order they came, so that a reader by
            # position of an earlier layout (a spreadsheet's formula, an R script) reads the same.
            # trend_bound: "at_least" / "at_most" where an open-ended count ("more than 100")
            # makes the change a bound, as the page's "≥ 1.200" / "≤ −80" say; empty when exact
            "trend_bound",
            # the day's figure is the median of each agency's latest count of the day: how
            # many agencies counted, their lowest and highest count, whether they disagree
            "agencies",
            "stranded_low",
            "stranded_high",
            "disagree",
            "people_at_least",
        ]
    )
    for x in picture.sites:
        b = x.band or {}
        w.writerow(
            [
                as_of.isoformat(),
                x.id,
                x.country,
                x.status,
                x.people,
                x.stranded,
                x.at_least,
                i18n.iso(x.observed_at, tz),
                x.stale,
                x.trend,
                x.trend_days,
                i18n.iso(b.get("first")),
                i18n.iso(b.get("last")),
                *(round(b[k]) if k in b else "" for k in ("low", "mid", "high")),
                x.trend_bound or "",
                x.agencies,
                x.low,
                x.high,
                x.disagree,
                x.people_at_least,
            ]
        )
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sites-{as_of.isoformat()}.csv"'},
    )


@router.get("/sites/{site_id}", response_class=HTMLResponse)
def site_page(request: Request, site_id: str) -> HTMLResponse:
    """One site: its counts and its own forecast band, stale or not, capacity, status history."""
    return site_response(request, site_id)


def site_response(
    request: Request,
    site_id: str,
    status_code: int = 200,
    shelter_errors: dict[str, str] | None = None,
    shelter_values: dict[str, str] | None = None,
) -> HTMLResponse:
    """The site page; with a refused shelter form, its problems (by field, or "form") as typed."""
    who = actor(request)
    lang = language(request)
    if not is_ident(site_id):  # "a%00b" typed in the address: no site, and no query with it
        return render(request, "missing.html.j2", 404, user=who, what=site_id)
    as_of = as_of_of(request, who)
    try:
        with request.app.state.db.session(readonly=True) as session:
            detail = sit.site_detail(session, site_id, as_of)
            forecast = latest_result(session, as_of)
            busy = running(session)
            need = needs_picture(
                session,
                forecast=None if forecast_view.stale(forecast, as_of) else forecast,
                standards=request.app.state.settings.needs,
                as_of=as_of,
            )
    except StoreError:
        return render(request, "missing.html.j2", 404, user=who, what=site_id)
    old = forecast_view.stale(forecast, as_of)
    chart = sitrep.site_chart(detail, None if old else forecast, lang)
    count_bands = forecast_view.count_bands(forecast, site_id, as_of)
    return render(
        request,
        "site.html.j2",
        status_code,
        user=who,
        shelter_errors=shelter_errors or {},
        shelter_values=shelter_values,
        d=detail,
        forecast=forecast,
        chart=chart,
        stale=old,
        needs=need,
        needs_site=site_id,
        busy=busy,
        as_of=as_of,
        own=forecast_view.fan(forecast, site_id) is not None,
        count_bands=count_bands,
        skill=skill_lines(forecast["scenario"], lang) if forecast and count_bands else [],
        stale_days=request.app.state.settings.stale_days,
        forecast_days=forecast_view.STALE_DAYS,
        # whose calendar the site's days are (hito.domain.site_day): its country's clock
        site_zone=i18n.COUNTRY_ZONE.get(detail["site"].country, "UTC"),
        needs_profile=profile(detail["current"]) if detail["current"] else None,
        may_report_at=may_report_at,  # the store's rules, for the actions the page offers
        may_supersede=may_supersede,
    )


@router.get("/plans", response_class=HTMLResponse)
def plans_page(request: Request) -> HTMLResponse:
    """Stored plans, whether each trigger is met, and the comparison of the options."""
    who = actor(request)
    lang = language(request)
    as_of = as_of_of(request, who)
    with request.app.state.db.session(readonly=True) as session:
        rows, _n = list_plans(session, limit=200)
        stored = [(r, parsed(r)) for r in rows]
        status = {p.name: st for p, st in trigger_status(session, as_of)}
        forecast = latest_result(session, as_of)
    # a forecast trigger's value in the fresh forecast, as the overview shows it
    predicted = {
        (p.name, t.id): forecast_value(t, forecast, as_of)
        for _r, p in stored
        for t in p.triggers
        if t.source == "forecast"
    }
    try:
        cmp, cmp_problem = sit.read_comparison(request.app.state.settings.comparison), ""
    except InputError as exc:  # a file the deployment points to that is no comparison
        cmp, cmp_problem = None, " ".join(exc.in_language(lang))
    charts = sitrep.comparison_charts(cmp, lang, {p.name: p for _r, p in stored}) if cmp else []
    return render(
        request,
        "plans.html.j2",
        user=who,
        stored=stored,
        status=status,
        cmp=cmp,
        cmp_problem=cmp_problem,
        charts=charts,
        odds=plan_odds.odds(cmp, lang, {p.name: p for _r, p in stored}) if cmp else None,
        predicted=predicted,
        as_of=as_of,
        titles={p.name: p for _r, p in stored},
        measured=MEASURED,
    )


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, site: str = "") -> HTMLResponse:
    """The field report form, with a fresh idempotency key."""
    who = actor(request)
    ctx = reporting.form_context(request, who)
    values = {
        "site_id": site,
        "idempotency_key": uuid.uuid4().hex,
        # without JavaScript the time is on the visitor's clock, with its offset (labelled)
        **reporting.clock_values(request, who, utcnow()),
    }
    # a link to a site of the other country (a shared link, a bookmark): why it is not offered
    errors = {"site_id": reporting.elsewhere(request, site, who)} if site else {}
    errors = {k: v for k, v in errors.items() if v}
    return render(request, "report.html.j2", user=who, values=values, errors=errors, **ctx)


@router.post("/report/check", response_class=HTMLResponse)
async def report_check(request: Request) -> HTMLResponse:
    """Check the form as the user types: one message element per field (htmx out-of-band)."""
    actor(request)
    data, form, ctx = await reporting.checked(request)
    touched = {k for k, v in data.items() if v.strip()}
    errors = {k: v for k, v in form.errors.items() if k in touched or k == "observed_at"}
    return render(request, "report_errors.html.j2", errors=errors, rows=ctx["rows"])


@router.post("/report", response_class=HTMLResponse)
async def report_submit(request: Request) -> Response:
    """Store the report through the service; a repeated key returns the first report."""
    who = actor(request)
    data, form, ctx = await reporting.checked(request, who)
    agency_id = reporting.sender_agency(request, who, data, form, ctx["agencies"])
    if form.ok:
        key = data.get("idempotency_key") or None
        try:
            report_id, _created, day = await asyncio.to_thread(
                reporting.store, request, who, form, agency_id, key
            )
        except StoreError as exc:  # the other country's site: said at the site's field
            field = "site_id" if isinstance(exc, ForbiddenError) else "counts"
            form.errors[field] = reporting.refusal(request, exc, who, form)
        else:
            shown = request.app.state.settings.as_of
            where = reporting.overview_after(report_id, day, shown, local_today(request, who))
            return RedirectResponse(where, status_code=303)
    return render(
        request, "report.html.j2", 422, user=who, values=form.values, errors=form.errors, **ctx
    )


@router.get("/sitrep.{fmt}")
def sitrep_download(request: Request, fmt: str) -> Response:
    """The situation report of a date in the visitor's language and zone, as HTML or PDF.

    A PDF (WeasyPrint, heavy) is made one at a time per user and a few per minute
    (`hito.web.sitrep_limit`); more get a 429 page.
    """
    who = actor(request)
    if fmt not in ("pdf", "html"):
        return missing_page(request)
    as_of = as_of_of(request, who)
    if fmt == "html":
        return HTMLResponse(_sitrep_html(request, who, as_of))
    try:
        with sitrep_limit.admitted(request, who):
            pdf = sitrep.to_pdf(_sitrep_html(request, who, as_of))
    except sitrep_limit.Refused as exc:
        return sitrep_limit.refused_page(request, who, exc)
    day, lang = as_of.isoformat(), language(request)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="sitrep-{day}-{lang}.pdf"'},
    )


def _sitrep_html(request: Request, who: Actor, as_of: dt.date) -> str:
    """The situation report's HTML (the PDF's too) in the visitor's language and zone."""
    lang = language(request)
    settings = request.app.state.settings

    def build(comparison: Path | None) -> str:
        return sitrep.build_html(
            request.app.state.db,
            as_of=as_of,
            lang=lang,
            comparison=comparison,
            standards=settings.needs,
            zone=zone(request, who),
            stale_days=settings.stale_days,
        )

    try:
        return build(settings.comparison)
    except InputError:  # a file that is no comparison: left out (the plans page says why)
        return build(None)
