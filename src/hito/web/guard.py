"""Cross-site request forgery and framing: a CSRF token and an Origin check on every web change.

Every response carries the security headers (a Content-Security-Policy with
`frame-ancestors 'none'`, `X-Frame-Options: DENY`, `nosniff`, a Referrer-Policy). Every
state-changing request to the dashboard (any method but GET, HEAD, OPTIONS outside
`/api/`) must come from a page of this server: its `Origin` (or, without one, its
`Referer`) names this server when it names one (privacy settings may strip both), and it
carries the CSRF token, as the form field `csrf_token` or the header `X-CSRF-Token`,
checked in constant time. The token is the session's: signed in, it is an HMAC of the
session token with the service's secret (`ServiceSecret.csrf_token`), so a token read in
another session (a shared phone's previous user's) or a planted cookie is worth nothing;
before signing in (the sign-in form), it equals the visitor's `hito_csrf` cookie
(double-submit). Under HTTPS both cookies are named with the `__Host-` prefix
(`session.cookie_name`): no other host and no plain-HTTP page can set them.

The API is not concerned: it reads bearer tokens from the `Authorization` header only, which
a foreign page cannot set. Its answers (JSON, never a page) get the same headers with a
policy that allows nothing (`default-src 'none'; frame-ancestors 'none'`), and no cookie,
token or nonce is made for them.

Templates put the token in a form with `{{ csrf_field() }}` (or `{{ csrf_token() }}` for a
header), and give inline scripts
`nonce="{{ csp_nonce() }}"` (both Jinja globals, see `install_globals`).
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from markupsafe import Markup, escape
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hito.api import docs
from hito.i18n import gettext, number
from hito.web.session import SESSION_COOKIE, cookie_name

CSRF_COOKIE = "hito_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{32,64}$")
_BOUNDARY = re.compile(r'(?i);\s*boundary=(?:"([^"]{1,200})"|([^\s;"]{1,200}))')
_TOKEN_VALUE = re.compile(rb"[A-Za-z0-9_\-]{1,128}")
_FIELD_NAME = re.compile(rb'(?im)^content-disposition:[^\r\n]*\bname="csrf_token"')


def content_security_policy(nonce: str) -> str:
    """The dashboard's policy: its own scripts (and nonce'd inline ones), no framing, no plugins."""
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "connect-src 'self'; "
        "object-src 'none'; "
        "base-uri 'none'; "
        "form-action 'self'; "
        "frame-ancestors 'none'"
    )


def same_origin(source: str, scheme: str, host: str, allowed: Iterable[str] = ()) -> bool:
    """True when an Origin or Referer names this server (scheme and host:port) or an allowed one."""
    parts = urlsplit(source)
    if not parts.scheme or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    return origin == f"{scheme}://{host}".lower() or origin in {a.lower() for a in allowed}


class WebGuard:
    """ASGI middleware: security headers on every response, CSRF and Origin on web changes."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        api_prefix: str = "/api/",
        max_body: int = 1_000_000,
    ) -> None:
        self.app = app
        self.api_prefix = api_prefix
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check a web change, then pass the request on and add the headers to its answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = _plain_cookies(scope)
        if scope.get("path", "").startswith(self.api_prefix):  # no cookie, form or page
            await self.app(scope, receive, _with_api_headers(scope, send))
            return
        headers = Headers(scope=scope)
        web = getattr(getattr(scope.get("app"), "state", None), "settings", None)
        always_secure = bool(getattr(web, "cookie_secure", False))
        secure = always_secure or scope.get("scheme") == "https"
        cookies = headers.get("cookie", "")
        cookie = _cookie(cookies, cookie_name(CSRF_COOKIE, secure))
        fresh = cookie is None or not _TOKEN.match(cookie)
        browser = secrets.token_urlsafe(32) if fresh else str(cookie)
        session = _cookie(cookies, cookie_name(SESSION_COOKIE, secure))
        signed_in = session is not None and _TOKEN.match(session) is not None
        bound = _session_token(scope, str(session)) if signed_in else None
        token = bound or browser
        nonce = secrets.token_urlsafe(16)
        state = scope.setdefault("state", {})
        state["csrf_token"] = token
        state["csp_nonce"] = nonce
        page_send = _with_page_headers(
            send, scope.get("path", ""), nonce, secure, browser if fresh else None
        )
        if scope.get("method", "GET") in SAFE_METHODS:
            await self.app(scope, receive, page_send)
            return
        wants_json = asks_for_json(headers)
        allowed = tuple(getattr(web, "trusted_origins", ()) or ())
        host = headers.get("host", "")
        if always_secure:  # behind a TLS proxy the browser's origin is https
            allowed = (*allowed, f"https://{host}")
        source = headers.get("origin") or headers.get("referer")
        if source is not None and not same_origin(
            source, scope.get("scheme", "http"), host, allowed
        ):
            await _refuse(page_send, "origin", source, wants_json)
            return
        body, receive = await _buffer(receive, self.max_body)
        if body is None:
            await _too_large(page_send, self.max_body)
            return
        given = headers.get(CSRF_HEADER) or _form_token(headers.get("content-type", ""), body)
        # a token made for this very request (no cookie came; no secret to bind it) matches nothing
        unknown = bound is None and (fresh or signed_in)
        if unknown or not given or not hmac.compare_digest(given.encode(), token.encode()):
            await _refuse(page_send, "token", None, wants_json)
            return
        await self.app(scope, receive, page_send)


def _with_page_headers(
    send: Send, path: str, nonce: str, secure: bool, new_token: str | None
) -> Send:
    """`send` adding a page's security headers, and the CSRF cookie when `new_token` is set."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            h = MutableHeaders(scope=message)
            h["X-Content-Type-Options"] = "nosniff"
            h["Referrer-Policy"] = "same-origin"
            h["X-Frame-Options"] = "DENY"
            if h.get("content-type", "").startswith("text/html"):
                # a page holds what its user may see: on a shared phone, after signing out,
                # the back button must not show it again from the browser's cache
                h.setdefault("Cache-Control", "no-store")
            if path.startswith(docs.PAGES):  # the API's documentation: its inline start-up
                h.setdefault("Content-Security-Policy", docs.POLICY)
            else:
                h.setdefault("Content-Security-Policy", content_security_policy(nonce))
            if secure:
                h["Strict-Transport-Security"] = "max-age=31536000"
            if new_token is not None:
                h.append("set-cookie", _cookie_line(new_token, secure))
        await send(message)

    return send_with_headers


def _cookie_line(value: str, secure: bool) -> str:
    """The Set-Cookie value of a CSRF cookie (HTTP-only, same-site strict, Path=/, no Domain).

    Under HTTPS it is Secure and named `__Host-hito_csrf` (`session.cookie_name`).
    """
    flags = "; Path=/; SameSite=Strict; HttpOnly" + ("; Secure" if secure else "")
    return f"{cookie_name(CSRF_COOKIE, secure)}={value}{flags}"


def _session_token(scope: Scope, session: str) -> str | None:
    """The CSRF token bound to a session token; None when the service has no secret (yet)."""
    db = getattr(getattr(scope.get("app"), "state", None), "db", None)
    secret = getattr(db, "secret", None)
    return None if secret is None else str(secret.csrf_token(session))


def renew(response: Any, *, secure: bool) -> None:
    """Give the visitor a new CSRF cookie with `response` (at sign-in and sign-out).

    Signed in, the token is the session's (an HMAC of it); the cookie is the sign-in form's
    token, renewed so that one read before (from the page of a shared phone) is stale too.
    """
    response.headers.append("set-cookie", _cookie_line(secrets.token_urlsafe(32), secure))


# the API answers JSON, never a page: its policy allows nothing to run or frame it
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_API_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
_HSTS = (b"strict-transport-security", b"max-age=31536000")
_REPLACED = frozenset(name for name, _ in (*_API_HEADERS, _HSTS))


def _with_api_headers(scope: Scope, send: Send) -> Send:
    """`send` adding the security headers to an API answer (as `WebGuard` adds them to pages)."""
    web = getattr(getattr(scope.get("app"), "state", None), "settings", None)
    secure = bool(getattr(web, "cookie_secure", False)) or scope.get("scheme") == "https"

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            given = list(message.get("headers", ()))
            headers = [(k, v) for k, v in given if k.lower() not in _REPLACED]
            headers.extend(_API_HEADERS)
            if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                headers.append((b"content-security-policy", API_POLICY.encode()))
            if secure:
                headers.append(_HSTS)
            message = {**message, "headers": headers}
        await send(message)

    return send_with_headers


def _plain_cookies(scope: Scope) -> Scope:
    """The request without the Cookie pairs that hold a backslash (none of hito's ever does).

    Python's cookie unquoting (used by Starlette's `request.cookies`) is quadratic in the
    backslashes of a quoted value before Python 3.11.10 / 3.12.6 (CVE-2024-7592): an 80 kB
    Cookie header of them held the event loop for 19 s, from anyone, signed in or not.
    """
    headers = scope.get("headers") or []
    if not any(k == b"cookie" and b"\\" in v for k, v in headers):
        return scope
    kept = [
        (k, b";".join(p for p in v.split(b";") if b"\\" not in p) if k == b"cookie" else v)
        for k, v in headers
    ]
    return {**scope, "headers": kept}


def _cookie(header: str, name: str) -> str | None:
    """One cookie's value, read in one pass (a malformed header is the same as none)."""
    for pair in header.split(";"):
        key, eq, value = pair.partition("=")
        if eq and key.strip() == name:
            return value.strip().strip('"')
    return None


async def _buffer(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """Read the whole body and replay it downstream; None when it is over `limit` bytes."""
    chunks: list[bytes] = []
    more = True
    messages: list[Message] = []
    size = 0
    while more:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None, receive
        more = message.get("more_body", False)
    body = b"".join(chunks)

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return body, replay


async def _too_large(send: Send, limit: int) -> None:
    text = _both(_TOO_LARGE, limit=limit)
    html = f'<!doctype html><html lang="es"><meta charset="utf-8">{text}</html>'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/html; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": html})


def _form_token(content_type: str, body: bytes) -> str | None:
    """The csrf_token field of a urlencoded or multipart form body."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        try:
            values = parse_qs(body.decode("latin-1"), max_num_fields=10_000)
        except ValueError:
            return None
        got = values.get(CSRF_FIELD)
        return got[0] if got else None
    if kind == "multipart/form-data":
        return _multipart_token(content_type, body)
    return None


def _multipart_token(content_type: str, body: bytes) -> str | None:
    """The csrf_token part of a multipart body, read in one pass (no backtracking search).

    The body is cut at its boundary and each part's header block looked at once, so a body
    made of many `name="csrf_token"` lines costs its length, not its length squared (a
    regular expression over the whole body took minutes on a megabyte, blocking the server).
    """
    found = _BOUNDARY.search(content_type)
    if found is None:
        return None
    boundary = (found.group(1) or found.group(2)).encode("latin-1", "replace")
    for part in body.split(b"--" + boundary):
        head, blank, value = part.partition(b"\r\n\r\n")
        if blank and _FIELD_NAME.search(head):
            value = value.removesuffix(b"\r\n")
            return value.decode() if _TOKEN_VALUE.fullmatch(value) else None
    return None


def _(message: str) -> str:
    """Mark a message for the catalogues (translated when the page is made)."""
    return message


_REFUSALS = {
    "origin": _("This request came from another page ({source}) and was refused."),
    "token": _(
        "The form's security code is missing or does not match your session (it changed since "
        "the page was opened, or it ended): sign in again if asked, reload the page and send it "
        "again."
    ),
}
_TOO_LARGE = _("The request body is larger than the limit of {limit} bytes.")


def _in_both(message: str, **values: str | int) -> dict[str, str]:
    """A message in Spanish and in English, numbers as each writes them (no language set yet)."""
    return {
        lang: gettext(lang, message).format(
            **{k: number(v, lang) if isinstance(v, int) else v for k, v in values.items()}
        )
        for lang in ("es", "en")
    }


def _both(message: str, **values: str | int) -> str:
    """A message in Spanish, then in English, as two paragraphs of a page."""
    said = _in_both(message, **values)
    return f'<p>{said["es"]}</p><p lang="en">{said["en"]}</p>'


def asks_for_json(headers: Mapping[str, str]) -> bool:
    """Whether a request asks for JSON (a script, as the outbox), not a page for a browser."""
    return "application/json" in headers.get("accept", "")


async def _refuse(send: Send, why: str, source: str | None, wants_json: bool = False) -> None:
    """A 403 naming what was wrong in both languages: a page, or JSON for a script (the outbox).

    The JSON's `outcome` is `signin` for a token that is not the session's (the outbox keeps
    the report and says to sign in again), `refused` for another page's request.
    """
    if wants_json:
        said = _in_both(_REFUSALS[why], source=source or "")
        outcome = "signin" if why == "token" else "refused"
        body = json.dumps({"outcome": outcome, "message": said}, ensure_ascii=False).encode()
        kind = b"application/json"
    else:
        text = _both(_REFUSALS[why], source=str(escape(source or "")))
        body = (
            f'<!doctype html><html lang="es"><meta charset="utf-8"><title>403</title>{text}</html>'
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def token(request: Any) -> str:
    """The visitor's CSRF token (set by WebGuard for every request: the session's, if any)."""
    return str(getattr(request.state, "csrf_token", ""))


def install_globals(env: Any) -> None:
    """Add `csrf_field()` and `csp_nonce()` to a Jinja environment (they read `request`)."""
    from jinja2 import pass_context

    @pass_context
    def csrf_field(ctx: Any) -> Markup:
        value = escape(token(ctx["request"]))
        return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{value}">')

    @pass_context
    def csp_nonce(ctx: Any) -> str:
        return str(getattr(ctx["request"].state, "csp_nonce", ""))

    @pass_context
    def csrf_token(ctx: Any) -> str:
        return token(ctx["request"])

    env.globals.update(csrf_field=csrf_field, csrf_token=csrf_token, csp_nonce=csp_nonce)
