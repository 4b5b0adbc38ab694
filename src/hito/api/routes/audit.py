"""The log's entries for admins, and the server's own check of its log (kept at /audit)."""

from __future__ import annotations

import datetime as dt
import math
import threading
import time

from fastapi import APIRouter, Request

from hito.api.deps import ActorDep, AdminDep, DbDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.routes.log import entry_list
from hito.api.schemas.common import Limit, Offset
from hito.api.schemas.log import Before, LogCheckPublic, LogEntryList, ResourceFilter
from hito.errors import Problem
from hito.store import logcheck
from hito.store.db import Database, Lock
from hito.store.errors import TooManyAttemptsError
from hito.store.logkey import LogKey

router = APIRouter(prefix="/audit", tags=["log"], route_class=OnceKeyedRoute)


@router.get("", response_model=LogEntryList)
def list_(
    actor: AdminDep,
    db: DbDep,
    resource: ResourceFilter = None,
    before: Before = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> LogEntryList:
    """Log entries, newest first, optionally for one resource ('report:12') or kind ('site').

    Paged as `/log/entries`: `before` the `next_before` of the page before.

    As `/log/entries`: the other country's sign-ins, users, subscriptions and SMS numbers
    withheld from an admin of a country; the operator sees all.
    """
    return entry_list(db, actor, resource, offset, limit, before)


Checked = tuple[logcheck.LogCheck, dt.datetime]  # a check and when it ran


class CheckGate:
    """One check of the log at a time on the server; its answer reused while nothing was written.

    The check reads every entry and row (seconds at 100,000 entries) and is open to every
    signed-in user: a second caller while one runs, in this process or in another worker
    process of the server (`Database.only_one`), gets 429; the last answer is given again
    while nothing it reads was written since it began (`Database.write_mark`) and it is
    younger than `reuse_seconds`.
    """

    def __init__(self, reuse_seconds: float) -> None:
        self.reuse_seconds = reuse_seconds
        self.lock = threading.Lock()
        self.last: tuple[tuple[object, ...], float, Checked] | None = None
        self.took = 0.0  # seconds the last check took
        self.started = 0.0

    def check(self, db: Database, key: LogKey) -> tuple[logcheck.LogCheck, dt.datetime, bool]:
        """The last check if still good, else a new one, else TooManyAttemptsError.

        With when it ran, and whether it is the last one given again.
        """
        mark = db.write_mark()
        last = self.last
        fresh = last is not None and time.monotonic() - last[1] <= self.reuse_seconds
        if mark is not None and last is not None and last[0] == mark and fresh:
            return (*last[2], True)
        if not self.lock.acquire(blocking=False):
            raise self._busy(max(1, math.ceil(self.took - (time.monotonic() - self.started))))
        try:
            with db.only_one(Lock.LOG_CHECK) as alone:
                if not alone:  # another worker process of the server is checking
                    raise self._busy(max(1, math.ceil(self.took)))
                self.started = time.monotonic()
                at = dt.datetime.now(dt.UTC)
                mark = db.write_mark()  # taken before the check reads: a write after it is seen
                with db.session(readonly=True) as session:
                    result = logcheck.verify(session, key=key)
                self.took = time.monotonic() - self.started
            if mark is not None:
                self.last = (mark, time.monotonic(), (result, at))
            return result, at, False
        finally:
            self.lock.release()

    def _busy(self, wait: int) -> TooManyAttemptsError:
        """The 429 of a caller while a check runs (here or in another process)."""
        return TooManyAttemptsError(
            Problem(
                "the log is being checked for another request (one check at a time; the "
                "last took %(took)s s): try again in %(wait)s s",
                took=round(self.took, 1),
                wait=wait,
            ),
            retry_after=wait,
        )


@router.get("/verify", response_model=LogCheckPublic)
def verify(actor: ActorDep, db: DbDep, request: Request) -> LogCheckPublic:
    """The server checks its log against the heads it stored and its rows against the log.

    This trusts the server; each country runs `hito log verify --against HEADS_FILE` with
    the heads it saved itself. One check runs at a time on the server (else 429 with
    Retry-After); its answer is reused while nothing was written to the database, for at most
    `HITO_AUDIT_VERIFY_REUSE_SECONDS` (`checked_at` says when it ran, `reused` whether it
    is an earlier answer). A problem naming the other country's user or subscription (or
    the actor of an entry about one) is said without it, as the log's entries are shown.
    """
    gate: CheckGate = request.app.state.log_check
    result, at, reused = gate.check(db, request.app.state.log_key)
    with db.session(readonly=True) as session:
        problems = result.problems_for(session, actor)
    return LogCheckPublic(
        **{**result.as_dict(), "problems": [p.say("en") for p in problems]},
        checked_at=at,
        reused=reused,
    )
