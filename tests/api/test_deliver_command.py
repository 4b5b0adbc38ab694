"""`hito alerts deliver` says what it sent in the reader's language (a real webhook receiver)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from hito.cli.main import app
from hito.store import deliveries
from receivers import webhook_server
from service_world import KEY_FILE, World, plan_alert

pytestmark = pytest.mark.usefixtures("local_receivers")  # receivers on 127.0.0.1


@pytest.fixture(autouse=True)
def _the_servers_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker is given the server's log key, as a deployment gives both the same file."""
    monkeypatch.setenv("HITO_LOG_KEY_FILE", str(KEY_FILE))


SAID = {
    "es": ("envío {id}: enviada  (hasta ahora: enviada: 1)\n", "1 envío procesado (enviada: 1)\n"),
    "en": ("delivery {id}: sent  (so far: sent: 1)\n", "1 delivery handled (sent: 1)\n"),
}


def _queue(world: World, target: str) -> int:
    """A webhook subscription to target and one alert queued for it; the delivery's id."""
    r = world.client.post(
        "/api/v1/subscriptions",
        headers=world.h("admin"),
        json={"label": "s", "channel": "webhook", "target": target},
    )
    assert r.status_code == 201
    with world.db.session() as s:
        alert = plan_alert(s)
        (queued,) = deliveries.enqueue(s, alert)
        return int(queued.id)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_one_alert_sent_to_one_webhook_is_told_in_the_readers_language(
    world: World, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with webhook_server() as hook:
        delivery_id = _queue(world, hook.url + "/a")
        url = world.db.engine.url.render_as_string(hide_password=False)
        monkeypatch.setenv("HITO_DATABASE_URL", url)
        monkeypatch.setenv("HITO_PUBLIC_URL", "https://hito.example")
        monkeypatch.setenv("HITO_WEBHOOK_ALLOW_PRIVATE", "true")  # the receiver is local
        monkeypatch.setenv("HITO_LANG", lang)
        done = CliRunner().invoke(app, ["alerts", "deliver", "--once"])
    assert done.exit_code == 0, done.output
    line, total = SAID[lang]
    assert line.format(id=delivery_id) in done.output
    assert done.output.endswith(total)
    assert len(hook.requests) == 1


def test_a_receiver_that_refuses_is_told_with_its_reason_and_the_retry(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator sees why a delivery waits and when it is tried again, not only 'waiting'."""
    import socket

    with socket.socket() as s:  # a port nobody listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    target = f"http://127.0.0.1:{port}/hook"
    delivery_id = _queue(world, target)
    monkeypatch.setenv("HITO_DATABASE_URL", world.db.engine.url.render_as_string(False))
    monkeypatch.setenv("HITO_LANG", "es")
    monkeypatch.setenv("HITO_WEBHOOK_ALLOW_PRIVATE", "true")  # a local port, closed
    monkeypatch.setenv("COLUMNS", "240")  # one line per line, not wrapped at 80
    done = CliRunner().invoke(app, ["alerts", "deliver", "--once"])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    first = lines.index(
        f"envío {delivery_id}: en espera de envío; nuevo intento en 30 s  (hasta ahora: en "
        "espera de envío: 1)"
    )
    # the reason in the reader's words around the library's own (English)
    assert lines[first + 1].startswith(f"  {target}: no se pudo conectar: ConnectError: ")
    assert done.output.endswith("1 envío procesado (en espera de envío: 1)\n")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("es", "envío {id}: no enviada: la suscripción se dio de baja"),
        ("en", "delivery {id}: not sent: the subscription was stopped"),
    ],
)
def test_a_stopped_subscription_is_told_in_the_readers_language_not_as_a_failure(
    world: World, lang: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with webhook_server() as hook:
        delivery_id = _queue(world, hook.url + "/a")
        (sub,) = world.client.get("/api/v1/subscriptions", headers=world.h("admin")).json()["data"]
        stop = world.client.delete(f"/api/v1/subscriptions/{sub['id']}", headers=world.h("admin"))
        assert stop.status_code == 200
        monkeypatch.setenv("HITO_DATABASE_URL", world.db.engine.url.render_as_string(False))
        monkeypatch.setenv("HITO_WEBHOOK_PRIVATE", "true")
        monkeypatch.setenv("HITO_LANG", lang)
        monkeypatch.setenv("COLUMNS", "240")
        done = CliRunner().invoke(app, ["alerts", "deliver", "--once"])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0].startswith(said.format(id=delivery_id) + "  ("), lines
    assert not lines[1].startswith("  "), lines  # no English reason under the Spanish line
    assert "stopped before this was sent" not in done.output
    assert hook.requests == []


def test_without_an_smtp_server_the_worker_says_so_once_and_leaves_e_mails_queued(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not one "no SMTP server" failure per e-mail, retried with doubling waits for an hour."""
    r = world.client.post(
        "/api/v1/subscriptions",
        headers=world.h("admin"),
        json={"label": "s", "channel": "email", "target": "guardia@pdi.example"},
    )
    assert r.status_code == 201
    with world.db.session() as s:
        deliveries.enqueue(s, plan_alert(s))
    monkeypatch.setenv("HITO_DATABASE_URL", world.db.engine.url.render_as_string(False))
    monkeypatch.setenv("HITO_LANG", "es")
    monkeypatch.delenv("HITO_SMTP_HOST", raising=False)
    monkeypatch.setenv("COLUMNS", "240")
    done = CliRunner().invoke(app, ["alerts", "deliver", "--once"])
    assert done.exit_code == 0, done.output
    assert done.output == (
        "no hay un servidor SMTP configurado (HITO_SMTP_HOST): este proceso solo envía webhooks; "
        "1 correo sigue en la cola, sin tocar, para un proceso que lo tenga\n"
        "0 envíos procesados\n"
    )
    with world.db.session(readonly=True) as s:
        assert deliveries.waiting_emails(s) == 1
