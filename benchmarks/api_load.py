"""Report submissions per second and p50/p99 latency with 50 concurrent clients on loopback.

For SQLite (a fresh file) and PostgreSQL (a fresh database on 127.0.0.1:5432), a real
`uvicorn` server is started, 50 clients post reports with idempotency keys for a bounded
number of requests, and stored == acknowledged is checked (zero lost).

    .venv/bin/python benchmarks/api_load.py [--requests 3000] [--clients 50] [--workers 2]
        [--backend sqlite|postgresql|both] [--with-plan]
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
    env = {**os.environ, "HITO_DATABASE_URL": url, "HITO_AUTO_MIGRATE": "false"}
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
    with db.session(readonly=True) as s:
        chain = audit.verify(s)
    db.dispose()
    ms = np.array(lat) * 1000
    warm = min(200, args.requests)
    plan = "yes" if args.with_plan else "no"
    p50, p99 = np.percentile(ms, 50), np.percentile(ms, 99)
    print(
        f"{name:<11} workers={args.workers} clients={args.clients} plan={plan}: "
        f"{acked / elapsed:7.0f} writes/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
        f"acknowledged {acked}/{args.requests}  stored {stored - warm}  "
        f"lost {acked - (stored - warm)}  retried {retries}  "
        f"audit chain {'ok' if chain.ok else 'BROKEN'} ({chain.entries} entries)"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument(
        "--with-plan", action="store_true", help="store the corridor-100 plan (alerts on)"
    )
    args = p.parse_args()
    with ExitStack() as stack:
        if args.backend in ("sqlite", "both"):
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            bench("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
        if args.backend in ("postgresql", "both"):
            bench("PostgreSQL", stack.enter_context(postgres_database()), args)


if __name__ == "__main__":
    main()
