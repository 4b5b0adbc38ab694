"""The tamper suite: every way of changing history behind the log's back is found, on both databases.

The heads a country saved are kept in a file outside the database; each case tampers with
the database as its operator could (plain SQL, even with the log's own signing key) and
`logcheck.verify` must report it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text  # noqa: TID251 - the attacker writes SQL

from hito.store import agencies, audit, logcheck, logread, merkle, reports, sites, users
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.logkey import LogKey, load_key
from hito.store.logrows import agency_digests
from hito.store.reports import CountIn
from service_db import empty_database, migrated_database, wipe

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module", autouse=True)
def cheap_passwords() -> None:
    users.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with migrated_database(request.param, tmp_path_factory.mktemp("log")) as db:
        yield db


@dataclass
class World:
    """A log with reports, users and sites, two saved heads in a file, the key, a stranger's key."""

    db: Database
    key: LogKey
    stranger: LogKey
    heads_file: Path
    ids: dict[str, int]

    def check(self, *, rows: bool = True) -> logcheck.LogCheck:
        saved = logcheck.parse_heads(self.heads_file.read_text(), str(self.heads_file))
        with self.db.session(readonly=True) as s:
            return logcheck.verify(s, key=self.key, saved=saved, rows=rows)

    def sql(self, statement: str, **params: object) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(text(statement), params)

    def sqls(self, *statements: str, **params: object) -> None:
        for statement in statements:
            self.sql(statement, **params)

    def size(self) -> int:
        with self.db.session(readonly=True) as s:
            return int(s.execute(text("SELECT count(*) FROM log_leaf")).scalar() or 0)


def _report(s, actor, people: int, site: str = "concordia-strip") -> int:  # type: ignore[no-untyped-def]
    row, _ = reports.create_report(
        s,
        actor=actor,
        site_id=site,
        observed_at=dt.datetime(2025, 11, 30, 10, tzinfo=dt.UTC),
        counts=[CountIn(nationality="VEN", documented=False, people=people, stranded=people // 2)],
    )
    return int(row.id)


@pytest.fixture
def world(database: Database, tmp_path: Path) -> World:
    wipe(database)
    key = load_key(tmp_path / "key.pem", create=True)
    database.use_key(key)  # the service's writes are keyed with this log key's secret
    stranger = load_key(tmp_path / "stranger.pem", create=True)
    heads = tmp_path / "heads-peru.jsonl"  # outside the database: what Peru saved
    ids: dict[str, int] = {}
    with database.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        chl = agencies.create_agency(s, actor=SYSTEM, code="pdi", name="PDI", country_code="CHL")
        ids["viewer"] = users.create_user(
            s, actor=SYSTEM, username="viewer", password=PASSWORD, role="viewer"
        ).id
        ed = users.create_user(
            s, actor=SYSTEM, username="ed_pdi", password=PASSWORD, role="editor", agency_id=chl.id
        )
        ids["editor"] = ed.id
    actor = users.actor_of(_load_user(database, ids["editor"]))
    with database.session() as s:
        for i in range(12):
            ids[f"r{i}"] = _report(s, actor, 100 + i)
    first = audit.sequence(database, key)
    assert first is not None
    with database.session() as s:
        for i in range(12, 30):
            ids[f"r{i}"] = _report(s, actor, 100 + i)
    second = audit.sequence(database, key)
    assert second is not None
    heads.write_text(first.line() + "\n" + second.line() + "\n")
    return World(database, key, stranger, heads, ids)


def _load_user(db: Database, user_id: int):  # type: ignore[no-untyped-def]
    with db.session(readonly=True) as s:
        u = users.get_user(s, user_id=user_id)
        _ = u.agency
        return u


def test_the_untouched_log_verifies(world: World) -> None:
    result = world.check()
    assert result.problems == []
    assert result.entries == world.size() > 30 and result.heads_checked >= 4
    assert result.rows_checked >= 30 + 2 + 4


def test_new_entries_after_the_saved_heads_verify_once_sequenced(world: World) -> None:
    with world.db.session() as s:
        sites.set_status(s, actor=SYSTEM, site_id="chacalluta", status="closed")
    assert any("no entry" in p or "differs" in p for p in map(str, world.check().problems)) is False
    audit.sequence(world.db, world.key)
    assert world.check().ok


def _drop_last(n: int) -> Callable[[World], None]:
    def tamper(w: World) -> None:
        w.sql("DELETE FROM log_leaf WHERE idx >= :k", k=w.size() - n)

    return tamper


def _edit_and_rehash(w: World, *, resign: LogKey | None) -> None:
    """Rewrite entry 3's actor, recompute its leaf hash and every stored head's root."""
    w.sql("UPDATE log_leaf SET actor = 'mallory' WHERE idx = 3")
    with w.db.session() as s:
        leaves = list(logread.all_leaves(s))
        hashes = [merkle.leaf_hash(audit.entry_bytes(x)) for x in leaves]
        for x, h in zip(leaves, hashes, strict=True):
            x.leaf_hash = h.hex()
        for size in [int(r[0]) for r in s.execute(text("SELECT tree_size FROM log_head"))]:
            root = merkle.root(hashes[:size]).hex()
            sig = ""
            if resign is not None:
                head = resign.sign(tree_size=size, root_hash=root, timestamp=1)
                s.execute(
                    text("UPDATE log_head SET key_id = :k WHERE tree_size = :n"),
                    {"k": head.key_id, "n": size},
                )
                sig = head.signature
            s.execute(
                text(
                    "UPDATE log_head SET root_hash = :r, signature = coalesce(nullif(:s, ''), "
                    "signature) WHERE tree_size = :n"
                ),
                {"r": root, "s": sig, "n": size},
            )


def _rewrite_with_the_real_key(w: World) -> None:
    """The operator, who holds the key, rebuilds the whole tree with one entry changed."""
    w.sql("UPDATE log_leaf SET note = 'rewritten' WHERE idx = 5")
    with w.db.session() as s:
        leaves = list(logread.all_leaves(s))
        hashes = [merkle.leaf_hash(audit.entry_bytes(x)) for x in leaves]
        for x, h in zip(leaves, hashes, strict=True):
            x.leaf_hash = h.hex()
        s.execute(text("DELETE FROM log_head"))
        f = merkle.Frontier()
        for h in hashes:
            f.append(h)
        head = w.key.sign(tree_size=f.size, root_hash=f.root().hex(), timestamp=2)
        s.execute(
            text(
                "INSERT INTO log_head (tree_size, root_hash, timestamp, key_id, signature, "
                "frontier) VALUES (:n, :r, 2, :k, :s, :f)"
            ),
            {
                "n": f.size,
                "r": head.root_hash,
                "k": head.key_id,
                "s": head.signature,
                "f": '["' + '","'.join(f.to_hex()) + '"]',
            },
        )


def _append_forged(w: World) -> None:
    """A forged entry appended after the last head, with a correct leaf hash."""
    n = w.size()
    at = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    entry = {
        "at": at,
        "actor": "admin",
        "action": "user.update",
        "resource": "user:1",
        "before_digest": None,
        "after_digest": None,
        "note": "",
    }
    h = merkle.leaf_hash(audit.entry_bytes(entry)).hex()
    w.sql(
        "INSERT INTO log_leaf (idx, at, actor, action, resource, before_digest, after_digest, note, "
        "leaf_hash) VALUES (:i, :at, 'admin', 'user.update', 'user:1', NULL, NULL, '', :h)",
        i=n,
        at=at.replace(tzinfo=None),
        h=h,
    )


def _append_forged_with_stranger_head(w: World) -> None:
    _append_forged(w)
    with w.db.session(readonly=True) as s:
        hashes = [bytes.fromhex(x.leaf_hash) for x in logread.all_leaves(s)]
    f = merkle.Frontier()
    for h in hashes:
        f.append(h)
    head = w.stranger.sign(tree_size=f.size, root_hash=f.root().hex(), timestamp=3)
    w.sql(
        "INSERT INTO log_head (tree_size, root_hash, timestamp, key_id, signature, frontier) "
        "VALUES (:n, :r, 3, :k, :s, '[]')",
        n=f.size,
        r=head.root_hash,
        k=w.key.key_id,
        s=head.signature,
    )


def _swap(w: World) -> None:
    w.sql("UPDATE log_leaf SET idx = -1 WHERE idx = 4")
    w.sql("UPDATE log_leaf SET idx = 4 WHERE idx = 5")
    w.sql("UPDATE log_leaf SET idx = 5 WHERE idx = -1")


def _insert_in_the_middle(w: World) -> None:
    n = w.size()
    for i in range(n - 1, 5, -1):
        w.sql("UPDATE log_leaf SET idx = :j WHERE idx = :i", i=i, j=i + 1)
    w.sql(
        "INSERT INTO log_leaf (idx, at, actor, action, resource, before_digest, after_digest, note, "
        "leaf_hash) SELECT 6, at, 'mallory', action, resource, before_digest, after_digest, note, "
        "leaf_hash FROM log_leaf WHERE idx = 5"
    )


def _truncate_and_reappend(w: World) -> None:
    """Remove the last 5 entries and append 5 others, the head signed with the real key."""
    n = w.size()
    w.sql("DELETE FROM log_leaf WHERE idx >= :k", k=n - 5)
    w.sql("DELETE FROM log_head WHERE tree_size > :k", k=n - 5)
    w.sql("DELETE FROM log_head")
    with w.db.session() as s:
        leaves = list(logread.all_leaves(s))
    f = merkle.Frontier()
    for x in leaves:
        f.append(bytes.fromhex(x.leaf_hash))
    w.sql(
        "INSERT INTO log_head (tree_size, root_hash, timestamp, key_id, signature, frontier) "
        "VALUES (:n, :r, 1, :k, 'x', :f)",
        n=f.size,
        r=f.root().hex(),
        k=w.key.key_id,
        f='["' + '","'.join(f.to_hex()) + '"]',
    )
    with w.db.session() as s:  # sign the truncated head properly, then re-append
        head = w.key.sign(tree_size=f.size, root_hash=f.root().hex(), timestamp=1)
        s.execute(text("UPDATE log_head SET signature = :s"), {"s": head.signature})
        for i in range(5):
            audit.append(s, actor="mallory", action="report.create", resource=f"report:{900 + i}")
    audit.sequence(w.db, w.key)


def _roll_back_to_the_first_head(w: World) -> None:
    with w.db.session(readonly=True) as s:
        first = min(
            int(r[0]) for r in s.execute(text("SELECT tree_size FROM log_head")) if r[0] > 0
        )
    w.sql("DELETE FROM log_leaf WHERE idx >= :k", k=first)
    w.sql("DELETE FROM log_head WHERE tree_size > :k", k=first)


CASES: dict[str, Callable[[World], None]] = {
    "delete_the_last_entry": _drop_last(1),
    "delete_the_last_ten_entries": _drop_last(10),
    "empty_the_log": lambda w: w.sql("DELETE FROM log_leaf"),
    "empty_the_log_and_its_heads": lambda w: w.sqls("DELETE FROM log_leaf", "DELETE FROM log_head"),
    "edit_an_entry": lambda w: w.sql("UPDATE log_leaf SET actor = 'mallory' WHERE idx = 3"),
    "edit_an_entry_and_recompute_the_hashes": lambda w: _edit_and_rehash(w, resign=None),
    "edit_an_entry_and_resign_with_another_key": lambda w: _edit_and_rehash(w, resign=w.stranger),
    "rewrite_history_with_the_real_key": _rewrite_with_the_real_key,
    "append_a_forged_entry": _append_forged,
    "append_a_forged_entry_with_a_forged_head": _append_forged_with_stranger_head,
    "delete_an_entry_in_the_middle": lambda w: w.sql("DELETE FROM log_leaf WHERE idx = 7"),
    "reorder_two_entries": _swap,
    "insert_an_entry_in_the_middle": _insert_in_the_middle,
    "truncate_and_append_other_entries_signed_with_the_real_key": _truncate_and_reappend,
    "roll_back_to_an_older_signed_head": _roll_back_to_the_first_head,
    "delete_the_signed_heads": lambda w: w.sql("DELETE FROM log_head"),
    "change_the_after_digest_of_an_entry": lambda w: w.sql(
        "UPDATE log_leaf SET after_digest = :d WHERE idx = 10", d="0" * 64
    ),
    "edit_the_counts_of_a_report": lambda w: w.sql(
        "UPDATE report_count SET people = people + 1000 WHERE report_id = :r", r=w.ids["r3"]
    ),
    "edit_the_total_of_a_report": lambda w: w.sql(
        "UPDATE field_report SET stranded = 99999 WHERE id = :r", r=w.ids["r4"]
    ),
    # a report's day is derived from its time and site, so the log does not record it
    "move_a_report_to_another_day": lambda w: w.sql(
        "UPDATE field_report SET day = '2020-01-01' WHERE id = :r", r=w.ids["r5"]
    ),
    "move_a_report_to_another_site": lambda w: w.sql(
        "UPDATE field_report SET site_id = 'chacalluta' WHERE id = :r", r=w.ids["r5"]
    ),
    "delete_a_report": lambda w: w.sqls(
        "DELETE FROM report_count WHERE report_id = :r",
        "DELETE FROM field_report WHERE id = :r",
        r=w.ids["r6"],
    ),
    "insert_a_report_behind_the_logs_back": lambda w: w.sql(
        "INSERT INTO field_report (site_id, observed_at, day, agency_id, fingerprint, remark, "
        "people, stranded, withdrawn, reason, created_at) SELECT site_id, observed_at, day, "
        "agency_id, 'x', '', "
        "1000000, 1000000, withdrawn, '', created_at FROM field_report WHERE id = :r",
        r=w.ids["r7"],
    ),
    "promote_a_user_to_admin": lambda w: w.sql(
        "UPDATE user_account SET role = 'admin' WHERE id = :u", u=w.ids["viewer"]
    ),
    "replace_a_password_hash": lambda w: w.sql(
        "UPDATE user_account SET password_hash = 'x' WHERE id = :u", u=w.ids["editor"]
    ),
    "move_a_user_to_another_agency": lambda w: w.sql(
        "UPDATE user_account SET agency_id = NULL WHERE id = :u", u=w.ids["editor"]
    ),
    "insert_an_admin_behind_the_logs_back": lambda w: w.sql(
        "INSERT INTO user_account (username, password_hash, role, active, created_at) "
        "SELECT 'mallory', password_hash, 'admin', active, created_at FROM user_account "
        "WHERE id = :u",
        u=w.ids["viewer"],
    ),
    "move_an_agency_to_the_other_country": lambda w: w.sql(
        "UPDATE agency SET country_code = 'PER' WHERE code = 'pdi'"
    ),
    "insert_an_agency_behind_the_logs_back": lambda w: w.sql(
        "INSERT INTO agency (code, name, country_code, created_at) "
        "SELECT 'shadow', 'Shadow', 'PER', created_at FROM agency WHERE code = 'pdi'"
    ),
    "close_a_site_in_the_table": lambda w: w.sql(
        "UPDATE site SET status = 'closed' WHERE id = 'chacalluta'"
    ),
    "change_a_shelter_capacity_in_the_table": lambda w: w.sql(
        "UPDATE site SET capacity = 0 WHERE kind = 'shelter'"
    ),
}


def test_an_open_ended_report_verifies_and_giving_it_a_high_behind_the_log_is_found(
    world: World,
) -> None:
    """ "More than 100" (a low, no high) is recorded as it is; a high added in SQL is an edit."""
    actor = users.actor_of(_load_user(world.db, world.ids["editor"]))
    with world.db.session() as s:
        row, _ = reports.create_report(
            s,
            actor=actor,
            site_id="concordia-strip",
            observed_at=dt.datetime(2025, 11, 30, 11, tzinfo=dt.UTC),
            counts=[CountIn(nationality="VEN", documented=False, people_low=100, stranded=100)],
        )
        rid = row.id
    audit.sequence(world.db, world.key)
    assert world.check().ok
    world.sql("UPDATE report_count SET people_high = 100 WHERE report_id = :r", r=rid)
    assert [str(p) for p in world.check().problems] == [
        f"report:{rid}: the row differs from its state in the log (edited behind its back)"
    ]


@pytest.mark.parametrize("case", sorted(CASES))
def test_tampering_is_detected(world: World, case: str) -> None:
    assert world.check().ok
    CASES[case](world)
    result = world.check()
    assert not result.ok, f"{case} was not detected"


def test_a_heads_file_with_a_forged_head_is_reported(world: World) -> None:
    forged = world.stranger.sign(tree_size=3, root_hash="00" * 32, timestamp=5)
    with world.heads_file.open("a") as fh:
        fh.write(forged.line() + "\n")
    result = world.check()
    assert any("heads-peru.jsonl:3" in p and "signature" in p for p in map(str, result.problems))


def test_a_bad_heads_file_names_the_line_and_field(world: World) -> None:
    from hito.errors import InputError

    with pytest.raises(InputError, match=r"heads.jsonl:2: field 'tree_size': expected int"):
        logcheck.parse_heads('# saved by Peru\n{"tree_size": "x"}\n', "heads.jsonl")
    with pytest.raises(InputError) as err:
        logcheck.parse_heads("garbage\n", "heads.jsonl")
    assert err.value.in_language("en") == [
        "heads.jsonl:1: not a JSON signed tree head (unreadable from column 1)"
    ]
    assert err.value.in_language("es") == [
        "heads.jsonl:1: no es una cabecera de árbol firmada en JSON (ilegible desde la columna 1)"
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_with_the_old_hash_chain_verifies_after_the_upgrade(
    backend: str, tmp_path: Path
) -> None:
    from hito.store import migrate

    def check(url: str) -> None:
        db = Database(url)
        migrate.upgrade(db, "0002")
        with db.engine.begin() as c:
            c.execute(text("insert into country (code, name) values ('CHL', 'Chile')"))
            c.execute(
                text(
                    "insert into agency (id, code, name, country_code, created_at) "
                    "values (1, 'a', 'A', 'CHL', '2025-01-01')"
                )
            )
            c.execute(
                text(
                    "insert into site (id, name, kind, country_code, lat, lon, status, scenario, "
                    "created_at) values ('s', 'S', 'border_post', 'CHL', -18.1, -70.3, 'open', 'x', "
                    "'2025-01-01')"
                )
            )
            c.execute(
                text(
                    "insert into user_account (id, username, password_hash, role, active, "
                    "failed_logins, created_at) values (1, 'ana', 'h', 'admin', true, 0, '2025-01-01')"
                )
            )
            c.execute(
                text(
                    "insert into field_report (id, site_id, observed_at, agency_id, fingerprint, "
                    "remark, people, stranded, created_at) values (1, 's', '2025-01-01 10:00:00', 1, "
                    "'f', '', 19, 4, '2025-01-01 10:00:01')"
                )
            )
            c.execute(
                text(
                    "insert into report_count (id, report_id, nationality, documented, people, "
                    "stranded) values (1, 1, 'VEN', false, 19, 4)"
                )
            )
            for seq in (1, 2):
                c.execute(
                    text(
                        "insert into audit_entry (seq, at, actor, action, resource, before_digest, "
                        "after_digest, prev_hash, hash) values (:s, '2025-01-01', 'ana', 'x.create', "
                        "'x:1', null, 'd', 'p', :h)"
                    ),
                    {"s": seq, "h": f"{seq}" * 64},
                )
        key = load_key(tmp_path / f"{backend}.pem", create=True)
        migrate.upgrade(db.use_key(key))  # 0007 keys the waiting entries with it
        head = audit.sequence(db, key, wait=True)
        assert head is not None and head.tree_size == 2 + 4  # the old chain, then 4 baselines
        with db.session(readonly=True) as s:
            result = logcheck.verify(s, key=key, saved=[("saved", head)])
            notes = [e.note for e in logread.all_leaves(s)]
        assert result.problems == [] and result.rows_checked == 4
        assert notes[0] == f"hash chain entry 1: {'1' * 64}"
        with db.engine.begin() as c:
            c.execute(text("update report_count set people = 190 where id = 1"))
        with db.session(readonly=True) as s:
            assert list(map(str, logcheck.verify(s, key=key).problems)) == [
                "report:1: the row differs from its state in the log (edited behind its back)"
            ]
        db.dispose()

    with empty_database(backend, tmp_path, "old.sqlite3") as url:
        check(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_agencies_made_before_their_rows_were_checked_get_a_baseline(
    backend: str, tmp_path: Path
) -> None:
    """0005: an agency with no state in the log gets one baseline; one with a state gets none."""
    from hito.store import migrate

    def check(url: str) -> None:
        db = Database(url)
        migrate.upgrade(db, "0004")
        with db.engine.begin() as c:  # as 0004's code made agencies: with an agency.create
            c.execute(text("insert into country (code, name) values ('CHL', 'Chile')"))
            c.execute(text("insert into country (code, name) values ('PER', 'Perú')"))
            c.execute(
                text(
                    "insert into agency (code, name, country_code, created_at) "
                    "values ('pdi', 'PDI', 'CHL', '2025-01-01 09:00:00')"
                )
            )
            ((pdi, state),) = agency_digests(c)
            c.execute(
                text(
                    "insert into log_pending (at, actor, action, resource, before_digest, "
                    "after_digest, note) values ('2025-01-01 09:00:00', 'system', "
                    "'agency.create', :r, null, :d, '')"
                ),
                {"r": pdi, "d": state},
            )
        with db.engine.begin() as c:  # as agencies were made in the hash chain's days
            c.execute(
                text(
                    "insert into agency (code, name, country_code, created_at) "
                    "values ('migraciones', 'Migraciones', 'PER', '2025-01-01 10:00:00')"
                )
            )
        key = load_key(tmp_path / f"{backend}.pem", create=True)
        migrate.upgrade(db.use_key(key))  # 0007 keys the waiting entries with it
        head = audit.sequence(db, key, wait=True)
        with db.session(readonly=True) as s:
            result = logcheck.verify(s, key=key, saved=[("saved", head)])
            baselines = [e.resource for e in logread.all_leaves(s) if e.action == "log.baseline"]
            (per,) = s.scalars(text("select id from agency where code = 'migraciones'"))
        assert result.problems == [] and baselines == [f"agency:{per}"]
        with db.engine.begin() as c:
            c.execute(text("update agency set country_code = 'CHL' where id = :a"), {"a": per})
        with db.session(readonly=True) as s:
            assert list(map(str, logcheck.verify(s, key=key).problems)) == [
                f"agency:{per}: the row differs from its state in the log (edited behind its back)"
            ]
        db.dispose()

    with empty_database(backend, tmp_path, "old.sqlite3") as url:
        check(url)
