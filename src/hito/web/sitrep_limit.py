"""The situation report's PDF (WeasyPrint: seconds of CPU and much memory) limited per user.

One at a time per user in a process, and `sitrep_pdf_per_minute` per window
(`sitrep_pdf_window_seconds`) across processes, counted as failed sign-ins are
(`hito.store.throttle.count`, one atomic statement); over either, a 429 page in the user's
language that offers the report as a page instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from fastapi.responses import HTMLResponse

from hito import i18n
from hito.store import throttle
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.web.render import render
from hito.web.session import language, tr

BUSY_RETRY_SECONDS = 10  # Retry-After while the user's PDF is being made


class Refused(Exception):  # noqa: N818 - answered as a 429 page, not an error to report
    """A PDF refused: `wait` seconds until the window ends, or None while one is being made."""

    def __init__(self, wait: int | None) -> None:
        super().__init__(wait)
        self.wait = wait


class PdfGate:
    """The users whose PDF is being made in this process (one at a time each)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._making: set[str] = set()

    @contextmanager
    def making(self, user: str) -> Iterator[None]:
        """Hold `user`'s place while their PDF is made; Refused(None) when it is taken."""
        with self._lock:
            if user in self._making:
                raise Refused(None)
            self._making.add(user)
        try:
            yield
        finally:
            with self._lock:
                self._making.discard(user)


def _user(who: Actor) -> str:
    return str(who.user_id) if who.user_id is not None else f"name:{who.username}"


def _key(user: str) -> str:
    """The limiter's key of a user's PDFs (hashed, labelled apart from the sign-in keys)."""
    return "pdf:" + hashlib.sha256(f"sitrep-pdf:{user}".encode()).hexdigest()[:32]


@contextmanager
def admitted(request: Request, who: Actor) -> Iterator[None]:
    """Make a PDF for `who` inside: one of theirs at a time, a few per window; else Refused."""
    gate: PdfGate = request.app.state.sitrep_pdfs
    settings = request.app.state.settings
    user = _user(who)
    with gate.making(user):
        with request.app.state.db.session() as session:
            wait = throttle.count(
                session,
                key=_key(user),
                limit=settings.sitrep_pdf_per_minute,
                window=dt.timedelta(seconds=settings.sitrep_pdf_window_seconds),
                now=utcnow(),
            )
        if wait is not None:
            raise Refused(wait)
        yield


def refused_page(request: Request, who: Actor, exc: Refused) -> HTMLResponse:
    """The 429 page: why, when to ask again, and the report as a page meanwhile."""
    if exc.wait is None:
        said = tr(
            request,
            "The PDF of the situation report you asked for is still being made: wait until it "
            "downloads, then ask again if you need another.",
        )
        retry = BUSY_RETRY_SECONDS
    else:
        minutes = max(1, -(-exc.wait // 60))  # whole minutes, rounded up
        said = i18n.translations(language(request)).ngettext(
            "You asked for many PDFs of the situation report in a short time: try again in "
            "%(num)s minute.",
            "You asked for many PDFs of the situation report in a short time: try again in "
            "%(num)s minutes.",
            minutes,
        ) % {"num": minutes}
        retry = exc.wait
    query = request.url.query
    response = render(
        request,
        "busy.html.j2",
        429,
        user=who,
        said=said,
        page="/sitrep.html" + (f"?{query}" if query else ""),
    )
    response.headers["Retry-After"] = str(retry)
    return response
