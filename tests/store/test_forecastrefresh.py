"""The calibrated forecast's refresh: asked for by every process, computed by one at a time."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from sqlalchemy import update

from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.forecastrefresh import ForecastRefresher, ask, claim, let_go, waiting
from hito.store.forecastrun import STALE, ForecastRunner
from hito.store.models import ForecastRefresh
from races import at_once

SCENARIO = "tacna-arica-2025"


def _row(db: Database) -> tuple[int, int, str | None]:
    with db.session(readonly=True) as session:
        row = session.get(ForecastRefresh, SCENARIO)
        assert row is not None
        return row.wanted, row.done, row.holder


def _age_claim(db: Database, by: dt.timedelta) -> None:
    """The claim's last beat `by` ago: its process stopped beating."""
    with db.session() as session:
        session.execute(update(ForecastRefresh).values(held_at=utcnow() - by))


class Counted(ForecastRefresher):
    """A refresher whose refresh only counts (and may wait to be let through): the claim's test.

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


def test_asks_are_counted_from_the_first(db: Database) -> None:
    assert [ask(db, SCENARIO) for _ in range(3)] == [1, 2, 3]
    assert _row(db) == (3, 0, None)


def test_one_process_holds_the_claim_and_the_other_finds_it_held(db: Database) -> None:
    ask(db, SCENARIO)
    assert claim(db, SCENARIO, "a" * 32) == 1
    assert claim(db, SCENARIO, "b" * 32) is None
    ask(db, SCENARIO)  # a report to the other process meanwhile
    assert let_go(db, SCENARIO, "a" * 32, done=1) == 2  # more asked than done: go again
    assert _row(db) == (2, 1, None)
    assert claim(db, SCENARIO, "b" * 32) == 2


def test_a_claim_no_one_beats_for_is_taken_over_and_a_fresh_one_is_not(db: Database) -> None:
    ask(db, SCENARIO)
    assert claim(db, SCENARIO, "gone" * 8) == 1
    _age_claim(db, STALE - dt.timedelta(seconds=5))
    assert claim(db, SCENARIO, "b" * 32) is None
    assert not waiting(db, SCENARIO, "b" * 32)
    _age_claim(db, STALE + dt.timedelta(seconds=1))
    assert waiting(db, SCENARIO, "b" * 32)
    assert claim(db, SCENARIO, "b" * 32) == 1
    assert _row(db)[2] == "b" * 32


def test_a_process_takes_back_its_own_claim_a_failed_let_go_left(db: Database) -> None:
    ask(db, SCENARIO)
    assert claim(db, SCENARIO, "a" * 32) == 1
    assert claim(db, SCENARIO, "a" * 32) == 1


def test_nothing_waits_once_the_asks_are_done(db: Database) -> None:
    assert not waiting(db, SCENARIO, "a" * 32)  # never asked
    ask(db, SCENARIO)
    assert waiting(db, SCENARIO, "a" * 32)
    assert claim(db, SCENARIO, "a" * 32) == 1
    assert not waiting(db, SCENARIO, "b" * 32)  # held and beaten by a
    assert let_go(db, SCENARIO, "a" * 32, done=1) == 1
    assert not waiting(db, SCENARIO, "b" * 32)


def test_claims_at_the_same_moment_give_the_claim_to_one(db: Database) -> None:
    """Race: eight processes see a report at once; only one may compute."""
    ask(db, SCENARIO)
    got = at_once(8, lambda i: claim(db, SCENARIO, f"{i:032d}"))
    assert sorted(got, key=str) == [1] + [None] * 7


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
    assert b.runs == 0  # it found the claim held and left the work to its holder
    shared["go"].set()
    assert a.wait(30)
    # the asks b counted came after a's first refresh read the counts: a refreshes once more
    assert (a.runs, b.runs, shared["most"]) == (2, 0, 1)
    assert _row(db) == (3, 3, None)


def test_asks_a_stopped_process_left_are_taken_up_at_the_next_beat(db: Database) -> None:
    shared = _shared()
    shared["go"].set()
    ask(db, SCENARIO)
    assert claim(db, SCENARIO, "gone" * 8) == 1  # then its process was killed
    b = Counted(db, shared)
    b.request()
    assert b.wait(30)
    assert b.runs == 0  # the claim looks alive
    b.runner.beat()
    assert b.wait(30)
    assert b.runs == 0
    _age_claim(db, STALE + dt.timedelta(seconds=1))
    b.runner.beat()
    assert b.wait(30)
    assert b.runs == 1
    assert _row(db) == (2, 2, None)


def test_a_stopping_process_gives_up_its_claim(db: Database) -> None:
    b = Counted(db, _shared())
    ask(db, SCENARIO)
    assert claim(db, SCENARIO, b.token) == 1
    b.runner.stop()
    assert _row(db) == (1, 0, None)


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
    assert _row(db) == (1, 1, None)


def test_no_claim_is_taken_when_every_ask_is_done(db: Database) -> None:
    ask(db, SCENARIO)
    assert claim(db, SCENARIO, "a" * 32) == 1
    assert let_go(db, SCENARIO, "a" * 32, done=1) == 1
    assert claim(db, SCENARIO, "a" * 32) is None  # nothing asked since: nothing to compute
    assert _row(db) == (1, 1, None)
