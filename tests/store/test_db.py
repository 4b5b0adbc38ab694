"""A database URL hito cannot use, or a database it cannot reach: one line, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import hito_here
from hito.errors import InputError
from hito.store.db import Database, Lock, check_url


def test_a_url_of_another_database_is_refused_before_any_driver_is_loaded() -> None:
    with pytest.raises(InputError) as err:
        check_url("mysql://root@127.0.0.1/test")
    assert err.value.in_language("es") == [
        "URL de la base de datos mysql://root@127.0.0.1/test: hito guarda sus datos en SQLite o "
        "PostgreSQL, no en mysql; se esperaba sqlite:///RUTA o "
        "postgresql://USUARIO@SERVIDOR:PUERTO/BASE_DE_DATOS"
    ]
    assert err.value.in_language("en") == [
        "database URL mysql://root@127.0.0.1/test: hito keeps its data in SQLite or PostgreSQL, "
        "not mysql; expected sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE"
    ]


def test_a_text_that_is_no_url_is_refused_without_showing_its_password() -> None:
    with pytest.raises(InputError) as err:
        Database("postgresql//hito:s3cret@db/hito")  # the colon after the scheme forgotten
    (said,) = err.value.in_language("en")
    assert said.startswith("database URL 'postgresql//hito:***@db/hito': not a URL; expected")
    assert "s3cret" not in said


def test_postgres_and_postgresql_urls_use_psycopg() -> None:
    assert check_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert check_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_database_nobody_listens_for_is_said_without_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("HITO_DATABASE_URL", "postgresql://nobody:s3cret@127.0.0.1:1/test")
    code, _out, err = hito_here(monkeypatch, capsys, "db", "upgrade")
    assert code == 2
    assert err.startswith(
        "error: base de datos postgresql+psycopg://nobody:***@127.0.0.1:1/test: no se puede "
        "conectar (connection failed: "
    )
    assert "s3cret" not in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_postgresql_database_that_does_not_exist(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    url = "postgresql://postgres@127.0.0.1:5432/hito_no_such_database"
    monkeypatch.setenv("HITO_DATABASE_URL", url)
    code, _out, err = hito_here(monkeypatch, capsys, "report")
    assert code == 2
    assert 'database "hito_no_such_database" does not exist' in err
    assert err.endswith("se esperaba una base de datos que hito pueda alcanzar y abrir\n")


def test_a_sqlite_file_in_a_folder_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path}/no/such/folder/hito.sqlite3"
    monkeypatch.setenv("HITO_DATABASE_URL", url)
    monkeypatch.setenv("HITO_PASSWORD", "Frontera-Tacna-2025")
    code, _out, err = hito_here(monkeypatch, capsys, "users", "create", "boss", "--role", "admin")
    assert code == 2
    assert err == (
        f"error: base de datos {url}: no se puede conectar (unable to open database file); se "
        "esperaba una base de datos que hito pueda alcanzar y abrir\n"
    )
    assert not (tmp_path / "no").exists()


def test_a_new_sqlite_database_and_its_wal_files_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    """Password hashes and webhook secrets are not for the machine's other accounts (0600)."""
    from hito.store import migrate

    path = tmp_path / "hito.sqlite3"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    with db.session() as s:
        s.connection().exec_driver_sql("SELECT 1")
        modes = {
            p.name: p.stat().st_mode & 0o777
            for p in tmp_path.iterdir()
            if p.name.startswith("hito.sqlite3")
        }
    db.dispose()
    assert modes["hito.sqlite3"] == 0o600
    assert modes["hito.sqlite3-wal"] == 0o600 and modes["hito.sqlite3-shm"] == 0o600


def test_an_existing_sqlite_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    path.touch(mode=0o640)
    path.chmod(0o640)
    db = Database(f"sqlite:///{path}")
    with db.session() as s:
        s.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
    db.dispose()
    assert path.stat().st_mode & 0o777 == 0o640


_FORGED = (  # a write behind the service's back (no MAC, no log entry) to a table the check reads
    "INSERT INTO log_pending (at, actor, action, resource, note) VALUES "
    "('2025-12-01 10:00:00', 'dba', 'note', 'mark:probe', '')"
)


def _write_mark_moves_with_a_write_and_not_with_a_read(
    db: Database, write: str = _FORGED, undo: str = "DELETE FROM log_pending WHERE actor = 'dba'"
) -> None:
    before = db.write_mark()
    assert before is not None
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1").scalar()
        conn.exec_driver_sql("SELECT count(*) FROM log_pending" if write == _FORGED else "SELECT 1")
    assert db.write_mark() == before
    with db.engine.begin() as conn:
        conn.exec_driver_sql(write)
    after = db.write_mark()
    assert after is not None and after != before
    with db.engine.begin() as conn:
        conn.exec_driver_sql(undo)
    assert db.write_mark() not in (before, after)


def test_the_write_mark_moves_with_a_write_and_not_with_a_read(database: Database) -> None:
    """What lets GET /audit/verify give its last answer again: no write since, by anyone."""
    _write_mark_moves_with_a_write_and_not_with_a_read(database)


def test_on_postgresql_only_this_databases_writes_to_what_the_check_reads_move_the_mark(
    tmp_path: Path,
) -> None:
    """Not another database's on the server (the WAL position was the mark), nor a table the
    check does not read; a write in flight, a DDL change of a checked table and a trigger
    disabled (its writes would go uncounted: no mark then) do."""
    from service_db import migrated_database

    with migrated_database("postgresql", tmp_path / "db") as database:
        _only_this_databases_writes_move_the_mark(database, tmp_path)


def _only_this_databases_writes_move_the_mark(database: Database, tmp_path: Path) -> None:
    """The test above on its migrated PostgreSQL database (SQLite's mark is its file)."""
    from service_db import empty_database

    before = database.write_mark()
    with empty_database("postgresql", tmp_path) as url:
        other = Database(url)
        with other.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE busy (x integer)")
            conn.exec_driver_sql("INSERT INTO busy VALUES (1)")
        other.dispose()
    with database.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE mark_probe (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO mark_probe VALUES (1)")
        conn.exec_driver_sql("DROP TABLE mark_probe")
    assert database.write_mark() == before
    with database.engine.connect() as conn:
        edit = conn.begin()
        conn.exec_driver_sql(_FORGED)
        counted = database.write_mark()
        edit.rollback()
    assert counted != before and database.write_mark() not in (before, counted)
    settled = database.write_mark()
    with database.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE site ALTER COLUMN capacity SET DEFAULT 0")
    assert database.write_mark() != settled
    with database.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE site ALTER COLUMN capacity DROP DEFAULT")
        conn.exec_driver_sql("ALTER TABLE plan DISABLE TRIGGER hito_write_mark")
    try:
        assert database.write_mark() is None
    finally:
        with database.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE plan ENABLE ALWAYS TRIGGER hito_write_mark")
    assert database.write_mark() is not None


def test_the_write_mark_of_a_memory_database_moves_with_a_write_and_not_with_a_read() -> None:
    db = Database("sqlite://")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE mark_probe (x INTEGER)")
    try:
        _write_mark_moves_with_a_write_and_not_with_a_read(
            db, "INSERT INTO mark_probe VALUES (1)", "DROP TABLE mark_probe"
        )
    finally:
        db.dispose()


def test_a_dba_silencing_the_mark_trigger_around_a_write_in_one_transaction_moves_the_mark(
    tmp_path: Path,
) -> None:
    """The mark is None while a trigger is disabled; disabled, written and enabled again in one
    transaction, dropped and made again, or its function made a no-op and put back, it was
    the mark as before: GET /audit/verify gave its last "ok" after the write."""
    from service_db import migrated_database

    trigger = (
        "CREATE TRIGGER hito_write_mark AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON site "
        "FOR EACH STATEMENT EXECUTE FUNCTION hito_write_mark()"
    )
    function = (
        "CREATE OR REPLACE FUNCTION hito_write_mark() RETURNS trigger LANGUAGE plpgsql "
        "SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ BEGIN {} RETURN NULL; END $$"
    )
    with migrated_database("postgresql", tmp_path / "db") as database:
        with database.engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar()
        bump = f"PERFORM nextval('{schema}.hito_write_mark'::regclass);"
        silenced = {
            "disabled": (
                "ALTER TABLE site DISABLE TRIGGER hito_write_mark",
                "ALTER TABLE site ENABLE ALWAYS TRIGGER hito_write_mark",
            ),
            "dropped": (
                "DROP TRIGGER hito_write_mark ON site",
                f"{trigger}; ALTER TABLE site ENABLE ALWAYS TRIGGER hito_write_mark",
            ),
            "emptied": (function.format(""), function.format(bump)),
        }
        for how, (off, on) in silenced.items():
            before = database.write_mark()
            with database.engine.begin() as conn:
                conn.exec_driver_sql(off)
                conn.exec_driver_sql("UPDATE site SET capacity = coalesce(capacity, 0) + 1")
                conn.exec_driver_sql(on)
            assert database.write_mark() not in (before, None), how


def test_a_tampering_write_to_a_table_the_check_reads_but_no_trigger_counts_is_seen(
    tmp_path: Path,
) -> None:
    """GET /audit/verify gives its last answer again while the mark is unchanged: a table the
    log check reads without a trigger of the count (one added to the row check later) could
    be edited by SQL and the last "ok" given again. Every table the check reads is marked."""
    import re

    from sqlalchemy import event

    from hito.store import logcheck
    from hito.store.db import WRITE_MARKED
    from hito.store.logkey import load_key
    from service_db import migrated_database

    read: set[str] = set()

    def tables(*args: object) -> None:
        read.update(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', str(args[2]), re.IGNORECASE))

    with migrated_database("postgresql", tmp_path / "db") as database:
        event.listen(database.engine, "before_cursor_execute", tables)
        with database.session(readonly=True) as session:
            logcheck.verify(session, key=load_key(tmp_path / "key.pem", create=True))
        event.remove(database.engine, "before_cursor_execute", tables)
    read -= {"pg_class", "pg_catalog", "information_schema"}
    assert read and read <= set(WRITE_MARKED), read - set(WRITE_MARKED)


def test_only_one_holder_of_a_kind_at_a_time_and_again_once_it_lets_go(database: Database) -> None:
    with (
        database.only_one(Lock.REFRESH) as first,
        database.only_one(Lock.REFRESH) as second,
        database.only_one(Lock.LOG_CHECK) as other,
    ):
        assert (first, second, other) == (True, False, True)
    with database.only_one(Lock.REFRESH) as again:
        assert again is True
