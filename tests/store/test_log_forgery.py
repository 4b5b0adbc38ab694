"""A database writer without the key file cannot have entries signed nor mint a bearer token.

Each attack writes with plain SQL, as a DBA of one country could, on SQLite and PostgreSQL;
the log key (and the service's secret derived from it) lives in a file outside the database.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text  # noqa: TID251 - the attacker writes SQL

from hito import notify
from hito.errors import HitoError
from hito.store import (
    agencies,
    audit,
    deliveries,
    logcheck,
    logread,
    migrate,
    reports,
    sites,
    subscriptions,
    throttle,
    tokens,
    users,
)
from hito.store.actors import SYSTEM, Actor
from hito.store.db import Database
from hito.store.errors import AuthError
from hito.store.logkey import LogKey, load_key
from hito.store.logrows import current_digests
from hito.store.logsecret import ServiceSecret
from hito.store.models import Alert, Delivery, Subscription
from hito.store.reports import CountIn
from receivers import webhook_server
from service_db import empty_database, migrated_database, wipe
from service_world import plan_alert

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

PASSWORD = "correct horse battery"
TTL = dt.timedelta(hours=1)


@pytest.fixture(scope="module", autouse=True)
def cheap_passwords() -> None:
    users.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with migrated_database(request.param, tmp_path_factory.mktemp("forgery")) as db:
        yield db


@dataclass
class World:
    """Sites, an agency, an editor and one report, all signed; the key; a stranger's key."""

    db: Database
    key: LogKey
    stranger: LogKey
    editor: Actor
    report: int

    def sql(self, statement: str, **params: object) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(text(statement), params)

    def check(self) -> logcheck.LogCheck:
        with self.db.session(readonly=True) as s:
            return logcheck.verify(s, key=self.key)

    def leaves(self) -> list[tuple[str, str, str | None]]:
        with self.db.session(readonly=True) as s:
            return [(x.action, x.resource, x.after_digest) for x in logread.all_leaves(s)]


@pytest.fixture
def world(database: Database, tmp_path: Path) -> World:
    wipe(database)
    key = load_key(tmp_path / "key.pem", create=True)
    database.use_key(key)
    with database.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        chl = agencies.create_agency(s, actor=SYSTEM, code="pdi", name="PDI", country_code="CHL")
        ed = users.create_user(
            s, actor=SYSTEM, username="ed_pdi", password=PASSWORD, role="editor", agency_id=chl.id
        )
        editor = users.actor_of(users.get_user(s, user_id=ed.id))
    with database.session() as s:
        row, _ = reports.create_report(
            s,
            actor=editor,
            site_id="concordia-strip",
            observed_at=dt.datetime(2025, 11, 30, 10, tzinfo=dt.UTC),
            counts=[CountIn(nationality="VEN", documented=False, people=40, stranded=20)],
        )
    assert audit.sequence(database, key) is not None
    stranger = load_key(tmp_path / "stranger.pem", create=True)
    return World(database, key, stranger, editor, int(row.id))


def _forge_report(w: World, *, mac: str | None) -> tuple[int, bytes]:
    """Insert a report and a `report.create` entry of its digest into log_pending, by SQL.

    Returns the forged report's id and the forged entry's bytes.
    """
    w.sql(
        "INSERT INTO field_report (site_id, observed_at, day, agency_id, fingerprint, remark, "
        "people, stranded, withdrawn, reason, created_at) SELECT site_id, observed_at, day, "
        "agency_id, 'forged', '', 5000, 5000, withdrawn, '', created_at FROM field_report "
        "WHERE id = :r",
        r=w.report,
    )
    with w.db.engine.begin() as conn:
        forged = int(conn.execute(text("SELECT max(id) FROM field_report")).scalar() or 0)
        state = dict(current_digests(conn))[f"report:{forged}"]
    at = dt.datetime(2025, 12, 1, 8, tzinfo=dt.UTC)
    entry = {
        "at": at,
        "actor": "ed_pdi",
        "action": "report.create",
        "resource": f"report:{forged}",
        "before_digest": None,
        "after_digest": state,
        "note": "",
    }
    w.sql(
        "INSERT INTO log_pending (at, actor, action, resource, before_digest, after_digest, "
        "note, mac) VALUES (:at, 'ed_pdi', 'report.create', :r, NULL, :d, '', :m)",
        at=at.replace(tzinfo=None),
        r=f"report:{forged}",
        d=state,
        m=mac,
    )
    return forged, audit.entry_bytes(entry)


def _assert_refused(w: World, forged: int, entry: bytes) -> None:
    """The forged entry was not signed: a `log.rejected` entry instead, and verify says so."""
    before = len(w.leaves())
    head = audit.sequence(w.db, w.key)
    assert head is not None and head.tree_size == before + 1
    action, resource, after = w.leaves()[-1]
    assert action == "log.rejected" and resource.startswith("log_pending:")
    assert after == hashlib.sha256(entry).hexdigest()
    assert ("report.create", f"report:{forged}") not in [(a, r) for a, r, _ in w.leaves()]
    with w.db.session(readonly=True) as s:
        (kept,) = logread.rejected(s)
        assert (kept.resource, kept.entry_digest, kept.leaf_idx) == (
            f"report:{forged}",
            hashlib.sha256(entry).hexdigest(),
            before,
        )
        assert logread.pending_count(s) == 0
    result = w.check()
    assert result.rejected == 1
    assert [str(p) for p in result.problems] == [
        f"entry {before}: the service refused to sign a pending entry written into the database "
        f"behind its back (no valid MAC: report.create report:{forged} by ed_pdi); it is kept "
        "in log_rejected",
        f"report:{forged}: the row has no entry in the log (inserted behind its back)",
    ]


def test_insert_a_report_with_a_forged_entry_without_a_mac(world: World) -> None:
    assert world.check().ok
    forged, entry = _forge_report(world, mac=None)
    _assert_refused(world, forged, entry)


def test_insert_a_report_with_a_forged_entry_keyed_with_another_key(world: World) -> None:
    mac = ServiceSecret.of(world.stranger).entry_mac(b"")  # a well-formed MAC, not the service's
    forged, entry = _forge_report(world, mac=mac)
    _assert_refused(world, forged, entry)


def test_insert_a_report_with_a_forged_entry_carrying_a_genuine_entrys_mac(world: World) -> None:
    with world.db.session() as s:  # a genuine entry waits, with its MAC
        sites.set_status(s, actor=SYSTEM, site_id="chacalluta", status="closed")
    with world.db.engine.begin() as conn:
        genuine_mac = conn.execute(text("SELECT mac FROM log_pending")).scalar()
    forged, entry = _forge_report(world, mac=genuine_mac)
    before = len(world.leaves())
    audit.sequence(world.db, world.key)
    assert [a for a, _r, _d in world.leaves()[before:]] == ["site.status", "log.rejected"]
    result = world.check()
    assert result.rejected == 1 and len(result.problems) == 2


def test_change_a_genuine_pending_entry_before_it_is_sequenced(world: World) -> None:
    with world.db.session() as s:
        sites.set_status(s, actor=SYSTEM, site_id="chacalluta", status="closed")
    world.sql("UPDATE log_pending SET actor = 'mallory'")
    before = len(world.leaves())
    audit.sequence(world.db, world.key)
    assert [a for a, _r, _d in world.leaves()[before:]] == ["log.rejected"]
    assert world.check().rejected == 1


def test_replay_a_genuine_pending_entry_seen_while_it_waited(world: World) -> None:
    """A DBA copies a user's promotion entry (with its MAC) while it waits, and queues it again
    after the user was demoted, with the row set back: the replay is refused."""
    with world.db.session() as s:
        sites.set_status(s, actor=SYSTEM, site_id="chacalluta", status="closed")
    with world.db.engine.begin() as conn:
        seen = conn.execute(
            text(
                "SELECT at, actor, action, resource, before_digest, after_digest, note, mac "
                "FROM log_pending"
            )
        ).one()
    audit.sequence(world.db, world.key)
    with world.db.session() as s:
        sites.set_status(s, actor=SYSTEM, site_id="chacalluta", status="open")
    audit.sequence(world.db, world.key)
    world.sql("UPDATE site SET status = 'closed' WHERE id = 'chacalluta'")
    world.sql(
        "INSERT INTO log_pending (at, actor, action, resource, before_digest, after_digest, "
        "note, mac) VALUES (:at, :actor, :action, :resource, :b, :a, :note, :mac)",
        at=seen.at,
        actor=seen.actor,
        action=seen.action,
        resource=seen.resource,
        b=seen.before_digest,
        a=seen.after_digest,
        note=seen.note,
        mac=seen.mac,
    )
    before = len(world.leaves())
    audit.sequence(world.db, world.key)
    assert [a for a, _r, _d in world.leaves()[before:]] == ["log.rejected"]
    result = world.check()
    assert result.rejected == 1
    assert [str(p).split(" (")[1].split(")")[0] for p in result.problems] == [
        "a signed entry replayed: site.status site:chacalluta by system",
        "edited behind its back",
    ]


def test_a_genuine_entry_is_signed(world: World) -> None:
    with world.db.session() as s:
        reports.create_report(
            s,
            actor=world.editor,
            site_id="concordia-strip",
            observed_at=dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC),
            counts=[CountIn(nationality="PER", documented=True, people=7, stranded=1)],
        )
    before = len(world.leaves())
    audit.sequence(world.db, world.key)
    assert [a for a, _r, _d in world.leaves()[before:]] == ["report.create"]
    result = world.check()
    assert result.ok and result.rejected == 0
    with world.db.session(readonly=True) as s:
        assert logread.rejected(s) == []


def test_two_genuine_entries_alike_in_one_microsecond_are_both_signed(world: World) -> None:
    """Two entries alike in every field but their time: neither is taken for a replay."""
    entry = {"actor": "system", "action": "test.same", "resource": "site:x", "note": "twice"}
    with world.db.session() as s:
        audit.append_many(s, [entry, entry])  # one statement, as a bulk import writes
    before = len(world.leaves())
    audit.sequence(world.db, world.key)
    assert [a for a, _r, _d in world.leaves()[before:]] == ["test.same", "test.same"]
    assert world.check().rejected == 0
    with world.db.session(readonly=True) as s:
        assert logread.rejected(s) == []


def test_writing_the_log_without_the_key_is_refused(world: World) -> None:
    keyless = Database(world.db.url)
    try:
        with pytest.raises(HitoError) as got, keyless.session() as s:
            sites.set_status(s, actor=SYSTEM, site_id="chacalluta", status="closed")
    finally:
        keyless.dispose()
    assert str(got.value) == (
        "this process was not given the log's signing key (HITO_LOG_KEY_FILE): it cannot write "
        "entries to the log nor issue or check tokens"
    )
    with world.db.session(readonly=True) as s:
        assert logread.pending_count(s) == 0  # the change was rolled back with its entry


def test_insert_a_bearer_token_row_of_its_sha256(world: World) -> None:
    raw = "token-chosen-by-the-dba"
    world.sql(
        "INSERT INTO token (user_id, token_hash, created_at, expires_at) "
        "VALUES (:u, :h, :now, :until)",
        u=world.editor.user_id,
        h=hashlib.sha256(raw.encode()).hexdigest(),
        now=dt.datetime(2025, 1, 1),
        until=dt.datetime(2999, 1, 1),
    )
    with pytest.raises(AuthError) as got, world.db.session(readonly=True) as s:
        tokens.authenticate(s, token=raw)
    assert str(got.value) == "unknown token: sign in at /api/v1/auth/token"


def test_a_token_issued_by_the_service_authenticates(world: World) -> None:
    with world.db.session() as s:
        raw, row = tokens.login(s, username="ed_pdi", password=PASSWORD, ttl=TTL)
    assert row.token_hash != hashlib.sha256(raw.encode()).hexdigest()
    with world.db.session(readonly=True) as s:
        assert tokens.authenticate(s, token=raw).username == "ed_pdi"


def _sign_in(w: World, username: str, password: str) -> str:
    """A sign-in as the server does it (argon2 outside the transaction); the token."""
    limits = throttle.Limits(pair=100, window=dt.timedelta(minutes=5))
    raw, _row = tokens.sign_in(
        w.db, username=username, password=password, ttl=TTL, limits=limits, address="198.51.100.7"
    )
    return raw


def test_replace_a_password_hash_with_one_whose_password_is_known(world: World) -> None:
    known = users.hash_password("the-dba-knows-this-one")
    with world.db.engine.begin() as conn:
        original = conn.execute(
            text("SELECT password_hash FROM user_account WHERE username = 'ed_pdi'")
        ).scalar()
    world.sql("UPDATE user_account SET password_hash = :h WHERE username = 'ed_pdi'", h=known)
    with pytest.raises(AuthError) as got:
        _sign_in(world, "ed_pdi", "the-dba-knows-this-one")
    assert str(got.value) == "wrong username or password"
    with world.db.session(readonly=True, snapshot=True) as s:
        (entry,) = [
            e for e in logread.entries(s, resource="user:")[0] if e.action == "auth.failure"
        ]
    assert re.fullmatch(r"password hash not stored by the service salt:[0-9a-f]{32}", entry.note)
    world.sql("UPDATE user_account SET password_hash = :h WHERE username = 'ed_pdi'", h=original)
    assert _sign_in(world, "ed_pdi", PASSWORD)  # put back: the user's own password works


def test_copy_another_users_hash_and_binding(world: World) -> None:
    with world.db.session() as s:
        users.create_user(
            s, actor=SYSTEM, username="dba", password="dba-own-password", role="viewer"
        )
    world.sql(
        "UPDATE user_account SET (password_hash, password_mac) = (SELECT password_hash, "
        "password_mac FROM user_account WHERE username = 'dba') WHERE username = 'ed_pdi'"
    )
    with pytest.raises(AuthError):
        _sign_in(world, "ed_pdi", "dba-own-password")
    with pytest.raises(AuthError), world.db.session() as s:
        tokens.login(s, username="ed_pdi", password="dba-own-password", ttl=TTL)


def test_a_password_set_by_the_service_signs_in(world: World) -> None:
    with world.db.session() as s:
        users.set_password(
            s,
            actor=SYSTEM,
            user_id=world.editor.user_id,  # type: ignore[arg-type]
            password_hash=users.hash_password("a new long passphrase"),
            reset=True,
        )
    assert _sign_in(world, "ed_pdi", "a new long passphrase")


def test_the_services_secret_is_not_in_the_database(world: World) -> None:
    with world.db.session() as s:
        tokens.login(s, username="ed_pdi", password=PASSWORD, ttl=TTL)
        sites.set_status(s, actor=SYSTEM, site_id="chacalluta", status="closed")
        _queued(s, world, "https://receiver.example")  # a sealed secret, a delivery's MAC
    from cryptography.hazmat.primitives import serialization

    secret = ServiceSecret.of(world.key)
    assert world.key.private is not None
    seed = world.key.private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    keys = (secret.pending_key, secret.token_key, secret.password_key, secret.link_key)
    wanted = [k.hex() for k in (*keys, secret.seal_key, secret.delivery_key)]
    wanted += [seed.hex(), "PRIVATE KEY"]
    with world.db.engine.begin() as conn:
        tables = [
            "log_pending",
            "log_leaf",
            "log_head",
            "token",
            "user_account",
            "field_report",
            "site",
            "agency",
            "subscription",
            "delivery",
        ]
        stored = " ".join(
            str(v) for t in tables for row in conn.execute(text(f"SELECT * FROM {t}")) for v in row
        )
    assert [w for w in wanted if w in stored] == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_upgrade_keys_waiting_entries_and_tokens_with_the_key(
    backend: str, tmp_path: Path
) -> None:
    """0007 with the key: a waiting entry is signed, a token, a password and the ack link of a
    delivery not sent yet work.

    Without the key it refuses to run (rows it cannot key), leaving the database as it was.
    """

    def before_0007(url: str) -> tuple[Database, str]:
        db = Database(url)
        migrate.upgrade(db, "0006")
        raw = "a-token-issued-before-the-upgrade"
        with db.engine.begin() as c:
            c.execute(text("insert into country (code, name) values ('CHL', 'Chile')"))
            c.execute(
                text(
                    "insert into user_account (id, username, password_hash, role, active, "
                    "created_at) values (1, 'ana', :h, 'admin', true, '2025-01-01')"
                ),
                {"h": users.hash_password(PASSWORD)},
            )
            c.execute(
                text(
                    "insert into token (user_id, token_hash, created_at, expires_at) values "
                    "(1, :h, '2025-01-01', '2999-01-01')"
                ),
                {"h": hashlib.sha256(raw.encode()).hexdigest()},
            )
            c.execute(
                text(
                    "insert into log_pending (at, actor, action, resource, before_digest, "
                    "after_digest, note) values ('2025-01-01 10:00:00.123456', 'ana', "
                    "'plan.upload', 'plan:x', null, null, 'waiting when the server stopped')"
                )
            )
            c.execute(
                text(
                    "insert into plan (id, name, version, text, active, created_at) values "
                    "(1, 'p', 1, '', true, '2025-01-01')"
                )
            )
            c.execute(
                text(
                    "insert into alert (id, plan_id, plan_name, trigger, met_since, actions, "
                    "agencies, severity, sites, created_at) values (1, 1, 'p', 't', "
                    "'2025-01-01', '[]', '[]', 'warning', '[]', '2025-01-01')"
                )
            )
            c.execute(
                text(
                    "insert into subscription (id, label, user_id, channel, target, secret, "
                    "plans, sites, severities, language, active, created_at) values (1, 'l', 1, "
                    "'email', 'a@example.org', 'whsec_x', '[]', '[]', '[]', 'es', true, "
                    "'2025-01-01')"
                )
            )
            c.execute(
                text(
                    "insert into delivery (id, alert_id, subscription_id, message_id, status, "
                    "attempts, next_attempt_at, last_error, ack_hash, created_at) values (1, 1, 1, "
                    "'msg_1', 'pending', 0, '2025-01-01', '', 'old', '2025-01-01')"
                )
            )
        return db, raw

    key = load_key(tmp_path / "key.pem", create=True)
    with empty_database(backend, tmp_path, "with.sqlite3") as url:
        db, raw = before_0007(url)
        migrate.upgrade(db.use_key(key))
        audit.sequence(db, key, wait=True)
        with db.session(readonly=True) as s:
            assert [(x.action, x.resource) for x in logread.all_leaves(s)] == [
                ("plan.upload", "plan:x"),
                ("log.baseline", "plan:1"),  # 0011: plans and alerts the log has no state of
                ("log.baseline", "alert:1"),
                ("log.baseline", "subscription:1"),  # 0013: and shelters and subscriptions
            ]
            assert tokens.authenticate(s, token=raw).username == "ana"
        with db.session() as s:
            _raw, row = tokens.login(s, username="ana", password=PASSWORD, ttl=TTL)
            sub = s.get(Subscription, 1)
            link = deliveries.ack_token(s, sub, "msg_1")  # the link the e-mail will carry
            assert deliveries.acknowledge(s, token=link).status == "acknowledged"
        assert row.user_id == 1
        db.dispose()
    with empty_database(backend, tmp_path, "without.sqlite3") as url:
        db, raw = before_0007(url)
        with pytest.raises(HitoError) as got:
            migrate.upgrade(db)  # a process without the key
        assert migrate.current(db) == "0006"  # nothing of 0007 was kept
        db.dispose()
    assert str(got.value) == (
        "the database holds log_pending (1), token (1), user_account (1), delivery (1): migration "
        "0007 keys "
        "them with the log's signing key, which this process was not given; upgrade with `hito "
        "db upgrade` or the server, where HITO_LOG_KEY_FILE is the key file"
    )


def _webhooks(w: World, n: int) -> list[tuple[int, str]]:
    """n webhook subscriptions of the editor: their ids and the secrets their owner was given."""
    made = []
    with w.db.session() as s:
        for i in range(n):
            row = subscriptions.create_subscription(
                s,
                actor=w.editor,
                label=f"hook {i}",
                channel="webhook",
                target=f"https://receiver{i}.example/in",
            )
            secret = subscriptions.signing_secret(s, row)
            assert secret is not None and secret.startswith("whsec_")
            made.append((int(row.id), secret))
    return made


def test_read_a_webhook_signing_secret_from_the_database(world: World) -> None:
    """A DBA who could read it could sign a false alert the subscriber's receiver would take."""
    ((sid, given),) = _webhooks(world, 1)
    raw = given.removeprefix("whsec_")
    with world.db.engine.begin() as conn:
        stored = conn.execute(text("SELECT secret FROM subscription WHERE id = :i"), {"i": sid})
        (value,) = stored.one()
        everything = " ".join(
            str(v)
            for t in ("subscription", "log_pending")
            for r in conn.execute(text(f"SELECT * FROM {t}"))
            for v in r
        )
    assert value.startswith("whenc1_") and len(value) <= 100
    assert raw not in everything and base64.b64decode(raw).hex() not in everything
    assert ServiceSecret.of(world.stranger).unseal(value, sid) is None  # another key: nothing


def test_copy_another_subscriptions_sealed_secret(world: World) -> None:
    """B's receiver would take what hito signs with A's secret if the copy opened: it does not."""
    (a, _), (b, _) = _webhooks(world, 2)
    world.sql(
        "UPDATE subscription SET secret = (SELECT secret FROM subscription WHERE id = :a) "
        "WHERE id = :b",
        a=a,
        b=b,
    )
    with world.db.session(readonly=True) as s:
        assert subscriptions.signing_secret(s, s.get(Subscription, b)) is None


def test_write_a_secret_of_ones_own_into_a_subscription(world: World) -> None:
    """Its deliveries are refused, saying why, and nothing is signed with the DBA's secret."""
    ((sid, _),) = _webhooks(world, 1)
    own = subscriptions.new_secret()
    world.sql("UPDATE subscription SET secret = :s WHERE id = :i", s=own, i=sid)
    with world.db.session() as s:
        alert = plan_alert(s)
        assert subscriptions.signing_secret(s, s.get(Subscription, sid)) is None
        (queued,) = deliveries.enqueue(s, alert)
        did = int(queued.id)
    assert deliveries.claim(world.db, lease_seconds=60) == did
    status = deliveries.send(world.db, deliveries.WorkerConfig(), did)
    with world.db.session(readonly=True) as s:
        reason = s.get(Delivery, did).last_error
    assert status == "failed"
    assert "the subscription's signing secret does not open with this service's key" in reason


WORKER = deliveries.WorkerConfig(webhook_allow_private=True)  # the receiver is on 127.0.0.1
REWRITES = {
    "nothing (a genuine alert is sent)": None,
    "the alert's severity and trigger": "UPDATE alert SET severity = 'critical', "
    "trigger = 'evacuate-now' WHERE id = :alert",
    "the plan's text (the titles of the message)": "UPDATE plan SET text = 'title: EVACUATE' "
    "WHERE id = (SELECT plan_id FROM alert WHERE id = :alert)",
    "the subscription's target": "UPDATE subscription SET target = :elsewhere WHERE id = :sub",
}


def _queued(s: Any, w: World, url: str) -> tuple[Subscription, Alert, Delivery]:
    """The editor's webhook subscription to `url`/in, an alert, and its delivery queued."""
    row = subscriptions.create_subscription(
        s,
        actor=w.editor,
        label="desk",
        channel="webhook",
        target=url + "/in",
        allow_private=True,
    )
    alert = plan_alert(s)
    (queued,) = deliveries.enqueue(s, alert)
    return row, alert, queued


@pytest.mark.parametrize("rewritten", list(REWRITES))
def test_rewrite_a_queued_alert_before_the_worker_signs_it(world: World, rewritten: str) -> None:
    """The worker would sign the DBA's words with the subscriber's real secret: it refuses."""
    with webhook_server() as hook, webhook_server() as elsewhere:
        with world.db.session() as s:
            row, alert, queued = _queued(s, world, hook.url)
            secret, sub = subscriptions.signing_secret(s, row), int(row.id)
            did, aid = int(queued.id), int(alert.id)
        if REWRITES[rewritten] is not None:
            world.sql(REWRITES[rewritten], alert=aid, sub=sub, elsewhere=elsewhere.url + "/in")
        assert deliveries.claim(world.db, lease_seconds=60) == did
        status = deliveries.send(world.db, WORKER, did)
    with world.db.session(readonly=True) as s:
        reason = s.get(Delivery, did).last_error
    if REWRITES[rewritten] is None:
        assert status == "sent" and len(hook.requests) == 1
        assert secret is not None
        (_path, headers, body) = hook.requests[0]
        assert notify.verify(secret, headers, body) == headers["webhook-id"]
        return
    assert status == "failed" and hook.requests == [] and elsewhere.requests == []
    assert "changed in the database after the alert was queued (its MAC does not match)" in reason


@pytest.mark.parametrize("mac", ["none", "another delivery's"])
def test_insert_an_alert_and_its_delivery_by_sql(world: World, mac: str) -> None:
    """An alert of the DBA's own, queued by SQL for a real subscriber: nothing is sent."""
    with webhook_server() as hook:
        with world.db.session() as s:
            row, alert, genuine = _queued(s, world, hook.url)
            sub, genuine_mac, plan = row.id, genuine.mac, alert.plan_id
        world.sql(
            "UPDATE delivery SET status = 'sent' WHERE id = :d", d=genuine.id
        )  # the genuine one went out
        world.sql(
            "INSERT INTO alert (id, plan_id, plan_name, trigger, met_since, actions, agencies, "
            "severity, sites, created_at) VALUES (900, :p, 'p', 'evacuate-now', '2025-12-02', "
            "'[]', '[]', 'critical', '[]', '2025-12-02 10:00:00')",
            p=plan,
        )
        world.sql(
            "INSERT INTO delivery (id, alert_id, subscription_id, message_id, status, attempts, "
            "next_attempt_at, last_error, ack_hash, mac, created_at) VALUES (900, 900, :s, "
            "'msg_forged', 'pending', 0, '2025-12-02 10:00:00', '', 'forged', :m, "
            "'2025-12-02 10:00:00')",
            s=sub,
            m=genuine_mac if mac != "none" else None,
        )
        assert deliveries.claim(world.db, lease_seconds=60) == 900
        status = deliveries.send(world.db, WORKER, 900)
    assert status == "failed" and hook.requests == []
