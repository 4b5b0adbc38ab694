"""The dashboard's forecast button: bound by the same quota as the API's forecasts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hito.service import create_app
from hito.store import migrate
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.models import Forecast, User
from hito.store.settings import Settings
from hito.store.sites import load_sites
from hito.store.users import create_user
from service_world import stored_forecast

from .conftest import PASSWORD, keyed_for_server, sign_in_client


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Database]]:
    """The 2025 sites; the admin "ana" signed in; at most 4 forecasts active, 2 per user."""
    folder: Path = tmp_path_factory.mktemp("quota")
    url = f"sqlite:///{folder / 'h.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    with db.session() as s:
        load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        create_user(s, actor=SYSTEM, username="ana", password=PASSWORD, role="admin")
    settings = Settings(
        database_url=url,
        auto_migrate=False,
        forecast_max_active=4,
        forecast_max_active_per_user=2,
    )
    with TestClient(create_app(settings, database=db), base_url="http://hito.test") as c:
        sign_in_client(c, "ana")
        yield c, db
    db.dispose()


def _running(db: Database, n: int) -> None:
    """n of ana's forecasts still running (as the quota counts them)."""
    with db.session(readonly=True) as s:
        ana = s.scalar(select(User.id).where(User.username == "ana"))
    for _ in range(n):
        stored_forecast(db, status="running", days=60, runs=20, user_id=ana)


def _forecasts(db: Database) -> int:
    with db.session(readonly=True) as s:
        return int(s.scalar(select(func.count()).select_from(Forecast)) or 0)


def test_clicking_start_again_and_again_hits_the_quota_the_api_applies(dashboard) -> None:  # type: ignore[no-untyped-def]
    """The button queued a forecast (and a thread waiting its turn) on every click, unbounded."""
    c, db = dashboard
    _running(db, 2)
    page = c.get("/sites/concordia-strip").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    r = c.post(
        "/forecasts",
        data={"csrf_token": token[1], "as_of": "2025-12-02", "next": "/sites/concordia-strip"},
        headers={"Origin": "http://hito.test"},
        follow_redirects=False,
    )
    assert r.status_code == 429 and r.headers["Retry-After"] == "30"
    assert r.headers["content-type"].startswith("text/html")
    assert (
        "hay 2 pronósticos en cola o en curso (suyos: 2); los límites son 4 en total y 2 por "
        "usuario: espere a que termine alguno" in r.text
    )
    assert _forecasts(db) == 2  # nothing queued
