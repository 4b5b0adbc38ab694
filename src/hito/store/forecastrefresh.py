"""The calibrated forecast kept fresh after new reports: one refresh at a time for all processes.

Every report asks for a refresh (`forecast_refresh.wanted` + 1, after its commit). Under
`hito serve --workers N` the reports reach N processes; only the process holding the row's
claim computes. It reads `wanted` after taking the claim and before reading the counts, so
its refresh covers every ask counted so far; after it lets go, a larger `wanted` means a
report came meanwhile and it (or whoever claims first) refreshes once more. A process that
asks while another holds the claim leaves the work to it: the holder looks at `wanted` only
after letting go, so no ask is lost. The holder beats its claim with the process's forecast
beats (`hito.store.forecastrun`); a claim not beaten for `STALE` was left by a stopped
process, and the first live process to beat takes it over if asks wait.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
from typing import Any

from sqlalchemy import Table, case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.forecastrun import STALE, ForecastRunner
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


def claim(
    db: Database,
    scenario: str,
    token: str,
    *,
    now: dt.datetime | None = None,
    stale: dt.timedelta = STALE,
) -> int | None:
    """Take the refresh's claim for the process `token`: the asks so far, or None.

    None: every ask is done (nothing to compute), or another process holds the claim. It is
    taken when asks wait and it is free, this process's own (left by a failed let-go), or not
    beaten for `stale`: one UPDATE whose condition the database re-tests as it writes, so of
    two processes claiming at once one gets it.
    """
    now = now or utcnow()
    with db.session() as session:
        got = session.execute(
            update(ForecastRefresh)
            .where(
                ForecastRefresh.scenario == scenario,
                ForecastRefresh.wanted > ForecastRefresh.done,
                or_(
                    ForecastRefresh.holder.is_(None),
                    ForecastRefresh.holder == token,
                    ForecastRefresh.held_at < now - stale,
                ),
            )
            .values(holder=token, held_at=now)
            .execution_options(synchronize_session=False)
        )
        if not getattr(got, "rowcount", 0):
            return None
        return session.scalar(
            select(ForecastRefresh.wanted).where(ForecastRefresh.scenario == scenario)
        )


def let_go(db: Database, scenario: str, token: str, *, done: int) -> int:
    """Give up the claim, the asks up to `done` covered; returns the asks so far."""
    with db.session() as session:
        session.execute(
            update(ForecastRefresh)
            .where(ForecastRefresh.scenario == scenario, ForecastRefresh.holder == token)
            .values(
                holder=None,
                held_at=None,
                done=case((ForecastRefresh.done < done, done), else_=ForecastRefresh.done),
            )
            .execution_options(synchronize_session=False)
        )
        wanted = session.scalar(
            select(ForecastRefresh.wanted).where(ForecastRefresh.scenario == scenario)
        )
        return int(wanted or 0)


def waiting(
    db: Database,
    scenario: str,
    token: str,
    *,
    now: dt.datetime | None = None,
    stale: dt.timedelta = STALE,
) -> bool:
    """Whether asks wait that no live process is computing (and so `token` may take them)."""
    now = now or utcnow()
    with db.session(readonly=True) as session:
        row = session.get(ForecastRefresh, scenario)
        if row is None or row.wanted <= row.done:
            return False
        return row.holder in (None, token) or (
            row.held_at is not None and row.held_at < now - stale
        )


def keep(db: Database, token: str, now: dt.datetime) -> None:
    """Beat the claims the process `token` holds."""
    with db.session() as session:
        session.execute(
            update(ForecastRefresh)
            .where(ForecastRefresh.holder == token)
            .values(held_at=now)
            .execution_options(synchronize_session=False)
        )


class ForecastRefresher:
    """Keeps one calibrated forecast fresh: each new report asks for a refresh.

    In this process at most one thread asks and refreshes at a time; reports that arrive
    meanwhile are folded into its next round. Across processes the claim (above) lets one
    refresh run. Each refresh forecasts `days` ahead of the newest count, calibrated on every
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
        self.runner.also(beat=self._beat, stop=self._stop)
        self.token = secrets.token_hex(16)  # this process, in the claim
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
        """Refresh while asks wait and this process can take the claim."""
        while (wanted := claim(self.db, self.scenario, self.token)) is not None:
            try:
                self.refresh()
            except Exception:  # logged; the asks it was for are taken as done
                log.exception("forecast refresh failed")
            if let_go(self.db, self.scenario, self.token, done=wanted) <= wanted:
                return

    def _beat(self, now: dt.datetime) -> None:
        """Keep this process's claim; take up asks a stopped process left."""
        keep(self.db, self.token, now)
        if waiting(self.db, self.scenario, self.token, now=now):
            self._wake(asked=False)

    def _stop(self) -> None:
        """Give up this process's claim (the asks it was computing stay waiting)."""
        let_go(self.db, self.scenario, self.token, done=0)

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
