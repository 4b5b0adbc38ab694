"""A real dashboard server on a free port with a seeded temporary SQLite database, and chromium."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from hito.service import create_app
from hito.store import migrate
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.settings import Settings
from hito.store.users import create_user, use_password_hasher
from hito.web import demo
from service_db import keyed_for_server

PASSWORD = "test-pass-123"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def comparison_file(folder: Path) -> Path:
    """A two-plan comparison of four days, written by hand (the real one takes a minute)."""
    dates = [(dt.date(2025, 11, 29) + dt.timedelta(days=i)).isoformat() for i in range(4)]
    q = {"p10": 1.0, "p50": 2.0, "p90": 3.0}
    row = {m: q for m in ("stranded_person_days", "peak_stranded", "diverted", "harmed")}
    data = {
        "dates": dates,
        "rows": [
            {"plan": "no-plan", "title": "No plan", "runs": 2, "triggers": [], **row},
            {
                "plan": "corridor-100",
                "title": "Corridor",
                "runs": 2,
                "triggers": [],
                **row,
                "total_cost_USD": {"p10": 0.0, "p50": 2500.0, "p90": 5000.0},
            },
        ],
        "stranded": {
            "no-plan": {"p10": [0, 1, 2, 3], "p50": [1, 2, 3, 4], "p90": [2, 3, 4, 5]},
            "corridor-100": {"p10": [0, 0, 1, 1], "p50": [1, 1, 2, 2], "p90": [2, 2, 3, 3]},
        },
    }
    path = folder / "comparison.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@dataclass
class Server:
    """A running dashboard: its address and its database."""

    url: str
    db: Database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session", autouse=True)
def cheap_passwords() -> None:
    """argon2 at its cheapest: the suite signs in many times."""
    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo deployment (sites, agencies, users, plans, past counts, a small forecast)."""
    folder = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{folder / 'hito.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    demo.seed(db, password=PASSWORD)
    # one forecast per count date, as the service issues them; the last reaches 14-28 days ahead
    demo.issued_forecasts(db, until=dt.date(2025, 12, 3), days=40, runs=3)
    app = create_app(
        Settings(
            database_url=url,
            login_failure_delay=0.0,
            auto_migrate=False,
            comparison=comparison_file(folder),
            refresh_seconds=2,
            # one shared server, one address, hundreds of sign-ins and a few deliberate
            # failures by several test files: no lockout between unrelated tests
            login_max_failures=1000,
            login_max_failures_per_address=1000,
        ),
        database=db,
    )
    app.state.web_warm_up.join(timeout=120)  # as `hito serve` waits for it before serving
    with serving(app) as url:
        yield Server(url, db)
    db.dispose()


@contextmanager
def serving(app: object) -> Iterator[str]:
    """The dashboard `app` served on a free port of 127.0.0.1 while the block runs: its address."""
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright (installed by .ci/run when missing)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Visit:
    """A browser page on the server, with every request outside the server refused and kept.

    `thrown`: the uncaught script errors of its pages (none is expected, on any page).
    """

    page: object
    outside: list[str]
    thrown: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser, server: Server) -> Iterator[Visit]:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    thrown: list[str] = []
    for v in _visit(browser, server, outside, {"width": 1280, "height": 900}):
        thrown = v.thrown
        yield v
    assert thrown == [], f"a page's script threw: {thrown}"
    assert outside == [], f"the page asked for URLs outside the server: {outside}"


@pytest.fixture
def phone(browser, server: Server) -> Iterator[Visit]:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    thrown: list[str] = []
    for v in _visit(browser, server, outside, {"width": 390, "height": 844}):
        thrown = v.thrown
        yield v
    assert thrown == [], f"a page's script threw: {thrown}"
    assert outside == [], f"the page asked for URLs outside the server: {outside}"


def _visit(browser, server, outside, viewport, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=viewport, base_url=server.url, accept_downloads=True, **options
    )

    def guard(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(server.url + "/") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    visit = Visit(page, outside)
    page.on("pageerror", lambda exc: visit.thrown.append(f"{page.url}: {exc}"))
    yield visit
    context.close()


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot to $HITO_SCREENSHOTS (docs/screenshots) when it is set."""
    folder = os.environ.get("HITO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


AXE = Path(__file__).parent / "assets" / "axe.min.js"


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical violations on the page (axe is injected, not fetched)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@contextmanager
def admin_client(folder: Path, **client: object) -> Iterator[TestClient]:
    """The dashboard in-process (no browser), signed in as the admin "ana", on an empty database.

    `client`: TestClient's options (`raise_server_exceptions=False` answers as a server does).
    """
    url = f"sqlite:///{folder / 'h.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    with db.session() as s:
        create_user(s, actor=SYSTEM, username="ana", password=PASSWORD, role="admin")
    app = create_app(Settings(database_url=url, auto_migrate=False), database=db)
    with TestClient(app, base_url="http://hito.test", **client) as c:  # type: ignore[arg-type]
        sign_in_client(c, "ana")
        yield c
    db.dispose()


@pytest.fixture(scope="module")
def signed_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The dashboard in-process (no browser), signed in as an admin, on an empty database."""
    with admin_client(tmp_path_factory.mktemp("signed")) as c:
        yield c


def sign_in_client(c: TestClient, username: str) -> None:
    """Sign an in-process client (base URL http://hito.test) in, through the login form."""
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
    assert token is not None
    signed = c.post(
        "/login",
        data={"username": username, "password": PASSWORD, "next": "/", "csrf_token": token[1]},
        headers={"Origin": "http://hito.test"},
        follow_redirects=False,
    )
    assert signed.status_code == 303


def choose_language(c: object, code: str, page: str = "/") -> None:
    """Choose the language as a visitor does: the page's button, a form (POST /lang) with its token.

    `c` is an httpx or in-process client, signed in or not; a `?lang=` link saves nothing.
    """
    import re

    shown = c.get(page, follow_redirects=True)  # type: ignore[attr-defined]
    token = re.search(r'name="csrf_token" value="([^"]+)"', shown.text)
    assert token is not None, shown.text
    origin = str(c.base_url).rstrip("/")  # type: ignore[attr-defined]
    r = c.post(  # type: ignore[attr-defined]
        "/lang",
        data={"lang": code, "next": "/", "csrf_token": token[1]},
        headers={"Origin": origin},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert f'<html lang="{code}">' in c.get(page, follow_redirects=True).text  # type: ignore[attr-defined]
