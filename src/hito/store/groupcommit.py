"""Group commit: a thread that stores queued writes in batches, one transaction per batch.

Callers `submit` an item and wait for its future. The thread takes everything queued (up
to `max_batch`), runs `batch(session, items)` in one transaction and commits once; only
then are the futures answered, so an answered write is committed. `batch` returns one
outcome per item: a result, or an exception for an item refused by its own checks (the
others are still stored). When the batch itself fails (a database error, a failing hook),
its items are stored again one per transaction with `single`, so one bad item fails alone.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from hito.store.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")


class GroupCommit(Generic[T]):
    """One writer thread over a queue of items (one per server process and kind of write)."""

    def __init__(
        self,
        db: Database,
        *,
        batch: Callable[[Session, Sequence[T]], Sequence[Any]],
        single: Callable[[Session, T], Any],
        max_batch: int = 200,
        name: str = "hito-group-commit",
    ):
        self.db = db
        self.batch = batch
        self.single = single
        self.max_batch = max_batch
        self._queue: deque[tuple[T, Future[Any]]] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.name = name
        self.items = 0  # items stored by batches, and how many transactions stored them
        self.batches = 0

    def start(self) -> None:
        """Start the writer thread."""
        self._thread.start()

    def stop(self) -> None:
        """Store what is queued, then stop the thread; later submissions are refused."""
        with self._ready:
            self._closed = True
            self._ready.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=60)
        log.info("%s: %d items stored in %d transactions", self.name, self.items, self.batches)

    def submit(self, item: T) -> Future[Any]:
        """Queue an item; its future gets the outcome once its batch is committed."""
        fut: Future[Any] = Future()
        with self._ready:
            if self._closed:
                raise RuntimeError("the writer is stopped: the server is shutting down")
            self._queue.append((item, fut))
            self._ready.notify()
        return fut

    async def store(self, item: T) -> Any:
        """Queue an item and wait (without blocking the event loop) for its outcome."""
        return await asyncio.wrap_future(self.submit(item))

    def _take(self) -> list[tuple[T, Future[Any]]] | None:
        with self._ready:
            while not self._queue and not self._closed:
                self._ready.wait()
            if not self._queue:
                return None
            n = min(len(self._queue), self.max_batch)
            return [self._queue.popleft() for _ in range(n)]

    def _run(self) -> None:
        while (taken := self._take()) is not None:
            # a caller that gave up before its batch began is dropped (it was never answered)
            live = [(i, f) for i, f in taken if f.set_running_or_notify_cancel()]
            if live:
                self._store(live)

    def _store(self, taken: list[tuple[T, Future[Any]]]) -> None:
        try:
            with self.db.session() as session:
                outcomes = list(self.batch(session, [i for i, _ in taken]))
            self.batches += 1
            self.items += len(taken)
        except Exception as exc:  # noqa: BLE001 - answered below, item by item
            if len(taken) == 1:
                taken[0][1].set_exception(exc)
                return
            log.info("a batch of %d failed (%s); storing its items one by one", len(taken), exc)
            for item, fut in taken:
                self._store_one(item, fut)
            return
        for (_, fut), outcome in zip(taken, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                fut.set_exception(outcome)
            else:
                fut.set_result(outcome)

    def _store_one(self, item: T, fut: Future[Any]) -> None:
        try:
            with self.db.session() as session:
                outcome = self.single(session, item)
        except Exception as exc:  # noqa: BLE001 - the caller gets it
            fut.set_exception(exc)
        else:
            fut.set_result(outcome)
