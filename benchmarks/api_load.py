"""Report submissions per second and p50/p99 latency with 50 concurrent clients on loopback.

For SQLite (a fresh file) and PostgreSQL (a fresh database on 127.0.0.1:5432), a real
`uvicorn` server is started, clients post reports with idempotency keys for a bounded
number of requests, stored == acknowledged is checked (zero lost), and the log is
verified after the run (`verified`). Each line also gives the server's CPU time per write
(all its processes), the load generator's own CPU time per request (it shares the cores)
and the machine's load average before and after the run.

Two ways to load the server, each printed on its own line:
- closed loop (always): 50 clients each post, wait for the answer, post again. The
  latency then follows from the throughput (Little's law: mean latency = clients /
  writes/s), so it measures how fast the server goes flat out, not the latency at a rate.
- open loop (`--rate R`, wrk2-style): request i is due at start + i/R whatever the answers
  before it; up to 50 kept-alive connections take the due requests in order, and each
  latency is counted from the time the request was due, not from when a connection was
  free to send it (no coordinated omission: a stalled server is charged for the requests
  that queued up behind the stall). The writes/s printed is the rate achieved.

The same benchmark, with the same load generator, first runs against the server of each
previous revision (`--previous REV`, repeatable; by default 06178c8, the transparency log
with each report in its own transaction, and 85b2d5a, the group commit before the hot
path was cut down; 30820b8 is the hash chain under one global lock), each from a
temporary git worktree, and the ratios are printed.

    .venv/bin/python benchmarks/api_load.py [--requests 3000] [--clients 50] [--workers 1]
        [--rate 1000] [--backend sqlite|postgresql|both] [--with-plan]
        [--previous REV ... | --no-previous]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from hito.store import agencies, audit, plans, sites, users  # noqa: E402
from hito.store.actors import SYSTEM  # noqa: E402
from hito.store.users import use_password_hasher  # noqa: E402
from service_db import open_database, postgres_database  # noqa: E402

PASSWORD = "benchmark password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str, with_plan: bool) -> None:
    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    db = open_database(url)
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        a = agencies.create_agency(
            s, actor=SYSTEM, code="pdi-arica", name="PDI Arica", country_code="CHL"
        )
        users.create_user(
            s, actor=SYSTEM, username="editor", password=PASSWORD, role="editor", agency_id=a.id
        )
        if with_plan:
            plans.create_builtin_plan(s, actor=SYSTEM, name="corridor-100")
    db.dispose()


def _request(host: str, token: str, i: int, tag: str) -> bytes:
    """One report post as HTTP/1.1 bytes (idempotency key `tag-i`)."""
    body = json.dumps(
        {
            "site_id": "concordia-strip",
            "observed_at": f"2025-11-{1 + i % 28:02d}T10:00:00Z",
            "counts": [
                {
                    "nationality": "VEN",
                    "documented": False,
                    "people": 100 + i % 50,
                    "stranded": i % 50,
                }
            ],
        }
    ).encode()
    head = (
        f"POST /api/v1/reports HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: {tag}-{i}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    """Send one request on a kept-alive connection; (status, body) of its response."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status, length = int(lines[0].split()[1]), 0
    for line in lines[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, await reader.readexactly(length)


async def load(
    port: int, token: str, clients: int, total: int, tag: str, rate: float | None = None
) -> tuple[list[float], int, float, int]:
    """`clients` kept-alive connections post `total` reports; (latencies, acked, s, retries).

    Closed loop when `rate` is None (each connection posts its next report once answered);
    open loop at `rate` requests/s otherwise (request i is due at start + i/rate, and its
    latency counts from then). A plain asyncio HTTP/1.1 client (about 0.05 ms of CPU per
    request; httpx took about 7 ms per request, which on two cores was most of what the
    server could have had).
    """
    latencies: list[float] = []
    acked = retries = 0
    host = f"127.0.0.1:{port}"
    due: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()

    async def client() -> None:
        nonlocal acked, retries
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while (job := await due.get()) is not None:
            i, t = job
            request = _request(host, token, i, tag)
            if rate is None:
                t = time.perf_counter()
            for attempt in range(5):  # a dropped connection is retried with the same key
                try:
                    status, body = await _exchange(reader, writer, request)
                    break
                except (ConnectionError, asyncio.IncompleteReadError):
                    retries += 1
                    if attempt == 4:
                        raise
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
            latencies.append(time.perf_counter() - t)
            if status in (200, 201):
                acked += 1
            else:
                print("unexpected", status, body[:200], file=sys.stderr)
        writer.close()

    start = time.perf_counter()
    workers = [asyncio.ensure_future(client()) for _ in range(clients)]
    for i in range(total):
        if rate is not None:  # wait until request i is due
            wait = start + i / rate - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
        due.put_nowait((i, start + i / rate if rate is not None else 0.0))
    for _ in workers:
        due.put_nowait(None)
    await asyncio.gather(*workers)
    return latencies, acked, time.perf_counter() - start, retries


def _run(coro: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def _cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its children (the server's workers)."""
    try:
        import psutil
    except ImportError:
        return float("nan")
    root = psutil.Process(pid)
    total = 0.0
    for p in (root, *root.children(recursive=True)):
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def bench(name: str, url: str, args: argparse.Namespace) -> None:
    prepare(url, args.with_plan)
    port = free_port()
    key_file = Path(tempfile.mkdtemp()) / "log-signing-key.pem"
    env = {
        **os.environ,
        "HITO_DATABASE_URL": url,
        "HITO_AUTO_MIGRATE": "false",
        "HITO_LOG_KEY_FILE": str(key_file),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "hito.service:app_from_environment",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--no-access-log",
            "--timeout-keep-alive",
            "60",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    modes: list[float | None] = [None, *([args.rate] if args.rate else [])]
    runs: list[dict[str, Any]] = []
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        token = httpx.post(
            f"{base}/api/v1/auth/token", data={"username": "editor", "password": PASSWORD}
        ).json()["access_token"]
        _run(load(port, token, args.clients, min(200, args.requests), "warm"))  # not counted
        stored = _stored(base, token)
        for n, rate in enumerate(modes):
            run = _measure(server.pid, port, token, args, f"run{n}", rate)
            now = _stored(base, token)
            run["stored"], stored = now - stored, now
            runs.append(run)
    finally:
        server.terminate()
        server.wait(timeout=30)
    db = open_database(url)
    chain = verify_log(db, key_file)
    db.dispose()
    plan = "yes" if args.with_plan else "no"
    for run in runs:
        mode = "closed" if run["rate"] is None else f"open {run['rate']:g}/s"
        RESULTS[(name, mode)] = (run["writes"], run["p50"], run["p99"])
        print(
            f"{name:<11} {mode:<13} workers={args.workers} clients={args.clients} plan={plan}: "
            f"{run['writes']:7.0f} writes/s  p50 {run['p50']:6.1f} ms  p99 {run['p99']:6.1f} ms  "
            f"acknowledged {run['acked']}/{args.requests}  stored {run['stored']}  "
            f"lost {run['acked'] - run['stored']}  retried {run['retries']}  "
            f"verified {'yes' if chain[0] else 'NO'} ({chain[1]} entries)  "
            f"server CPU {run['server_cpu']:.2f} ms/write  "
            f"client CPU {run['client_cpu']:.2f} ms/request  "
            f"load {run['load'][0]:.1f}->{run['load'][1]:.1f}",
            flush=True,
        )


def _stored(base: str, token: str) -> int:
    """The number of reports stored (the API's count)."""
    r = httpx.get(
        f"{base}/api/v1/reports",
        params={"limit": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    return int(r.json()["count"])


def _measure(
    pid: int, port: int, token: str, args: argparse.Namespace, tag: str, rate: float | None
) -> dict[str, Any]:
    """One measured load (closed loop, or open at `rate`): its figures.

    The load generator's own heap is frozen first (`gc.freeze`): a full collection of it
    (about 50 ms: numpy, httpx and hito are loaded) would otherwise stall every client
    and be counted as the server's latency.
    """
    gc.collect()
    gc.freeze()
    load_before, cpu_before, own_before = os.getloadavg()[0], _cpu(pid), time.process_time()
    lat, acked, elapsed, retries = _run(load(port, token, args.clients, args.requests, tag, rate))
    own = (time.process_time() - own_before) / args.requests * 1000
    cpu = (_cpu(pid) - cpu_before) / args.requests * 1000
    ms = np.array(lat) * 1000
    return {
        "rate": rate,
        "writes": acked / elapsed,
        "p50": float(np.percentile(ms, 50)),
        "p99": float(np.percentile(ms, 99)),
        "acked": acked,
        "retries": retries,
        "server_cpu": cpu,
        "client_cpu": own,
        "load": (load_before, os.getloadavg()[0]),
    }


def verify_log(db: object, key_file: Path) -> tuple[bool, int]:
    """(verified, entries): the log checked after the run (the previous design: its chain)."""
    if hasattr(audit, "verify"):  # the previous design: a hash chain
        with db.session(readonly=True) as s:  # type: ignore[attr-defined]
            v = audit.verify(s)
        return v.ok, v.entries
    from hito.store import logcheck
    from hito.store.logkey import load_key

    key = load_key(key_file, create=True)
    audit.sequence(db, key, wait=True)  # type: ignore[arg-type]
    with db.session(readonly=True) as s:  # type: ignore[attr-defined]
        result = logcheck.verify(s, key=key)
    for p in result.problems[:5]:
        print("log problem:", p, file=sys.stderr)
    return result.ok, result.entries


RESULTS: dict[tuple[str, str], tuple[float, float, float]] = {}
# the transparency log with each report in its own transaction (session 2), and the group
# commit before the hot path's wake-ups, headers and garbage collections were cut
# (85b2d5a); also worth a run: 30820b8, the hash chain under one global lock (its pools
# open up to 50 connections per process: mind PostgreSQL's max_connections)
PREVIOUS = ("06178c8", "85b2d5a")
LINE = re.compile(
    r"^(SQLite|PostgreSQL)\s+(closed|open [\d.]+/s)?.*?([\d.]+) writes/s"
    r"\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms"
)


def previous(
    rev: str, args: argparse.Namespace
) -> dict[tuple[str, str], tuple[float, float, float]]:
    """This benchmark (this load generator) against the server of `rev`; its parsed figures.

    The revision is checked out in a temporary git worktree and put first on PYTHONPATH,
    so the database setup, the server and the log check are that revision's code.
    """
    repo = Path(__file__).resolve().parents[1]
    out: dict[tuple[str, str], tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "previous"
        subprocess.run(
            ["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), rev],
            check=True,
            capture_output=True,
        )
        try:
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--requests",
                str(args.requests),
                "--clients",
                str(args.clients),
                "--workers",
                str(args.workers),
                "--backend",
                args.backend,
                "--no-previous",
            ]
            if args.with_plan:
                cmd.append("--with-plan")
            if args.rate:
                cmd += ["--rate", str(args.rate)]
            env = {**os.environ, "PYTHONPATH": str(tree / "src")}
            run = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            for line in run.stdout.splitlines():
                print(f"previous ({rev}): {line}", flush=True)
                m = LINE.match(line)
                if m:
                    key = (m.group(1), m.group(2) or "closed")
                    out[key] = (float(m.group(3)), float(m.group(4)), float(m.group(5)))
            if run.returncode != 0:
                print(run.stderr[-2000:], file=sys.stderr)
        finally:
            subprocess.run(
                ["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)],
                check=False,
                capture_output=True,
            )
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument(
        "--rate",
        type=float,
        help="also an open-loop run at this many requests/s (latency from each due time)",
    )
    p.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument(
        "--with-plan", action="store_true", help="store the corridor-100 plan (alerts on)"
    )
    p.add_argument(
        "--previous",
        action="append",
        help=f"a revision to compare with (repeatable; default {' and '.join(PREVIOUS)})",
    )
    p.add_argument("--no-previous", action="store_true", help="do not run the previous design")
    args = p.parse_args()
    revs = [] if args.no_previous else (args.previous or list(PREVIOUS))
    before = {rev: previous(rev, args) for rev in revs}
    with ExitStack() as stack:
        if args.backend in ("sqlite", "both"):
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            bench("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
        if args.backend in ("postgresql", "both"):
            bench("PostgreSQL", stack.enter_context(postgres_database()), args)
    for rev, figures in before.items():
        for (name, mode), (w, p50, p99) in RESULTS.items():
            if (name, mode) in figures:
                bw, b50, b99 = figures[(name, mode)]
                print(
                    f"{name:<11} {mode:<13} now/{rev}: "
                    f"writes/s x{w / bw:.3g} ({bw:.0f} -> {w:.0f}), "
                    f"p50 x{p50 / b50:.3g} ({b50:.0f} -> {p50:.0f} ms), "
                    f"p99 x{p99 / b99:.3g} ({b99:.0f} -> {p99:.0f} ms)"
                )


if __name__ == "__main__":
    main()
