"""Forecasts computed one at a time per process, with a beat telling other processes they live.

Under `hito serve --workers N` every worker process computes the forecasts it was asked for.
A forecast left queued or running by a process that stopped must be said to be interrupted,
but not one another worker is computing: each process beats (`forecast.beat_at`) every
`BEAT_SECONDS` for the forecasts it holds, and a forecast whose beat, or before the first its
creation, is older than `STALE` is marked interrupted by whichever process looks first.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from sqlalchemy import and_, or_, update

from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.models import FORECAST_UNFINISHED, Forecast

STALE = dt.timedelta(seconds=90)  # six beats missed: the process holding it is gone
BEAT_SECONDS = 15.0
INTERRUPTED = "the server stopped before this forecast finished; start it again"
_ONE = threading.BoundedSemaphore(1)  # one forecast at a time per process: memory is bounded
log = logging.getLogger("hito.store.forecastrun")


def fail_stale(db: Database, *, now: dt.datetime | None = None, stale: dt.timedelta = STALE) -> int:
    """Mark interrupted the unfinished forecasts no process has beaten for; returns how many.

    One UPDATE whose condition the database checks row by row as it writes: a beat committed
    by the holding process meanwhile keeps its forecast out.
    """
    now = now or utcnow()
    limit = now - stale
    quiet = or_(
        Forecast.beat_at < limit,
        and_(Forecast.beat_at.is_(None), Forecast.created_at < limit),
    )
    with db.session() as session:
        done = session.execute(
            update(Forecast)
            .where(Forecast.status.in_(FORECAST_UNFINISHED), quiet)
            .values(status="failed", error=INTERRUPTED, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(done, "rowcount", 0) or 0)


class ForecastRunner:
    """Computes a service's forecasts one at a time and beats for those it holds."""

    def __init__(
        self, db: Database, *, every: float = BEAT_SECONDS, stale: dt.timedelta = STALE
    ) -> None:
        self.db, self.every, self.stale = db, every, stale
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._also: list[Callable[[dt.datetime], None]] = []

    def on_beat(self, beat: Callable[[dt.datetime], None]) -> None:
        """Call `beat(now)` at each beat too (the refresh's look for asks left waiting)."""
        self._also.append(beat)

    def start(self) -> None:
        """Mark interrupted what stopped processes left, then beat in a background thread."""
        fail_stale(self.db, stale=self.stale)
        self._stopped.clear()
        self._thread = threading.Thread(target=self._loop, name="hito-forecast-beat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating; the forecasts this process still holds are marked interrupted."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=self.every + 5)
        self._set_held(status="failed", error=INTERRUPTED, finished_at=utcnow())

    def run(self, forecast_id: int) -> None:
        """Compute a queued forecast after any this process is computing (blocks until done)."""
        from hito.store.forecasts import run_forecast

        with self._lock:
            self._held.add(forecast_id)
        try:
            with _ONE:
                run_forecast(self.db, forecast_id=forecast_id)
        finally:
            with self._lock:
                self._held.discard(forecast_id)

    def submit(self, forecast_id: int) -> threading.Thread:
        """Compute a queued forecast in a thread of its own (returns at once).

        The dashboard's start: not in asyncio's default executor (cores + 4 threads), where a
        forecast waiting its turn would hold a thread that sign-ins and report posts need.
        """
        thread = threading.Thread(
            target=self.run, args=(forecast_id,), name=f"hito-forecast-{forecast_id}", daemon=True
        )
        thread.start()
        return thread

    def held(self) -> list[int]:
        """The forecasts this process holds (queued behind another, or running), by id."""
        with self._lock:
            return sorted(self._held)

    def beat(self, now: dt.datetime | None = None) -> None:
        """Say the held forecasts live, then mark interrupted those others left stale."""
        now = now or utcnow()
        self._set_held(beat_at=now)
        fail_stale(self.db, now=now, stale=self.stale)
        for beat in self._also:
            beat(now)

    def _set_held(self, **values: object) -> None:
        """Write `values` on the unfinished forecasts this process holds."""
        held = self.held()
        if held:
            with self.db.session() as session:
                session.execute(
                    update(Forecast)
                    .where(Forecast.id.in_(held), Forecast.status.in_(FORECAST_UNFINISHED))
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )

    def _loop(self) -> None:
        while not self._stopped.wait(self.every):
            try:
                self.beat()
            except Exception:  # a database out of reach: the next beat tries again
                log.exception("forecast beat failed")
