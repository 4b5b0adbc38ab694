"""Alert messages: composed in the subscriber's language, sent by e-mail (SMTP) or webhook.

Webhooks follow the Standard Webhooks specification: the headers `webhook-id` (the same on
every retry of one delivery, for the receiver to drop duplicates), `webhook-timestamp`
(seconds since 1970) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256, keyed with
the base64-decoded part of the `whsec_` secret, of `id.timestamp.body`).

A webhook goes to a public address only: its host is resolved once, every address it
resolves to must be global (not loopback, private, link-local such as a cloud's metadata
service at 169.254.169.254, shared or reserved), and the request is sent to that checked
address (the `Host` header and TLS name stay the URL's), so a subscriber cannot make the
server post to, or read the answers of, services of its own network; nor can a name that
changes its answer between the check and the connection. A deployment whose receivers live
on its own network says so with `allow_private` (HITO_WEBHOOK_ALLOW_PRIVATE).
"""

from __future__ import annotations

import base64
import email.policy
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

from hito import i18n, names
from hito.errors import Problem, Said, say

SIGNATURE_TOLERANCE = 5 * 60  # seconds a receiver accepts a timestamp away from its clock


class DeliveryError(Exception):
    """A message could not be delivered this time; `reason` says why (kept on the delivery).

    `lasting`: trying again cannot help (a receiver's address that is not public, a URL that
    is not http(s)): the delivery fails at once instead of waiting out its retries.
    """

    def __init__(self, reason: Said, *, lasting: bool = False):
        super().__init__(say(reason, "en"))
        self.reason = reason
        self.lasting = lasting


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
    stop_url: str = ""  # the link that stops the subscription (List-Unsubscribe in e-mail)


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
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return msg_id
    raise ValueError("no valid v1 signature")


def compose(
    alert: Mapping[str, Any],
    *,
    message_id: str,
    language: str,
    ack_url: str,
    alert_url: str,
    stop_url: str = "",
) -> Message:
    """The message of an alert in the subscriber's language, its acknowledgment and stop links."""
    _ = i18n.translations(language).gettext
    severity = names.severities(_).get(str(alert["severity"]), str(alert["severity"]))
    since = i18n.date(alert["met_since"], language)
    # the titles people read (the plan's and trigger's ids only when a title is missing)
    plan = alert.get("plan_title") or alert["plan_name"]
    subject = _("[hito] %(severity)s: %(trigger)s, met since %(date)s") % {
        "severity": severity,
        "trigger": alert.get("trigger_title") or alert["trigger"],
        "date": since,
    }
    lines = [subject, "", _("Plan: %(plan)s") % {"plan": plan}, ""]
    countries = names.countries(_)
    if alert.get("actions"):
        lines.append(_("Actions due:"))
        for a in alert["actions"]:
            country = str(a.get("country", ""))
            lines.append(
                "- "
                + _("%(action)s — %(agency)s (%(country)s), by %(due)s")
                % {
                    "action": a.get("title") or a.get("description") or a.get("action"),
                    "agency": a.get("agency_name") or a.get("agency"),
                    "country": countries.get(country, country),
                    "due": i18n.date(a.get("due"), language) if a.get("due") else "—",
                }
            )
        lines.append("")
    lines += [
        _("The alert: %(url)s") % {"url": alert_url},
        _("Acknowledge that you have seen it: %(url)s") % {"url": ack_url},
    ]
    if stop_url:
        lines += ["", _("To receive no more of these messages: %(url)s") % {"url": stop_url}]
    payload = {
        "type": "alert.created",
        "timestamp": str(alert.get("created_at", "")),
        "data": {
            "alert_id": alert["id"],
            "plan": alert["plan_name"],
            "plan_title": plan,
            "trigger": alert["trigger"],
            "trigger_title": alert.get("trigger_title") or alert["trigger"],
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
    return Message(
        message_id=message_id,
        subject=subject,
        text="\n".join(lines),
        payload=payload,
        stop_url=stop_url,
    )


def send_email(smtp: Smtp, to: str, msg: Message) -> None:
    """Hand the message to the SMTP server (its Message-ID is the delivery's id)."""
    import smtplib

    # no folding of headers under 998 characters: Python folds a long subject with accents
    # inside a word ("durant =?utf-8?q?e_2_d=C3=ADas?="), which mail readers show as "durant e"
    mail = EmailMessage(policy=email.policy.default.clone(max_line_length=998))
    mail["From"] = smtp.sender
    mail["To"] = to
    mail["Subject"] = msg.subject
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = f"<{msg.message_id}@hito>"
    if msg.stop_url:  # RFC 2369: mail programs show an "unsubscribe" button that opens it
        mail["List-Unsubscribe"] = f"<{msg.stop_url}>"
    mail.set_content(msg.text, cte="quoted-printable")
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            if smtp.starttls:
                client.starttls()
            if smtp.username:
                client.login(smtp.username, smtp.password)
            refused = client.send_message(mail)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            Problem(
                "the mail server %(server)s could not take it: %(error)s",
                server=f"{smtp.host}:{smtp.port}",
                error=f"{type(exc).__name__}: {exc}",
            )
        ) from exc
    if refused:
        raise DeliveryError(
            Problem("the mail server refused the recipient: %(refused)s", refused=str(refused))
        )


# not public whatever this Python's ipaddress says (its tables were wrong before 3.11.10,
# CVE-2024-4032): IPv4-compatible and -translated IPv6, site-local, shared, benchmarking
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in (
        "::/96",
        "::ffff:0:0:0/96",
        "fec0::/10",
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "198.18.0.0/15",
    )
)
_NAT64 = tuple(ipaddress.ip_network(n) for n in ("64:ff9b::/96", "64:ff9b:1::/48"))


def _global(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address when a webhook may go to it (a public one), else None.

    An IPv6 address that carries an IPv4 one (mapped, 6to4, NAT64) is judged by that one.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        elif ip.sixtofour is not None:
            ip = ip.sixtofour  # 2002:7f00:1:: goes to 127.0.0.1
        elif any(ip in n for n in _NAT64):
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)  # 64:ff9b::a9fe:a9fe
    if any(ip.version == n.version and ip in n for n in _NOT_PUBLIC):
        return None
    return ip if ip.is_global and not ip.is_multicast else None


def private_literal(url: str) -> bool:
    """Whether a webhook URL names a host no webhook may reach, as written.

    `localhost`, or a loopback, private or link-local address; a name is judged when the
    webhook is sent, once resolved.
    """
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    return _literal(host) and _global(host) is None


def _literal(host: str) -> bool:
    """Whether a URL's host is an IP address as written (not a name to resolve)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def webhook_addresses(url: str, *, allow_private: bool = False) -> list[str]:
    """The addresses (IPs) a webhook URL may be sent to; DeliveryError if one is not public."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise DeliveryError(Problem("%(url)s: not an http(s) URL", url=url), lasting=True)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise DeliveryError(
            Problem(
                "%(url)s: cannot resolve %(host)s: %(error)s", url=url, host=host, error=str(exc)
            )
        ) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise DeliveryError(Problem("%(url)s: %(host)s has no address", url=url, host=host))
    if not allow_private:
        for a in addresses:
            if _global(a) is None:
                raise DeliveryError(
                    Problem(
                        "%(url)s: %(host)s is not a public address: webhooks go to public "
                        "addresses only (HITO_WEBHOOK_ALLOW_PRIVATE=true allows the local network)",
                        url=url,
                        host=host,
                    )
                    if _literal(host)
                    else Problem(
                        "%(url)s: %(host)s resolves to %(address)s, which is not a public "
                        "address: webhooks go to public addresses only "
                        "(HITO_WEBHOOK_ALLOW_PRIVATE=true allows the local network)",
                        url=url,
                        host=host,
                        address=a,
                    ),
                    lasting=True,
                )
    return addresses


def send_webhook(
    url: str, secret: str, msg: Message, *, timeout: float = 10.0, allow_private: bool = False
) -> None:
    """POST the signed payload to the URL's checked addresses; any answer but 2xx is a failure.

    Each address in the resolver's order until one takes the connection, as a plain
    connection would; the name is never looked up again.
    """
    import httpx

    parts = urlsplit(url)
    host = str(parts.hostname)
    user = parts.netloc.rpartition("@")[0] + "@" if "@" in parts.netloc else ""
    body = json.dumps(msg.payload, separators=(",", ":"), default=str).encode()
    ts = int(time.time())
    headers = {
        "host": parts.netloc.rpartition("@")[2],
        "content-type": "application/json",
        "webhook-id": msg.message_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, msg.message_id, ts, body),
        "user-agent": "hito-alerts",
    }
    addresses = webhook_addresses(url, allow_private=allow_private)
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for i, address in enumerate(addresses):
            at = f"[{address}]" if ":" in address else address
            netloc = user + (f"{at}:{parts.port}" if parts.port else at)
            pinned = urlunsplit(parts._replace(netloc=netloc))
            try:
                r = client.post(
                    pinned, content=body, headers=headers, extensions={"sni_hostname": host}
                )
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if i == len(addresses) - 1:
                    raise DeliveryError(
                        Problem(
                            "%(url)s: no connection: %(error)s",
                            url=url,
                            error=f"{type(exc).__name__}: {exc}",
                        )
                    ) from exc
            except httpx.HTTPError as exc:
                raise DeliveryError(
                    Problem(
                        "%(url)s: the request failed: %(error)s",
                        url=url,
                        error=f"{type(exc).__name__}: {exc}",
                    )
                ) from exc
    if not 200 <= r.status_code < 300:
        raise DeliveryError(
            Problem(
                "%(url)s answered %(status)s: %(text)s",
                url=url,
                status=r.status_code,
                text=r.text[:200],
            )
        )
