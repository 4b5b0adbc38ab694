"""`create_app(settings)`: the coordination service, its API and its pages, from one Settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from hito.store.db import Database
    from hito.store.reports import AfterReport
    from hito.store.settings import Settings


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    after_report: AfterReport | None = None,
) -> FastAPI:
    """The API at /api/v1 and the dashboard's pages at /, both reading the same `settings`.

    Only for the hosts of `HITO_ALLOWED_HOSTS` and `HITO_PUBLIC_URL` (`hito.api.hosts`).

    `settings` defaults to `load_settings()` (HITO_* and HITO_SETTINGS_FILE); `database` and
    `after_report` are passed to the API (see `hito.api.app.create_api`).
    """
    from hito import web
    from hito.api import hosts
    from hito.api.app import create_api
    from hito.store.settings import load_settings

    settings = settings or load_settings()
    app = create_api(settings, database=database, after_report=after_report)
    web.install(app, settings)
    hosts.install(app, settings)  # the outermost: a host not allowed reaches nothing
    return app


def app_from_environment() -> FastAPI:
    """Factory for `uvicorn --factory` and several workers: HITO_* and HITO_SETTINGS_FILE."""
    return for_server(create_app())


def for_server(app: FastAPI) -> FastAPI:
    """Tune the process that serves `app` (a server's, not a test's or a library's).

    The report intake's writer thread and the event loop share the GIL: neither should
    wait the default 5 ms for it after each database round trip or each request. Once the
    app has started and the pages' warm-up is done, what it loaded (libraries, templates,
    the scenarios' geometry) is moved out of the garbage collector's reach (`gc.freeze`):
    a full collection then walks the objects made since, not the whole heap (about 100 ms
    every few seconds under load, which every waiting request paid).
    """
    import asyncio
    import gc
    import sys
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager
    from typing import Any

    sys.setswitchinterval(0.0005)
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        async with started(a) as state:
            warm_up = getattr(a.state, "web_warm_up", None)
            if warm_up is not None:  # what the pages load is frozen too
                await asyncio.to_thread(warm_up.join, 60)
            gc.collect()
            gc.freeze()
            yield state

    app.router.lifespan_context = lifespan
    return app
