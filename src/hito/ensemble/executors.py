"""Where chunks of runs execute: local processes (the default) or a Dask cluster."""

from __future__ import annotations

import importlib
import logging
import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hito.errors import N_, HitoError, InputError, Plural, Problem, Said, not_one_of

EXECUTORS = ("local", "dask")
WORKER_MODULE = "hito.ensemble.run"  # what a worker imports to run chunks


class ChunkFailures(Exception):
    """Chunks that still failed after every retry: task index -> the last error (and a hint)."""

    def __init__(self, failures: dict[int, Any], hint: Problem | None = None):
        self.failures = failures
        self.hint = hint
        super().__init__(f"{len(failures)} chunk(s) failed")

    def problems(self, parts: Sequence[Sequence[int]], runs: int) -> list[Problem]:
        """What failed, said by runs: how many of `runs`, then each chunk's error (and hint).

        `parts[i]`: the run numbers of task i.
        """
        failed = sorted(r for i in self.failures for r in parts[i])
        lines: list[Problem] = [
            Plural(
                "%(failed)s of %(runs)s run failed after every retry (run %(spans)s); "
                "no partial result is written",
                "%(failed)s of %(runs)s runs failed after every retry (runs %(spans)s); "
                "no partial result is written",
                runs,
                failed=len(failed),
                runs=runs,
                spans=spans(failed),
            )
        ]
        for i, why in sorted(self.failures.items()):
            lines.append(Problem("runs %(spans)s: %(why)s", spans=spans(parts[i]), why=why))
        return lines + ([self.hint] if self.hint is not None else [])


def spans(runs: Sequence[int]) -> str:
    """'0-49, 100-149' from a list of run numbers."""
    rs = sorted(runs)
    if not rs:
        return "none"
    out: list[str] = []
    start = prev = rs[0]
    for r in [*rs[1:], -2]:
        if r == prev + 1:
            prev = r
            continue
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
        start = prev = r
    return ", ".join(out)


# a local worker process that ended mid-chunk (the pool broke)
WORKER_ENDED = N_(
    "the worker process running these runs ended (out of memory, or stopped from outside)"
)

# every worker died before any run came back, in a Python script: the script lacks its guard
UNGUARDED_SCRIPT = N_(
    "every worker process stopped as it started: a worker reads the script %(script)s again "
    "when it starts, so the code that starts an ensemble there needs to be under "
    '`if __name__ == "__main__":` (as Python\'s multiprocessing asks), or use '
    'executor="serial"'
)


def unguarded_script(failures: dict[int, Any]) -> Problem | None:
    """The hint for a pool that broke at once under a user's script (not hito's command)."""
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    spec = getattr(main, "__spec__", None)
    if script is None or Path(script).name == "hito" or (spec and spec.name.startswith("hito")):
        return None
    if not all(why == Problem(WORKER_ENDED) for why in failures.values()):
        return None
    return Problem(UNGUARDED_SCRIPT, script=script)


class Executor(Protocol):
    """Runs `fn(shared, *task)` for every task and yields (task index, result) as they finish.

    Failed tasks are retried; those that still fail are raised together as ChunkFailures
    after every other task has been yielded.
    """

    name: str

    @property
    def workers(self) -> int:
        """Processes that run chunks in parallel."""
        ...

    def map_unordered(
        self, fn: Callable[..., Any], shared: Any, tasks: Sequence[tuple[Any, ...]]
    ) -> Iterator[tuple[int, Any]]:
        """Run every task; yield results in the order they finish."""
        ...

    def close(self) -> None:
        """Release processes or the cluster connection."""
        ...


def default_context() -> str:
    """Forkserver where it exists (Linux), else spawn: never plain fork under threads."""
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods and sys.platform != "darwin" else "spawn"


@dataclass
class LocalExecutor:
    """A process pool on this machine; a broken pool (a worker killed) is rebuilt and retried."""

    processes: int | None = None
    retries: int = 2
    context: str = field(default_factory=default_context)
    name: str = "local"
    preload: tuple[str, ...] = (WORKER_MODULE,)
    _pool: ProcessPoolExecutor | None = None

    @property
    def workers(self) -> int:
        """Processes in the pool."""
        return self.processes or os.cpu_count() or 1

    def pool(self) -> ProcessPoolExecutor:
        """The process pool, started on first use and kept for later calls (sweeps)."""
        if self._pool is None:
            ctx = multiprocessing.get_context(self.context)
            if self.context == "forkserver":
                ctx.set_forkserver_preload(list(self.preload))  # imported once, then forked
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self._pool

    def map_unordered(
        self, fn: Callable[..., Any], shared: Any, tasks: Sequence[tuple[Any, ...]]
    ) -> Iterator[tuple[int, Any]]:
        """Run every task in worker processes, at most two per worker in flight."""
        attempts = dict.fromkeys(range(len(tasks)), 0)
        todo = list(range(len(tasks)))
        failures: dict[int, Any] = {}
        came_back = False
        window = 2 * self.workers
        while todo:
            retry: list[int] = []
            pool = self.pool()
            running: dict[Future[Any], int] = {}
            queue = list(todo)
            broken = False
            while queue or running:
                while queue and len(running) < window and not broken:
                    i = queue.pop(0)
                    running[pool.submit(fn, shared, *tasks[i])] = i
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    i = running.pop(fut)
                    try:
                        result = fut.result()
                    except Exception as exc:  # noqa: BLE001 - reported with its run numbers
                        broken = broken or isinstance(exc, BrokenProcessPool)
                        self._failed(i, exc, attempts, retry, failures)
                        continue
                    came_back = True
                    yield i, result
                if broken:
                    self._abandon(running, queue, attempts, retry, failures)
                    running, queue = {}, []
            todo = retry
        if failures:
            raise ChunkFailures(failures, None if came_back else unguarded_script(failures))

    def _abandon(
        self,
        running: dict[Future[Any], int],
        queue: list[int],
        attempts: dict[int, int],
        retry: list[int],
        failures: dict[int, Any],
    ) -> None:
        """After a worker died: every task in flight failed, the queued ones wait for a new pool."""
        for fut, i in running.items():
            fut.cancel()
            self._failed(i, BrokenProcessPool("a worker died"), attempts, retry, failures)
        retry.extend(queue)
        self.close()  # a broken pool cannot be reused; the next round starts anew

    def _failed(
        self,
        i: int,
        exc: BaseException,
        attempts: dict[int, int],
        retry: list[int],
        failures: dict[int, Any],
    ) -> None:
        attempts[i] += 1
        if attempts[i] <= self.retries:
            retry.append(i)
        else:
            failures[i] = task_failed(exc)

    def close(self) -> None:
        """Shut the pool down (its processes end)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


CONNECTION_LOST = N_("the connection to the Dask scheduler was lost before these runs came back")


def task_failed(exc: BaseException | None) -> Said | list[Said]:
    """Why a task failed, in hito's words (a library's text is English).

    hito's own problems are said as they are; another error's text is only a detail.
    """
    if isinstance(exc, HitoError):
        return exc.said
    if isinstance(exc, BrokenProcessPool):
        return Problem(WORKER_ENDED)
    if "distributed" in sys.modules and isinstance(exc, sys.modules["distributed"].KilledWorker):
        return Problem(
            "the Dask workers running these runs stopped on every attempt (a worker process ended: "
            "out of memory, or stopped from outside)"
        )
    if isinstance(exc, CancelledError | OSError | TimeoutError):
        return Problem(CONNECTION_LOST)
    return Problem(
        "the simulation stopped on an unexpected error (detail: %(detail)s)",
        detail=f"{type(exc).__name__}: {exc}",
    )


@dataclass
class DaskExecutor:
    """A dask.distributed cluster: `scheduler` address, or a LocalCluster of `processes`."""

    scheduler: str | None = None
    processes: int | None = None
    retries: int = 2
    timeout: float = 10.0
    name: str = "dask"
    _client: Any = None
    _cluster: Any = None

    def client(self) -> Any:
        """Connect (or start a LocalCluster) on first use."""
        if self._client is not None:
            return self._client
        from distributed import Client, LocalCluster

        if self.scheduler:
            try:
                # not the default scheduler of this process: a Client that fails to connect
                # would leave dask's config naming a client that never came up
                self._client = Client(self.scheduler, timeout=self.timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise InputError(self.unreachable(exc)) from None
        else:
            self._cluster = LocalCluster(
                n_workers=self.processes or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster, set_as_default=False)
        try:  # every worker imports hito now, in parallel, rather than on its first chunk
            self._client.run(importlib.import_module, WORKER_MODULE)
        except ImportError as exc:
            raise InputError(
                Problem(
                    "a Dask worker cannot import %(module)s; expected the same hito installed on "
                    "every worker",
                    module=exc.name or WORKER_MODULE,
                )
            ) from None
        return self._client

    def unreachable(self, exc: BaseException) -> Problem:
        """Why the scheduler cannot be reached, in hito's words (Dask's own text is English)."""
        if isinstance(exc, ValueError | TypeError):  # Dask cannot read the address
            return Problem(
                "--scheduler %(scheduler)s: not an address of a Dask scheduler; expected "
                "PROTOCOL://HOST:PORT, e.g. tcp://host:8786",
                scheduler=self.scheduler,
            )
        return Plural(
            "--scheduler %(scheduler)s: no Dask scheduler answered there within %(seconds)s "
            "second; expected the address of a running `dask scheduler`, e.g. tcp://host:8786",
            "--scheduler %(scheduler)s: no Dask scheduler answered there within %(seconds)s "
            "seconds; expected the address of a running `dask scheduler`, e.g. tcp://host:8786",
            math.ceil(self.timeout),
            scheduler=self.scheduler,
            seconds=f"{self.timeout:g}",
        )

    @property
    def workers(self) -> int:
        """Worker threads the scheduler knows of (at least 1)."""
        info = self.client().scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map_unordered(
        self, fn: Callable[..., Any], shared: Any, tasks: Sequence[tuple[Any, ...]]
    ) -> Iterator[tuple[int, Any]]:
        """Send the shared spec once, then one task per chunk; yield results as they finish.

        A task that raises is retried `retries` times; a task whose worker dies is
        rescheduled by the scheduler (up to `distributed.scheduler.allowed-failures`).
        """
        from distributed import as_completed

        client = self.client()
        # hash=False: a fresh key per call, so releasing an earlier call's copy of the same data
        # cannot take this call's away ("lost dependencies")
        spec = client.scatter(shared, broadcast=True, hash=False)
        futures = {
            client.submit(fn, spec, *task, retries=self.retries, pure=False): i
            for i, task in enumerate(tasks)
        }
        failures: dict[int, Any] = {}
        try:
            for fut in as_completed(futures, loop=client.loop):
                i = futures[fut]
                if fut.status == "error":
                    failures[i] = task_failed(fut.exception())
                elif fut.status == "cancelled":
                    failures[i] = Problem(CONNECTION_LOST)
                else:
                    yield i, fut.result()
                fut.release()
        except (OSError, TimeoutError, CancelledError) as exc:  # the scheduler went away
            raise EnsembleError(Problem(CONNECTION_LOST)) from exc
        if failures:
            raise ChunkFailures(failures)

    def close(self) -> None:
        """Close the client and any LocalCluster this executor started."""
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None


def make_executor(name: str, *, scheduler: str | None = None, workers: int | None = None) -> Any:
    """An executor by name, with errors that list the available ones."""
    if workers is not None and workers < 1:
        raise InputError(
            Problem(
                "workers: got %(workers)s, expected a whole number of at least 1", workers=workers
            )
        )
    if name == "local":
        if scheduler:
            raise InputError(Problem("scheduler: only the dask executor uses a scheduler address"))
        return LocalExecutor(processes=workers)
    if name == "dask":
        return DaskExecutor(scheduler=scheduler, processes=workers)
    raise InputError(not_one_of("executor", name, EXECUTORS))


class EnsembleError(HitoError):
    """Runs that failed on every attempt: the ensemble is reported incomplete, never shortened."""

    exit_code = 1


@dataclass
class SerialExecutor:
    """Runs every chunk in this process, one after another (tests and profiling)."""

    name: str = "serial"
    workers: int = 1

    def map_unordered(
        self, fn: Callable[..., Any], shared: Any, tasks: Sequence[tuple[Any, ...]]
    ) -> Iterator[tuple[int, Any]]:
        """Run the tasks in order, here."""
        for i, task in enumerate(tasks):
            yield i, fn(shared, *task)

    def close(self) -> None:
        """Nothing to release."""
