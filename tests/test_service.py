"""One Settings for the API and the dashboard: HITO_SETTINGS_FILE reaches the pages too."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hito.service import app_from_environment, create_app
from hito.store.settings import load_settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """A test that starts a server's app gives the test process its collector back."""
    interval = sys.getswitchinterval()
    yield
    gc.unfreeze()
    sys.setswitchinterval(interval)


def test_settings_file_language_reaches_the_dashboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    monkeypatch.delenv("HITO_LANGUAGE", raising=False)
    f = tmp_path / "hito.env"
    f.write_text(f"HITO_LANGUAGE=en\nHITO_DATABASE_URL=sqlite:///{tmp_path / 'db.sqlite3'}\n")
    monkeypatch.setenv("HITO_SETTINGS_FILE", str(f))
    assert load_settings().language == "en"
    with TestClient(app_from_environment()) as c:
        page = c.get("/login")
        assert page.status_code == 200
        assert '<html lang="en">' in page.text
        assert c.get("/health").json() == {"status": "ok"}


def test_without_a_file_the_dashboard_speaks_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HITO_LANGUAGE", raising=False)
    monkeypatch.delenv("HITO_SETTINGS_FILE", raising=False)
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with TestClient(create_app(settings)) as c:
        assert '<html lang="es">' in c.get("/login").text


def test_the_api_alone_has_no_pages(tmp_path: Path) -> None:
    from hito.api.app import create_api

    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with TestClient(create_api(settings)) as c:
        assert c.get("/health").json() == {"status": "ok"}
        assert c.get("/login").status_code == 404


def test_a_server_process_freezes_what_it_loaded_once_started(
    tmp_path: Path, unfrozen: None
) -> None:
    from hito.service import for_server

    gc.unfreeze()
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    app = for_server(create_app(settings))
    assert gc.get_freeze_count() == 0  # not before it has started
    with TestClient(app) as c:
        assert gc.get_freeze_count() > 10_000  # libraries, templates, the app
        assert sys.getswitchinterval() == pytest.approx(0.0005)
        assert c.get("/health").json() == {"status": "ok"}


def test_the_app_refuses_to_start_with_another_key_before_the_log_has_a_head(
    tmp_path: Path, unfrozen: None
) -> None:
    """A database made and written with key a (a user, an entry waiting), never signed: a
    server given key b would key its tokens, entries and seals with b unnoticed."""
    from hito.errors import InputError
    from hito.store import migrate, users
    from hito.store.actors import SYSTEM
    from hito.store.db import Database
    from hito.store.logkey import load_key
    from hito.store.settings import Settings

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    a = load_key(tmp_path / "a.pem", create=True)
    db = Database(url).use_key(a)
    migrate.upgrade(db)
    with db.session() as s:
        users.create_user(s, actor=SYSTEM, username="ana", password="correct horse battery",
                          role="admin")  # fmt: skip
    db.dispose()
    load_key(tmp_path / "b.pem", create=True)
    app = create_app(Settings(database_url=url, log_key_file=tmp_path / "b.pem"))
    with pytest.raises(InputError) as got, TestClient(app):
        pass
    [said] = got.value.in_language("en")
    assert said.startswith(f"{tmp_path / 'b.pem'} holds log key ")
    assert f"this database's log is signed with key {a.key_id}" in said
    with TestClient(create_app(Settings(database_url=url, log_key_file=tmp_path / "a.pem"))) as c:
        assert c.get("/health").json() == {"status": "ok"}


def test_the_app_refuses_to_start_with_a_key_that_is_not_the_logs(
    tmp_path: Path, unfrozen: None
) -> None:
    """Run by uvicorn's factory on a host given another key file (or none): it says so."""
    from hito.errors import InputError
    from hito.store import audit
    from hito.store.db import Database
    from hito.store.logkey import load_key
    from hito.store.settings import Settings

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with TestClient(create_app(Settings(database_url=url, log_key_file=tmp_path / "a.pem"))):
        pass  # the first start makes the schema
    db = Database(url).use_key(load_key(tmp_path / "a.pem", create=False))
    signed = audit.sequence(db, load_key(tmp_path / "a.pem", create=False), wait=True)
    assert signed is not None
    db.dispose()
    for other in (tmp_path / "b.pem", tmp_path / "missing.pem"):
        if other.name == "b.pem":
            load_key(other, create=True)
        app = create_app(Settings(database_url=url, log_key_file=other))
        with pytest.raises(InputError) as got, TestClient(app):
            pass
        [said] = got.value.in_language("en")
        assert said.startswith(f"{other}") and f"signed with key {signed.key_id}" in said
    assert not (tmp_path / "missing.pem").exists()  # no key made in its place
    with TestClient(create_app(Settings(database_url=url, log_key_file=tmp_path / "a.pem"))) as c:
        assert c.get("/health").json() == {"status": "ok"}


def test_a_server_compiles_the_scores_library_before_serving_not_on_the_first_overview(
    tmp_path: Path,
) -> None:
    """`scoringrules` compiles its kernels on import (about 5 s): the first overview after a
    start waited that long (a phone's report, then the overview, timed out in the suite).

    In a fresh process, as `hito serve` runs: imported once the server has started.
    """
    import os
    import subprocess

    code = f"""
import sys
from fastapi.testclient import TestClient
from hito.service import create_app, for_server
from hito.store.settings import load_settings
app = for_server(create_app(load_settings(database_url="sqlite:///{tmp_path / "db.sqlite3"}")))
before = "scoringrules" in sys.modules
with TestClient(app) as c:
    print(before, "scoringrules" in sys.modules, c.get("/health").status_code)
"""
    env = {**os.environ, "HITO_LOG_KEY_FILE": str(tmp_path / "log.key")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "False True 200\n"
