"""The audit chain on its own: hashes link, any change is found."""

from __future__ import annotations

import datetime as dt

from hito.store import audit, migrate
from hito.store.db import Database
from hito.store.models import AuditEntry


def _db(tmp_path) -> Database:  # noqa: ANN001
    db = Database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    migrate.upgrade(db)
    return db


def test_entries_link_to_their_predecessor(tmp_path) -> None:  # noqa: ANN001
    db = _db(tmp_path)
    with db.session() as s:
        a = audit.append(s, actor="ana", action="report.create", resource="report:1", after={"people": 3})
        b = audit.append(s, actor="luis", action="report.create", resource="report:2")
    assert (a.seq, b.seq) == (1, 2)
    assert a.prev_hash == audit.GENESIS and b.prev_hash == a.hash
    assert a.after_digest == audit.digest({"people": 3}) and b.after_digest is None
    with db.session(readonly=True) as s:
        assert audit.verify(s) == audit.Verification(True, 2, b.hash)


def test_hash_covers_every_field() -> None:
    base = dict(seq=1, at=dt.datetime(2025, 11, 29, tzinfo=dt.UTC), actor="a", action="x", resource="r",
                before_digest=None, after_digest="d", prev_hash=audit.GENESIS)
    h = audit.entry_hash(**base)
    for field, other in [("seq", 2), ("at", dt.datetime(2025, 11, 30, tzinfo=dt.UTC)), ("actor", "b"),
                         ("action", "y"), ("resource", "s"), ("before_digest", "e"), ("after_digest", None),
                         ("prev_hash", "1" * 64)]:
        assert audit.entry_hash(**{**base, field: other}) != h, field


def test_an_inserted_entry_is_found(tmp_path) -> None:  # noqa: ANN001
    db = _db(tmp_path)
    with db.session() as s:
        audit.append(s, actor="ana", action="a", resource="r")
        first = s.get(AuditEntry, 1)
        s.add(AuditEntry(seq=2, at=first.at, actor="mallory", action="a", resource="r",
                         prev_hash="f" * 64, hash="e" * 64))
    with db.session(readonly=True) as s:
        v = audit.verify(s)
    assert (v.ok, v.first_bad_seq, v.problem) == (False, 2, "entry 2 does not link to entry 1")
