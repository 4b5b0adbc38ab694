"""The delivery worker killed mid-send and restarted: every alert reaches every subscriber once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from hito import notify
from hito.store import deliveries
from hito.store.models import Alert, Delivery, StoredPlan
from receivers import smtp_server, webhook_server
from service_world import KEY_FILE, World

pytestmark = pytest.mark.usefixtures("local_receivers")  # receivers on 127.0.0.1

HITO = str(Path(sys.executable).with_name("hito"))


def _worker(world: World, smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "HITO_DATABASE_URL": world.db.engine.url.render_as_string(hide_password=False),
        "HITO_SMTP_HOST": "127.0.0.1",
        "HITO_SMTP_PORT": str(smtp_port),
        "HITO_PUBLIC_URL": "https://hito.example",
        "HITO_DELIVERY_LEASE_SECONDS": "1",
        "HITO_WEBHOOK_ALLOW_PRIVATE": "true",  # the test's receiver listens on 127.0.0.1
        "HITO_LOG_KEY_FILE": str(KEY_FILE),  # the server's key, as a deployment gives both
    }
    return subprocess.Popen(
        [HITO, "alerts", "deliver", "--idle", "0.1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait(what, timeout: float = 90.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def test_kill_the_worker_mid_send_and_restart_it_each_alert_once_per_subscriber(
    world: World,
) -> None:
    hold = threading.Event()
    with webhook_server(hold_first=hold) as hook, smtp_server() as box:
        subs = []
        for i, (channel, target) in enumerate(
            [
                ("webhook", hook.url + "/a"),
                ("webhook", hook.url + "/b"),
                ("email", "guardia@pdi.example"),
            ]
        ):
            r = world.client.post(
                "/api/v1/subscriptions",
                headers=world.h("admin"),
                json={"label": f"s{i}", "channel": channel, "target": target},
            )
            assert r.status_code == 201
            subs.append(r.json())
        with world.db.session() as s:  # three alerts of one plan, queued as the alert hook does
            plan = StoredPlan(name="p", version=1, text="x", active=True)
            s.add(plan)
            s.flush()
            for k in range(3):
                a = Alert(
                    plan_id=plan.id,
                    plan_name="p",
                    trigger=f"t{k}",
                    met_since=dt.date(2025, 12, 1 + k),
                    actions=[],
                    agencies=[],
                    severity="warning",
                    sites=[],
                )
                s.add(a)
                s.flush()
                deliveries.enqueue(s, a)
        first = _worker(world, box.port)
        try:
            assert hook.got_first.wait(60), (
                first.stderr.read() if first.poll() is not None else "no request"
            )
            first.send_signal(signal.SIGKILL)  # mid-send: the receiver holds the request unanswered
            first.wait(30)
        finally:
            hold.set()
        with world.db.session(readonly=True) as s:
            assert [d.status for d in s.scalars(select(Delivery).order_by(Delivery.id))][
                0
            ] == "sending"
        second = _worker(world, box.port)
        try:

            def all_sent() -> bool:
                with world.db.session(readonly=True) as s:
                    return all(d.status == "sent" for d in s.scalars(select(Delivery)))

            _wait(all_sent)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
        with world.db.session(readonly=True) as s:
            rows = list(s.scalars(select(Delivery).order_by(Delivery.id)))
            by_id = {d.message_id: (d.alert_id, d.subscription_id) for d in rows}
        assert len(rows) == 9 and {d.status for d in rows} == {"sent"}
        assert [d.attempts for d in rows] == [2] + [1] * 8  # the killed send was sent again
        secrets = {s["id"]: s["secret"] for s in subs}
        received: dict[tuple[int, int], set[str]] = defaultdict(set)
        for path, headers, body in hook.requests:
            alert_id, sub_id = by_id[headers["webhook-id"]]
            assert notify.verify(secrets[sub_id], headers, body) == headers["webhook-id"]
            assert path == ("/a" if sub_id == subs[0]["id"] else "/b")
            received[(alert_id, sub_id)].add(headers["webhook-id"])
        for m in [m for _r, m in box.messages]:
            alert_id, sub_id = by_id[m["Message-ID"].strip("<>").removesuffix("@hito")]
            received[(alert_id, sub_id)].add(m["Message-ID"])
        # the receivers, dropping repeats by id as Standard Webhooks asks, hold each alert once
        assert sorted(received) == sorted({v for v in by_id.values()})
        assert all(len(ids) == 1 for ids in received.values())
        assert len(hook.requests) == 7  # 6 webhooks + the one repeated after the kill, same id
        assert len(box.messages) == 3
