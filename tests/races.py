"""Races in tests: the same call made by several threads at once, or a lock held by another process."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

from hito.store.db import Lock

T = TypeVar("T")


def at_once(n: int, call: Callable[[int], T], *, timeout: float = 120) -> list[T | Exception]:
    """`call(i)` for i in 0..n-1, each in a thread, all let go together.

    What each returned, or the exception it raised, in the order they finished.
    """
    start = threading.Barrier(n)
    got: list[T | Exception] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        start.wait()
        try:
            out: T | Exception = call(i)
        except Exception as exc:  # the race's loser: a result like any other
            out = exc
        with lock:
            got.append(out)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert len(got) == n, f"{n - len(got)} of {n} calls still running after {timeout} s"
    return got


def held_elsewhere(url: str, kind: Lock) -> subprocess.Popen[str]:
    """Another process holding `Database(url).only_one(kind)` (as a worker of the server does
    while it works) until its stdin closes or it is killed."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from hito.store.db import Database, Lock\n"
            f"with Database({url!r}).only_one(Lock.{kind.name}) as alone:\n"
            "    print(alone, flush=True)\n"
            "    sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
    return holder
