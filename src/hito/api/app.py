"""`create_api(settings)`: the API alone, its database, routes and errors (no pages)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import APIRouter, FastAPI

from hito.api import docs, problems
from hito.api.report_post import ReportPost
from hito.api.routes import (
    agencies,
    alerts,
    audit,
    auth,
    countries,
    forecasts,
    log,
    plans,
    reports,
    shelters,
    sites,
    sms,
    subscriptions,
    users,
)
from hito.errors import HitoError, Problem
from hito.store import logclaim, migrate
from hito.store.audit import log_signer
from hito.store.db import Database
from hito.store.forecastrefresh import ForecastRefresher
from hito.store.forecastrun import ForecastRunner
from hito.store.intake import report_intake
from hito.store.logkey import signing_key
from hito.store.reports import AfterReport
from hito.store.sequencer import Sequencer
from hito.store.settings import Settings, load_settings, log_key_path

API_PREFIX = "/api/v1"


def quiet_parameter_aliases() -> None:
    """Ignore, for the whole process, pydantic's false warning on FastAPI's parameter aliases.

    FastAPI builds a route's parameters lazily (at `include_router` and at the first request)
    and silences pydantic's "The 'alias' attribute ... has no effect" inside
    `warnings.catch_warnings()`, which swaps the process-wide filter list: a thread that
    leaves its own `catch_warnings` meanwhile (the pages' warm-up, a forecast refresh:
    scipy and numba use it) puts back the list it saw and the warning escapes. A filter
    installed before those threads start is in every list they put back.
    """
    import warnings

    from pydantic.warnings import UnsupportedFieldAttributeWarning

    warnings.filterwarnings(
        "ignore", message="The 'alias' attribute", category=UnsupportedFieldAttributeWarning
    )


def create_api(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    after_report: AfterReport | None = None,
) -> FastAPI:
    """Build the API; the database opens (and migrates if allowed) when the app starts.

    `database` lets a caller share one already open (tests, the dashboard); `after_report`
    replaces the hook run after each new report (by default: plan triggers and alerts).
    """
    settings = settings or load_settings()
    quiet_parameter_aliases()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = database or Database.from_settings(settings)
        # before the migration: it keys the rows already there with the key's secret (0007)
        app.state.log_key = signing_key(  # the log's own: InputError for another
            log_key_path(settings), create=settings.log_key_create, signer=log_signer(db)
        )
        logclaim.claim(db, app.state.log_key, log_key_path(settings))  # keyed with another?
        db.use_key(app.state.log_key)
        if migrate.needs_upgrade(db):
            if not settings.auto_migrate:
                raise HitoError(
                    Problem(
                        "the database schema is at %(value)s, this hito needs %(head)s: run `hito "
                        "db upgrade` (or set HITO_AUTO_MIGRATE=true)",
                        value=migrate.current(db) or "nothing",
                        head=migrate.head(),
                    )
                )
            migrate.upgrade(db)
        app.state.forecast_runner = runner = ForecastRunner(db)  # one at a time in this process
        app.state.db = db
        if settings.forecast_scenario:
            app.state.refresher = ForecastRefresher(
                db,
                scenario=settings.forecast_scenario,
                days=settings.forecast_days,
                particles=settings.forecast_particles,
                runner=runner,
            )
        sequencer = Sequencer(db, app.state.log_key, every=settings.log_sequence_seconds)
        sequencer.start()
        app.state.intake = report_intake(db, after=app.state.after_report)
        app.state.intake.start()
        runner.start()  # forecasts that stopped processes left: interrupted; then its beats
        try:
            yield
        finally:
            app.state.intake.stop()
            sequencer.stop()
            runner.stop()
            if database is None:
                db.dispose()

    app = FastAPI(
        title="hito coordination service",
        version=version("hito"),
        description="Field reports, sites, plans, alerts and an audit log shared by two countries.",
        lifespan=lifespan,
        docs_url=None,  # hito.api.docs serves them from installed assets, not a CDN
        redoc_url=None,
    )
    docs.install(app)
    app.state.settings = settings
    app.state.refresher = None
    app.state.log_check = audit.CheckGate(settings.audit_verify_reuse_seconds)
    app.state.after_report = refreshing(
        app, after_report if after_report is not None else default_after_report()
    )
    problems.install(app)
    problems.document_problems(app)
    app.add_middleware(ReportPost, path=f"{API_PREFIX}/reports")  # inside the body limit
    app.add_middleware(problems.BodyLimit, max_bytes=settings.max_upload_bytes)

    api = APIRouter(prefix=API_PREFIX)
    for module in (
        auth,
        countries,
        agencies,
        users,
        sites,
        shelters,
        reports,
        plans,
        alerts,
        subscriptions,
        sms,
        forecasts,
        audit,
        log,
    ):
        api.include_router(module.router)
    app.include_router(api)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    return app


def refreshing(app: FastAPI, hook: AfterReport | None) -> AfterReport:
    """The after-report hook, then a refresh of the calibrated forecast after the commit.

    The refresh runs when the settings name a forecast scenario (`forecast_scenario`).
    """
    from sqlalchemy import event

    def after(session: Any, actor: Any, report: Any) -> None:
        if hook is not None:
            hook(session, actor, report)
        refresher = app.state.refresher
        if refresher is not None:
            event.listen(session, "after_commit", lambda _s: refresher.request(), once=True)

    return after


def default_after_report() -> AfterReport | None:
    """The hook that re-evaluates the stored plans' observed triggers (None if unavailable)."""
    try:
        from hito.store.alerts import after_report
    except ImportError:
        return None
    return after_report
