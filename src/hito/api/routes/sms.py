"""Reports by SMS: the gateway's webhook (Twilio or RapidPro style) and registered numbers."""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import Field

from hito import sms
from hito.api.deps import DbDep, SettingsDep, WriterDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import List, Public, RowId
from hito.api.schemas.common import Request as Body
from hito.domain import Language
from hito.errors import Problem
from hito.store import sms as sms_store
from hito.store.errors import AuthError, InvalidError, NotFoundError

router = APIRouter(prefix="/sms", tags=["sms"], route_class=OnceKeyedRoute)


class SenderCreate(Body):
    """A number allowed to send reports for an agency (the editor's own, or one an admin names).

    An admin of a country names one of its agencies.
    """

    phone: str = Field(min_length=5, max_length=30, examples=["+56 9 1234 5678"])
    label: Annotated[str, Field(max_length=200)] = ""
    language: Language = "es"
    agency_id: RowId | None = None


class SenderPublic(Public):
    """A registered number."""

    phone: str
    agency_id: int
    label: str
    language: str
    active: bool


SenderList = List[SenderPublic]


@router.post("/senders", status_code=201, response_model=SenderPublic)
def register(body: SenderCreate, actor: WriterDep, db: DbDep) -> SenderPublic:
    """Register a number to send reports by SMS."""
    with db.session() as session:
        row = sms_store.register_sender(session, actor=actor, **body.model_dump())
        return SenderPublic.model_validate(row)


@router.get("/senders", response_model=SenderList)
def senders(actor: WriterDep, db: DbDep) -> SenderList:
    """Registered numbers: an editor's agency's, a country admin's country's, the operator all."""
    with db.session(readonly=True) as session:
        rows, n = sms_store.list_senders(session, actor=actor, limit=1000)
        return SenderList(data=[SenderPublic.model_validate(r) for r in rows], count=n)


def _inbound(signed: dict[str, str]) -> sms_store.Inbound:
    # a NUL (U+0000 in a UCS-2 message) cannot be stored in PostgreSQL text: kept as U+FFFD
    form = {k: v.replace("\x00", "\ufffd") for k, v in signed.items()}
    if "MessageSid" in form or "SmsSid" in form:
        return sms_store.Inbound(
            "twilio",
            form.get("MessageSid") or form["SmsSid"],
            form.get("From", ""),
            form.get("Body", ""),
        )
    gid = form.get("id") or form.get("message_id") or ""
    if not gid or "from" not in form or "text" not in form:
        raise InvalidError(
            Problem(
                "expected a Twilio-style post (MessageSid, From, Body) or a RapidPro-style post "
                "(id, from, text); got fields: %(value)s",
                value=", ".join(sorted(form)) or Problem("none given"),
            )
        )
    return sms_store.Inbound("rapidpro", gid, form["from"], form["text"])


@router.post(
    "/inbound",
    responses={200: {"content": {"text/xml": {}, "application/json": {}}}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
        }
    },
)
async def inbound(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """One SMS from the gateway: `SITE PEOPLE STRANDED` from a registered number.

    The gateway proves itself with Twilio's X-Twilio-Signature (the token as auth token) or
    the header X-Hito-Token. The answer is the SMS to send back: TwiML for Twilio, JSON
    otherwise. A message id seen before gets the first answer and stores nothing.
    """
    if not settings.sms_token:
        raise NotFoundError(
            Problem("SMS reports are off: set HITO_SMS_TOKEN to the gateway's secret")
        )
    form = {k: str(v) for k, v in (await request.form()).items()}
    signature = request.headers.get("x-twilio-signature")
    if signature is not None:
        url = settings.public_url.rstrip("/") + request.url.path
        expected = sms.twilio_signature(settings.sms_token, url, form)
        ok = hmac.compare_digest(signature.encode(), expected.encode())  # bytes: any character
    else:
        given = request.headers.get("x-hito-token", "")
        ok = hmac.compare_digest(given.encode(), settings.sms_token.encode())
    if not ok:
        raise AuthError(Problem("the gateway's signature or token does not match HITO_SMS_TOKEN"))
    msg = _inbound(form)
    if len(msg.gateway_id) > 100:
        raise InvalidError(
            Problem(
                "message id of %(gateway_id)s characters, expected at most 100",
                gateway_id=len(msg.gateway_id),
            )
        )
    answer = await asyncio.to_thread(
        sms_store.receive, db, msg, after=request.app.state.after_report
    )
    headers = {"X-Hito-Outcome": answer.outcome}
    if answer.replayed:
        headers["Idempotent-Replayed"] = "true"
    if msg.gateway == "twilio":
        return Response(sms.twiml(answer.text), media_type="text/xml", headers=headers)
    body = {"reply": answer.text, "outcome": answer.outcome, "report_id": answer.report_id}
    return Response(json.dumps(body), media_type="application/json", headers=headers)
