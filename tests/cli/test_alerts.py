"""`hito alerts deliver` kept running without an SMTP server: e-mails queued while it runs are
told as they come, how many wait and why, in the reader's language."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest

from service_db import KEY_FILE, migrated_database
from service_world import email_subscriber, queue_email

SAID = {
    "es": [
        "no hay un servidor SMTP configurado (HITO_SMTP_HOST): este proceso solo envía webhooks; "
        "1 correo sigue en la cola, sin tocar, para un proceso que lo tenga",
        "no hay un servidor SMTP configurado (HITO_SMTP_HOST): ahora 2 correos esperan en la "
        "cola, sin tocar, a un proceso que lo tenga",
        "no hay un servidor SMTP configurado (HITO_SMTP_HOST): ahora 3 correos esperan en la "
        "cola, sin tocar, a un proceso que lo tenga",
        "0 envíos procesados",
    ],
    "en": [
        "no SMTP server configured (HITO_SMTP_HOST): this worker sends webhooks only; 1 e-mail "
        "stays queued, untouched, for a worker with one",
        "no SMTP server configured (HITO_SMTP_HOST): 2 e-mails now wait in the queue, "
        "untouched, for a worker with one",
        "no SMTP server configured (HITO_SMTP_HOST): 3 e-mails now wait in the queue, "
        "untouched, for a worker with one",
        "0 deliveries handled",
    ],
}


def _read(stream: IO[str] | None, lines: queue.Queue[str]) -> None:
    """Each line the worker writes to stderr, as it comes."""
    assert stream is not None
    for line in stream:
        lines.put(line.rstrip("\n"))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_e_mails_queued_while_the_worker_runs_are_told_once_each_time_they_grow(
    lang: str, tmp_path: Path
) -> None:
    """It said at start how many e-mails it leaves queued, and never again: an alert raised
    later queued an e-mail nobody was told would not go."""
    with migrated_database("sqlite", tmp_path) as db:
        email_subscriber(db)
        queue_email(db, 1)
        env = {
            **os.environ,
            "HITO_DATABASE_URL": db.url,
            "HITO_LOG_KEY_FILE": str(KEY_FILE),
            "HITO_LANG": lang,
            "COLUMNS": "320",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("HITO_SMTP_HOST", None)
        worker = subprocess.Popen(
            [sys.executable, "-m", "hito.cli.main", "alerts", "deliver", "--idle", "0.05"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=_read, args=(worker.stderr, lines), daemon=True)
        reader.start()
        try:
            said = [lines.get(timeout=120)]  # at start: the one queued before
            queue_email(db, 2)  # while it runs
            said.append(lines.get(timeout=120))
            queue_email(db, 3)  # the next line says 3: nothing was said at the looks between
            said.append(lines.get(timeout=120))
            worker.send_signal(signal.SIGTERM)
            assert worker.stdout is not None
            out = worker.stdout.read()
            worker.wait(timeout=120)
        finally:
            if worker.poll() is None:
                worker.kill()
        reader.join(timeout=120)
        rest = []
        while not lines.empty():
            rest.append(lines.get())
    assert worker.returncode == 0
    assert [*said, *rest, out.rstrip("\n")] == SAID[lang]
