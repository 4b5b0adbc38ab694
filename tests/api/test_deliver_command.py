"""`hito alerts deliver` says what it sent in the reader's language (a real webhook receiver)."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from hito.cli.main import app
from hito.store import deliveries
from hito.store.models import Alert, StoredPlan
from receivers import webhook_server
from service_world import World

SAID = {
    "es": ("envío {id}: enviada  (enviada: 1)\n", "1 envío procesado (enviada: 1)\n"),
    "en": ("delivery {id}: sent  (sent: 1)\n", "1 delivery handled (sent: 1)\n"),
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_one_alert_sent_to_one_webhook_is_told_in_the_readers_language(
    world: World, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with webhook_server() as hook:
        r = world.client.post(
            "/api/v1/subscriptions",
            headers=world.h("admin"),
            json={"label": "s", "channel": "webhook", "target": hook.url + "/a"},
        )
        assert r.status_code == 201
        with world.db.session() as s:
            plan = StoredPlan(name="p", version=1, text="x", active=True)
            s.add(plan)
            s.flush()
            alert = Alert(
                plan_id=plan.id,
                plan_name="p",
                trigger="t",
                met_since=dt.date(2025, 12, 1),
                actions=[],
                agencies=[],
                severity="warning",
                sites=[],
            )
            s.add(alert)
            s.flush()
            (queued,) = deliveries.enqueue(s, alert)
            delivery_id = queued.id
        url = world.db.engine.url.render_as_string(hide_password=False)
        monkeypatch.setenv("HITO_DATABASE_URL", url)
        monkeypatch.setenv("HITO_PUBLIC_URL", "https://hito.example")
        monkeypatch.setenv("HITO_LANG", lang)
        done = CliRunner().invoke(app, ["alerts", "deliver", "--once"])
    assert done.exit_code == 0, done.output
    line, total = SAID[lang]
    assert line.format(id=delivery_id) in done.output
    assert done.output.endswith(total)
    assert len(hook.requests) == 1
