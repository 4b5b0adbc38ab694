"""The signed-in session: a cookie that carries the service's bearer token, and the language."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from hito import i18n
from hito.domain import day_shown
from hito.store import tokens
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.errors import AuthError

SESSION_COOKIE = "hito_session"
LANG_COOKIE = "hito_lang"
ZONE_COOKIE = "hito_tz"
HOST_PREFIX = "__Host-"


def cookie_name(name: str, secure: bool) -> str:
    """A cookie's name (session, CSRF token, language, time zone): `__Host-` under HTTPS.

    A `__Host-` cookie must be Secure, for Path=/ and without Domain, so no other host of the
    domain and no plain-HTTP page can set or replace it (a planted session or token). Over
    plain HTTP (http://127.0.0.1, local use) browsers refuse the prefix: the plain name.
    """
    return HOST_PREFIX + name if secure else name


def session_cookie(request: Request) -> str:
    """The name of the session cookie for this request (`cookie_name`)."""
    return cookie_name(SESSION_COOKIE, secure(request))


class LoginRequired(Exception):  # noqa: N818 - a control-flow signal, not an error to report
    """No valid session: the visitor goes to the login page and comes back to `next`."""

    def __init__(self, next_url: str):
        super().__init__(next_url)
        self.next_url = next_url


def safe_next(url: str | None) -> str:
    """A local path to return to after login (anything else becomes the overview)."""
    if not url:
        return "/"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return "/"
    if "\\" in url or any(ord(c) < 32 for c in url):  # browsers read "/\\host" as "//host"
        return "/"
    return url


def here(request: Request) -> str:
    """The path and query of a request (where to come back to)."""
    q = request.url.query
    return request.url.path + (f"?{q}" if q else "")


def actor(request: Request) -> Actor:
    """The signed-in actor, or LoginRequired (no cookie, unknown, expired or revoked token)."""
    token = request.cookies.get(session_cookie(request))
    if not token:
        raise LoginRequired(here(request))
    db: Database = request.app.state.db
    try:
        with db.session(readonly=True) as session:
            who, until = tokens.authenticate_until(session, token=token)
    except AuthError:
        raise LoginRequired(here(request)) from None
    request.state.session_expires = until  # sent with its pages (`render`): kept offline till then
    return who


def preference(request: Request, name: str) -> str | None:
    """A remembered choice (`LANG_COOKIE`, `ZONE_COOKIE`), read under this request's name for it.

    Under HTTPS only the `__Host-` cookie counts (one planted by another host of the domain
    under the plain name is ignored); over plain HTTP (local use) the plain name.
    """
    return request.cookies.get(cookie_name(name, secure(request)))


def remember(request: Request, response: Response, name: str, value: str) -> None:
    """Keep a choice (language, time zone) for a year: `__Host-` and Secure under HTTPS."""
    on = secure(request)
    response.set_cookie(
        cookie_name(name, on), value, max_age=365 * 86400, samesite="lax", path="/", secure=on
    )


def language(request: Request) -> str:
    """The visitor's language: ?lang=, then the saved one (`saved_language`)."""
    asked = request.query_params.get("lang")
    return asked if asked in i18n.LANGUAGES else saved_language(request)


def saved_language(request: Request) -> str:
    """The language the visitor saved (the cookie), else the deployment's default."""
    saved = preference(request, LANG_COOKIE)
    return saved if saved in i18n.LANGUAGES else i18n.pick(request.app.state.settings.language)


def tr(request: Request, message: str) -> str:
    """A message in the visitor's language."""
    return i18n.gettext(language(request), message)


def zone(request: Request, who: Actor | None = None) -> str:
    """The visitor's time zone: the cookie, then the agency's country, then the default."""
    asked = preference(request, ZONE_COOKIE)
    if asked in i18n.ZONES:
        return str(asked)
    if who is not None and who.country_code in i18n.COUNTRY_ZONE:
        return i18n.COUNTRY_ZONE[who.country_code]
    return i18n.zone(request.app.state.settings.zone)


def today(request: Request, who: Actor | None = None) -> dt.date:
    """The day the pages show when none is asked (`hito.domain.day_shown`).

    Today in the visitor's time zone (`zone`), or the border's when a site's day began first.
    """
    return day_shown(zone(request, who), utcnow())


def to_login(request: Request, exc: Exception) -> Response:
    """Send the visitor to the login page, remembering where they were (htmx: HX-Redirect)."""
    assert isinstance(exc, LoginRequired)
    if request.headers.get("HX-Request"):
        # a background request (the form's check): come back to the page it was made from
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = safe_next(page.path + (f"?{page.query}" if page.query else ""))
        target = f"/login?next={quote(back, safe='')}"
        return Response(status_code=204, headers={"HX-Redirect": target})
    target = f"/login?next={quote(exc.next_url, safe='')}"
    response = RedirectResponse(target, status_code=303)
    forget_session(request, response)
    return response


def secure(request: Request) -> bool:
    """Whether cookies must be Secure: the request came over HTTPS, or the settings say always."""
    return request.url.scheme == "https" or bool(request.app.state.settings.cookie_secure)


def forget_session(request: Request, response: Response) -> None:
    """Delete the session cookie (Secure and Path=/ as it was set: else a browser keeps it)."""
    on = secure(request)
    response.delete_cookie(
        cookie_name(SESSION_COOKIE, on), path="/", secure=on, httponly=True, samesite="lax"
    )


def set_session(response: Response, token: str, *, max_age: int, secure: bool) -> None:
    """Store the token in an HTTP-only, same-site cookie (`__Host-` prefixed under HTTPS)."""
    response.set_cookie(
        cookie_name(SESSION_COOKIE, secure),
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
