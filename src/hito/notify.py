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
import ipaddress
import json
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit, urlunsplit

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


def public_address(address: str) -> bool:
    """Whether an IP address is on the public internet (not loopback, private, link-local...)."""
    ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 zone (fe80::1%eth0) is no part
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return ip.is_global and not ip.is_multicast


def pinned(url: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """A webhook URL resolved once and checked: only to public addresses, never this machine's.

    Returns the URL with the host replaced by the address it was checked at (so a name that
    resolves elsewhere a moment later, DNS rebinding, still reaches that address), the `Host`
    header, and for https the TLS server name (`sni_hostname`: the certificate is checked
    against the name in the URL). DeliveryError when the name does not resolve, or resolves
    to a loopback, private, link-local, shared or reserved address: an editor's subscription
    must not make the server post to itself or to its own network (metadata services,
    databases, admin pages), and read their answers in a delivery's reason.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DeliveryError(f"{url}: cannot resolve {host}: {exc}") from exc
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not public_address(address):
            raise DeliveryError(
                f"{url}: refused: {host} is {address}, an address of this machine or of a "
                "private network (HITO_WEBHOOK_PRIVATE=true allows receivers there)"
            )
    address = addresses[0].split("%")[0]
    netloc = f"[{address}]" if ":" in address else address
    if parts.port is not None:
        netloc += f":{parts.port}"
    if "@" in parts.netloc:  # credentials in the URL go along as they were
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    target = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    named = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host:  # an IPv6 literal keeps its brackets in Host
        named = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
    return target, {"host": named}, ({"sni_hostname": host} if https else {})


def send_webhook(
    url: str, secret: str, msg: Message, *, timeout: float = 10.0, private: bool = False
) -> None:
    """POST the signed payload; any answer but 2xx (or no answer) is a failure.

    Only to public addresses (`pinned`) unless `private` (HITO_WEBHOOK_PRIVATE): then as given.
    """
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
    target = url
    extensions: dict[str, Any] = {}
    if not private:
        target, host, extensions = pinned(url)
        headers.update(host)
    try:
        with httpx.Client(timeout=timeout) as client:  # redirects are not followed
            r = client.post(target, content=body, headers=headers, extensions=extensions)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{url}: {type(exc).__name__}: {exc}") from exc
    if not 200 <= r.status_code < 300:
        raise DeliveryError(f"{url} answered {r.status_code}: {r.text[:200]}")
