"""Reading the log's entries: in one snapshot, or PostgreSQL lists a moving entry twice."""

from __future__ import annotations

import pytest

from hito.store import audit, logread
from hito.store.db import Database


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
