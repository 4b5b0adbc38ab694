"""Group commit: a thread that stores queued writes in batches, one transaction per batch.

Callers `submit` an item and wait for its future (or `await store(item)` on an event loop).
The thread takes everything queued (up to `max_batch`), runs `batch(session, items)` in one
transaction and commits once; only then are the callers answered, so an answered write is
committed. The callers waiting on one event loop are answered by one callback on that loop
per batch (not one thread-safe wake-up per item). `batch` returns one
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
# who waits for an item: a thread (a concurrent future) or a coroutine (its loop's future)
Waiter = Future[Any] | tuple[asyncio.AbstractEventLoop, asyncio.Future[Any]]


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
        self._queue: deque[tuple[T, Waiter]] = deque()
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
        self._put(item, fut)
        return fut

    async def store(self, item: T) -> Any:
        """Queue an item and wait (without blocking the event loop) for its outcome."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        self._put(item, (loop, fut))
        return await fut

    def _put(self, item: T, waiter: Waiter) -> None:
        with self._ready:
            if self._closed:
                raise RuntimeError("the writer is stopped: the server is shutting down")
            self._queue.append((item, waiter))
            if len(self._queue) == 1:  # the writer waits only on an empty queue
                self._ready.notify()

    def _take(self) -> list[tuple[T, Waiter]] | None:
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
            live = [(i, w) for i, w in taken if _running(w)]
            if live:
                _answer(self._store(live))

    def _store(self, taken: list[tuple[T, Waiter]]) -> list[tuple[Waiter, Any]]:
        """Store a batch; each waiter with its outcome (a result or an exception)."""
        try:
            with self.db.session() as session:
                outcomes = list(self.batch(session, [i for i, _ in taken]))
            self.batches += 1
            self.items += len(taken)
        except Exception as exc:  # noqa: BLE001 - answered below, item by item
            if len(taken) == 1:
                return [(taken[0][1], exc)]
            log.info("a batch of %d failed (%s); storing its items one by one", len(taken), exc)
            return [(w, self._store_one(item)) for item, w in taken]
        return [(w, o) for (_, w), o in zip(taken, outcomes, strict=True)]

    def _store_one(self, item: T) -> Any:
        try:
            with self.db.session() as session:
                return self.single(session, item)
        except Exception as exc:  # noqa: BLE001 - the caller gets it
            return exc


def _running(waiter: Waiter) -> bool:
    """Whether the caller still waits (a thread's future is marked running)."""
    if isinstance(waiter, Future):
        return waiter.set_running_or_notify_cancel()
    return not waiter[1].cancelled()  # read across threads: a late cancel is settled below


def _settle(fut: Future[Any] | asyncio.Future[Any], outcome: Any) -> None:
    if fut.cancelled():  # only an asyncio future: the coroutine stopped waiting
        return
    if isinstance(outcome, BaseException):
        fut.set_exception(outcome)
    else:
        fut.set_result(outcome)


def _settle_all(pairs: list[tuple[asyncio.Future[Any], Any]]) -> None:
    for fut, outcome in pairs:
        _settle(fut, outcome)


def _answer(answers: list[tuple[Waiter, Any]]) -> None:
    """Answer threads at once, and the coroutines of each event loop in one callback."""
    loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any]]] = {}
    for waiter, outcome in answers:
        if isinstance(waiter, Future):
            _settle(waiter, outcome)
        else:
            loops.setdefault(waiter[0], []).append((waiter[1], outcome))
    for loop, pairs in loops.items():
        try:
            loop.call_soon_threadsafe(_settle_all, pairs)
        except RuntimeError:  # the loop is closed: nobody waits any more
            log.warning("%d answers dropped: their event loop is closed", len(pairs))
