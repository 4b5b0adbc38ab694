"""The dashboard: server-rendered pages (Jinja2 + htmx) on top of the coordination service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from hito.web.settings import WebSettings

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, settings: WebSettings | None = None) -> None:
    """Add the dashboard's pages and static files to the service's app."""
    from hito.web.pages import router
    from hito.web.session import LoginRequired, to_login

    app.state.web_settings = settings or WebSettings()
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(LoginRequired, to_login)
