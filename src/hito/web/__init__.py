"""The dashboard: server-rendered pages (Jinja2 + htmx) on top of the coordination service."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from hito.store.settings import Settings

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    """Add the dashboard's pages and static files to the service's app (see hito.service)."""
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from hito.web.account_pages import router as account_router
    from hito.web.alert_pages import router as alert_router
    from hito.web.corrections import router as corrections_router
    from hito.web.forecast_pages import router as forecast_router
    from hito.web.guard import WebGuard
    from hito.web.offline import router as offline_router
    from hito.web.pages import router
    from hito.web.render import BadDate, bad_date, not_found, server_trouble
    from hito.web.session import LoginRequired, to_login
    from hito.web.shelter_form import router as shelter_router
    from hito.web.sitrep_limit import PdfGate

    app.state.settings = settings
    app.state.sitrep_pdfs = PdfGate()  # whose situation report PDF is being made
    app.include_router(account_router)
    app.include_router(router)
    app.include_router(alert_router)
    app.include_router(shelter_router)
    app.include_router(corrections_router)
    app.include_router(forecast_router)
    app.include_router(offline_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(LoginRequired, to_login)
    app.add_middleware(WebGuard, api_prefix="/api/", max_body=settings.max_upload_bytes)
    app.add_exception_handler(BadDate, bad_date)
    # an unknown address outside /api/: the dashboard's "Not found" page, not JSON
    app.add_exception_handler(HTTPException, not_found)
    app.add_exception_handler(RequestValidationError, bad_address)
    # a page or form that fails on the server: a page in the visitor's language (the API
    # keeps JSON); a form's write that lost a race (IntegrityError) too
    for kind in (OperationalError, PoolTimeout, IntegrityError, Exception):
        app.add_exception_handler(kind, server_trouble)
    app.state.web_warm_up = threading.Thread(target=warm_up, name="hito-web-warm-up", daemon=True)
    app.state.web_warm_up.start()


def bad_address(request: Request, exc: Exception) -> Response:
    """A page's address whose number is not one (/alerts/abc): the "Not found" page.

    Such a link was cut short or mistyped; the API and the forms keep their problem details.
    """
    from hito.api import problems
    from hito.web.render import missing_page

    assert isinstance(exc, RequestValidationError)
    path = request.url.path
    api = path == "/api" or path.startswith("/api/")
    in_path = all(e.get("loc", ("",))[0] == "path" for e in exc.errors())
    if api or not in_path or request.method not in ("GET", "HEAD"):
        return problems.response_for(request, exc)
    return missing_page(request)


def warm_up() -> None:
    """Load what the first page needs while the server starts (cached once per process).

    Every template, the catalogues, the built-in scenarios (parsed, and their geometry) and
    the scores' libraries (`scoringrules`' import compiles its kernels, about 5 s), so the
    first visitor does not wait for them.
    """
    from hito import i18n
    from hito.forecast import scoring
    from hito.scenario.load import builtin_names, shared
    from hito.web import forms, overview

    now = dt.datetime.now(dt.UTC)
    for lang in i18n.LANGUAGES:
        i18n.age(now - dt.timedelta(days=3), now, lang)
        i18n.datetime(now, lang)
        i18n.number(1234.5, lang)
        env = i18n.environment(("hito.web", "hito.report"), lang, i18n.DEFAULT_ZONE)
        for name in env.list_templates(extensions=("j2",)):  # the partials they include too
            env.get_template(name)
    for name in builtin_names():
        shared(name)  # the scenario the scores and the places' status read
        overview.scenario_geometry(name)
        forms.groups(name)
    scoring.prepare()  # the overview's and the situation report's scorecard
