"""Real receivers for alert deliveries: an SMTP server (aiosmtpd) and a webhook endpoint."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """Every message the SMTP server accepted: (envelope recipients, parsed message)."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd's hook
        self.messages.append(
            (
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.content, policy=email.policy.default),
            )
        )
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on a free local port (aiosmtpd), for the length of the block."""
    from aiosmtpd.controller import Controller

    box = Mailbox(port=free_port())
    ctl = Controller(box, hostname="127.0.0.1", port=box.port)
    ctl.start()
    try:
        yield box
    finally:
        ctl.stop()


@dataclass
class Hook:
    """Every request the webhook endpoint received: (path, headers, body)."""

    url: str
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to give first, then 204
    hold_first: threading.Event | None = None  # the first request waits for this
    got_first: threading.Event = field(default_factory=threading.Event)


@contextmanager
def webhook_server(**kw) -> Iterator[Hook]:  # noqa: ANN003
    """A real HTTP endpoint on a free local port that records and answers webhooks."""
    port = free_port()
    hook = Hook(url=f"http://127.0.0.1:{port}", **kw)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            with lock:
                hook.requests.append(
                    (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                first = len(hook.requests) == 1
                status = hook.statuses.pop(0) if hook.statuses else 204
            if first:
                hook.got_first.set()
                if hook.hold_first is not None:
                    hook.hold_first.wait(60)
            try:
                self.send_response(status)
                self.end_headers()
            except OSError:
                pass  # the sender is gone (killed mid-send)

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield hook
    finally:
        if hook.hold_first is not None:
            hook.hold_first.set()
        srv.shutdown()
        srv.server_close()
