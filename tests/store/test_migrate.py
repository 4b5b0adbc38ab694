"""Migrations: the shipped revisions build exactly the tables of the models, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hito.store import migrate
from hito.store.db import Database
from hito.store.models import Base
from service_db import empty_database, log_key


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_matches_the_models_and_downgrade_empties(backend: str, tmp_path) -> None:  # noqa: ANN001
    def check(url: str) -> None:
        db = Database(url).use_key(log_key())
        assert migrate.current(db) is None and migrate.needs_upgrade(db)
        migrate.upgrade(db)
        assert migrate.current(db) == migrate.head() and not migrate.needs_upgrade(db)
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        migrate.downgrade(db, "base")
        assert migrate.current(db) is None
        db.dispose()

    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        check(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0002_turns_rows_of_one_sex_and_age_band_into_breakdowns(backend: str, tmp_path) -> None:  # noqa: ANN001
    from sqlalchemy import text

    def check(url: str) -> None:
        db = Database(url).use_key(log_key())
        migrate.upgrade(db, "0001")
        with db.engine.begin() as c:
            c.execute(text("insert into country (code, name) values ('CHL', 'Chile')"))
            c.execute(
                text(
                    "insert into agency (id, code, name, country_code, created_at) values (1, 'a', 'A', 'CHL', '2025-01-01')"
                )
            )
            c.execute(
                text(
                    "insert into site (id, name, kind, country_code, lat, lon, status, scenario, created_at) "
                    "values ('s', 'S', 'border_post', 'CHL', 0, 0, 'open', 'x', '2025-01-01')"
                )
            )
            c.execute(
                text(
                    "insert into field_report (id, site_id, observed_at, agency_id, fingerprint, remark, people, stranded, created_at) "
                    "values (1, 's', '2025-01-01', 1, 'f', '', 19, 0, '2025-01-01')"
                )
            )
            for i, (sex, band, n) in enumerate(
                [("f", "5-17", 7), ("m", "60+", 3), ("x", "18-59", 4), (None, None, 5)]
            ):
                c.execute(
                    text(
                        "insert into report_count (id, report_id, nationality, documented, sex, age_band, people, stranded) "
                        "values (:i, 1, 'VEN', false, :sex, :band, :n, 0)"
                    ),
                    {"i": i + 1, "sex": sex, "band": band, "n": n},
                )
        migrate.upgrade(db)
        with db.engine.connect() as c:
            rows = c.execute(
                text(
                    "select people, f_children, f_adults, m_older, m_children from report_count order by id"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            (7, 7, 0, 0, 0),
            (3, 0, 0, 3, 0),
            (4, None, None, None, None),
            (5, None, None, None, None),
        ]
        db.dispose()

    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        check(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0006_gives_stored_reports_the_local_day_at_their_site(backend: str, tmp_path) -> None:  # noqa: ANN001
    """20:00 in Tacna, 23:30 in Arica (summer and winter), a site of no known zone: UTC."""
    from sqlalchemy import text

    def check(url: str) -> None:
        db = Database(url).use_key(log_key())
        migrate.upgrade(db, "0005")
        with db.engine.begin() as c:
            for code in ("CHL", "PER", "VEN"):
                c.execute(text("insert into country (code, name) values (:c, :c)"), {"c": code})
            c.execute(
                text(
                    "insert into agency (id, code, name, country_code, created_at) "
                    "values (1, 'a', 'A', 'CHL', '2025-01-01')"
                )
            )
            for site, country in (("tacna", "PER"), ("arica", "CHL"), ("caracas", "VEN")):
                c.execute(
                    text(
                        "insert into site (id, name, kind, country_code, lat, lon, status, "
                        "scenario, created_at) values (:s, :s, 'city', :c, 0, 0, 'open', 'x', "
                        "'2025-01-01')"
                    ),
                    {"s": site, "c": country},
                )
            for rid, site, at in (
                (1, "tacna", "2025-12-02 01:00:00"),  # 20:00 on 1 December in Tacna
                (2, "arica", "2025-12-01 02:30:00"),  # 23:30 on 30 November in Arica (UTC-3)
                (3, "arica", "2025-07-01 03:30:00"),  # 23:30 on 30 June in Arica (UTC-4)
                (4, "caracas", "2025-12-02 01:00:00"),  # no zone known: the UTC day
                (5, "arica", "2025-12-01 15:00:00"),
            ):
                c.execute(
                    text(
                        "insert into field_report (id, site_id, observed_at, agency_id, "
                        "fingerprint, remark, people, stranded, created_at) "
                        "values (:i, :s, :at, 1, 'f', '', 1, 1, '2025-01-01')"
                    ),
                    {"i": rid, "s": site, "at": at},
                )
        migrate.upgrade(db)
        with db.engine.connect() as c:
            days = c.execute(text("select id, day from field_report order by id")).all()
        as_dates = [(i, d if isinstance(d, dt.date) else dt.date.fromisoformat(d)) for i, d in days]
        assert as_dates == [
            (1, dt.date(2025, 12, 1)),
            (2, dt.date(2025, 11, 30)),
            (3, dt.date(2025, 6, 30)),
            (4, dt.date(2025, 12, 2)),
            (5, dt.date(2025, 12, 1)),
        ]
        migrate.downgrade(db, "0005")
        with db.engine.connect() as c:
            assert c.execute(text("select count(*) from field_report")).scalar() == 5
        db.dispose()

    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        check(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0008_seals_the_webhook_secrets_given_before_and_their_links_keep_working(
    backend: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """The receiver keeps the secret it was given; the e-mail's ack link still acknowledges."""
    from sqlalchemy import text

    from hito.errors import HitoError
    from hito.store import deliveries, subscriptions
    from hito.store.models import Subscription

    given = subscriptions.new_secret()

    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        db = _webhook_at_0007(url, given)
        with db.session(readonly=True) as s:  # as 0007 and the service before keyed the link
            link = deliveries.ack_token(s, s.get(Subscription, 7), "msg_1")
        migrate.upgrade(db)
        with db.session(readonly=True) as s:
            row = s.get(Subscription, 7)
            assert row.secret.startswith("whenc1_") and given not in row.secret
            assert subscriptions.signing_secret(s, row) == given
            assert deliveries.ack_token(s, row, "msg_1") == link
        migrate.downgrade(db, "0007")
        with db.engine.connect() as c:
            assert c.execute(text("select secret from subscription")).scalar() == given
        db.dispose()
    with empty_database(backend, tmp_path, "without.sqlite3") as url:
        db = _webhook_at_0007(url, given)
        with pytest.raises(HitoError) as got:
            migrate.upgrade(Database(url))  # a process without the key
        assert migrate.current(db) == "0007"
        with db.engine.connect() as c:
            assert c.execute(text("select secret from subscription")).scalar() == given
        db.dispose()
    assert got.value.in_language("en") == [
        "the database holds 1 subscription: migration 0008 seals its signing secret with the "
        "log's signing key, which this process was not given; upgrade with `hito db upgrade` or "
        "the server, where HITO_LOG_KEY_FILE is the key file"
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0008_over_a_long_secret_put_in_by_sql_neither_fails_nor_overflows_the_column(
    backend: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """A canonical `whsec_` of 48 bytes (70 characters: it fits `secret`, String(100)) written
    by SQL: sealed it would take 103 characters, which PostgreSQL refused, failing the whole
    upgrade. hito makes only 32-byte secrets: a longer one is left as it is (its webhooks fail,
    saying so), and the upgrade goes through."""
    import base64

    from hito.store import subscriptions
    from hito.store.models import Subscription

    long = "whsec_" + base64.b64encode(bytes(range(48))).decode()
    assert len(long) == 70
    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        db = _webhook_at_0007(url, long)
        migrate.upgrade(db)
        assert migrate.current(db) == migrate.head()
        with db.session(readonly=True) as s:
            row = s.get(Subscription, 7)
            assert row.secret == long
            assert subscriptions.signing_secret(s, row) is None
        db.dispose()


def _webhook_at_0007(url: str, secret: str) -> Database:
    """A database at 0007 with webhook subscription 7 (of admin 1) whose secret is `secret`."""
    from sqlalchemy import text

    db = Database(url).use_key(log_key())
    migrate.upgrade(db, "0007")
    with db.engine.begin() as c:
        c.execute(
            text(
                "insert into user_account (id, username, password_hash, role, active, "
                "created_at) values (1, 'ana', 'x', 'admin', true, '2025-01-01')"
            )
        )
        c.execute(
            text(
                "insert into subscription (id, label, user_id, channel, target, secret, "
                "plans, sites, severities, language, active, created_at) values (7, 'l', 1, "
                "'webhook', 'https://r.example', :s, '[]', '[]', '[]', 'es', true, "
                "'2025-01-01')"
            ),
            {"s": secret},
        )
    return db


def _queued_at_0008(url: str, target: str) -> Database:
    """At 0008: two alerts of plan 2 queued for webhook subscription 7, one sent, one waiting."""
    from sqlalchemy import text

    from hito.store import subscriptions

    db = _webhook_at_0007(url, subscriptions.new_secret())
    migrate.upgrade(db, "0008")
    with db.engine.begin() as c:
        c.execute(text("update subscription set target = :t"), {"t": target})
        c.execute(
            text(
                "insert into plan (id, name, version, text, active, created_at) values "
                "(2, 'p', 1, 'x', true, '2025-01-01')"
            )
        )
        for aid, met in ((3, "2025-12-01"), (4, "2025-11-30")):
            c.execute(
                text(
                    "insert into alert (id, plan_id, plan_name, trigger, met_since, actions, "
                    "agencies, severity, sites, created_at) values (:a, 2, 'p', 't', :met, "
                    "'[]', '[]', 'warning', '[\"chacalluta\"]', '2025-12-01 12:00:00.123456')"
                ),
                {"a": aid, "met": met},
            )
        for did, aid, status in ((1, 4, "sent"), (2, 3, "pending")):
            c.execute(
                text(
                    "insert into delivery (id, alert_id, subscription_id, message_id, status, "
                    "attempts, next_attempt_at, last_error, ack_hash, created_at) values (:d, :a, "
                    "7, :m, :st, 0, '2025-01-01', '', :m, '2025-01-01')"
                ),
                {"d": did, "a": aid, "m": f"msg_{did}", "st": status},
            )
    return db


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0009_keys_the_deliveries_waiting_so_the_worker_still_sends_them(
    backend: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """A delivery queued before the upgrade goes out once the server is back; without the
    key the upgrade is refused and the database stays at 0008."""
    from sqlalchemy import text

    from hito.errors import HitoError
    from hito.store import deliveries
    from receivers import webhook_server

    with webhook_server() as hook, empty_database(backend, tmp_path, "m.sqlite3") as url:
        db = _queued_at_0008(url, hook.url + "/in")
        migrate.upgrade(db)
        with db.engine.connect() as c:
            macs = dict(c.execute(text("select id, mac from delivery")).all())
        assert macs[1] is None and macs[2] is not None and len(macs[2]) == 64
        assert deliveries.claim(db, lease_seconds=60) == 2
        cfg = deliveries.WorkerConfig(webhook_allow_private=True)
        assert deliveries.send(db, cfg, 2) == "sent" and len(hook.requests) == 1
        db.dispose()
    with empty_database(backend, tmp_path, "without.sqlite3") as url:
        db = _queued_at_0008(url, "https://r.example/in")
        with pytest.raises(HitoError) as got:
            migrate.upgrade(Database(url))  # a process without the key
        assert migrate.current(db) == "0008"
        db.dispose()
    assert got.value.in_language("en") == [
        "the database holds 1 delivery waiting to be sent: migration 0009 keys it with the log's "
        "signing key, which this process was not given; upgrade with `hito db upgrade` or the "
        "server, where HITO_LOG_KEY_FILE is the key file"
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0008_downgraded_with_another_key_refuses_and_leaves_every_secret_sealed(
    backend: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """Another key opens none of the sealed secrets: the downgrade said nothing and left them
    sealed (every webhook then failed). It now refuses, naming the key recorded (from the
    head revision) or saying none is (from 0008), and changes nothing."""
    from sqlalchemy import text

    from hito.errors import HitoError
    from hito.store import subscriptions
    from hito.store.logkey import load_key
    from hito.store.models import Subscription

    given = subscriptions.new_secret()
    other = load_key(tmp_path / "other.pem", create=True)
    said = []
    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        db = _webhook_at_0007(url, given)
        for start in ("head", "0008"):
            migrate.upgrade(db, start)
            wrong = Database(url).use_key(other)
            with pytest.raises(HitoError) as got:
                migrate.downgrade(wrong, "0007")
            wrong.dispose()
            said.append(got.value.in_language("en"))
            assert migrate.current(db) == (migrate.head() if start == "head" else "0008")
            with db.session(readonly=True) as s:  # still sealed, and opens with the right key
                row = s.get(Subscription, 7)
                assert row.secret.startswith("whenc1_")
                assert subscriptions.signing_secret(s, row) == given
            if start == "head":
                migrate.downgrade(db, "0008")  # the right key goes down to 0008
        migrate.downgrade(db, "0007")  # and to 0007: the secret as it was given
        with db.engine.connect() as c:
            assert c.execute(text("select secret from subscription")).scalar() == given
        db.dispose()
    assert said == [
        # 0013's baseline of subscription 7 (put in by SQL) waits to be signed, keyed with the
        # key: the first of the database's keyed rows that the other key does not open
        [
            f"migration 0010: the log key this process was given ({other.key_id}) does not open "
            "the log's entries waiting to be signed in this database, keyed with key "
            f"{log_key().key_id}: run it with HITO_LOG_KEY_FILE set to the key file the server "
            "signs with; nothing was changed"
        ],
        [
            f"migration 0008: the log key this process was given ({other.key_id}) does not open "
            "the log's entries waiting to be signed in this database, keyed with another key "
            "whose id the database does not record: run it with HITO_LOG_KEY_FILE set to the key "
            "file the server signs with; nothing was changed"
        ],
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0009_upgraded_with_another_key_refuses_and_keys_no_delivery(
    backend: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """Another key would MAC the waiting deliveries with itself (the worker then refuses them
    all): the upgrade refuses and the database stays at 0008. Its downgrade drops the MACs
    and needs no key."""
    from sqlalchemy import inspect, text

    from hito.errors import HitoError
    from hito.store.logkey import load_key

    other = load_key(tmp_path / "other.pem", create=True)
    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        db = _queued_at_0008(url, "https://r.example/in")
        wrong = Database(url).use_key(other)
        with pytest.raises(HitoError) as got:
            migrate.upgrade(wrong)
        assert migrate.current(db) == "0008"
        migrate.upgrade(db, "0009")
        migrate.downgrade(Database(url), "0008")  # no key needed to drop the column
        with db.engine.connect() as c:
            assert "mac" not in {col["name"] for col in inspect(c).get_columns("delivery")}
            assert c.execute(text("select count(*) from delivery")).scalar() == 2
        assert migrate.current(db) == "0008"
        wrong.dispose()
        db.dispose()
    assert got.value.in_language("en") == [
        f"migration 0009: the log key this process was given ({other.key_id}) does not open "
        "the sealed webhook signing secrets in this database, keyed with another key whose id "
        "the database does not record: run it with HITO_LOG_KEY_FILE set to the key file the "
        "server signs with; nothing was changed"
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0010_records_the_key_the_rows_are_keyed_with_and_refuses_another(
    backend: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """A database written at 0009 and never signed: its key is recorded by the upgrade given
    that key; another is refused (nothing recorded), so is no key recorded without one."""
    from hito.errors import HitoError
    from hito.store import audit, users
    from hito.store.actors import SYSTEM
    from hito.store.logkey import load_key

    other = load_key(tmp_path / "other.pem", create=True)
    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        db = Database(url).use_key(log_key())
        migrate.upgrade(db, "0009")
        with db.session() as s:  # a password binding and a pending entry, keyed; no head
            users.create_user(
                s, actor=SYSTEM, username="ana", password="correct horse battery", role="admin"
            )
        wrong = Database(url).use_key(other)
        with pytest.raises(HitoError) as got:
            migrate.upgrade(wrong)
        assert migrate.current(db) == "0009"
        migrate.upgrade(Database(url), "0010")  # no key: nothing to record it by
        assert audit.log_signer(db) is None
        migrate.downgrade(db, "0009")
        migrate.upgrade(db)
        assert audit.log_signer(db) == log_key().key_id
        wrong.dispose()
        db.dispose()
    assert got.value.in_language("en") == [
        f"migration 0010: the log key this process was given ({other.key_id}) does not open the "
        "users' password bindings in this database, keyed with another key whose id the "
        "database does not record: run it with HITO_LOG_KEY_FILE set to the key file the server "
        "signs with; nothing was changed"
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0011_gives_plans_and_alerts_the_log_has_no_state_of_a_baseline(
    backend: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """Plans and alerts from the hash chain's days (here: put in at 0008 by SQL) get one
    signed `log.baseline` each, so the log verifies and checks them from then on; without
    the key the upgrade is refused."""
    from hito.errors import HitoError
    from hito.store import audit, logcheck

    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        db = _queued_at_0008(url, "https://r.example/in")
        migrate.upgrade(db, "0010")
        with pytest.raises(HitoError) as got:
            migrate.upgrade(Database(url))  # a process without the key
        assert migrate.current(db) == "0010"
        migrate.upgrade(db)
        assert audit.sequence(db, log_key()) is not None
        with db.session(readonly=True) as s:
            result = logcheck.verify(s, key=log_key())
            baselines = [
                leaf.resource
                for leaf in logcheck.logread.all_leaves(s)
                if leaf.action == "log.baseline"
            ]
        assert [p.say("en") for p in result.problems] == [
            "user:1: the row has no entry in the log (inserted behind its back)"  # by SQL at 0007
        ]
        # and 0013's of subscription 7 (put in at 0007 by SQL)
        assert sorted(baselines) == ["alert:3", "alert:4", "plan:2", "subscription:7"]
        db.dispose()
    assert got.value.in_language("en") == [
        "the database holds 3 plans or alerts the log has no state of: migration 0011 logs them "
        "with the log's signing key, which this process was not given; upgrade with `hito db "
        "upgrade` or the server, where HITO_LOG_KEY_FILE is the key file"
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0013_baselines_shelter_counts_and_subscriptions_but_not_one_redirected_before(
    backend: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """Before 0013 a shelter update was logged as its site's state, a subscription without
    its secret and its stop as `{"active": false}`: each such row still as logged gets one
    signed `log.baseline`, and so does a subscription made before the log; one a DBA
    redirected before the upgrade gets none, and the check reports it. Without the key the
    upgrade is refused; down to 0012 and up again adds nothing."""
    from sqlalchemy import text

    from hito.errors import HitoError
    from hito.store import agencies, audit, logcheck, shelters, sites, subscriptions, users
    from hito.store.actors import SYSTEM, snapshot
    from hito.store.models import Subscription

    def baselines(db: Database) -> list[str]:
        with db.session(readonly=True) as s:
            return sorted(
                leaf.resource
                for leaf in logcheck.logread.all_leaves(s)
                if leaf.action == "log.baseline" and not leaf.resource.startswith("agency:")
            )

    with empty_database(backend, tmp_path, "m.sqlite3") as url:
        db = Database(url).use_key(log_key())
        migrate.upgrade(db, "0012")
        with db.session() as s:
            sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
            chl = agencies.create_agency(s, actor=SYSTEM, code="c", name="C", country_code="CHL")
            ed = users.create_user(
                s, actor=SYSTEM, username="ed_c", password="correct horse battery",
                role="editor", agency_id=chl.id,
            )  # fmt: skip
            editor = users.actor_of(users.get_user(s, user_id=ed.id))
            shelters.register(
                s, actor=editor, site_id="arica-shelters", capacity_people=9, area_m2=3
            )
            update = shelters.create_update(
                s, actor=editor, site_id="arica-shelters", occupancy=5, capacity=9
            ).id
            subs = [
                subscriptions.create_subscription(
                    s, actor=editor, label=f"l{i}", channel="email", target=f"d{i}@c.example"
                ).id
                for i in range(4)
            ]
        with db.engine.begin() as c:  # what the service logged of them before 0013: below
            c.execute(
                text(
                    "delete from log_pending where resource like 'shelter_update:%' "
                    "or resource like 'subscription:%'"
                )
            )
        with db.session() as s:
            for i, sid in enumerate(subs[:3]):  # subs[3]: made before the log, no entry
                row = s.get(Subscription, sid)
                assert row is not None
                old = {k: v for k, v in snapshot(row).items() if k != "secret"}
                r = f"subscription:{sid}"
                audit.append(s, actor="ed", action="subscription.create", resource=r, after=old)
                if i == 1:
                    row.active = False
                    audit.append(
                        s, actor="ed", action="subscription.stop", resource=r,
                        after={"active": False},
                    )  # fmt: skip
        with db.engine.begin() as c:  # a DBA redirects subs[2] before the upgrade
            c.execute(text("update subscription set target = 'dba@x.example' where id = :i"), {
                "i": subs[2]
            })  # fmt: skip
        with pytest.raises(HitoError) as got:
            migrate.upgrade(Database(url))  # a process without the key
        assert migrate.current(db) == "0012"
        migrate.upgrade(db)
        assert audit.sequence(db, log_key()) is not None
        expected = sorted(
            [
                f"shelter_update:{update}",
                *(f"subscription:{i}" for i in (subs[0], subs[1], subs[3])),
            ]
        )
        assert baselines(db) == expected

        def problems() -> list[str]:
            with db.session(readonly=True) as s:
                return [p.say("en") for p in logcheck.verify(s, key=log_key()).problems]

        assert problems() == [
            f"subscription:{subs[2]}: the row differs from its state in the log (edited behind "
            "its back)"
        ]
        migrate.downgrade(db, "0012")
        migrate.upgrade(db)
        assert audit.sequence(db, log_key()) is not None
        assert baselines(db) == expected and len(problems()) == 1
        db.dispose()
    assert got.value.in_language("en") == [
        "the database holds 4 shelters, shelter updates or subscriptions the log has no state "
        "of: migration 0013 logs them with the log's signing key, which this process was not "
        "given; upgrade with `hito db upgrade` or the server, where HITO_LOG_KEY_FILE is the "
        "key file"
    ]
