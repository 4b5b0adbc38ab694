"""The dashboard's field pages: an alert's deliveries, the ack and stop links, subscriptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from hito import names
from hito.api.schemas.common import RowIdPath
from hito.errors import kept, say
from hito.store import deliveries, subscriptions
from hito.store.agencies import list_agencies
from hito.store.alerts import get_alert
from hito.store.errors import InvalidError, StoreError
from hito.store.models import Delivery, Subscription
from hito.store.plans import alert_words
from hito.store.users import get_user
from hito.web.render import render
from hito.web.session import actor, language, tr

router = APIRouter(include_in_schema=False)


def _outcomes(request: Request) -> dict[str, dict[str, str]]:
    return {
        "outcome": names.outcomes(lambda message: tr(request, message)),
        "severity": names.severities(lambda message: tr(request, message)),
    }


def _reason(stored: str, lang: str) -> tuple[str, str]:
    """Why a delivery failed and the language it is in: the visitor's, or English in older rows."""
    problems = kept(stored)
    if problems is None:  # kept before reasons were said in any language: English
        return stored, "en"
    return "; ".join(say(p, lang) for p in problems), lang


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(request: Request, alert_id: RowIdPath) -> HTMLResponse:
    """One alert: its actions, and each subscriber's delivery and acknowledgment."""
    who = actor(request)
    try:
        with request.app.state.db.session(readonly=True) as session:
            alert = get_alert(session, alert_id=alert_id)
            rows = deliveries.of_alert(session, alert_id=alert_id, actor=who)
            words = alert_words(session, alert, language(request))
            unseen = len(deliveries.unseen_for(session, actor=who, alert_id=alert_id))
            seen_at = deliveries.seen_for(session, actor=who, alert_id=alert_id)
    except StoreError:
        return render(request, "missing.html.j2", 404, user=who, what=str(alert_id), kind="alert")
    outcomes = _outcomes(request)
    return render(
        request,
        "alert.html.j2",
        user=who,
        alert=alert,
        said=words,
        unseen=unseen,
        seen_at=seen_at,
        deliveries=rows,
        reasons={d.id: _reason(d.last_error, language(request)) for d in rows},
        outcome=outcomes["outcome"],
        severity=outcomes["severity"],
    )


@router.post("/alerts/{alert_id}/seen")
def alert_seen(request: Request, alert_id: RowIdPath) -> Response:
    """The signed-in user has seen the alert: its messages to them or their agency marked seen."""
    who = actor(request)
    try:
        with request.app.state.db.session() as session:
            get_alert(session, alert_id=alert_id)
            deliveries.acknowledge_signed_in(session, actor=who, alert_id=alert_id)
    except StoreError:
        return render(request, "missing.html.j2", 404, user=who, what=str(alert_id), kind="alert")
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)


def _link_page(
    request: Request,
    template: str,
    token: str,
    get: Callable[..., Any],
    said: Callable[[Session, Any], dict[str, Any]],
    *,
    writes: bool,
) -> HTMLResponse:
    """A link from a message, signed in or not: what it is about, or (`writes`) doing it once."""
    db = request.app.state.db
    status: int = 404
    ctx: dict[str, Any] = {"found": False}
    try:
        with db.session(readonly=not writes) as session:
            row = get(session, token=token)
            status, ctx = 200, {"found": True, "token": token, **said(session, row)}
    except StoreError:
        pass
    return render(request, template, status, user=None, **ctx)


def _ack_said(request: Request) -> Callable[[Session, Delivery], dict[str, Any]]:
    def said(session: Session, d: Delivery) -> dict[str, Any]:
        alert = get_alert(session, alert_id=d.alert_id)
        return {
            "said": alert_words(session, alert, language(request)),
            "done": d.acknowledged_at is not None,
            "alert": alert,
            "subscriber": subscriptions.who(session, d.subscription),
            "acknowledged_at": d.acknowledged_at,
        }

    return said


def _stop_said(_session: Session, row: Subscription) -> dict[str, Any]:
    return {"done": not row.active, "label": row.label, "target": row.target}


@router.get("/ack/{token}", response_class=HTMLResponse)
def ack_page(request: Request, token: str) -> HTMLResponse:
    """The link in an alert message: the alert and one button to say it has been seen."""
    find, said = deliveries.find_by_token, _ack_said(request)
    return _link_page(request, "ack.html.j2", token, find, said, writes=False)


@router.post("/ack/{token}", response_class=HTMLResponse)
def ack(request: Request, token: str) -> HTMLResponse:
    """Mark the delivery acknowledged (once); the alert page shows who has seen it."""
    act, said = deliveries.acknowledge, _ack_said(request)
    return _link_page(request, "ack.html.j2", token, act, said, writes=True)


@router.get("/stop/{token}", response_class=HTMLResponse)
def stop_page(request: Request, token: str) -> HTMLResponse:
    """The stop link in every alert e-mail: what it stops, and one button to stop it."""
    find = subscriptions.find_by_stop_token
    return _link_page(request, "stop.html.j2", token, find, _stop_said, writes=False)


@router.post("/stop/{token}", response_class=HTMLResponse)
def stop(request: Request, token: str) -> HTMLResponse:
    """Stop the subscription of a stop link, signed in or not (its receiver asked for no more)."""
    act = subscriptions.stop_by_token
    return _link_page(request, "stop.html.j2", token, act, _stop_said, writes=True)


def _subscriptions_page(
    request: Request,
    who: Any,
    *,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    made: Any = None,
) -> HTMLResponse:
    with request.app.state.db.session(readonly=True) as session:
        rows, _n = subscriptions.list_subscriptions(session, actor=who, limit=200)
        agency_names = {a.id: a.name for a in list_agencies(session, limit=1000)[0]}
        others = {r.user_id for r in rows if r.user_id is not None} - {who.user_id}
        usernames = {u: get_user(session, user_id=u).username for u in others}
    # whom each is for, as its reader says it: me, my agency, else (an admin sees all) by name
    owners: dict[int, str] = {}
    for r in rows:
        if r.user_id is not None:
            owners[r.id] = tr(request, "me") if r.user_id == who.user_id else usernames[r.user_id]
        elif r.agency_id is not None and r.agency_id != who.agency_id:
            owners[r.id] = agency_names.get(r.agency_id, "—")
        else:
            owners[r.id] = tr(request, "my agency")
    defaults = {"label": "", "channel": "email", "target": "", "severities": [], "language": "es"}
    return render(
        request,
        "subscriptions.html.j2",
        status_code,
        user=who,
        rows=rows,
        owners=owners,
        values={**defaults, **(values or {})},
        errors=errors or [],
        made=made,
    )


@router.get("/subscriptions", response_class=HTMLResponse)
def subscriptions_page(request: Request) -> HTMLResponse:
    """The signed-in user's and their agency's alert subscriptions, and a form for a new one."""
    return _subscriptions_page(request, actor(request))


@router.post("/subscriptions", response_class=HTMLResponse)
async def subscribe(request: Request) -> HTMLResponse:
    """Make a subscription; a webhook's signing secret is shown on the answer, only then."""
    who = actor(request)
    form = await request.form()
    values: dict[str, Any] = {
        "label": str(form.get("label", "")).strip(),
        "channel": str(form.get("channel", "")),
        "target": str(form.get("target", "")).strip(),
        "severities": [str(v) for v in form.getlist("severities")],
        "language": str(form.get("language", "es")),
        "for_agency": form.get("for_agency") == "1",
    }
    try:
        with request.app.state.db.session() as session:
            row = subscriptions.create_subscription(
                session,
                actor=who,
                label=values["label"],
                channel=values["channel"],
                target=values["target"],
                severities=values["severities"],
                language=values["language"],
                for_user=not values["for_agency"],
                allow_private=request.app.state.settings.webhook_allow_private,
            )
            secret = subscriptions.signing_secret(session, row)
            made = {"id": row.id, "channel": row.channel, "secret": secret}
    except StoreError as exc:
        return _subscriptions_page(
            request,
            who,
            status_code=422,
            values=values,
            errors=_subscription_problems(request, exc),
        )
    return _subscriptions_page(request, who, made=made)


def _subscription_problems(request: Request, exc: StoreError) -> list[str]:
    """A subscription's problems after the form's labels, not the API's field paths."""
    if not isinstance(exc, InvalidError):
        return exc.in_language(language(request))
    labels = {  # as the form names them
        "label": tr(request, "Label"),
        "channel": tr(request, "How"),
        "target": tr(request, "E-mail address or webhook URL"),
        "severities": tr(request, "Severities (none: all)"),
        "language": tr(request, "Language of the messages"),
        "for_user": tr(request, "for my agency (not only me)"),
        "agency_id": tr(request, "for my agency (not only me)"),
    }
    return exc.by_label(labels, language(request))


@router.post("/subscriptions/{subscription_id}/stop")
def unsubscribe(request: Request, subscription_id: RowIdPath) -> Response:
    """Stop one of your subscriptions (or your agency's)."""
    who = actor(request)
    try:
        with request.app.state.db.session() as session:
            subscriptions.deactivate(session, actor=who, subscription_id=subscription_id)
    except StoreError:
        return _subscriptions_page(request, who, status_code=404)
    return RedirectResponse("/subscriptions", status_code=303)
