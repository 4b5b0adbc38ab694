"""The host names the service answers to (Starlette's TrustedHostMiddleware), refused in es and en.

A request whose Host header names another host (a DNS name rebound to this server's address,
a forged Host to poison a cache or a link) gets a 400 saying, in Spanish and English, which
address was refused and which setting adds it, before any page, token or database is touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hito.i18n import gettext
from hito.store.settings import Settings

_PASSED = "hito.host_allowed"  # set in the scope once the host was found allowed


def _(message: str) -> str:
    """Mark a message for the catalogues (translated when the answer is made)."""
    return message


_REFUSED = _(
    "This server does not answer to the address %(host)s: whoever runs it adds that name to "
    "HITO_ALLOWED_HOSTS."
)
_MISSING = _("This request names no valid host (its Host header).")


def allowed_hosts(settings: Settings) -> list[str]:
    """The allowed host patterns: `HITO_ALLOWED_HOSTS` and the host of `HITO_PUBLIC_URL`."""
    hosts = list(settings.allowed_hosts)
    public = urlsplit(settings.public_url).hostname
    if public:
        hosts.append(f"[{public}]" if ":" in public else public)
    return list(dict.fromkeys(h.lower() for h in hosts))


class _Passed:
    """The app behind the check, marking the scope as allowed on the way in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[_PASSED] = True
        await self.app(scope, receive, send)


class AllowedHosts(TrustedHostMiddleware):
    """Starlette's check of the Host header; its refusal said in Spanish and English."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        super().__init__(_Passed(app), allowed_hosts=allowed_hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass an allowed host on; answer any other with a 400 in both languages."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return

        async def answer(message: Message) -> None:
            if scope.get(_PASSED):
                await send(message)
            elif message["type"] == "http.response.start":
                body = _refusal(scope)
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})

        await super().__call__(scope, receive, answer)


def _refusal(scope: Scope) -> bytes:
    """Why the host was refused, in Spanish then English (no language is known yet)."""
    host = next((v for k, v in scope.get("headers", ()) if k == b"host"), b"")
    shown = host.decode("latin-1")[:100]
    lines = [
        gettext(lang, _REFUSED) % {"host": shown} if shown else gettext(lang, _MISSING)
        for lang in ("es", "en")
    ]
    return ("\n".join(lines) + "\n").encode()


def install(app: FastAPI, settings: Settings) -> None:
    """Check every request's host first (the outermost middleware of `app`: added last)."""
    app.add_middleware(AllowedHosts, allowed_hosts=allowed_hosts(settings))
