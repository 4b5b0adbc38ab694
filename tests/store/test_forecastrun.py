"""Forecasts run one at a time per process; a process starting fails only those no one beats for."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update

from hito.store import forecasts
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.forecastrun import INTERRUPTED, STALE, ForecastRunner, fail_stale
from hito.store.models import Forecast
from service_world import stored_forecast


def _forecast(db: Database, status: str, *, age: dt.timedelta, beat: dt.timedelta | None) -> int:
    """A forecast created `age` ago, last beaten `beat` ago (None: never)."""
    now = utcnow()
    beat_at = None if beat is None else now - beat
    return stored_forecast(db, status=status, created_at=now - age, beat_at=beat_at)


def _state(db: Database, fid: int) -> tuple[str, str]:
    with db.session(readonly=True) as session:
        row = session.get(Forecast, fid)
        assert row is not None
        return row.status, row.error


def test_a_worker_starting_leaves_the_forecast_another_worker_computes(db: Database) -> None:
    """`hito serve --workers 2`: a worker (re)started marked every running forecast failed."""
    minutes = dt.timedelta(minutes=10)
    computed = _forecast(db, "running", age=minutes, beat=dt.timedelta(seconds=10))
    waiting = _forecast(db, "queued", age=dt.timedelta(seconds=5), beat=None)
    left = _forecast(db, "running", age=minutes, beat=STALE + dt.timedelta(seconds=1))
    never_started = _forecast(db, "queued", age=STALE + dt.timedelta(seconds=1), beat=None)
    finished = _forecast(db, "done", age=minutes, beat=minutes)
    runner = ForecastRunner(db)
    runner.start()
    runner.stop()
    assert _state(db, computed) == ("running", "")
    assert _state(db, waiting) == ("queued", "")
    assert _state(db, left) == ("failed", INTERRUPTED)
    assert _state(db, never_started) == ("failed", INTERRUPTED)
    assert _state(db, finished) == ("done", "")


def test_a_forecast_beaten_while_it_was_being_failed_stays_running(db: Database) -> None:
    """The holder's beat and another process's sweep at the same moment: the beat wins.

    Read then written (the sweep's rows read before the beat commits), the live forecast was
    marked interrupted; one UPDATE re-checks the row once the beat's lock is released.
    """
    from service_db import while_written_meanwhile

    fid = _forecast(db, "running", age=STALE * 3, beat=STALE * 2)

    def holder_beats(session: Any) -> None:
        session.execute(update(Forecast).where(Forecast.id == fid).values(beat_at=utcnow()))

    assert while_written_meanwhile(db, holder_beats, lambda: fail_stale(db)) == 0
    assert _state(db, fid) == ("running", "")


@pytest.fixture
def blocked(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Forecasts that start computing, then wait until released; (one started, release)."""
    started, release = threading.Event(), threading.Event()

    def compute(*_args: object) -> dict[str, Any]:
        started.set()
        assert release.wait(30)
        return {"computed": True}

    monkeypatch.setattr(forecasts, "calibrated_result", compute)
    yield started, release
    release.set()


def _until_held(runner: ForecastRunner, ids: list[int]) -> None:
    for _ in range(600):
        if runner.held() == ids:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"held {runner.held()}, expected {ids}")


def test_a_process_computes_one_forecast_at_a_time_and_beats_for_both(
    db: Database, blocked: tuple[threading.Event, threading.Event]
) -> None:
    started, release = blocked
    first, second, other = (_forecast(db, "queued", age=dt.timedelta(0), beat=None) for _ in "abc")
    runner = ForecastRunner(db)
    one = runner.submit(first)
    assert started.wait(30)
    two = runner.submit(second)
    _until_held(runner, [first, second])
    assert _state(db, first)[0] == "running" and _state(db, second)[0] == "queued"
    at = utcnow() + dt.timedelta(minutes=1)
    runner.beat(at)
    with db.session(readonly=True) as session:
        beats = {f: session.get(Forecast, f).beat_at for f in (first, second, other)}  # type: ignore[union-attr]
    assert beats == {first: at, second: at, other: None}
    release.set()
    one.join(30)
    two.join(30)
    assert _state(db, first) == _state(db, second) == ("done", "")
    assert runner.held() == []


def test_a_process_stopping_says_the_forecasts_it_holds_are_interrupted(
    db: Database, blocked: tuple[threading.Event, threading.Event]
) -> None:
    started, release = blocked
    held = _forecast(db, "queued", age=dt.timedelta(0), beat=None)
    other = _forecast(db, "running", age=dt.timedelta(0), beat=dt.timedelta(0))
    runner = ForecastRunner(db)
    runner.start()
    computing = runner.submit(held)
    assert started.wait(30)
    runner.stop()
    assert _state(db, held) == ("failed", INTERRUPTED)
    assert _state(db, other) == ("running", "")  # another process's
    release.set()  # (a stopped server's process ends with it; here the thread ends first)
    computing.join(30)
