"""Real servers: 50 concurrent clients lose no report; a killed import leaves nothing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from hito.service import create_app
from hito.store import audit, logcheck, logread
from hito.store.logkey import load_key
from service_world import KEY_FILE, World, report, settings

CLIENTS = 50
EACH = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(world: World) -> Iterator[str]:
    port = _free_port()
    app = create_app(settings(), database=world.db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(timeout=30)


def test_50_concurrent_clients_lose_no_report(world: World, server: str) -> None:
    with world.db.session(readonly=True) as s:
        entries_before = logread.count(s)

    def client(i: int) -> list[int]:
        ids = []
        who = "ed_chl" if i % 2 else "ed_per"
        with httpx.Client(base_url=server, timeout=60) as c:
            for j in range(EACH):
                r = c.post(
                    "/api/v1/reports",
                    json=report(people=i + EACH, stranded=j),
                    headers=world.h(who, **{"Idempotency-Key": f"c{i}-{j}"}),
                )
                assert r.status_code == 201, r.text
                ids.append(r.json()["id"])
        return ids

    with ThreadPoolExecutor(CLIENTS) as pool:
        acknowledged = [rid for ids in pool.map(client, range(CLIENTS)) for rid in ids]
    assert len(acknowledged) == len(set(acknowledged)) == CLIENTS * EACH
    stored = world.client.get(
        "/api/v1/reports", params={"limit": 1}, headers=world.h("viewer")
    ).json()["count"]
    assert stored == CLIENTS * EACH
    key = load_key(KEY_FILE, create=True)
    audit.sequence(world.db, key, wait=True)
    with world.db.session(readonly=True) as s:
        v = logcheck.verify(s, key=key)
    assert v.problems == [] and v.entries == entries_before + CLIENTS * EACH  # every write, once


def test_killing_the_server_during_an_import_leaves_no_partial_import(
    world: World, tmp_path
) -> None:  # noqa: ANN001
    rows = 4000
    text = "Date,Site,Nat,Doc,People,Key\n#date,#loc+code,#country+origin,#indicator+documented,#affected+total,#meta+key\n"
    text += "".join(f"2025-11-29,concordia-strip,VEN,no,{i % 97},k{i}\n" for i in range(rows))
    port = _free_port()
    env = {
        **os.environ,
        "HITO_DATABASE_URL": world.db.url,
        "HITO_AUTO_MIGRATE": "false",
        "HITO_LOG_KEY_FILE": str(KEY_FILE),
    }
    proc = subprocess.Popen(
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
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        result: dict[str, object] = {}

        def post() -> None:
            try:
                result["r"] = httpx.post(
                    f"http://127.0.0.1:{port}/api/v1/reports/import",
                    content=text.encode(),
                    headers=world.h("ed_chl", **{"Content-Type": "text/csv"}),
                    timeout=120,
                )
            except httpx.HTTPError as exc:
                result["error"] = exc

        t = threading.Thread(target=post)
        t.start()
        time.sleep(1.5)
        proc.send_signal(signal.SIGKILL)
        t.join(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    stored = world.client.get(
        "/api/v1/reports", params={"limit": 1}, headers=world.h("viewer")
    ).json()["count"]
    if "error" in result:  # killed before it answered: nothing of the import may remain
        assert stored == 0
    else:  # it finished first: then all of it
        assert stored == rows
    key = load_key(KEY_FILE, create=True)
    audit.sequence(world.db, key, wait=True)
    with world.db.session(readonly=True) as s:
        assert logcheck.verify(s, key=key).problems == []


def test_concurrent_retries_with_one_key_create_one_report(world: World, server: str) -> None:
    def post(_: int) -> tuple[int, int]:
        r = httpx.post(
            f"{server}/api/v1/reports",
            json=report(),
            timeout=60,
            headers=world.h("ed_chl", **{"Idempotency-Key": "same-key"}),
        )
        return r.status_code, r.json()["id"]

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(post, range(20)))
    assert sorted(s for s, _ in results) == [200] * 19 + [201]
    assert len({rid for _, rid in results}) == 1
    stored = world.client.get("/api/v1/reports", headers=world.h("viewer")).json()["count"]
    assert stored == 1
