"""`hito log head --server URL --append FILE`: a country saves only heads the pinned key signed."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from hito.cli.main import app
from hito.service import create_app
from hito.store.settings import Settings

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    monkeypatch.setenv("HITO_DATABASE_URL", url)
    monkeypatch.setenv("HITO_LOG_KEY_FILE", str(tmp_path / "log-key.pem"))
    monkeypatch.setenv("HITO_PASSWORD", "a good long password")
    monkeypatch.setenv("HITO_LANG", "en")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["users", "create", "boss", "--role", "admin"]).exit_code == 0
    return url


@contextmanager
def serving(url: str, key_file: Path) -> Iterator[str]:
    """The real service on a free local port, signing with `key_file`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(database_url=url, log_key_file=key_file, auto_migrate=False)
    srv = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def pin(tmp_path: Path) -> Path:
    """The public key the other country saved once (the PEM of `hito log key`)."""
    pinned = tmp_path / "pinned.pem"
    r = runner.invoke(app, ["log", "key"])
    assert r.exit_code == 0
    pinned.write_text(r.stdout)
    return pinned


def copy(source: Path, target: Path) -> None:
    """A backup of a SQLite database (WAL included), or its restoring."""
    with sqlite3.connect(source) as a, sqlite3.connect(target) as b:
        a.backup(b)
    a.close()
    b.close()


def save(server: str, heads: Path, pinned: Path | None) -> object:
    args = ["log", "head", "--server", server, "--append", str(heads)]
    return runner.invoke(app, args + (["--public-key", str(pinned)] if pinned else []))


def test_heads_signed_by_the_pinned_key_and_consistent_are_saved(env: str, tmp_path: Path) -> None:
    pinned, heads = pin(tmp_path), tmp_path / "heads-peru.jsonl"
    with serving(env, tmp_path / "log-key.pem") as server:
        first = save(server, heads, pinned)
        assert first.exit_code == 0, first.output  # type: ignore[attr-defined]
        runner.invoke(app, ["users", "create", "ana", "--role", "viewer"])
        second = save(server, heads, pinned)  # a consistency proof from the server
        assert second.exit_code == 0, second.output  # type: ignore[attr-defined]
        again = save(server, heads, pinned)  # the same size, the same root
        assert again.exit_code == 0, again.output  # type: ignore[attr-defined]
    lines = heads.read_text().splitlines()
    assert len(lines) == 3 and lines[1] == lines[2] != lines[0]
    r = runner.invoke(app, ["log", "verify", "--against", str(heads), "--public-key", str(pinned)])
    assert r.exit_code == 0, r.output


def test_a_head_signed_by_another_key_is_refused_and_nothing_saved(
    env: str, tmp_path: Path
) -> None:
    """The server (or whoever answers in its name) signs with a key the country never pinned.

    Whoever answers in its name does so from a database of their own: a server given another
    key than the one this database was first written with does not start (test_service.py).
    """
    pinned, heads = pin(tmp_path), tmp_path / "heads-peru.jsonl"
    own = f"sqlite:///{tmp_path / 'impostor.sqlite3'}"
    made = {"HITO_DATABASE_URL": own, "HITO_LOG_KEY_FILE": str(tmp_path / "impostor.pem")}
    assert runner.invoke(app, ["db", "upgrade"], env=made).exit_code == 0
    with serving(own, tmp_path / "impostor.pem") as server:
        r = save(server, heads, pinned)
        got = r.stdout  # type: ignore[attr-defined]
        assert r.exception.exit_code == 2 and got == ""  # type: ignore[attr-defined]
        [msg] = r.exception.in_language("en")  # type: ignore[attr-defined]
        impostor = runner.invoke(app, ["log", "key"], env=made)
        assert f"signed by key id {impostor.stderr.split()[-1]}, expected the pinned key" in msg
        assert msg.endswith("; nothing was saved")
        assert not heads.exists()
        r = save(server, heads, None)  # no key pinned: how to pin it, not trust on first use
        assert r.exception.exit_code == 2  # type: ignore[attr-defined]
        assert r.exception.in_language("en") == [  # type: ignore[attr-defined]
            f"--append with --server: no log key pinned; save the log's public key once (curl "
            f"{server}/api/v1/log/key > log-key.json, and check its key_id with the operator by "
            "another channel), then give --public-key log-key.json"
        ]
        assert "no se fijó ninguna clave" in r.exception.in_language("es")[0]  # type: ignore[attr-defined]
        assert not heads.exists()


def _saved_then_restored(env: str, tmp_path: Path) -> tuple[Path, Path, str]:
    """Peru saves a head of 2 entries; then the database is restored to its 1-entry backup.

    Returns the pinned key's file, the heads file and what it held after the save.
    """
    pinned, heads = pin(tmp_path), tmp_path / "heads-peru.jsonl"
    db = tmp_path / "log.sqlite3"
    assert runner.invoke(app, ["log", "head"]).exit_code == 0
    copy(db, tmp_path / "backup.sqlite3")
    runner.invoke(app, ["users", "create", "ana", "--role", "viewer"])
    with serving(env, tmp_path / "log-key.pem") as server:
        assert save(server, heads, pinned).exit_code == 0  # type: ignore[attr-defined]
    saved = heads.read_text()
    copy(tmp_path / "backup.sqlite3", db)
    return pinned, heads, saved


def test_a_rolled_back_log_is_refused_and_nothing_saved(env: str, tmp_path: Path) -> None:
    """The database is restored from a backup older than the head the country saved last."""
    pinned, heads, saved = _saved_then_restored(env, tmp_path)
    with serving(env, tmp_path / "log-key.pem") as server:
        r = save(server, heads, pinned)
    assert r.exception.exit_code == 2  # type: ignore[attr-defined]
    assert r.exception.in_language("en") == [  # type: ignore[attr-defined]
        f"{server}/api/v1/log/head: the head covers 1 entry, expected at least 2 (the last "
        f"head saved, {heads}:1): the log was truncated or rolled back; nothing was saved"
    ]
    assert heads.read_text() == saved


@pytest.mark.parametrize("others", [1, 2])
def test_a_forked_log_is_refused_and_nothing_saved(env: str, tmp_path: Path, others: int) -> None:
    """The operator restores a backup and writes other entries: as many (a fork), or more."""
    pinned, heads, saved = _saved_then_restored(env, tmp_path)
    for n in range(others):
        runner.invoke(app, ["users", "create", f"other{n}", "--role", "viewer"])
    with serving(env, tmp_path / "log-key.pem") as server:
        r = save(server, heads, pinned)
    assert r.exception.exit_code == 2  # type: ignore[attr-defined]
    [msg] = r.exception.in_language("en")  # type: ignore[attr-defined]
    assert msg.startswith(f"{server}/api/v1/log/head: the head ({1 + others} entries, root ")
    assert f"does not extend the last head saved ({heads}:1: 2 entries, root " in msg
    assert msg.endswith("the log was rewritten or forked; nothing was saved")
    assert heads.read_text() == saved
    local = runner.invoke(app, ["log", "head", "--append", str(heads)])  # the same, locally
    assert local.exception.exit_code == 2 and heads.read_text() == saved  # type: ignore[attr-defined]


def test_a_head_fetched_with_no_key_pinned_is_printed_as_unchecked(
    env: str, tmp_path: Path
) -> None:
    """Without --public-key the head is only the server's word: stderr says so, in Spanish too."""
    with serving(env, tmp_path / "log-key.pem") as server:
        r = runner.invoke(app, ["log", "head", "--server", server])
        es = runner.invoke(app, ["log", "head", "--server", server], env={"HITO_LANG": "es"})
        checked = runner.invoke(
            app, ["log", "head", "--server", server, "--public-key", str(pin(tmp_path))]
        )
    assert r.exit_code == 0 and r.stdout.startswith("{")
    assert r.stderr == (
        f"not checked: no log key pinned (--public-key), so this head is only what "
        f"{server}/api/v1/log/head answered; check it with the key you pinned before relying on "
        "it\n"
    )
    assert es.exit_code == 0 and es.stderr.startswith("sin comprobar: ")
    assert checked.exit_code == 0 and checked.stderr == ""
    assert checked.stdout == r.stdout


def test_a_server_that_does_not_answer_is_said_in_the_readers_words(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It read "--server: URL: <urlopen error [Errno 111] Connection refused>"."""
    with socket.socket() as s:  # a port nothing listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/v1/log/head"
    for lang, said in (
        (
            "en",
            f"--server: {url}: connection refused (nothing listens at that address and port); "
            "expected the address of a running hito server",
        ),
        (
            "es",
            f"--server: {url}: conexión rechazada (nada escucha en esa dirección y puerto); se "
            "esperaba la dirección de un servidor de hito en marcha",
        ),
    ):
        r = runner.invoke(app, ["log", "head", "--server", f"http://127.0.0.1:{port}"])
        assert r.exit_code == 1  # the InputError, said as exit 2 by main()
        assert r.exception.in_language(lang) == [said]  # type: ignore[union-attr]


def test_a_servers_http_error_and_an_unknown_host_are_said_plainly() -> None:
    import socket as sockets
    import urllib.error

    from hito.cli.log import _unreached
    from hito.errors import say

    http = urllib.error.HTTPError("http://x/api/v1/log/head", 404, "Not Found", None, None)  # type: ignore[arg-type]
    assert say(_unreached(http), "es") == "el servidor respondió HTTP 404"
    host = urllib.error.URLError(sockets.gaierror(-2, "Name or service not known"))
    assert say(_unreached(host), "en") == "no such host"
    assert say(_unreached(urllib.error.URLError(TimeoutError())), "es") == "sin respuesta en 30 s"


@pytest.mark.parametrize("args", [["log", "head"], ["alerts", "deliver", "--once"]])
def test_a_mistyped_database_url_makes_no_new_database_or_key(
    tmp_path: Path, args: list[str]
) -> None:
    """`hito log head` made an empty database and a new key there, and printed their signed
    head as if it were the log's; the alert worker idled on an empty one, sending nothing."""
    from cli_helpers import hito

    typo = tmp_path / "hito-typo.sqlite3"
    done = hito(
        *args,
        HITO_LANG="en",
        HITO_DATABASE_URL=f"sqlite:///{typo}",
        HITO_LOG_KEY_FILE=str(tmp_path / "log-key.pem"),
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: sqlite:///{typo}: no such file; expected an existing hito database "
        "(check HITO_DATABASE_URL or --settings)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_mistyped_key_path_prints_no_new_key_for_the_other_country_to_pin(
    env: str, tmp_path: Path
) -> None:
    """`hito log key` made and printed a key pair of its own at a mistyped path: the other
    country pinned it, and every head the server signed was refused after."""
    assert runner.invoke(app, ["log", "head"]).exit_code == 0  # the log is signed
    signer = runner.invoke(app, ["log", "key"]).stderr.split()[-1]
    typo = tmp_path / "log-kye.pem"
    r = runner.invoke(app, ["log", "key"], env={"HITO_LOG_KEY_FILE": str(typo)})
    assert r.exception.exit_code == 2 and r.stdout == ""  # type: ignore[union-attr]
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        f"{typo}: no log signing key, and this database's log is signed with key {signer}: "
        "give HITO_LOG_KEY_FILE the key file the server signs with"
    ]
    assert not typo.exists()
    before = {  # the first set-up, before the service's first start: no database to ask yet
        "HITO_DATABASE_URL": f"sqlite:///{tmp_path / 'new' / 'hito.sqlite3'}",
        "HITO_LOG_KEY_FILE": str(tmp_path / "new" / "log-key.pem"),
    }
    first = runner.invoke(app, ["log", "key"], env=before)
    assert first.exit_code == 0 and first.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["log-key.pem"]
