"""The dashboard's sign-in and sign-out, and the language and clock its pages are shown in."""

from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hito import i18n
from hito.api.routes.auth import sign_in
from hito.store import tokens
from hito.store.db import Database
from hito.store.errors import AuthError, StoreError, TooManyAttemptsError
from hito.web import guard
from hito.web.render import render
from hito.web.session import (
    LANG_COOKIE,
    ZONE_COOKIE,
    LoginRequired,
    actor,
    forget_session,
    language,
    remember,
    safe_next,
    secure,
    session_cookie,
    set_session,
    tr,
)

router = APIRouter(include_in_schema=False)


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
    """Check the password with the service, keep its token in a cookie, go back to `next`.

    The session the browser held before (a shared phone's previous user, or the same user's
    earlier sign-in) is revoked on the server once the new one is issued.
    """
    settings = request.app.state.settings
    db = request.app.state.db
    address = request.client.host if request.client else "unknown"
    before = request.cookies.get(session_cookie(request))
    try:
        raw, _row = await asyncio.to_thread(
            sign_in, db, settings, username.strip(), password, address
        )
    except TooManyAttemptsError as exc:
        minutes = max(1, -(-int(exc.retry_after) // 60))  # whole minutes, rounded up
        msg = i18n.translations(language(request)).ngettext(
            "Too many failed sign-ins: try again in %(num)s minute.",
            "Too many failed sign-ins: try again in %(num)s minutes.",
            minutes,
        ) % {"num": minutes}
        return render(
            request, "login.html.j2", 429, next=safe_next(next), error=msg, username=username
        )
    except AuthError:
        await asyncio.sleep(settings.login_failure_delay)
        msg = tr(request, "Wrong username or password.")
        return render(
            request, "login.html.j2", 401, next=safe_next(next), error=msg, username=username
        )
    if before:
        await asyncio.to_thread(_revoke_replaced, db, before)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session(
        response,
        raw,
        max_age=settings.token_ttl_minutes * 60,
        secure=secure(request),
    )
    guard.renew(response, secure=secure(request))  # a token known before is not this session's
    return response


def _revoke_replaced(db: Database, token: str) -> None:
    """Revoke the browser's previous session (`tokens.revoke_replaced`) in its own transaction."""
    with db.session() as session:
        tokens.revoke_replaced(session, token=token)


@router.post("/logout")
def logout(request: Request) -> Response:
    """Revoke the session's token on the server and forget it (and the sign-in form's token)."""
    token = request.cookies.get(session_cookie(request))
    if token:
        try:
            who = actor(request)
            with request.app.state.db.session() as session:
                tokens.revoke(session, token=token, actor=who)
        except (LoginRequired, StoreError):
            pass  # the session was already dead: nothing to revoke
    response = RedirectResponse("/login", status_code=303)
    forget_session(request, response)
    guard.renew(response, secure=secure(request))
    return response


@router.post("/lang")
def switch_language(
    request: Request, lang: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"
) -> Response:
    """Remember the chosen language and return to the page (a form with the CSRF token).

    The page's own `?lang=` is dropped from the way back: it would show the page in the
    language just left (and keep it).
    """
    response = RedirectResponse(_without_lang(safe_next(next)), status_code=303)
    if lang in i18n.LANGUAGES:
        remember(request, response, LANG_COOKIE, lang)
    return response


def _without_lang(path: str) -> str:
    """A local path without its `lang` query parameters (the others as they were written)."""
    parts = urlsplit(path)
    kept = [p for p in parts.query.split("&") if p and p.partition("=")[0] != "lang"]
    return urlunsplit(("", "", parts.path, "&".join(kept), parts.fragment))


@router.post("/zone")
def switch_zone(
    request: Request, name: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"
) -> Response:
    """Remember the chosen time zone and return to the page (a form with the CSRF token)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if name in i18n.ZONES:
        remember(request, response, ZONE_COOKIE, name)
    return response


@router.get("/lang/{code}")
@router.get("/lang")
@router.get("/zone")
def switch_by_link(next: str = "/") -> Response:
    """An old link or a foreign page's GET to a switcher: back to the page, nothing changed.

    A choice is made by the page's form (POST, CSRF token), never by following a link.
    """
    return RedirectResponse(safe_next(next), status_code=303)
