"""The whole API suite runs on SQLite and on PostgreSQL: every test gets both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from hito.service import create_app
from hito.store.db import Database
from hito.store.users import use_password_hasher
from service_db import migrated_database, wipe
from service_world import World, make_world, settings


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with migrated_database(request.param, tmp_path_factory.mktemp("db")) as db:
        yield db


@pytest.fixture
def db(database: Database) -> Database:
    wipe(database)
    return database


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings(), database=db)) as c:
        yield c


@pytest.fixture
def world(client: TestClient, db: Database) -> World:
    return make_world(client, db)


@pytest.fixture(scope="session", autouse=True)
def cheap_passwords() -> None:
    """argon2 at its cheapest: the suite signs in hundreds of times."""
    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def local_receivers(world: World) -> None:
    """The test's webhook receivers listen on 127.0.0.1: a deployment that says its receivers
    are on its own network (HITO_WEBHOOK_ALLOW_PRIVATE) takes such subscriptions."""
    app = world.client.app
    app.state.settings = app.state.settings.model_copy(update={"webhook_allow_private": True})  # type: ignore[attr-defined]
