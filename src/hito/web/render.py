"""A dashboard page in the visitor's language, and the pages for a refused date or address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from hito import i18n
from hito.api import problems
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.store.report_checks import EARLIEST, may_report
from hito.web import guard
from hito.web.session import LoginRequired, actor, language, saved_language, zone
from hito.web.session import today as local_today

# the header naming when a signed-in page's session ends (UTC, ISO 8601)
SESSION_EXPIRES = "X-Hito-Session-Expires"


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page in the visitor's language.

    A `?lang=` shows this page in that language and saves nothing: a link (a GET, no CSRF
    token) must not change the visitor's saved language; only the page's form does (POST /lang).
    """
    lang = language(request)
    tz = zone(request, context.get("user"))
    env = i18n.environment(("hito.web", "hito.report"), lang, tz)
    guard.install_globals(env)
    env.globals["may_report"] = may_report  # the store's rule: the menu offers what one may do
    context.setdefault("now", utcnow())
    # today in the visitor's zone: the latest day a page may show (`as_of_of`)
    context.setdefault("today", local_today(request, context.get("user")))
    context.setdefault("as_of", None)
    # a page shown in a language by its `?lang=` only: the chooser offers to save it (POST /lang)
    context.setdefault("saved_lang", saved_language(request))
    html = env.get_template(name).render(request=request, path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = lang
    until = getattr(request.state, "session_expires", None)
    if context.get("user") is not None and until is not None:
        # a signed-in page: the phone's service worker keeps it offline only until then (sw.js)
        response.headers[SESSION_EXPIRES] = (
            until.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        )
    return response


class BadDate(Exception):  # noqa: N818 - answered as a 400 page in the visitor's language
    """An `as_of` that is not a date, lies in the future, or before any count can be."""

    def __init__(self, given: str, problem: str):
        super().__init__(given)
        self.given, self.problem = given, problem


def as_of_of(request: Request, who: Actor | None = None) -> dt.date:
    """The date asked for (?as_of=YYYY-MM-DD), else the deployment's, else today.

    Today is the visitor's local day (`session.today`); each site's counts are of its own
    local day (`hito.domain.site_day`).
    """
    raw = request.query_params.get("as_of", "").strip()
    today = local_today(request, who)
    if not raw:
        return request.app.state.settings.as_of or today
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise BadDate(raw, "format") from None
    if day > today:
        raise BadDate(raw, "future")
    if day < EARLIEST.date():  # no count is older; a week before year 1 overflowed (a 500)
        raise BadDate(raw, "past")
    return day


def bad_date(request: Request, exc: Exception) -> Response:
    """A 400 page that says which date was refused and what is expected."""
    assert isinstance(exc, BadDate)
    try:
        who = actor(request)
    except LoginRequired as login:
        from hito.web.session import to_login

        return to_login(request, login)
    return render(request, "bad_date.html.j2", 400, user=who, given=exc.given, problem=exc.problem)


def missing_page(
    request: Request,
    status: int = 404,
    kind: str = "page",
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The dashboard's own 404 page for an address it does not have, in the visitor's language.

    Shown to anyone: the header's sections appear only to a signed-in visitor. With kind "form"
    (405), the address only takes a form sent from its page.
    """
    try:
        who = actor(request)
    except LoginRequired:
        who = None
    response = render(
        request, "missing.html.j2", status, user=who, what=request.url.path, kind=kind
    )
    response.headers.update(headers or {})
    return response


def not_found(request: Request, exc: Exception) -> Response:
    """Unknown addresses outside the API get the page; the API keeps its problem details."""
    assert isinstance(exc, HTTPException)
    path = request.url.path
    api = path == "/api" or path.startswith("/api/")
    if api or request.method not in ("GET", "HEAD") or exc.status_code not in (404, 405):
        return problems.response_for(request, exc)
    if exc.status_code == 405:  # an address that only takes a form, opened as a page
        return missing_page(request, status=405, kind="form", headers=exc.headers)
    return missing_page(request)


def server_trouble(request: Request, exc: Exception) -> Response:
    """A dashboard page or form that failed on the server: a page in the visitor's language.

    An unexpected error (500), a database out of reach (503) or a write that lost a race to
    another request (409), on a page opened or a form posted by the browser; the API, and the
    scripts that read its problem details (the outbox asks for JSON, htmx says so), keep them.
    The page reads no database (the visitor's language and zone come from cookies) and
    carries the page's security headers itself: a 500 is answered outside the guard's
    middleware.
    """
    response = problems.response_for(request, exc)  # logged there, as for the API
    path = request.url.path
    script = guard.asks_for_json(request.headers) or request.headers.get("hx-request") == "true"
    if path == "/api" or path.startswith("/api/") or script:
        return response
    form = request.method not in ("GET", "HEAD")
    kind = {503: "busy", 409: "conflict"}.get(response.status_code, "error")
    try:
        page = render(
            request, "trouble.html.j2", response.status_code, user=None, kind=kind, form=form
        )
    except Exception:  # noqa: BLE001 - the page itself failed: the problem details stand
        return response
    nonce = str(getattr(request.state, "csp_nonce", ""))
    page.headers.update(
        {
            **{k: v for k, v in response.headers.items() if k.lower() != "content-length"},
            "Content-Type": page.headers["content-type"],
            "Content-Length": page.headers["content-length"],
            "Content-Security-Policy": guard.content_security_policy(nonce),
        }
    )
    return page
