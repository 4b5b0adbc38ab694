"""The service commands: db upgrade, users create, sites load, log head and verify."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from sqlalchemy import text  # noqa: TID251 - tampering with the log needs the database
from typer.testing import CliRunner

from hito.cli.main import app
from hito.store import migrate
from hito.store.db import Database
from hito.store.logkey import load_key

runner = CliRunner()


# what the commands say, in the reader's language (HITO_LANG)
SAID = {
    "es": {
        "upgrade": "sqlite:///{db}: esquema creado en la revisión {head}\n",
        "current": "sqlite:///{db}: esquema en la revisión {head}; la más reciente es {head}\n",
        "user": "se creó el usuario 'boss', administrador (id 1)\n",
        "sites": "tacna-arica-2025: sitios nuevos: 10; actualizados: 0; en total: 10\n",
        "again": "tacna-arica-2025: sitios nuevos: 0; actualizados: 0; en total: 10\n",
        "verified": "registro correcto: 14 entradas (raíz ",
        "checked": "; se revisaron 2 cabeceras firmadas y 11 filas\n",
        "delivered": "0 envíos procesados\n",
    },
    "en": {
        "upgrade": "sqlite:///{db}: schema created at revision {head}\n",
        "current": "sqlite:///{db}: schema at revision {head}; the newest is {head}\n",
        "user": "created the user 'boss', administrator (id 1)\n",
        "sites": "tacna-arica-2025: 10 new sites, 0 updated, 10 in all\n",
        "again": "tacna-arica-2025: 0 new sites, 0 updated, 10 in all\n",
        "verified": "log ok: 14 entries (root ",
        "checked": "; 2 signed heads and 11 rows checked\n",
        "delivered": "0 deliveries handled\n",
    },
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_first_admin_sites_a_saved_head_and_a_verified_log(
    env: str,
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    monkeypatch.setenv("HITO_LANG", lang)
    said = {
        k: v.format(db=tmp_path / "cli.sqlite3", head=migrate.head()) for k, v in SAID[lang].items()
    }
    r = runner.invoke(app, ["db", "upgrade"])
    assert r.exit_code == 0 and r.output == said["upgrade"]
    r = runner.invoke(app, ["db", "current"])
    assert r.exit_code == 0 and r.output == said["current"]
    r = runner.invoke(app, ["users", "create", "boss", "--role", "admin"])
    assert r.exit_code == 0 and r.output == said["user"]
    r = runner.invoke(app, ["sites", "load", "tacna-arica-2025"])
    assert r.exit_code == 0 and r.output == said["sites"]
    r = runner.invoke(app, ["sites", "load", "tacna-arica-2025"])
    assert r.output == said["again"]
    heads = tmp_path / "heads-chile.jsonl"  # what Chile keeps, outside the database
    r = runner.invoke(app, ["log", "head", "--append", str(heads)])
    assert r.exit_code == 0 and '"tree_size":14' in r.output  # JSON, the same in any language
    assert heads.read_text() == r.output
    r = runner.invoke(app, ["log", "verify", "--against", str(heads)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith(said["verified"]) and r.output.endswith(said["checked"])
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 0 and r.output.startswith(said["verified"])
    r = runner.invoke(app, ["alerts", "deliver", "--once"])
    assert r.exit_code == 0 and r.output.endswith(said["delivered"])
    db = Database(env)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE log_leaf SET resource = 'site:elsewhere' WHERE idx = 5"))
        conn.execute(text("DELETE FROM log_leaf WHERE idx = 13"))
    db.dispose()
    r = runner.invoke(app, ["log", "verify", "--against", str(heads)])
    assert r.exit_code == 1
    problems = r.exception.in_language("en")  # type: ignore[union-attr]
    assert "entry 5: its stored hash is not the hash of its fields (altered)" in problems
    assert any(
        p.startswith(f"{heads}:1: it covers 14 entries but the log has 13") for p in problems
    )


def test_a_log_rewritten_through_the_pending_queue_is_refused_by_the_sequencer(
    env: str,
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database's writer requeues the whole log, one entry changed, without the key.

    The entries carry no MAC of the service's secret: the sequencer signs none of them, but
    a `log.rejected` entry for each, and verify says so even without heads of one's own.
    """
    monkeypatch.setenv("HITO_LANG", "en")
    for args in (["db", "upgrade"], ["users", "create", "boss", "--role", "admin"]):
        assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, ["sites", "load", "tacna-arica-2025"]).exit_code == 0
    heads = tmp_path / "heads-peru.jsonl"
    assert runner.invoke(app, ["log", "head", "--append", str(heads)]).exit_code == 0
    db = Database(env)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO log_pending (at, actor, action, resource, before_digest, "
                "after_digest, note) SELECT at, actor, action, resource, before_digest, "
                "after_digest, CASE WHEN idx = 3 THEN 'rewritten' ELSE note END FROM log_leaf "
                "ORDER BY idx"
            )
        )
        conn.execute(text("DELETE FROM log_leaf"))
        conn.execute(text("DELETE FROM log_head"))
    db.dispose()
    assert runner.invoke(app, ["log", "head"]).exit_code == 0
    alone = runner.invoke(app, ["log", "verify"])
    assert alone.exit_code == 1
    problems = alone.exception.in_language("en")  # type: ignore[union-attr]
    refused = [p for p in problems if "the service refused to sign a pending entry" in p]
    assert len(refused) == 14
    assert refused[3] == (
        "entry 3: the service refused to sign a pending entry written into the database behind "
        "its back (no valid MAC: site.create site:concordia-strip by system); it is kept in "
        "log_rejected"
    )
    saved = runner.invoke(app, ["log", "verify", "--against", str(heads)])
    assert saved.exit_code == 1
    assert any(
        "no longer hash to its root" in p
        for p in saved.exception.in_language("en")  # type: ignore[union-attr]
    )


def test_verify_with_a_bad_heads_file_names_the_line(env: str, tmp_path) -> None:  # noqa: ANN001
    runner.invoke(app, ["db", "upgrade"])
    bad = tmp_path / "heads.jsonl"
    bad.write_text('{"tree_size": 1}\n')
    r = runner.invoke(app, ["log", "verify", "--against", str(bad)])
    assert r.exception.exit_code == 2  # type: ignore[union-attr]  # `hito` exits with it
    said = r.exception.in_language("en")  # type: ignore[union-attr]
    assert f"{bad}:1: field 'root_hash': expected str, got None" in said
    r = runner.invoke(app, ["log", "verify", "--against", str(tmp_path / "missing.jsonl")])
    assert r.exception.exit_code == 2  # type: ignore[union-attr]
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        f"--against: {tmp_path / 'missing.jsonl'}: no such file"
    ]


def test_verify_against_a_heads_file_that_is_not_utf8_names_its_line(env: str, tmp_path) -> None:  # noqa: ANN001
    """Was a UnicodeDecodeError traceback (exit 1)."""
    runner.invoke(app, ["db", "upgrade"])
    bad = tmp_path / "heads.jsonl"
    bad.write_bytes(b'{"tree_size": 1}\n\x8d\xff\n')
    r = runner.invoke(app, ["log", "verify", "--against", str(bad)])
    assert r.exception.exit_code == 2  # type: ignore[union-attr]
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        f"{bad}:2: byte 17 is not UTF-8 text; expected a text file in UTF-8 "
        "(an editor saves one as UTF-8)"
    ]


def test_a_truncated_log_is_not_passed_against_a_heads_file_holding_no_head(
    env: str,
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Peru's heads file holds no head yet (its first save went elsewhere, or failed).

    The operator then cuts the log back to its first head, with the heads and the row after
    it. Checked "against" that file, the log was checked against the database's own heads
    only and said "log ok", without the warning given when no file is named.
    """
    monkeypatch.setenv("HITO_LANG", "en")
    for args in (["db", "upgrade"], ["users", "create", "boss", "--role", "admin"]):
        assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, ["log", "head"]).exit_code == 0
    first = Database(env)
    with first.session(readonly=True) as s:
        size = s.execute(text("SELECT max(tree_size) FROM log_head")).scalar_one()
    first.dispose()
    heads = tmp_path / "heads-peru.jsonl"
    heads.write_text("# the heads Peru saves, one per line\n")
    assert runner.invoke(app, ["users", "create", "spy", "--role", "viewer"]).exit_code == 0
    assert runner.invoke(app, ["log", "head"]).exit_code == 0
    db = Database(env)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM log_leaf WHERE idx >= :n"), {"n": size})
        conn.execute(text("DELETE FROM log_head WHERE tree_size > :n"), {"n": size})
        conn.execute(text("DELETE FROM user_account WHERE username = 'spy'"))
    db.dispose()
    r = runner.invoke(app, ["log", "verify", "--against", str(heads)])
    assert "log ok" not in r.output
    assert r.exception.exit_code == 2  # type: ignore[union-attr]  # `hito` exits with it
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        f"--against: {heads}: no signed head in it; expected the heads your country saved, "
        "one JSON line each as `hito log head --append` writes them (against none, the log "
        "would be checked only against the heads its database holds)"
    ]
    assert r.exception.in_language("es") == [  # type: ignore[union-attr]
        f"--against: {heads}: no contiene ninguna cabecera firmada; se esperaban las cabeceras "
        "que guardó su país, una línea JSON por cabecera, como las escribe `hito log head "
        "--append` (sin ninguna, el registro se revisaría solo con las cabeceras que guarda su "
        "base de datos)"
    ]


@pytest.mark.usefixtures("english_reader")
def test_bad_user_input_is_one_error_line(env: str) -> None:
    r = runner.invoke(app, ["users", "create", "ed", "--role", "editor", "--agency", "nowhere"])
    assert r.exit_code == 1
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        "--agency: no agency 'nowhere': there are none yet; expected an agency created first "
        "(POST /api/v1/agencies, as an operator)"
    ]  # it read "expected one of: none defined"
    assert r.exception.in_language("es") == [  # type: ignore[union-attr]
        "--agency: no existe el organismo 'nowhere': todavía no hay ninguno; se esperaba un "
        "organismo creado antes (POST /api/v1/agencies, como operador)"
    ]  # it read "se esperaba uno de: no hay ninguno definido"
    r = runner.invoke(app, ["users", "create", "x", "--role", "king"])
    said = r.exception.in_language("en")  # type: ignore[union-attr]
    assert "--role: got 'king', expected one of: admin, editor, viewer" in said  # not body.role
    for name in ("", "x", "a b", "_lead"):  # an empty or malformed login name is refused
        r = runner.invoke(app, ["users", "create", name, "--role", "viewer"])
        assert r.exit_code == 1 and f"Username: got {name!r}, expected 3 to 64" in str(r.exception)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("es", "servicio hito en http://127.0.0.1:{port} (base de datos {url})\n"),
        ("en", "hito service on http://127.0.0.1:{port} (database {url})\n"),
    ],
)
def test_serve_says_where_it_listens_in_the_readers_language(
    env: str, lang: str, said: str
) -> None:
    with socket.socket() as s:  # a free port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "hito.cli.main", "serve", "--port", str(port)],
        env={**os.environ, "HITO_LANG": lang},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        assert server.stderr.readline() == said.format(port=port, url=env)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "es",
            "registro correcto: 0 entradas (raíz {root}), 0 en espera; se revisaron 1 "
            "cabecera firmada y 0 filas\n",
        ),
        ("en", "log ok: 0 entries (root {root}), 0 waiting; 1 signed head and 0 rows checked\n"),
    ],
)
def test_one_signed_head_is_said_in_the_singular(
    env: str, lang: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HITO_LANG", lang)
    runner.invoke(app, ["db", "upgrade"])
    head = runner.invoke(app, ["log", "head"])
    assert head.exit_code == 0, head.output
    r = runner.invoke(app, ["log", "verify"])
    assert r.exit_code == 0, r.output
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # SHA-256 of b""
    assert r.stdout == said.format(root=empty)
    warned = {
        "es": "no se dieron cabeceras propias (--against)",
        "en": "no heads of your own given",
    }
    assert r.stderr.startswith(warned[lang])  # its own heads only: a rewritten log passes too


def test_the_other_country_verifies_with_the_public_key_it_saved(
    env: str,
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Peru has the heads it saved and the public key (PEM or the JSON of GET /log/key), no more."""
    import json

    runner.invoke(app, ["db", "upgrade"])
    runner.invoke(app, ["users", "create", "boss", "--role", "admin"])
    heads = tmp_path / "heads-peru.jsonl"
    assert runner.invoke(app, ["log", "head", "--append", str(heads)]).exit_code == 0
    pem = runner.invoke(app, ["log", "key"]).stdout
    as_served = tmp_path / "log-key.json"  # `curl $API/log/key > log-key.json`
    as_served.write_text(json.dumps({"key_id": "k", "public_key_pem": pem}))
    monkeypatch.setenv("HITO_LOG_KEY_FILE", str(tmp_path / "peru" / "none.pem"))  # not its own
    r = runner.invoke(app, ["log", "verify", "--against", str(heads)])
    assert r.exception.exit_code == 2  # type: ignore[union-attr]
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        f"{tmp_path / 'peru' / 'none.pem'}: no log key here; give the log's public key with "
        "--public-key FILE (the PEM that `hito log key` prints on the server, or the JSON of "
        "GET /api/v1/log/key)"
    ]
    assert not (tmp_path / "peru").exists()  # no key pair of its own was made
    r = runner.invoke(
        app, ["log", "verify", "--against", str(heads), "--public-key", str(as_served)]
    )
    assert r.exit_code == 0, r.output
    not_a_key = tmp_path / "other.json"
    not_a_key.write_text('{"tree_size": 3}')
    r = runner.invoke(app, ["log", "verify", "--public-key", str(not_a_key)])
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        f"{not_a_key}: not a PEM Ed25519 key, nor the JSON of GET /api/v1/log/key with its "
        "public_key_pem"
    ]


@pytest.mark.parametrize("command", [["log", "verify"], ["audit", "verify"]])
def test_verifying_a_database_that_holds_no_log_is_one_error_line(
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    """A mistyped HITO_DATABASE_URL (no file; an empty SQLite file), or one from before the log."""
    monkeypatch.setenv("HITO_LOG_KEY_FILE", str(tmp_path / "key.pem"))
    typo = tmp_path / "typo.sqlite3"
    monkeypatch.setenv("HITO_DATABASE_URL", f"sqlite:///{typo}")
    assert runner.invoke(app, ["log", "key"]).exit_code == 0  # no database to ask: made
    r = runner.invoke(app, command)
    assert r.exception.exit_code == 2  # type: ignore[union-attr]
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        f"sqlite:///{typo}: no such file; expected an existing hito database (check "
        "HITO_DATABASE_URL or --settings)"
    ]
    assert not typo.exists()  # no empty file left behind the typo
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    monkeypatch.setenv("HITO_DATABASE_URL", f"sqlite:///{empty}")
    r = runner.invoke(app, command)
    assert r.exception.exit_code == 2  # type: ignore[union-attr]
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        f"sqlite:///{empty}: no hito database here (no schema): check HITO_DATABASE_URL"
    ]
    old = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate.upgrade(old, "0002")
    old.dispose()
    monkeypatch.setenv("HITO_DATABASE_URL", f"sqlite:///{tmp_path / 'old.sqlite3'}")
    r = runner.invoke(app, command)
    assert r.exception.in_language("es") == [  # type: ignore[union-attr]
        f"sqlite:///{tmp_path / 'old.sqlite3'}: esquema en la revisión 0002, anterior al registro "
        "de transparencia (0003): ejecute primero `hito db upgrade`"
    ]


@pytest.mark.usefixtures("english_reader")
@pytest.mark.parametrize("command", [["db", "current"], ["report", "--out", "OUT"]])
def test_a_reading_command_leaves_no_empty_database_behind_a_mistyped_path(
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    typo = tmp_path / "hito.sqlit3"
    monkeypatch.setenv("HITO_DATABASE_URL", f"sqlite:///{typo}")
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    r = runner.invoke(app, args)
    assert r.exception.exit_code == 2  # type: ignore[union-attr]
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        f"sqlite:///{typo}: no such file; expected an existing hito database (check "
        "HITO_DATABASE_URL or --settings)"
    ]
    assert not typo.exists()


def test_a_worker_given_another_key_than_the_logs_is_refused_before_writing(
    env: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """A key file left elsewhere (or none) would sign what the server's sequencer refuses."""
    assert runner.invoke(app, ["users", "create", "boss", "--role", "admin"]).exit_code == 0
    assert runner.invoke(app, ["log", "head"]).exit_code == 0  # signed with the key beside it
    signer = runner.invoke(app, ["log", "key"]).stderr.split()[-1]
    other = tmp_path / "elsewhere" / "other-key.pem"
    english = {"HITO_LANG": "en", "HITO_LOG_KEY_FILE": str(other)}
    missing = runner.invoke(app, ["users", "create", "ana", "--role", "viewer"], env=english)
    assert missing.exception.exit_code == 2 and not other.exists()  # type: ignore[union-attr]
    assert missing.exception.in_language("en") == [  # type: ignore[union-attr]
        f"{other}: no log signing key, and this database's log is signed with key {signer}: "
        "give HITO_LOG_KEY_FILE the key file the server signs with"
    ]
    load_key(other, create=True)  # another key pair, made on purpose
    made = runner.invoke(app, ["alerts", "deliver", "--once"], env=english)
    assert made.exception.exit_code == 2  # type: ignore[union-attr]
    [said] = made.exception.in_language("en")  # type: ignore[union-attr]
    assert said.startswith(f"{other} holds log key ") and said.endswith(
        f"but this database's log is signed with key {signer}: give HITO_LOG_KEY_FILE the key "
        "file the server signs with (`hito log key` prints its id)"
    )
    es = runner.invoke(app, ["alerts", "deliver", "--once"], env={**english, "HITO_LANG": "es"})
    assert (
        "pero el registro de esta base de datos está firmado con la clave"
        in (
            es.exception.in_language("es")[0]  # type: ignore[union-attr]
        )
    )
    reading = runner.invoke(app, ["db", "current"], env=english)  # reads: the key is left unused
    assert reading.exit_code == 0, reading.output
    users = runner.invoke(app, ["users", "create", "ana", "--role", "viewer"])  # the right key
    assert users.exit_code == 0


def test_a_worker_given_another_key_before_the_log_has_a_head_is_refused(
    env: str,
    tmp_path,  # noqa: ANN001
) -> None:
    """No head signed yet (no server ran): the key the database was made with is recorded,
    and a command given another key file is refused, naming it, before it writes a thing."""
    from hito.store.settings import Settings, log_key_path

    assert runner.invoke(app, ["users", "create", "boss", "--role", "admin"]).exit_code == 0
    signer = load_key(log_key_path(Settings(database_url=env)), create=False).key_id
    other = tmp_path / "elsewhere" / "other-key.pem"
    english = {"HITO_LANG": "en", "HITO_LOG_KEY_FILE": str(other)}
    load_key(other, create=True)  # another key pair, made on purpose
    for command in (
        ["users", "create", "ana", "--role", "viewer"],
        ["alerts", "deliver", "--once"],
    ):
        r = runner.invoke(app, command, env=english)
        assert r.exception.exit_code == 2  # type: ignore[union-attr]
        [said] = r.exception.in_language("en")  # type: ignore[union-attr]
        assert said.startswith(f"{other} holds log key ") and said.endswith(
            f"but this database's log is signed with key {signer}: give HITO_LOG_KEY_FILE the "
            "key file the server signs with (`hito log key` prints its id)"
        )
    db = Database(env)
    with db.engine.connect() as c:  # nothing written with the other key
        assert c.execute(text("select count(*) from log_head")).scalar() == 0
        assert c.execute(text("select username from user_account")).scalars().all() == ["boss"]
    db.dispose()
    assert runner.invoke(app, ["users", "create", "ana", "--role", "viewer"]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "env_value", "said"),
    [
        (["--comparison", "GONE"], None, "--comparison: GONE: no existe ese archivo"),
        ([], "GONE", "HITO_COMPARISON: GONE: no existe ese archivo"),
    ],
)
def test_a_missing_comparison_is_named_where_it_was_given(
    tmp_path,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env_value: str | None,
    said: str,
) -> None:
    """From HITO_COMPARISON, the report named --comparison, which the reader had not typed."""
    gone = str(tmp_path / "comparison.json")
    monkeypatch.setenv("HITO_DATABASE_URL", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    if env_value is not None:
        monkeypatch.setenv("HITO_COMPARISON", gone)
    else:
        monkeypatch.delenv("HITO_COMPARISON", raising=False)
    given = [gone if a == "GONE" else a for a in args]
    r = runner.invoke(app, ["report", "--out", str(tmp_path / "out"), *given])
    assert r.exception.exit_code == 2  # type: ignore[union-attr]
    assert r.exception.in_language("es") == [said.replace("GONE", gone)]  # type: ignore[union-attr]
    assert not (tmp_path / "out").exists()
