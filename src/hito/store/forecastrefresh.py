"""The calibrated forecast kept fresh after new reports: one refresh at a time for all processes.

Every report asks for a refresh (`forecast_refresh.wanted` + 1, after its commit). Under
`hito serve --workers N` the reports reach N processes; only the process holding the
server's refresh lock (`Database.only_one`: a PostgreSQL session advisory lock, an `flock`
beside an SQLite file) computes. Holding it, it reads the asks before reading the counts, so
its refresh covers every ask counted so far, and records them done (`done`); it looks again
until none waits. A process that asks while another holds the lock leaves the work to it: the
holder looks at the asks once more after letting go, so no ask is lost. The lock goes with a
process that dies (its connection or its file closes): the next live process to beat
(`hito.store.forecastrun`, every 15 s) finds asks waiting and takes them up.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from sqlalchemy import Table, case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hito.store.db import Database, Lock
from hito.store.forecastrun import ForecastRunner
from hito.store.models import ForecastRefresh

log = logging.getLogger("hito.store.forecastrefresh")
_T: Table = ForecastRefresh.__table__  # type: ignore[assignment]  # mapped classes hold a Table


def ask(db: Database, scenario: str) -> int:
    """Count one more ask for a refresh of `scenario`; returns the asks so far.

    One `INSERT … ON CONFLICT DO UPDATE` (atomic on SQLite and PostgreSQL): the first ask
    creates the row.
    """
    with db.session() as session:
        conn = session.connection()
        make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        stmt: Any = make(_T).values(scenario=scenario, wanted=1, done=0)
        stmt = stmt.on_conflict_do_update(
            index_elements=["scenario"], set_={"wanted": _T.c.wanted + 1}
        ).returning(_T.c.wanted)
        return int(conn.execute(stmt).scalar_one())


def asks(db: Database, scenario: str) -> tuple[int, int]:
    """(asks so far, asks the last refresh covered) for `scenario`; (0, 0) before the first."""
    with db.session(readonly=True) as session:
        row = session.get(ForecastRefresh, scenario)
        return (0, 0) if row is None else (row.wanted, row.done)


def covered(db: Database, scenario: str, done: int) -> None:
    """Record the asks up to `done` covered by a refresh (never fewer than recorded)."""
    with db.session() as session:
        session.execute(
            update(ForecastRefresh)
            .where(ForecastRefresh.scenario == scenario)
            .values(done=case((ForecastRefresh.done < done, done), else_=ForecastRefresh.done))
            .execution_options(synchronize_session=False)
        )


class ForecastRefresher:
    """Keeps one calibrated forecast fresh: each new report asks for a refresh.

    In this process at most one thread asks and refreshes at a time; reports that arrive
    meanwhile are folded into its next round. Across processes the refresh lock (above) lets
    one refresh run. Each refresh forecasts `days` ahead of the newest count, calibrated on every
    stored count, then evaluates the active plans' forecast triggers on it (alerts as for
    observed triggers).
    """

    def __init__(
        self,
        db: Database,
        *,
        scenario: str,
        days: int = 28,
        particles: int = 200,
        seed: int = 1,
        runner: ForecastRunner | None = None,
    ):
        self.db, self.scenario, self.days, self.particles, self.seed = (
            db,
            scenario,
            days,
            particles,
            seed,
        )
        self.runner = runner or ForecastRunner(db)  # the service's: one forecast at a time
        self.runner.on_beat(self._beat)
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._running = False
        self._again = False
        self._asked = False
        self.refreshed: list[int] = []  # the forecasts this process made, by id, oldest first

    def request(self) -> None:
        """Ask for a refresh after a new report (returns at once)."""
        self._wake(asked=True)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until this process is neither asking nor refreshing; False on timeout."""
        return self._idle.wait(timeout)

    def _wake(self, *, asked: bool) -> None:
        with self._lock:
            self._asked = self._asked or asked
            if self._running:
                self._again = True
                return
            self._running = True
            self._idle.clear()
        threading.Thread(target=self._loop, name="hito-forecast-refresh", daemon=True).start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                asked, self._asked, self._again = self._asked, False, False
            try:
                if asked:
                    ask(self.db, self.scenario)
                self._while_wanted()
            except Exception:  # a background job must log its failure, not vanish
                log.exception("forecast refresh failed")
            with self._lock:
                if not self._again:
                    self._running = False
                    self._idle.set()
                    return

    def _while_wanted(self) -> None:
        """Refresh while asks wait, if no other process holds the refresh lock."""
        while True:
            with self.db.only_one(Lock.REFRESH) as alone:
                if not alone:  # the holder looks at the asks again once it lets go
                    return
                while (seen := asks(self.db, self.scenario))[0] > seen[1]:
                    try:
                        self.refresh()
                    except Exception:  # logged; the asks it was for are taken as done
                        log.exception("forecast refresh failed")
                    covered(self.db, self.scenario, seen[0])
            wanted, done = asks(self.db, self.scenario)  # asked while letting go?
            if wanted <= done:
                return

    def _beat(self, _now: dt.datetime) -> None:
        """Take up asks left waiting (by a process that died holding the refresh lock)."""
        wanted, done = asks(self.db, self.scenario)
        if wanted > done:
            self._wake(asked=False)

    def refresh(self) -> int | None:
        """Forecast from the newest count now; returns the forecast's id (None: no count yet)."""
        from hito.store.actors import SYSTEM
        from hito.store.alerts import evaluate_forecast
        from hito.store.forecasts import create_forecast, get_forecast
        from hito.store.models import FieldReport

        with self.db.session(readonly=True) as session:
            # the newest count's day: the local day at its site
            as_of = session.scalar(select(func.max(FieldReport.day)))
        if as_of is None:
            return None
        with self.db.session() as session:
            fid = create_forecast(
                session,
                actor=SYSTEM,
                scenario=self.scenario,
                as_of=as_of,
                days=self.days,
                runs=self.particles,
                seed=self.seed,
                max_runs=self.particles,
            ).id
        self.runner.run(fid)
        with self.db.session() as session:
            row = get_forecast(session, forecast_id=fid)
            if row.status == "done" and row.result:
                evaluate_forecast(session, actor=SYSTEM, result=row.result, as_of=as_of)
        self.refreshed.append(fid)
        return fid
