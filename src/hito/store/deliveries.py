"""Deliveries of alerts to subscribers: queued with the alert, sent by a restartable worker.

Each (alert, subscription) pair has one delivery row, made in the transaction that stores the
alert, so no alert is lost and none is queued twice. The worker claims one due delivery at a
time with a lease (status `sending`), sends it, then records the outcome. A worker killed
mid-send leaves the lease to run out; the next worker sends again with the same message id
(the e-mail's Message-ID, the webhook's `webhook-id`), which receivers use to drop the
repeat: each alert reaches each subscriber once. Failures are retried with exponential
backoff up to a bound, then the delivery is `failed` with its reason. A delivery whose
subscription was stopped before it was sent is `stopped`, tried once and never again.
"""

from __future__ import annotations

import base64
import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from hito import notify
from hito.domain import CHANNELS
from hito.errors import HitoError, Plural, Problem, Said, keep
from hito.store import audit, logsecret
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.deliverybytes import of_rows
from hito.store.errors import NotFoundError
from hito.store.models import Alert, Delivery, StoredPlan, Subscription
from hito.store.plans import alert_words
from hito.store.subscriptions import (
    link_secret,
    may_see,
    reaching,
    signing_secret,
    stop_token,
    who,
)


@dataclass(frozen=True)
class WorkerConfig:
    """How the worker sends: SMTP server, public address for links, retry and lease bounds."""

    smtp: notify.Smtp | None = None
    public_url: str = "http://127.0.0.1:8000"
    max_attempts: int = 6
    backoff_seconds: float = 30.0
    backoff_cap_seconds: float = 3600.0
    lease_seconds: float = 120.0
    webhook_timeout: float = 10.0
    webhook_allow_private: bool = False  # loopback and local network receivers too


STOPPED_REASON = Problem("the subscription was stopped before this was sent")
SEAL_BROKEN = Problem(
    "the subscription's signing secret does not open with this service's key (changed in the "
    "database, or sealed under another key): nothing was signed with it; subscribe again"
)


CHANGED = Problem(
    "the alert, its plan or the subscription changed in the database after the alert was "
    "queued (its MAC does not match): nothing was sent; the alert's page shows it as stored"
)


def _plan_text(session: Session, alert: Alert) -> str:
    """The stored text of the plan version an alert was raised from (what its titles say)."""
    return session.scalar(select(StoredPlan.text).where(StoredPlan.id == alert.plan_id)) or ""


def _refused(session: Session, d: Delivery, secret: str | None) -> Problem | None:
    """Why a delivery is not to be sent at all, or None.

    Its subscription was stopped; its MAC does not match what its alert, plan and
    subscription hold now; or its webhook's signing secret does not open.
    """
    if not d.subscription.active:
        return STOPPED_REASON
    alert = session.get(Alert, d.alert_id)
    assert alert is not None
    data = of_rows(d.message_id, d.subscription, alert, _plan_text(session, alert))
    if not logsecret.of_session(session).delivery_ok(data, d.mac):
        return CHANGED
    if secret is None and d.subscription.channel == "webhook":
        return SEAL_BROKEN
    return None


def ack_token(session: Session, sub: Subscription, message_id: str) -> str:
    """The token of a delivery's acknowledgment link, keyed with the service's secret.

    Only its digest (`hito.store.logsecret`, as for bearer tokens) is stored.
    """
    mac = logsecret.of_session(session).link_mac(link_secret(session, sub), f"ack:{message_id}")
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _digest(session: Session, token: str) -> str:
    return logsecret.of_session(session).token_digest(token)


def matches(sub: Subscription, alert: Alert) -> bool:
    """Whether a subscription asks for this alert (empty filters take everything)."""
    if not sub.active:
        return False
    if sub.plans and alert.plan_name not in sub.plans:
        return False
    if sub.severities and alert.severity not in sub.severities:
        return False
    return not (sub.sites and alert.sites and not set(sub.sites) & set(alert.sites))


def enqueue(session: Session, alert: Alert) -> list[Delivery]:
    """One pending delivery per matching subscription, in the alert's own transaction.

    Each carries the MAC of what it will say (`hito.store.deliverybytes`), checked by `send`.
    """
    out = []
    session.flush()  # the alert's defaults (its time) are part of what the MAC covers
    plan_text = _plan_text(session, alert)
    secret = logsecret.of_session(session)
    for sub in session.scalars(select(Subscription).where(Subscription.active.is_(True))):
        if not matches(sub, alert):
            continue
        message_id = f"msg_{uuid.uuid4().hex}"
        row = Delivery(
            alert_id=alert.id,
            subscription_id=sub.id,
            message_id=message_id,
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
            ack_hash=_digest(session, ack_token(session, sub, message_id)),
            last_error="",
            mac=secret.delivery_mac(of_rows(message_id, sub, alert, plan_text)),
        )
        session.add(row)
        out.append(row)
    session.flush()
    return out


def _due(now: dt.datetime) -> Any:
    return or_(
        (Delivery.status == "pending") & (Delivery.next_attempt_at <= now),
        (Delivery.status == "sending") & (Delivery.lease_until < now),
    )


def channels(cfg: WorkerConfig) -> tuple[str, ...]:
    """The channels a worker so configured can send by: e-mail only with an SMTP server."""
    return tuple(c for c in CHANNELS if c != "email" or cfg.smtp is not None)


def email_subscribed(session: Session) -> bool:
    """Whether anyone is subscribed to alerts by e-mail (so e-mails may be queued)."""
    q = select(Subscription.id).where(Subscription.channel == "email", Subscription.active)
    return session.scalar(q.limit(1)) is not None


def waiting_emails(session: Session) -> int:
    """How many e-mail deliveries are queued (pending, or being sent by a worker)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Delivery)
            .join(Subscription, Subscription.id == Delivery.subscription_id)
            .where(Delivery.status.in_(("pending", "sending")), Subscription.channel == "email")
        )
        or 0
    )


class EmailBacklog:
    """The e-mails a worker without an SMTP server leaves queued: told again only when they grow.

    `grown()` counts them now and returns the count when it is above the last one it saw (or
    the `seen` it started from), else None. A count that fell (a worker with a server sent
    some) becomes the mark, so an e-mail queued after it is told again.
    """

    def __init__(self, db: Database, seen: int = 0) -> None:
        self.db = db
        self.seen = seen

    def grown(self) -> int | None:
        """How many e-mails wait now, if more than last time; else None."""
        with self.db.session(readonly=True) as session:
            n = waiting_emails(session)
        before, self.seen = self.seen, n
        return n if n > before else None


def claim(
    db: Database,
    *,
    lease_seconds: float,
    now: dt.datetime | None = None,
    by: tuple[str, ...] = CHANNELS,
) -> int | None:
    """Take one due delivery for this worker (a lease), in its own transaction; its id.

    Only deliveries by the channels `by` are taken: a worker without an SMTP server leaves
    e-mails queued, their attempts untouched, for one that has it.
    """
    now = now or utcnow()
    with db.session() as session:
        by_channel = Delivery.subscription_id.in_(
            select(Subscription.id).where(Subscription.channel.in_(by))
        )
        q = select(Delivery.id).where(_due(now), by_channel).order_by(Delivery.id).limit(1)
        did = session.scalar(q.with_for_update(skip_locked=True))
        if did is None:
            return None
        taken = session.execute(
            update(Delivery)
            .where(Delivery.id == did, _due(now))
            .values(
                status="sending",
                lease_until=now + dt.timedelta(seconds=lease_seconds),
                attempts=Delivery.attempts + 1,
            )
        )
        return did if taken.rowcount == 1 else None  # type: ignore[attr-defined]


def _message(
    session: Session, d: Delivery, cfg: WorkerConfig
) -> tuple[notify.Message, Subscription]:
    alert = session.get(Alert, d.alert_id)
    assert alert is not None
    sub = d.subscription
    base = cfg.public_url.rstrip("/")
    try:  # titles in the subscriber's language
        words = alert_words(session, alert, sub.language)
    except HitoError:  # a plan this version cannot read: its ids, and the message still goes
        words = {"plan": alert.plan_name, "trigger": alert.trigger, "actions": alert.actions}
    data = {
        "id": alert.id,
        "plan_name": alert.plan_name,
        "plan_title": words["plan"],
        "trigger": alert.trigger,
        "trigger_title": words["trigger"],
        "severity": alert.severity,
        "met_since": alert.met_since,
        "sites": alert.sites,
        "actions": words["actions"],
        "created_at": alert.created_at,
    }
    msg = notify.compose(
        data,
        message_id=d.message_id,
        language=sub.language,
        ack_url=f"{base}/ack/{ack_token(session, sub, d.message_id)}",
        alert_url=f"{base}/alerts/{alert.id}",
        stop_url=f"{base}/stop/{stop_token(session, sub)}" if sub.channel == "email" else "",
    )
    return msg, sub


def send(db: Database, cfg: WorkerConfig, delivery_id: int) -> str:
    """Send one claimed delivery and record its outcome: sent, pending, failed or stopped."""
    return _send(db, cfg, delivery_id)[0]


def _send(db: Database, cfg: WorkerConfig, delivery_id: int) -> tuple[str, Said, float | None]:
    """`send`, with why it was not sent (to be said in a language) and the seconds to a retry."""
    with db.session(readonly=True) as session:
        d = session.get(Delivery, delivery_id)
        if d is None:
            raise NotFoundError(
                Problem("no delivery with id %(delivery_id)s", delivery_id=delivery_id)
            )
        msg, sub = _message(session, d, cfg)
        channel, target, attempts = sub.channel, sub.target, d.attempts
        secret = signing_secret(session, sub)
        stopped = not sub.active
        refused = _refused(session, d, secret)
    error: Said = ""
    lasting = False
    try:
        if refused:  # stopped, or what it would say is not what was queued
            raise notify.DeliveryError(refused)
        if channel == "email":
            if cfg.smtp is None:
                raise notify.DeliveryError(Problem("no SMTP server configured (HITO_SMTP_HOST)"))
            notify.send_email(cfg.smtp, target, msg)
        else:
            assert secret is not None  # refused above
            notify.send_webhook(
                target,
                secret,
                msg,
                timeout=cfg.webhook_timeout,
                allow_private=cfg.webhook_allow_private,
            )
    except notify.DeliveryError as exc:
        error, lasting = exc.reason, exc.lasting
    now = utcnow()
    wait: float | None = None
    if not error:
        values: dict[str, Any] = {"status": "sent", "sent_at": now, "last_error": ""}
    elif stopped:  # not a failure, and the attempt it took is the one it counts
        values = {"status": "stopped", "last_error": keep(error)}
    elif attempts >= cfg.max_attempts or refused or lasting:  # nor is what retries cannot mend
        error = Plural(
            "after %(attempts)s attempt: %(error)s",
            "after %(attempts)s attempts: %(error)s",
            attempts,
            attempts=attempts,
            error=error,
        )
        values = {"status": "failed", "last_error": keep(error)}
    else:
        wait = min(cfg.backoff_cap_seconds, cfg.backoff_seconds * 2 ** (attempts - 1))
        values = {
            "status": "pending",
            "next_attempt_at": now + dt.timedelta(seconds=wait),
            "last_error": keep(error),
        }
    with db.session() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == "sending")
            .values(lease_until=None, **values)
        )
    return str(values["status"]), error, wait


def run_worker(
    db: Database,
    cfg: WorkerConfig,
    *,
    once: bool = False,
    idle_seconds: float = 1.0,
    stop: threading.Event | None = None,
    on_outcome: Callable[[int, str, Said, float | None], None] | None = None,
    on_look: Callable[[], None] | None = None,
) -> int:
    """Send due deliveries until none is due (`once`) or until stopped; how many were handled.

    Kept running, it looks again every `idle_seconds` while nothing is due, calling `on_look`
    before each wait; while busy it calls `on_look` too, once `idle_seconds` have passed since
    the last call (the command tells there what was queued meanwhile that it cannot send, which
    a stream of webhooks would otherwise keep it from telling).
    """
    n = 0
    looked = time.monotonic()
    while stop is None or not stop.is_set():
        did = claim(db, lease_seconds=cfg.lease_seconds, by=channels(cfg))
        if did is None:
            if once:
                break
            if on_look is not None:
                on_look()
                looked = time.monotonic()
                if stop is not None and stop.is_set():
                    break
            time.sleep(idle_seconds)
            continue
        outcome, error, wait = _send(db, cfg, did)
        n += 1
        if on_outcome is not None:
            on_outcome(did, outcome, error, wait)
        if on_look is not None and time.monotonic() - looked >= idle_seconds:
            on_look()
            looked = time.monotonic()
    return n


def find_by_token(session: Session, *, token: str) -> Delivery:
    """The delivery of an acknowledgment link, or NotFoundError."""
    d = session.scalar(select(Delivery).where(Delivery.ack_hash == _digest(session, token)))
    if d is None:
        raise NotFoundError(
            Problem("this acknowledgment link is not known (mistyped or cut short?)")
        )
    return d


def _mark_seen(session: Session, d: Delivery, *, by: str) -> None:
    """A delivery acknowledged now, by the link's subscription or a signed-in user (logged)."""
    d.acknowledged_at = utcnow()
    d.status = "acknowledged"
    session.flush()
    audit.append(
        session,
        actor=by,
        action="alert.acknowledge",
        resource=f"alert:{d.alert_id}",
        after={"delivery": d.id, "acknowledged_at": d.acknowledged_at.isoformat()},
    )


def acknowledge(session: Session, *, token: str) -> Delivery:
    """Mark the delivery of an acknowledgment link as acknowledged (once; later clicks keep it)."""
    d = find_by_token(session, token=token)
    if d.acknowledged_at is None:
        _mark_seen(session, d, by=f"subscription:{d.subscription_id}")
    return d


def unseen_for(session: Session, *, actor: Actor, alert_id: int) -> list[Delivery]:
    """The deliveries of an alert sent to this user or their agency, not acknowledged yet."""
    if actor.user_id is None:
        return []
    q = (
        select(Delivery)
        .join(Subscription, Delivery.subscription_id == Subscription.id)
        .where(Delivery.alert_id == alert_id, Delivery.acknowledged_at.is_(None))
        .where(reaching(actor))
        .order_by(Delivery.id)
    )
    return list(session.scalars(q))


def seen_for(session: Session, *, actor: Actor, alert_id: int) -> dt.datetime | None:
    """When the alert's latest message to this user or their agency was marked seen (or None)."""
    if actor.user_id is None:
        return None
    q = (
        select(func.max(Delivery.acknowledged_at))
        .join(Subscription, Delivery.subscription_id == Subscription.id)
        .where(Delivery.alert_id == alert_id, Delivery.acknowledged_at.is_not(None))
        .where(reaching(actor))
    )
    return cast(dt.datetime | None, session.scalar(q))


def acknowledge_signed_in(session: Session, *, actor: Actor, alert_id: int) -> int:
    """A signed-in user has seen an alert: its unacknowledged deliveries to them or their agency.

    Each is marked seen in their name (the log says who); returns how many.
    """
    rows = unseen_for(session, actor=actor, alert_id=alert_id)
    for d in rows:
        _mark_seen(session, d, by=actor.username)
    return len(rows)


class DeliveryView(BaseModel):
    """A delivery and its outcome, as the alert page and the API show it."""

    model_config = ConfigDict(frozen=True)

    id: int
    subscriber: str
    channel: str
    status: str
    attempts: int
    last_error: str
    sent_at: dt.datetime | None
    acknowledged_at: dt.datetime | None


def of_alert(session: Session, *, alert_id: int, actor: Actor) -> list[DeliveryView]:
    """Every delivery of an alert with its outcome, in the order they were made.

    A failure's reason names the target (an e-mail address, a webhook URL that may carry its
    receiver's token): it is shown only to those who may see the subscription (`may_see`);
    the subscriber's username and label to them and its country's readers (`who`).
    """
    if session.get(Alert, alert_id) is None:
        raise NotFoundError(Problem("no alert with id %(alert_id)s", alert_id=alert_id))
    rows = session.scalars(
        select(Delivery).where(Delivery.alert_id == alert_id).order_by(Delivery.id)
    )
    return [
        DeliveryView(
            id=d.id,
            subscriber=who(session, d.subscription, actor),
            channel=d.subscription.channel,
            status=d.status,
            attempts=d.attempts,
            last_error=d.last_error if may_see(session, actor, d.subscription) else "",
            sent_at=d.sent_at,
            acknowledged_at=d.acknowledged_at,
        )
        for d in rows
    ]
