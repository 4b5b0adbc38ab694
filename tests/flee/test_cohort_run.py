"""The cohort ruleset's days: weights worked out again only when a zone's decay moves."""

from __future__ import annotations

import numpy as np

from hito.flee.cohortrun import _decay_moved

TABLE = np.array([1.0, 1.0, 0.5, 0.1])


def test_a_zone_decay_moving_says_so_once_and_is_kept() -> None:
    last = np.full(3, -1.0)
    conflict = np.array([1.0, 0.0, 0.5])
    toc = np.array([0, 0, 5], np.int64)
    assert _decay_moved(last, conflict, toc, 0, TABLE, 30.0)
    assert last.tolist() == [1.0, -1.0, 1.0]  # a place out of conflict is not read
    assert not _decay_moved(last, conflict, toc, 1, TABLE, 30.0)
    assert not _decay_moved(last, conflict, toc, 59, TABLE, 30.0)  # 1.0 -> 1.0: index 1
    assert _decay_moved(last, conflict, toc, 60, TABLE, 30.0)  # place 0 reaches 0.5
    assert last.tolist() == [0.5, -1.0, 1.0]
    assert _decay_moved(last, conflict, toc, 65, TABLE, 30.0)  # place 2 reaches 0.5
    assert not _decay_moved(last, conflict, toc, 66, TABLE, 30.0)
    assert _decay_moved(last, conflict, toc, 500, TABLE, 30.0)  # the table's last value
    assert last.tolist() == [0.1, -1.0, 0.1]
    assert not _decay_moved(last, conflict, toc, 900, TABLE, 30.0)
