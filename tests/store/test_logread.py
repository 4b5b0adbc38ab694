"""Reading the log's entries: in one snapshot, or PostgreSQL lists a moving entry twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from hito.store import audit, logread
from hito.store.db import Database
from store.log_world import keyed


def _three_entries(db: Database) -> None:
    with db.session() as s:
        for i in range(3):
            audit.append(s, actor="test", action="test.entry", resource=f"test:{i}")


def test_entries_read_in_one_snapshot_are_listed_once_each(db: Database) -> None:
    _three_entries(db)
    with db.session(readonly=True, snapshot=True) as s:
        rows, n = logread.entries(s, resource="test:")
    assert [r.resource for r in rows] == ["test:2", "test:1", "test:0"] and n == 3


def test_entries_read_outside_one_snapshot_are_refused_on_postgresql_not_left_to_chance(
    db: Database,
) -> None:
    """READ COMMITTED: the sequencer moving an entry between the page's two reads (waiting,
    then sequenced) listed it twice (seen in CI: one stop link's entry shown twice)."""
    _three_entries(db)
    with db.session(readonly=True) as s:
        if db.dialect == "sqlite":  # a SQLite transaction always reads one snapshot
            assert logread.entries(s, resource="test:")[1] == 3
            return
        with pytest.raises(RuntimeError) as got:
            logread.entries(s, resource="test:")
    assert str(got.value) == (
        "the log's entries were read outside one snapshot: read them with "
        "Database.session(snapshot=True), or entries moving meanwhile are listed twice"
    )


def test_pages_before_an_index_list_each_sequenced_entry_once_and_waiting_ones_first(
    db: Database, tmp_path: Path
) -> None:
    key = keyed(db, tmp_path)
    with db.session() as s:
        for i in range(5):
            audit.append(s, actor="test", action="test.entry", resource=f"test:{i}")
    assert audit.sequence(db, key) is not None  # test:0 … test:4 at indexes 0 … 4
    with db.session() as s:
        for i in (5, 6):  # waiting to be sequenced
            audit.append(s, actor="test", action="test.entry", resource=f"test:{i}")

    def page(limit: int, before: int | None = None) -> tuple[list[str], int | None, int]:
        with db.session(readonly=True, snapshot=True) as s:
            rows, n = logread.entries(s, resource="test:", limit=limit, before=before)
            return [r.resource for r in rows], logread.next_before(s, rows, limit), n

    # a page ending on a waiting entry: the sequenced ones all come next
    assert page(2) == (["test:6", "test:5"], 5, 7)
    assert page(3) == (["test:6", "test:5", "test:4"], 4, 7)
    assert page(2, before=5) == (["test:4", "test:3"], 3, 7)
    assert page(2, before=3) == (["test:2", "test:1"], 1, 7)
    assert page(2, before=1) == (["test:0"], None, 7)  # not full: the last
    assert page(1, before=1) == (["test:0"], None, 7)  # nothing below index 0
    assert page(2, before=99) == (["test:4", "test:3"], 3, 7)  # waiting ones: first page only
