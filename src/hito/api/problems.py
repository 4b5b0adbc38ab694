"""RFC 9457 problem details for every error, and the request size limit."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hito import counts
from hito.store.errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    InvalidError,
    NotFoundError,
    StoreError,
    TooManyAttemptsError,
)

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("hito.api")

# each kind of store error as an HTTP status and title; a kind not listed is a plain 400
STATUS: dict[type[StoreError], tuple[int, str]] = {
    InvalidError: (422, "Invalid input"),
    NotFoundError: (404, "Not found"),
    ConflictError: (409, "Conflict"),
    ForbiddenError: (403, "Forbidden"),
    AuthError: (401, "Unauthorized"),
    TooManyAttemptsError: (429, "Too many attempts"),
}


def status_of(exc: StoreError) -> tuple[int, str]:
    """The HTTP status and title of a store error (its nearest listed kind, else 400)."""
    for kind in type(exc).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400, "Bad request"


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem details response (type about:blank, the status's title unless given)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _loc(err: dict[str, Any]) -> list[Any]:
    """The error's location; a count's consistency error names the field it is about."""
    out = list(err.get("loc", ()))
    field = counts.ERROR_FIELD.get(str(err.get("type", "")))
    if field == "need":
        field = str((err.get("ctx") or {}).get("need", ""))
    if field and (not out or out[-1] != field):
        out.append(field)
    return out


def _msg(err: dict[str, Any]) -> str:
    """Pydantic's message, without its 'Value error, ' prefix, with the value given."""
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    given = err.get("input")
    if isinstance(given, str) and tuple(err.get("loc", ()))[:1] == ("header",):
        given = _header_text(given)
    if err.get("type") != "missing" and isinstance(given, str | int | float | bool):
        shown = repr(given) if not isinstance(given, str) or len(given) <= 80 else repr(given[:80])
        msg += f" (got {shown})"
    return msg


def _not_json(err: dict[str, Any], body: Any) -> dict[str, Any]:
    """A body that is not JSON, said at its line and column: it was 'body.12: JSON decode error'."""
    loc = tuple(err.get("loc", ()))
    pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
    text = body if isinstance(body, str) else ""
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    why = (err.get("ctx") or {}).get("error", "")
    return {
        "loc": ["body"],
        "msg": f"not valid JSON at line {line}, column {column}: {why}",
    }


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _takes_a_form(request: Request) -> bool:
    """Whether the route that refused the request reads its body as a form."""
    from fastapi import params

    field = getattr(request.scope.get("route"), "body_field", None)
    return isinstance(getattr(field, "field_info", None), params.Form)


def _header_text(value: str) -> str:
    """A header's value as its sender wrote it: HTTP hands over its bytes as Latin-1."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _needs_sign_in(request: Request) -> bool:
    """Whether the route that refused the request depends on a signed-in actor."""
    from hito.api import deps

    gates = (deps.current_actor, deps.bearer_token)
    todo = list(getattr(getattr(request.scope.get("route"), "dependant", None), "dependencies", []))
    while todo:
        d = todo.pop()
        if d.call in gates:
            return True
        todo.extend(d.dependencies)
    return False


def _signed_in_first(request: Request) -> JSONResponse | None:
    """The 401 a caller who is not signed in gets before any word about the body they sent."""
    from hito.api import deps
    from hito.store import tokens

    if not _needs_sign_in(request):
        return None
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            deps.current_actor(request.app.state.db, None)  # raises the route's own 401
        with request.app.state.db.lookup() as session:
            tokens.authenticate(session, token=token.strip())
    except AuthError as refused:
        return _store(request, refused)
    return None


def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # FastAPI reads the body before the route's dependencies: whoever is not signed in is
    # told so, not what the body should have been
    if (refused := _signed_in_first(request)) is not None:
        return refused
    errors = [
        _not_json(e, exc.body)
        if e.get("type") == "json_invalid"
        else {"loc": _loc(e), "msg": _msg(e)}
        for e in exc.errors()
    ]
    lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors]
    sent = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if _takes_a_form(request) and sent not in FORM_TYPES:
        # OAuth2's token endpoint takes a form: a JSON body was told "username: Field required"
        lines.insert(
            0,
            "body: expected a form (Content-Type: application/x-www-form-urlencoded), got "
            + (f"Content-Type: {sent}" if sent else "no Content-Type"),
        )
    return problem(
        422,
        "; ".join(lines) or "invalid request",
        title="Invalid input",
        instance=request.url.path,
        errors=errors,
    )


def _store(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StoreError)
    status, title = status_of(exc)
    headers = None
    if isinstance(exc, TooManyAttemptsError):
        headers = {"Retry-After": str(exc.retry_after)}
    elif status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return problem(
        status,
        "; ".join(exc.in_language("en")),  # the API speaks English to the programs that call it
        title=title,
        instance=request.url.path,
        errors=exc.errors or None,
        headers=headers,
    )


def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(
        exc.status_code,
        str(exc.detail),
        instance=request.url.path,
        headers=dict(exc.headers) if exc.headers else None,
    )


def _database_busy(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return problem(
        503,
        "the database is busy or unreachable (no connection could be had): try again shortly",
        instance=request.url.path,
        headers={"Retry-After": "5"},
    )


def _written_meanwhile(request: Request, exc: Exception) -> JSONResponse:
    """A write that met a row another request committed after this one's checks (a race).

    The store checks uniqueness and references before writing; two requests at the same
    moment can both pass the checks, and the second one's write then breaks a constraint
    (PostgreSQL; SQLite serializes writers). Its transaction was rolled back whole.
    """
    assert isinstance(exc, IntegrityError)
    diag = getattr(exc.orig, "diag", None)
    which = getattr(diag, "constraint_name", None) or "a constraint of the database"
    log.warning("write refused on %s %s: %s", request.method, request.url.path, which)
    return problem(
        409,
        f"another request wrote the same thing at the same moment ({which}); nothing of this "
        "request was saved: reload and try again",
        title="Conflict",
        instance=request.url.path,
    )


# An unexpected error is answered by Starlette's ServerErrorMiddleware, outside every
# middleware of the app (hito.web.guard's headers too): its answer carries them itself.
ERROR_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    headers = dict(ERROR_HEADERS)
    if request.url.scheme == "https" or getattr(
        getattr(request.app.state, "settings", None), "cookie_secure", False
    ):
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return problem(
        500,
        "an unexpected error occurred; it was logged",
        instance=request.url.path,
        headers=headers,
    )


HANDLERS: list[tuple[type[Exception], Any]] = [
    (RequestValidationError, _validation),
    (StoreError, _store),
    (StarletteHTTPException, _http),
    (OperationalError, _database_busy),  # connections refused, lost
    (IntegrityError, _written_meanwhile),  # a race another request won
    (PoolTimeout, _database_busy),  # every pooled connection busy
    (Exception, _unexpected),
]


def install(app: FastAPI) -> None:
    """Register the problem-details handlers on an app."""
    for kind, handler in HANDLERS:
        app.add_exception_handler(kind, handler)


def response_for(request: Request, exc: Exception) -> JSONResponse:
    """The problem response an app with these handlers gives for an exception."""
    for kind in type(exc).__mro__:
        for known, handler in HANDLERS:
            if kind is known:
                response: JSONResponse = handler(request, exc)
                return response
    return _unexpected(request, exc)


class BodyLimit:
    """ASGI middleware: refuse request bodies over a size with 413, before they are read whole."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        too_big = f"the request body is larger than the limit of {self.max_bytes} bytes"
        if length.isdigit():  # the server reads no more than the declared length
            if int(length) > self.max_bytes:
                await problem(413, too_big)(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        await self._counting(scope, receive, send, too_big)

    async def _counting(self, scope: Scope, receive: Receive, send: Send, too_big: str) -> None:
        """A body of unknown length (chunked): counted as it is read, refused past the limit."""
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited, tracking_send)
        except _TooLarge:
            if not started:
                await problem(413, too_big)(scope, receive, send)


class _TooLarge(Exception):
    pass


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "msg"],
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                },
            },
        },
    },
}
PROBLEMS = {
    "400": "the request cannot be read",
    "401": "no valid bearer token (or wrong credentials)",
    "403": "the signed-in user may not do this (role, agency or country)",
    "404": "no such resource",
    "409": "conflicts with what is stored (a name taken, a key reused, a report superseded)",
    "413": "the request body is larger than the limit",
    "422": "invalid input: `errors` lists each field with what was given and what was expected",
    "429": "too many attempts or too much work at once: wait `Retry-After` seconds",
    "503": "the database is busy or unreachable: try again after `Retry-After` seconds",
}
PUBLIC = (
    "/health",
    "/api/v1/log/head",
    "/api/v1/log/key",
    "/api/v1/log/proof/consistency",
)


def document_problems(app: FastAPI) -> None:
    """Make the OpenAPI document list the problem+json answers every operation may give."""
    from fastapi.openapi.utils import get_openapi

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = PROBLEM_SCHEMA
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        ref = {"$ref": "#/components/schemas/Problem"}
        for path, operations in schema.get("paths", {}).items():
            for _method, op in operations.items():
                responses = op.setdefault("responses", {})
                for code, why in PROBLEMS.items():
                    if path in PUBLIC and code in ("401", "403"):
                        continue
                    responses[code] = {
                        "description": why,
                        "content": {MEDIA_TYPE: {"schema": ref}},
                    }
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
