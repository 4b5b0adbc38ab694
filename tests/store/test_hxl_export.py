"""The export's pages: every report once, though reports are stored while it streams."""

from __future__ import annotations

from typing import Any

from hito.store import hxl_export, hxl_import
from hito.store.db import Database

HEAD = (
    "Date,Site,Nat,Doc,People\n"
    "#date,#loc+code,#country+origin,#indicator+documented,#affected+total\n"
)


def _store(db: Database, w: dict[str, Any], rows: str) -> list[int]:
    with db.session() as s:
        got = hxl_import.import_csv(s, actor=w["admin_chl"], data=(HEAD + rows).encode())
        return [r.id for r in got]


def test_a_report_stored_while_the_export_streams_writes_no_row_twice(
    db: Database, w: dict[str, Any]
) -> None:
    """Pages of two, newest first: a newer report stored after the first page would have
    pushed that page's last report into the second (an offset), exported twice."""
    ids = _store(
        db,
        w,
        "2025-11-30,chacalluta,VEN,no,5\n"
        "2025-11-29,chacalluta,VEN,no,6\n"
        "2025-11-29,concordia-strip,VEN,no,7\n"  # the same time as the one above: by id
        "2025-11-28,chacalluta,VEN,no,8\n"
        "2025-11-27,chacalluta,VEN,no,9\n",
    )
    pages = hxl_export.report_pages(db, {}, size=2)
    first = [next(pages).id, next(pages).id]
    newer = _store(db, w, "2025-12-01,chacalluta,VEN,no,10\n")  # a field team meanwhile
    older = _store(db, w, "2025-11-26,chacalluta,PER,no,11\n")  # a count typed in late
    rest = [r.id for r in pages]
    assert first == [ids[0], ids[2]]  # newest observation first; the later id first on a tie
    assert first + rest == [ids[0], ids[2], ids[1], ids[3], ids[4], *older]
    assert newer[0] not in rest  # newer than the page it would have come in: not exported
