"""The calibrated forecast's refresh: asked for by every process, computed by one at a time."""

from __future__ import annotations

import threading
from typing import Any

from hito.store.db import Database, Lock
from hito.store.forecastrefresh import ForecastRefresher, ask, asks, covered
from hito.store.forecastrun import ForecastRunner
from races import at_once, held_elsewhere

SCENARIO = "tacna-arica-2025"


class Counted(ForecastRefresher):
    """A refresher whose refresh only counts (and may wait to be let through): the lock's test.

    The real refresh (a calibrated forecast, its triggers) is tested end to end in
    tests/api/test_forecast_refresh.py.
    """

    def __init__(self, db: Database, shared: dict[str, Any]) -> None:
        super().__init__(db, scenario=SCENARIO, runner=ForecastRunner(db))
        self.shared = shared
        self.runs = 0

    def refresh(self) -> int | None:
        s = self.shared
        with s["lock"]:
            s["now"] += 1
            s["most"] = max(s["most"], s["now"])
        s["started"].set()
        s["go"].wait(30)
        with s["lock"]:
            s["now"] -= 1
        self.runs += 1
        return None


def _shared() -> dict[str, Any]:
    return {
        "lock": threading.Lock(),
        "now": 0,
        "most": 0,
        "started": threading.Event(),
        "go": threading.Event(),
    }


def test_asks_are_counted_from_the_first_and_done_never_goes_back(db: Database) -> None:
    assert asks(db, SCENARIO) == (0, 0)
    assert [ask(db, SCENARIO) for _ in range(3)] == [1, 2, 3]
    covered(db, SCENARIO, 2)
    covered(db, SCENARIO, 1)  # a slower refresh, finishing later, covered fewer
    assert asks(db, SCENARIO) == (3, 2)


def test_asks_at_the_same_moment_are_each_counted(db: Database) -> None:
    """Race: eight reports to eight workers at once, the row not there yet."""
    got = at_once(8, lambda _i: ask(db, SCENARIO))
    assert sorted(got) == list(range(1, 9))  # type: ignore[type-var]


def test_reports_to_two_worker_processes_run_one_refresh_at_a_time(db: Database) -> None:
    """`hito serve --workers 2`: each worker refreshed after its own reports, both at once."""
    shared = _shared()
    a, b = Counted(db, shared), Counted(db, shared)
    a.request()
    assert shared["started"].wait(30)  # a computes
    b.request()  # reports reach the other worker meanwhile
    assert b.wait(30)
    b.request()
    assert b.wait(30)
    assert b.runs == 0  # it found the lock held and left the work to its holder
    shared["go"].set()
    assert a.wait(30)
    # the asks b counted came after a's first refresh read them: a refreshes once more
    assert (a.runs, b.runs, shared["most"]) == (2, 0, 1)
    assert asks(db, SCENARIO) == (3, 3)


def test_many_workers_asking_at_once_refresh_one_at_a_time_and_leave_no_ask(db: Database) -> None:
    shared = _shared()
    shared["go"].set()
    workers = [Counted(db, shared) for _ in range(6)]
    at_once(6, lambda i: workers[i].request())
    assert all(w.wait(60) for w in workers)
    assert shared["most"] == 1
    assert 1 <= sum(w.runs for w in workers) <= 6
    wanted, done = asks(db, SCENARIO)
    assert wanted == done == 6


def test_asks_a_killed_process_left_are_taken_up_at_the_next_beat(db: Database) -> None:
    """A worker killed mid-refresh: its lock goes with it, and a live worker's beat finds the
    asks waiting (no minutes of waiting for a claim to lapse)."""
    shared = _shared()
    shared["go"].set()
    b = Counted(db, shared)
    holder = held_elsewhere(db.url, Lock.REFRESH)  # another worker, refreshing
    try:
        b.request()  # a report reaches b while the other refreshes
        assert b.wait(30)
        assert b.runs == 0
        b.runner.beat()
        assert b.wait(30)
        assert b.runs == 0  # still held: nothing taken up
    finally:
        holder.kill()  # kill -9: no let-go, no clean-up
        holder.wait(30)
    b.runner.beat()
    assert b.wait(30)
    assert b.runs == 1
    assert asks(db, SCENARIO) == (1, 1)


def test_a_beat_during_a_long_refresh_brings_no_second_one(db: Database) -> None:
    """A refresh longer than a beat (15 s) was followed by a second, for no new report."""
    shared = _shared()
    a = Counted(db, shared)
    a.request()
    assert shared["started"].wait(30)
    a.runner.beat()  # the process's beat while its refresh runs
    shared["go"].set()
    assert a.wait(30)
    assert a.runs == 1
    assert asks(db, SCENARIO) == (1, 1)


def test_a_refresh_that_fails_is_not_tried_again_for_the_same_asks(db: Database) -> None:
    class Failing(Counted):
        def refresh(self) -> int | None:
            self.runs += 1
            raise RuntimeError("the forecast failed")

    shared = _shared()
    a = Failing(db, shared)
    a.request()
    assert a.wait(30)
    a.runner.beat()
    assert a.wait(30)
    assert a.runs == 1 and asks(db, SCENARIO) == (1, 1)
