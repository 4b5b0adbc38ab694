"""The audit chain: every write appends an entry; tampering is found."""

from __future__ import annotations

from sqlalchemy import update

from hito.store.models import AuditEntry
from service_world import World, report


def test_every_write_appends_a_chained_entry_and_verifies(world: World) -> None:
    c = world.client
    n0 = c.get("/api/v1/audit", headers=world.h("admin")).json()["count"]
    rid = c.post("/api/v1/reports", json=report(), headers=world.h("ed_chl")).json()["id"]
    log = c.get("/api/v1/audit", params={"resource": f"report:{rid}"}, headers=world.h("admin")).json()
    assert log["count"] == 1
    e = log["data"][0]
    assert (e["actor"], e["action"], e["seq"]) == ("ed_chl", "report.create", n0 + 1)
    assert e["before_digest"] is None and len(e["after_digest"]) == 64
    v = c.get("/api/v1/audit/verify", headers=world.h("viewer")).json()
    assert v == {"ok": True, "entries": n0 + 1, "head": e["hash"], "first_bad_seq": None, "problem": ""}
    assert c.get("/api/v1/audit", headers=world.h("viewer")).status_code == 403


def test_an_altered_entry_breaks_the_chain_at_that_entry(world: World) -> None:
    c = world.client
    c.post("/api/v1/reports", json=report(), headers=world.h("ed_chl"))
    with world.db.session() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="someone-else"))
    v = c.get("/api/v1/audit/verify", headers=world.h("viewer")).json()
    assert (v["ok"], v["first_bad_seq"], v["entries"]) == (False, 3, 2)
    assert v["problem"] == "entry 3 was altered (its hash does not match)"


def test_a_removed_entry_breaks_the_chain(world: World) -> None:
    with world.db.session() as s:
        s.query(AuditEntry).filter(AuditEntry.seq == 2).delete()
    v = world.client.get("/api/v1/audit/verify", headers=world.h("viewer")).json()
    assert (v["ok"], v["first_bad_seq"]) == (False, 3)
    assert v["problem"] == "entry 2 is missing (next is 3)"
