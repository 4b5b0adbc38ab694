"""The service commands: db upgrade, users create, sites load, audit verify."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from hito.cli.main import app
from hito.store import migrate
from hito.store.db import Database
from hito.store.models import AuditEntry

runner = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("HITO_DATABASE_URL", url)
    monkeypatch.setenv("HITO_PASSWORD", "a good long password")
    return url


def test_first_admin_sites_and_a_verified_chain(env: str) -> None:
    r = runner.invoke(app, ["db", "upgrade"])
    assert r.exit_code == 0 and f"schema at {migrate.head()} (was empty)" in r.output
    r = runner.invoke(app, ["users", "create", "boss", "--role", "admin"])
    assert r.exit_code == 0 and "created admin 'boss' (id 1)" in r.output
    r = runner.invoke(app, ["sites", "load", "tacna-arica-2025"])
    assert r.exit_code == 0 and "tacna-arica-2025: 10 new sites, 0 updated, 10 in all" in r.output
    r = runner.invoke(app, ["sites", "load", "tacna-arica-2025"])
    assert "0 new sites, 0 updated, 10 in all" in r.output
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 0 and r.output.startswith("audit chain ok: 14 entries")
    db = Database(env)
    with db.session() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 5).values(resource="site:elsewhere"))
    db.dispose()
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 1
    assert "audit chain broken at entry 5: entry 5 was altered (its hash does not match) (4 entries verified before it)" in str(r.exception)


def test_bad_user_input_is_one_error_line(env: str) -> None:
    r = runner.invoke(app, ["users", "create", "ed", "--role", "editor", "--agency", "nowhere"])
    assert r.exit_code == 1 and "--agency: no agency 'nowhere', expected one of: none" in str(r.exception)
    r = runner.invoke(app, ["users", "create", "x", "--role", "king"])
    assert "body.role: got 'king', expected one of: admin, editor, viewer" in str(r.exception)
