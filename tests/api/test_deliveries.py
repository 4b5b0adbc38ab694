"""Alert subscriptions and deliveries: real SMTP and HTTP receivers, retries, receipts."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from hito import notify
from hito.errors import said_in
from hito.store import deliveries, logread, subscriptions
from hito.store.coltypes import utcnow
from hito.store.deliveries import WorkerConfig, claim, run_worker, send
from hito.store.errors import NotFoundError
from hito.store.models import Delivery, Subscription
from hito.store.subscriptions import stop_token
from receivers import smtp_server, webhook_server
from service_world import World, report

pytestmark = pytest.mark.usefixtures("local_receivers")  # receivers on 127.0.0.1


def _sub(world: World, who: str, **body):  # noqa: ANN003, ANN202
    base = {"label": "duty", "channel": "email", "target": "duty@example.org"}
    return world.client.post("/api/v1/subscriptions", json={**base, **body}, headers=world.h(who))


def _raise_alert(world: World) -> dict:
    assert (
        world.client.post(
            "/api/v1/plans", json={"builtin": "corridor-100"}, headers=world.h("admin")
        ).status_code
        == 201
    )
    for day in ("2025-11-29", "2025-11-30"):
        r = world.client.post(
            "/api/v1/reports",
            json=report("concordia-strip", f"{day}T09:00:00Z", people=250, stranded=250),
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 201
    (a,) = world.client.get("/api/v1/alerts", headers=world.h("viewer")).json()["data"]
    return a


def test_subscribing_oneself_or_an_agency_and_who_may(world: World) -> None:
    r = _sub(world, "viewer", language="en", severities=["critical"], sites=["concordia-strip"])
    assert r.status_code == 201, r.text
    mine = r.json()
    assert (mine["user_id"], mine["agency_id"], mine["language"]) == (
        world.ids["viewer"],
        None,
        "en",
    )
    assert mine["secret"].startswith("whsec_")
    hook = _sub(
        world, "ed_chl", channel="webhook", target="https://ops.example.org/hito", for_user=False
    )
    assert hook.status_code == 201 and hook.json()["agency_id"] == world.ids["chl"]
    assert _sub(world, "viewer", for_user=False).status_code == 403
    assert _sub(world, "ed_chl", for_user=False, agency_id=world.ids["per"]).status_code == 403
    bad = _sub(world, "ed_chl", target="not-an-address", sites=["atlantis"], severities=["urgent"])
    assert bad.status_code == 422
    assert {tuple(e["loc"]) for e in bad.json()["errors"]} == {
        ("body", "severities", 0)
    }  # the schema first
    bad = _sub(world, "ed_chl", target="not-an-address", sites=["atlantis"])
    assert {tuple(e["loc"]) for e in bad.json()["errors"]} == {
        ("body", "target"),
        ("body", "sites"),
    }
    assert "expected an e-mail address" in bad.json()["detail"]
    assert _sub(world, "ed_chl", channel="webhook", target="ftp://x.org/").status_code == 422
    seen = world.client.get("/api/v1/subscriptions", headers=world.h("ed_per")).json()
    assert seen["count"] == 0 and "secret" not in str(seen)
    assert world.client.get("/api/v1/subscriptions", headers=world.h("ed_chl")).json()["count"] == 1
    assert (
        world.client.delete(
            f"/api/v1/subscriptions/{mine['id']}", headers=world.h("ed_per")
        ).status_code
        == 403
    )
    stopped = world.client.delete(f"/api/v1/subscriptions/{mine['id']}", headers=world.h("viewer"))
    assert stopped.status_code == 200 and stopped.json()["active"] is False


def test_an_alert_reaches_email_and_signed_webhook_subscribers_with_acknowledgment(
    world: World,
) -> None:
    with smtp_server() as box, webhook_server() as hook:
        mail = _sub(world, "ed_chl", target="guardia@pdi.example", for_user=False).json()
        web = _sub(
            world,
            "admin",
            channel="webhook",
            target=hook.url + "/in",
            language="en",
            severities=["warning", "critical"],
        ).json()
        _sub(
            world, "viewer", channel="webhook", target=hook.url + "/other", plans=["return-flights"]
        )
        _sub(world, "ed_per", severities=["critical"])  # corridor-100's trigger is a warning
        alert = _raise_alert(world)
        cfg = WorkerConfig(
            smtp=notify.Smtp("127.0.0.1", box.port, sender="alertas@hito.example"),
            public_url="https://hito.example",
            webhook_allow_private=True,  # the test's receiver listens on 127.0.0.1
        )
        assert run_worker(world.db, cfg, once=True) == 2
    ((rcpt, msg),) = box.messages
    assert rcpt == ["guardia@pdi.example"]
    # the titles in the subscriber's language, not the plan's and trigger's ids
    assert msg["Subject"] == (
        "[hito] alerta preventiva: disparador cumplido desde el 30 nov 2025: 200 o más personas varadas en "
        "Chacalluta y la franja durante 2 días seguidos"
    )
    text = msg.get_content()
    assert "Plan: Corredor humanitario: 100 personas al día cuando 200 o más están varadas" in text
    assert (
        "- Santa Rosa admite hasta 100 personas varadas al día (censo con la PDI de Chile) — "
        "Superintendencia Nacional de Migraciones (Perú), para el 1 dic 2025"
    ) in text.splitlines()
    ack = re.search(r"https://hito\.example/ack/(\S+)", text).group(1)
    stop = re.search(r"Para no recibir más estos mensajes: https://hito\.example/stop/(\S+)", text)
    assert msg["List-Unsubscribe"].strip() == f"<https://hito.example/stop/{stop.group(1)}>"
    assert f"https://hito.example/alerts/{alert['id']}" in text
    ((path, headers, body),) = hook.requests
    assert path == "/in" and b"/stop/" not in body  # a webhook is stopped by its owner
    said = json.loads(body)["data"]  # in English, as this subscriber asked
    assert said["summary"] == (
        "[hito] warning: 200 or more people stranded at Chacalluta and the strip for 2 days in a "
        "row, met since Nov 30, 2025"
    )
    assert (said["plan"], said["trigger"]) == ("corridor-100", "stranded-200-2d")
    assert [a["title"] for a in said["actions"]] == [
        "Santa Rosa admits up to 100 stranded people a day (census with Chile's PDI)"
    ]
    assert notify.verify(web["secret"], headers, body) == headers["webhook-id"]
    with world.db.session(readonly=True) as s:
        ids = {d.subscription_id: d.message_id for d in s.scalars(select(Delivery))}
    assert (
        headers["webhook-id"] == ids[web["id"]] and msg["Message-ID"] == f"<{ids[mail['id']]}@hito>"
    )
    got = world.client.get(
        f"/api/v1/alerts/{alert['id']}/deliveries", headers=world.h("viewer")
    ).json()["data"]
    assert [(d["channel"], d["status"], d["attempts"]) for d in got] == [
        ("email", "sent", 1),
        ("webhook", "sent", 1),
    ]
    with world.db.session() as s:
        deliveries.acknowledge(s, token=ack)
    with world.db.session() as s:
        deliveries.acknowledge(s, token=ack)  # a second click changes nothing
    got = world.client.get(
        f"/api/v1/alerts/{alert['id']}/deliveries", headers=world.h("viewer")
    ).json()["data"]
    assert [d["status"] for d in got] == ["acknowledged", "sent"] and got[0][
        "subscriber"
    ] == "PDI Arica"  # the agency's name, not its code; its label only to readers of Chile
    got = world.client.get(
        f"/api/v1/alerts/{alert['id']}/deliveries", headers=world.h("ed_chl")
    ).json()["data"]
    assert got[0]["subscriber"] == "PDI Arica — duty"


def test_forged_or_stale_webhook_signatures_are_refused() -> None:
    import pytest

    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    msg = notify.Message("msg_1", "s", "t", {"a": 1})
    sig = notify.sign(secret, msg.message_id, 1_700_000_000, b'{"a":1}')
    h = {"webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": sig}
    assert notify.verify(secret, h, b'{"a":1}', now=1_700_000_010) == "msg_1"
    with pytest.raises(ValueError, match="signature"):
        notify.verify(secret, h, b'{"a":2}', now=1_700_000_010)
    with pytest.raises(ValueError, match="too far"):
        notify.verify(secret, h, b'{"a":1}', now=1_700_001_000)


def test_a_failing_webhook_is_retried_with_doubling_waits_then_failed_with_its_reason(
    world: World,
) -> None:
    with webhook_server(statuses=[500, 503, 500]) as hook:
        _sub(world, "admin", channel="webhook", target=hook.url)
        _raise_alert(world)
        cfg = WorkerConfig(max_attempts=3, backoff_seconds=1000.0, webhook_allow_private=True)
        waits = []
        for attempt in (1, 2, 3):
            later = utcnow() + dt.timedelta(days=attempt)  # every retry is due by then
            did = claim(world.db, lease_seconds=60, now=later)
            assert did is not None
            before = utcnow()
            outcome = send(world.db, cfg, did)
            with world.db.session(readonly=True) as s:
                d = s.get(Delivery, did)
                assert d.attempts == attempt
                if outcome == "pending":
                    waits.append((d.next_attempt_at - before).total_seconds())
        assert outcome == "failed"
        assert (
            d.status == "failed"
            and said_in(d.last_error, "en").startswith("after 3 attempts: ")
            and said_in(d.last_error, "es").startswith("tras 3 intentos: ")
            and "answered 500" in said_in(d.last_error, "en")
        )
        assert len(hook.requests) == 3
        assert 1000 <= waits[0] < 1060 and 2000 <= waits[1] < 2060
        assert (
            claim(world.db, lease_seconds=60, now=utcnow() + dt.timedelta(days=30)) is None
        )  # bounded


def test_an_unreachable_smtp_server_is_a_reason_not_a_crash(world: World) -> None:
    from receivers import free_port

    _sub(world, "ed_chl", for_user=False)
    _raise_alert(world)
    cfg = WorkerConfig(smtp=notify.Smtp("127.0.0.1", free_port(), timeout=5))
    assert run_worker(world.db, cfg, once=True) == 1
    with world.db.session(readonly=True) as s:
        (d,) = s.scalars(select(Delivery))
        assert d.status == "pending" and "ConnectionRefusedError" in said_in(d.last_error, "en")
        assert s.scalar(select(Subscription.active)) is True


def test_a_subscription_stopped_before_sending_gets_nothing(world: World) -> None:
    with webhook_server() as hook:
        sub = _sub(world, "admin", channel="webhook", target=hook.url).json()
        _raise_alert(world)
        assert (
            world.client.delete(
                f"/api/v1/subscriptions/{sub['id']}", headers=world.h("admin")
            ).status_code
            == 200
        )
        assert run_worker(world.db, WorkerConfig(), once=True) == 1
    assert hook.requests == []
    with world.db.session(readonly=True) as s:
        (d,) = s.scalars(select(Delivery))
        # stopped, not failed; tried once, not "after 6 attempts"
        assert (d.status, d.attempts) == ("stopped", 1)
        assert said_in(d.last_error, "en") == "the subscription was stopped before this was sent"


def test_ssrf_a_viewers_webhook_to_the_servers_own_network_is_never_sent(world: World) -> None:
    """A viewer subscribes a webhook on 127.0.0.1: the worker refuses it and posts nothing."""
    with webhook_server() as hook:
        assert _sub(world, "viewer", channel="webhook", target=hook.url + "/in").status_code == 201
        _raise_alert(world)
        assert run_worker(world.db, WorkerConfig(max_attempts=1), once=True) == 1
    assert hook.requests == []
    with world.db.session(readonly=True) as s:
        (d,) = s.scalars(select(Delivery))
    assert d.status == "failed"
    assert said_in(d.last_error, "en") == (
        f"after 1 attempt: {hook.url}/in: 127.0.0.1 is not a public address: webhooks go "
        "to public addresses only (HITO_WEBHOOK_ALLOW_PRIVATE=true allows the local network)"
    )
    assert said_in(d.last_error, "es").startswith(f"tras 1 intento: {hook.url}/in: 127.0.0.1 ")


def test_a_failed_deliverys_reason_naming_its_target_is_shown_only_to_its_subscriber(
    world: World,
) -> None:
    """Another country's editor or a viewer sees the outcome, not the webhook URL (its token)."""
    target = "http://127.0.0.1:9/hooks/T0AAA/B0BBB/s3cr3t-token"
    assert (
        _sub(world, "ed_chl", channel="webhook", target=target, for_user=False).status_code == 201
    )
    alert = _raise_alert(world)
    assert run_worker(world.db, WorkerConfig(max_attempts=1), once=True) == 1
    seen = {}
    for who in ("admin", "ed_chl", "ed_per", "viewer"):
        r = world.client.get(f"/api/v1/alerts/{alert['id']}/deliveries", headers=world.h(who))
        assert r.status_code == 200
        ((d,),) = [r.json()["data"]]
        assert d["status"] == "failed"
        seen[who] = d["last_error"]
    assert seen["admin"] == seen["ed_chl"]
    assert seen["admin"].startswith(f"after 1 attempt: {target}: ")
    assert seen["ed_per"] == seen["viewer"] == ""


def test_subscription_flooding_is_capped_per_owner(world: World) -> None:
    # any viewer could make thousands of slow webhooks, each one a delivery per alert, holding
    # up every subscriber's alerts behind them
    from hito.store.subscriptions import MOST_SUBSCRIPTIONS

    for i in range(MOST_SUBSCRIPTIONS):
        assert _sub(world, "viewer", label=f"s{i}").status_code == 201
    r = _sub(world, "viewer", label="one-too-many")
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        f"body.for_user: {MOST_SUBSCRIPTIONS} active subscriptions already, expected at most "
        f"{MOST_SUBSCRIPTIONS}: stop one before adding another"
    )
    assert _sub(world, "ed_chl", label="another user").status_code == 201
    first = world.client.get("/api/v1/subscriptions", headers=world.h("viewer")).json()["data"][0]
    r = world.client.delete(f"/api/v1/subscriptions/{first['id']}", headers=world.h("viewer"))
    assert r.status_code in (200, 204), r.text
    assert _sub(world, "viewer", label="after stopping one").status_code == 201


def test_the_stop_link_of_an_email_stops_it_and_a_forged_one_stops_nothing(world: World) -> None:
    mail = _sub(world, "ed_chl", target="alguien@example.org", for_user=False).json()
    other = _sub(world, "ed_per", target="otra@example.org").json()
    with world.db.session(readonly=True) as s:
        row = s.get(Subscription, mail["id"])
        token = stop_token(s, row)
        other_token = stop_token(s, s.get(Subscription, other["id"]))
    head, _, mac = token.partition("-")
    forged = [
        f"{other['id']}-{mac}",  # this link's mac on another subscription
        f"{head}-{mac[:-1]}",  # cut short
        f"{head}-{other_token.partition('-')[2]}",
        "x-" + mac,
        "",
        f"{head}",
    ]
    for bad in forged:
        with world.db.session() as s, pytest.raises(NotFoundError):
            subscriptions.stop_by_token(s, token=bad)
    with world.db.session() as s:
        assert subscriptions.stop_by_token(s, token=token).active is False
    with world.db.session() as s:
        assert subscriptions.stop_by_token(s, token=token).active is False  # a second click
        assert s.get(Subscription, other["id"]).active is True
    with world.db.session(readonly=True, snapshot=True) as s:  # the sequencer moves entries
        rows, _n = logread.entries(s, resource=f"subscription:{mail['id']}")
        stops = [e for e in rows if e.action == "subscription.stop"]
        assert [(e.actor, e.resource) for e in stops] == [
            (f"subscription:{mail['id']}", f"subscription:{mail['id']}")
        ]
    alert = _raise_alert(world)
    with world.db.session(readonly=True) as s:
        got = {d.subscription_id for d in s.scalars(select(Delivery)) if d.alert_id == alert["id"]}
    assert mail["id"] not in got and other["id"] in got


def _link(secret: str, what: str) -> str:
    """A link token as anyone who reads the subscription's secret in the database makes it."""
    import base64
    import hashlib
    import hmac

    mac = hmac.new(secret.encode(), what.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def test_forge_stop_and_ack_links_from_the_subscription_secret_in_the_database(
    world: World,
) -> None:
    """A DBA reads a subscription's secret, makes its links, and sets an ack hash of their own."""
    import hashlib

    from sqlalchemy import text  # noqa: TID251 - the attacker writes SQL

    mail = _sub(world, "ed_chl", target="alguien@example.org", for_user=False).json()
    alert = _raise_alert(world)
    with world.db.session(readonly=True) as s:
        row = s.get(Subscription, mail["id"])
        (d,) = [x for x in s.scalars(select(Delivery)) if x.subscription_id == row.id]
        secret, message_id, did = row.secret, d.message_id, d.id
        genuine = deliveries.ack_token(s, row, message_id)
    stop = f"{row.id}-" + _link(secret, f"stop:{row.id}")
    ack = _link(secret, f"ack:{message_id}")
    chosen = "a-link-of-the-dbas-own"
    with world.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE delivery SET ack_hash = :h WHERE id = :d"),
            {"h": hashlib.sha256(chosen.encode()).hexdigest(), "d": did},
        )
    for token in (ack, chosen, genuine):  # the genuine link's row now holds the DBA's hash
        with world.db.session() as s, pytest.raises(NotFoundError):
            deliveries.acknowledge(s, token=token)
    with world.db.session() as s, pytest.raises(NotFoundError):
        subscriptions.stop_by_token(s, token=stop)
    with world.db.session(readonly=True, snapshot=True) as s:
        assert s.get(Subscription, mail["id"]).active is True
        rows, _n = logread.entries(s, resource=f"alert:{alert['id']}")
        assert [e for e in rows if e.action == "alert.acknowledge"] == []


def test_ssrf_a_webhook_to_the_servers_own_network_is_refused_when_subscribing(
    world: World,
) -> None:
    """As written (localhost, a loopback, private or link-local address): a 422 at once, not
    a subscription that fails at every alert; a name is judged when sent, once resolved."""
    app = world.client.app
    app.state.settings = app.state.settings.model_copy(update={"webhook_allow_private": False})  # type: ignore[attr-defined]
    for target in (
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "https://10.0.0.5/hito",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:192.168.1.1]/hook",
    ):
        r = _sub(world, "viewer", channel="webhook", target=target)
        assert r.status_code == 422, target
        assert "an address of the server's own network" in r.text
    assert (
        _sub(world, "viewer", channel="webhook", target="https://hooks.example/hito").status_code
        == 201
    )
    with world.db.session(readonly=True) as s:
        assert [x.target for x in s.scalars(select(Subscription))] == ["https://hooks.example/hito"]


def test_a_webhook_to_a_private_address_fails_at_once_not_after_an_hour_of_retries(
    world: World,
) -> None:
    """Retrying cannot make 127.0.0.1 public: failed on the first attempt, not 6 attempts."""
    with webhook_server() as hook:
        assert _sub(world, "admin", channel="webhook", target=hook.url).status_code == 201
        _raise_alert(world)
        assert run_worker(world.db, WorkerConfig(max_attempts=6), once=True) == 1
    assert hook.requests == []
    with world.db.session(readonly=True) as s:
        (d,) = s.scalars(select(Delivery))
    assert (d.status, d.attempts) == ("failed", 1)
    assert said_in(d.last_error, "en").startswith(f"after 1 attempt: {hook.url}: 127.0.0.1 is ")


def test_without_an_smtp_server_e_mails_stay_queued_untouched_and_webhooks_go(
    world: World,
) -> None:
    with webhook_server() as hook, smtp_server() as smtp:
        assert _sub(world, "ed_chl", for_user=False).status_code == 201  # an e-mail
        assert _sub(world, "admin", channel="webhook", target=hook.url).status_code == 201
        _raise_alert(world)
        webhooks_only = WorkerConfig(webhook_allow_private=True)
        assert deliveries.channels(webhooks_only) == ("webhook",)
        assert run_worker(world.db, webhooks_only, once=True) == 1
        assert len(hook.requests) == 1
        with world.db.session(readonly=True) as s:
            assert deliveries.waiting_emails(s) == 1
            by_channel = {
                sub.channel: (d.status, d.attempts)
                for d, sub in s.execute(
                    select(Delivery, Subscription).join(
                        Subscription, Subscription.id == Delivery.subscription_id
                    )
                )
            }
        assert by_channel == {"email": ("pending", 0), "webhook": ("sent", 1)}
        mailing = WorkerConfig(smtp=notify.Smtp("127.0.0.1", smtp.port), webhook_allow_private=True)
        assert deliveries.channels(mailing) == ("email", "webhook")
        assert run_worker(world.db, mailing, once=True) == 1  # the e-mail, on its first attempt
        assert len(smtp.messages) == 1
    with world.db.session(readonly=True) as s:
        assert deliveries.waiting_emails(s) == 0
        assert sorted(s.scalars(select(Delivery.status))) == ["sent", "sent"]
