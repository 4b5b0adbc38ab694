"""Alert messages: composed in the subscriber's language, sent by e-mail (SMTP) or webhook.

Webhooks follow the Standard Webhooks specification: the headers `webhook-id` (the same on
every retry of one delivery, for the receiver to drop duplicates), `webhook-timestamp`
(seconds since 1970) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256, keyed with
the base64-decoded part of the `whsec_` secret, of `id.timestamp.body`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from hito import i18n

SIGNATURE_TOLERANCE = 5 * 60  # seconds a receiver accepts a timestamp away from its clock


class DeliveryError(Exception):
    """A message could not be delivered this time; `reason` says why (kept on the delivery)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Smtp:
    """Where e-mail goes: an SMTP server, the sender, optional STARTTLS and login."""

    host: str
    port: int = 25
    sender: str = "hito@localhost"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 20.0


@dataclass(frozen=True)
class Message:
    """One alert to one subscriber: its stable id, the text and the JSON payload."""

    message_id: str
    subject: str
    text: str
    payload: dict[str, Any]


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value of a body: `v1,` and the base64 HMAC-SHA256."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return (
        "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()
    )


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> str:
    """Check a received webhook's signature and age (what a receiver does); returns its id."""
    msg_id = headers.get("webhook-id", "")
    ts_text = headers.get("webhook-timestamp", "")
    if not msg_id or not ts_text.isdigit():
        raise ValueError("missing webhook-id or webhook-timestamp")
    ts = int(ts_text)
    if abs((now if now is not None else time.time()) - ts) > SIGNATURE_TOLERANCE:
        raise ValueError(f"timestamp {ts} is too far from now")
    expected = sign(secret, msg_id, ts, body).split(",", 1)[1]
    for sig in headers.get("webhook-signature", "").split():
        version, _, value = sig.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return msg_id
    raise ValueError("no valid v1 signature")


def compose(
    alert: Mapping[str, Any], *, message_id: str, language: str, ack_url: str, alert_url: str
) -> Message:
    """The message of an alert in the subscriber's language, with its acknowledgment link."""
    _ = i18n.translations(language).gettext
    sev = {"info": _("information"), "warning": _("warning"), "critical": _("critical")}
    severity = sev.get(str(alert["severity"]), str(alert["severity"]))
    since = i18n.date(alert["met_since"], language)
    subject = _("[hito] %(severity)s: %(plan)s, trigger %(trigger)s met since %(date)s") % {
        "severity": severity,
        "plan": alert["plan_name"],
        "trigger": alert["trigger"],
        "date": since,
    }
    lines = [subject, ""]
    if alert.get("actions"):
        lines.append(_("Actions due:"))
        for a in alert["actions"]:
            lines.append(
                "- "
                + _("%(action)s by %(agency)s (%(country)s), due %(due)s")
                % {
                    "action": a.get("description") or a.get("action"),
                    "agency": a.get("agency_name") or a.get("agency"),
                    "country": a.get("country", ""),
                    "due": i18n.date(a.get("due"), language) if a.get("due") else "—",
                }
            )
        lines.append("")
    lines += [
        _("The alert: %(url)s") % {"url": alert_url},
        _("Acknowledge that you have seen it: %(url)s") % {"url": ack_url},
    ]
    payload = {
        "type": "alert.created",
        "timestamp": str(alert.get("created_at", "")),
        "data": {
            "alert_id": alert["id"],
            "plan": alert["plan_name"],
            "trigger": alert["trigger"],
            "severity": alert["severity"],
            "met_since": str(alert["met_since"]),
            "sites": list(alert.get("sites") or []),
            "actions": list(alert.get("actions") or []),
            "url": alert_url,
            "ack_url": ack_url,
            "language": language,
            "summary": subject,
        },
    }
    return Message(message_id=message_id, subject=subject, text="\n".join(lines), payload=payload)


def send_email(smtp: Smtp, to: str, msg: Message) -> None:
    """Hand the message to the SMTP server (its Message-ID is the delivery's id)."""
    import smtplib

    mail = EmailMessage()
    mail["From"] = smtp.sender
    mail["To"] = to
    mail["Subject"] = msg.subject
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = f"<{msg.message_id}@hito>"
    mail.set_content(msg.text)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            if smtp.starttls:
                client.starttls()
            if smtp.username:
                client.login(smtp.username, smtp.password)
            refused = client.send_message(mail)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"SMTP {smtp.host}:{smtp.port}: {type(exc).__name__}: {exc}") from exc
    if refused:
        raise DeliveryError(f"SMTP refused the recipient: {refused}")


def send_webhook(url: str, secret: str, msg: Message, *, timeout: float = 10.0) -> None:
    """POST the signed payload; any answer but 2xx (or no answer) is a failure."""
    import httpx

    body = json.dumps(msg.payload, separators=(",", ":"), default=str).encode()
    ts = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": msg.message_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, msg.message_id, ts, body),
        "user-agent": "hito-alerts",
    }
    try:
        r = httpx.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{url}: {type(exc).__name__}: {exc}") from exc
    if not 200 <= r.status_code < 300:
        raise DeliveryError(f"{url} answered {r.status_code}: {r.text[:200]}")
