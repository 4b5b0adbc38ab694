"""The delivery worker without an SMTP server: the e-mails it leaves queued are told as they grow,
once per growth, not at every look."""

from __future__ import annotations

import threading

import pytest

from hito import notify
from hito.store import deliveries
from hito.store.db import Database
from hito.store.deliveries import EmailBacklog, WorkerConfig, run_worker
from receivers import smtp_server
from service_world import email_subscriber, queue_email


@pytest.fixture
def subscribed(db: Database) -> Database:
    """Chile's editor subscribed to every alert by e-mail."""
    email_subscriber(db)
    return db


def test_a_worker_without_smtp_is_told_each_growth_of_the_queued_e_mails_once(
    subscribed: Database,
) -> None:
    db = subscribed
    backlog = EmailBacklog(db)  # nothing queued when it started
    told: list[int | None] = []
    stop = threading.Event()

    def look() -> None:  # the worker's look while nothing it can send is due
        told.append(backlog.grown())
        if len(told) == 1:
            queue_email(db, 1)  # between the first look and the second
        elif len(told) == 3:
            queue_email(db, 2)
            queue_email(db, 3)
        elif len(told) == 5:
            stop.set()

    assert run_worker(db, WorkerConfig(), idle_seconds=0.01, stop=stop, on_look=look) == 0
    assert told == [None, 1, None, 3, None]
    with db.session(readonly=True) as s:  # untouched, for a worker with a server
        assert deliveries.waiting_emails(s) == 3


def test_e_mails_sent_by_a_worker_with_a_server_lower_the_mark_so_the_next_is_told_again(
    subscribed: Database,
) -> None:
    db = subscribed
    queue_email(db, 1)
    backlog = EmailBacklog(db, seen=1)  # the one its command said at start
    assert backlog.grown() is None
    with smtp_server() as box:
        server = WorkerConfig(smtp=notify.Smtp("127.0.0.1", box.port, sender="a@hito.example"))
        assert run_worker(db, server, once=True) == 1
    assert len(box.messages) == 1
    assert backlog.grown() is None  # none waits now
    queue_email(db, 2)
    assert backlog.grown() == 1
    assert backlog.grown() is None


def test_a_worker_run_once_looks_for_nothing_while_idle(subscribed: Database) -> None:
    queue_email(subscribed, 1)
    looks: list[None] = []
    assert (
        run_worker(subscribed, WorkerConfig(), once=True, on_look=lambda: looks.append(None)) == 0
    )
    assert looks == []


def test_a_worker_busy_with_webhooks_still_tells_the_e_mails_it_leaves_queued(
    db: Database,
) -> None:
    """Webhooks due one after another kept the worker from ever being idle: the e-mails it
    cannot send grew unseen. It looks between sends too, once its idle interval has passed."""
    from hito.store import subscriptions
    from receivers import webhook_server
    from service_world import plan_alert, two_countries

    w = two_countries(db)
    with webhook_server() as hook:
        with db.session() as s:
            for channel, target in (("email", "guardia@pdi.example"), ("webhook", hook.url)):
                subscriptions.create_subscription(
                    s,
                    actor=w["ed_chl"],
                    label=channel,
                    channel=channel,
                    target=target,
                    allow_private=True,  # the receiver is on this machine
                )
        for day in (1, 2, 3):  # three alerts: an e-mail and a webhook each
            with db.session() as s:
                assert len(deliveries.enqueue(s, plan_alert(s, day))) == 2
        backlog = EmailBacklog(db)
        told: list[int | None] = []
        cfg = WorkerConfig(webhook_allow_private=True)  # the receiver is on this machine

        def look() -> None:
            told.append(backlog.grown())

        assert run_worker(db, cfg, once=True, idle_seconds=0.0, on_look=look) == 3
    assert len(hook.requests) == 3
    assert told and told[0] == 3  # told while busy, before the webhooks ran out
    assert told[1:] == [None] * (len(told) - 1)  # and once
