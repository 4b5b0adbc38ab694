"""A background thread that sequences the log's pending entries into the tree, batch by batch."""

from __future__ import annotations

import logging
import threading

from hito.store import audit
from hito.store.db import Database
from hito.store.logkey import LogKey

log = logging.getLogger(__name__)


class Sequencer:
    """Calls `audit.sequence` every `every` seconds until stopped (one per server process)."""

    def __init__(self, db: Database, key: LogKey, *, every: float):
        self.db = db
        self.key = key
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hito-log-sequencer", daemon=True)

    def start(self) -> None:
        """Start sequencing in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Sequence what is left, then stop."""
        self._stop.set()
        self._thread.join(timeout=30)
        self.run_once()

    def run_once(self) -> None:
        """One batch (errors are logged: the entries stay pending for the next try)."""
        try:
            audit.sequence(self.db, self.key)
        except Exception:  # noqa: BLE001 - a failed batch is retried; the server keeps serving
            log.exception("sequencing the transparency log failed; retrying")

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.run_once()
