"""The hot path of `POST /api/v1/reports`: a plain report post goes straight to the intake.

A JSON report with a bearer token skips the router, its dependencies and its response
model. Only a request that the route would take the same way goes this way: POST to the path,
`Content-Type: application/json`, `Authorization: Bearer …`, at most one valid
`Idempotency-Key`, a body that is a valid `ReportCreate`. Anything else goes on to the
route (`hito.api.routes.reports.create`) with its body replayed, and is answered as
always (401, 422 problems, OpenAPI). The intake's answers are the route's: the same
schema (`ReportPublic`), status (201, or 200 with `Idempotent-Replayed` for a retry),
and problem responses (`hito.api.problems.response_for`). It sits inside the security
headers and the body limit, so both still apply.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hito.api import jsonbody, problems
from hito.api.schemas.reports import ReportCreate, ReportPublic
from hito.domain import IDEMPOTENCY_KEY_PATTERN

_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
_JSON = (b"application/json", b"application/json; charset=utf-8")


class ReportPost:
    """ASGI middleware: posted reports to the intake directly; every other request passes."""

    def __init__(self, app: ASGIApp, *, path: str = "/api/v1/reports") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Take a plain report post, or pass the request on."""
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] != scope.get("root_path", "") + self.path
        ):
            await self.app(scope, receive, send)
            return
        intake = getattr(scope["app"].state, "intake", None) if "app" in scope else None
        token, key, plain = _headers(scope["headers"])
        if not plain or token is None or intake is None:
            await self.app(scope, receive, send)
            return
        body = await _read(receive)
        try:
            report = ReportCreate.model_validate(jsonbody.loads(body))
        except (ValueError, RecursionError, ValidationError):  # the route answers: 400 or 422
            # (a key given twice too: a KeyTwice is a ValueError)
            await self.app(scope, _replay(body, receive), send)
            return
        try:
            row, created = await intake.store(report.submission(token, key))
        except Exception as exc:  # noqa: BLE001 - answered as the app's handlers answer it
            await problems.response_for(Request(scope), exc)(scope, receive, send)
            return
        payload = ReportPublic.model_validate(row).model_dump_json().encode()
        headers = [
            (b"content-length", str(len(payload)).encode()),
            (b"content-type", b"application/json"),
        ]
        if not created:
            headers.append((b"idempotent-replayed", b"true"))
        await send(
            {"type": "http.response.start", "status": 201 if created else 200, "headers": headers}
        )
        await send({"type": "http.response.body", "body": payload})


def _headers(raw: list[tuple[bytes, bytes]]) -> tuple[str | None, str | None, bool]:
    """(bearer token, idempotency key, whether the headers suit the hot path)."""
    token = key = None
    seen_type = seen_key = seen_auth = 0
    plain = True
    for name, value in raw:
        if name == b"content-type":
            seen_type += 1
            plain = plain and value.lower() in _JSON
        elif name == b"authorization":
            seen_auth += 1
            if value.startswith(b"Bearer ") and len(value) > 7:
                token = value[7:].decode("latin-1")
        elif name == b"idempotency-key":
            seen_key += 1
            key = value.decode("latin-1")
            plain = plain and _KEY.fullmatch(key) is not None
    plain = plain and seen_type == 1 and seen_auth == 1 and seen_key <= 1
    return token, key, plain


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        msg = await receive()
        if msg["type"] != "http.request":
            break
        chunks.append(msg.get("body", b""))
        if not msg.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then the client's next messages."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: dict[str, Any] = dict(await receive())
        return message

    return replayed
