"""Report submissions per second and p50/p99 latency with 50 concurrent clients on loopback.

For SQLite (a fresh file) and PostgreSQL (a fresh database on 127.0.0.1:5432), a real
`uvicorn` server is started, 50 clients post reports with idempotency keys for a bounded
number of requests, stored == acknowledged is checked (zero lost), and the log is
verified after the run (`verified`). With `--previous REV` (default: the commit before
the transparency log) the same benchmark of that revision (the hash chain under one
global lock) runs first, from a temporary git worktree, and the ratios are printed.

    .venv/bin/python benchmarks/api_load.py [--requests 3000] [--clients 50] [--workers 2]
        [--backend sqlite|postgresql|both] [--with-plan] [--previous REV | --no-previous]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

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


async def load(
    base: str, token: str, clients: int, total: int, tag: str
) -> tuple[list[float], int, float, int]:
    latencies: list[float] = []
    acked = retries = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(c: httpx.AsyncClient) -> None:
        nonlocal acked, retries
        while True:
            try:
                i = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            body = {
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
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"{tag}-{i}"}
            t = time.perf_counter()
            for attempt in range(5):  # a dropped connection is retried with the same key
                try:
                    r = await c.post("/api/v1/reports", json=body, headers=headers)
                    break
                except httpx.TransportError:
                    retries += 1
                    if attempt == 4:
                        raise
            latencies.append(time.perf_counter() - t)
            if r.status_code in (200, 201):
                acked += 1
            else:
                print("unexpected", r.status_code, r.text[:200], file=sys.stderr)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as c:
        start = time.perf_counter()
        await asyncio.gather(*(client(c) for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return latencies, acked, elapsed, retries


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
        warm_up = load(base, token, args.clients, min(200, args.requests), "warm")
        asyncio.run(warm_up)  # not counted
        lat, acked, elapsed, retries = asyncio.run(
            load(base, token, args.clients, args.requests, "run")
        )
        stored = httpx.get(
            f"{base}/api/v1/reports",
            params={"limit": 1},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["count"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    db = open_database(url)
    chain = verify_log(db, key_file)
    db.dispose()
    ms = np.array(lat) * 1000
    warm = min(200, args.requests)
    plan = "yes" if args.with_plan else "no"
    p50, p99 = np.percentile(ms, 50), np.percentile(ms, 99)
    RESULTS[name] = (acked / elapsed, p50, p99)
    print(
        f"{name:<11} workers={args.workers} clients={args.clients} plan={plan}: "
        f"{acked / elapsed:7.0f} writes/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
        f"acknowledged {acked}/{args.requests}  stored {stored - warm}  "
        f"lost {acked - (stored - warm)}  retried {retries}  "
        f"verified {'yes' if chain[0] else 'NO'} ({chain[1]} entries)"
    )


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


RESULTS: dict[str, tuple[float, float, float]] = {}
PREVIOUS = "30820b8"  # main before the transparency log: the hash chain under a global lock
LINE = re.compile(
    r"^(SQLite|PostgreSQL)\s.*?([\d.]+) writes/s\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms"
)


def previous(rev: str, args: argparse.Namespace) -> dict[str, tuple[float, float, float]]:
    """Run this benchmark as it was at `rev`, from a temporary worktree; its parsed figures."""
    repo = Path(__file__).resolve().parents[1]
    out: dict[str, tuple[float, float, float]] = {}
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
                str(tree / "benchmarks" / "api_load.py"),
                "--requests",
                str(args.requests),
                "--clients",
                str(args.clients),
                "--workers",
                str(args.workers),
                "--backend",
                args.backend,
            ]
            if args.with_plan:
                cmd.append("--with-plan")
            env = {**os.environ, "PYTHONPATH": str(tree / "src")}
            run = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            for line in run.stdout.splitlines():
                print(f"previous ({rev}): {line}")
                m = LINE.match(line)
                if m:
                    out[m.group(1)] = (float(m.group(2)), float(m.group(3)), float(m.group(4)))
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
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument(
        "--with-plan", action="store_true", help="store the corridor-100 plan (alerts on)"
    )
    p.add_argument("--previous", default=PREVIOUS, help="the revision to compare with")
    p.add_argument("--no-previous", action="store_true", help="do not run the previous design")
    args = p.parse_args()
    before = {} if args.no_previous else previous(args.previous, args)
    with ExitStack() as stack:
        if args.backend in ("sqlite", "both"):
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            bench("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
        if args.backend in ("postgresql", "both"):
            bench("PostgreSQL", stack.enter_context(postgres_database()), args)
    for name, (w, p50, p99) in RESULTS.items():
        if name in before:
            bw, b50, b99 = before[name]
            print(
                f"{name:<11} now/previous: writes/s x{w / bw:.2f} ({bw:.0f} -> {w:.0f}), "
                f"p50 x{p50 / b50:.2f} ({b50:.0f} -> {p50:.0f} ms), "
                f"p99 x{p99 / b99:.2f} ({b99:.0f} -> {p99:.0f} ms)"
            )


if __name__ == "__main__":
    main()
