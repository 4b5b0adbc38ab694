"""The service commands: db upgrade, users create, sites load, log head and verify."""

from __future__ import annotations

import pytest
from sqlalchemy import text  # noqa: TID251 - tampering with the log needs the database
from typer.testing import CliRunner

from hito.cli.main import app
from hito.store import migrate
from hito.store.db import Database

runner = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("HITO_DATABASE_URL", url)
    monkeypatch.setenv("HITO_PASSWORD", "a good long password")
    return url


def test_first_admin_sites_a_saved_head_and_a_verified_log(env: str, tmp_path) -> None:  # noqa: ANN001
    r = runner.invoke(app, ["db", "upgrade"])
    assert r.exit_code == 0 and f"schema at {migrate.head()} (was empty)" in r.output
    r = runner.invoke(app, ["users", "create", "boss", "--role", "admin"])
    assert r.exit_code == 0 and "created admin 'boss' (id 1)" in r.output
    r = runner.invoke(app, ["sites", "load", "tacna-arica-2025"])
    assert r.exit_code == 0 and "tacna-arica-2025: 10 new sites, 0 updated, 10 in all" in r.output
    r = runner.invoke(app, ["sites", "load", "tacna-arica-2025"])
    assert "0 new sites, 0 updated, 10 in all" in r.output
    heads = tmp_path / "heads-chile.jsonl"  # what Chile keeps, outside the database
    r = runner.invoke(app, ["log", "head", "--append", str(heads)])
    assert r.exit_code == 0 and '"tree_size":14' in r.output
    assert heads.read_text() == r.output
    r = runner.invoke(app, ["log", "verify", "--against", str(heads)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("log ok: 14 entries")
    assert "2 signed heads and 11 rows checked" in r.output  # the file's and the stored one
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 0 and r.output.startswith("log ok: 14 entries")
    db = Database(env)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE log_leaf SET resource = 'site:elsewhere' WHERE idx = 5"))
        conn.execute(text("DELETE FROM log_leaf WHERE idx = 13"))
    db.dispose()
    r = runner.invoke(app, ["log", "verify", "--against", str(heads)])
    assert r.exit_code == 1
    problems = r.exception.problems  # type: ignore[union-attr]
    assert "entry 5: its stored hash is not the hash of its fields (altered)" in problems
    assert any(
        p.startswith(f"{heads}:1: it covers 14 entries but the log has 13") for p in problems
    )


def test_verify_with_a_bad_heads_file_names_the_line(env: str, tmp_path) -> None:  # noqa: ANN001
    runner.invoke(app, ["db", "upgrade"])
    bad = tmp_path / "heads.jsonl"
    bad.write_text('{"tree_size": 1}\n')
    r = runner.invoke(app, ["log", "verify", "--against", str(bad)])
    assert r.exception.exit_code == 2  # type: ignore[union-attr]  # `hito` exits with it
    assert f"{bad}:1: field 'root_hash': expected str, got None" in str(r.exception)
    r = runner.invoke(app, ["log", "verify", "--against", str(tmp_path / "missing.jsonl")])
    assert r.exception.exit_code == 2 and "No such file" in str(r.exception)  # type: ignore[union-attr]


def test_bad_user_input_is_one_error_line(env: str) -> None:
    r = runner.invoke(app, ["users", "create", "ed", "--role", "editor", "--agency", "nowhere"])
    assert r.exit_code == 1 and "--agency: no agency 'nowhere', expected one of: none" in str(
        r.exception
    )
    r = runner.invoke(app, ["users", "create", "x", "--role", "king"])
    assert "body.role: got 'king', expected one of: admin, editor, viewer" in str(r.exception)
    for name in ("", "x", "a b", "_lead"):  # an empty or malformed login name is refused
        r = runner.invoke(app, ["users", "create", name, "--role", "viewer"])
        assert r.exit_code == 1 and f"body.username: got {name!r}, expected 3 to 64" in str(
            r.exception
        )
