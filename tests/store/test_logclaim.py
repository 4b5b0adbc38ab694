"""A process given another log key file before the log's first head is refused, naming the key.

Until the sequencer signs a head, the entries waiting, the password bindings and the sealed
webhook secrets are keyed with the log key's secret, but no head names the key: a process
(a worker run elsewhere, `hito users ...` with another HITO_LOG_KEY_FILE) keyed what it
wrote with its own key unnoticed. The key a database was first written with is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text  # noqa: TID251 - the record removed by SQL: a database from before it

from hito.errors import InputError
from hito.store import audit, logclaim, logread, migrate, users
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.logkey import LogKey, load_key
from service_db import empty_database

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


@pytest.fixture(scope="module", autouse=True)
def cheap_passwords() -> None:
    users.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(params=["sqlite", "postgresql"])
def written(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Database, LogKey]]:
    """A database created and written with key `a.pem` (a user: an entry waiting), no head."""
    with empty_database(request.param, tmp_path) as url:
        key = load_key(tmp_path / "a.pem", create=True)
        db = Database(url).use_key(key)
        migrate.upgrade(db)
        with db.session() as s:
            users.create_user(
                s, actor=SYSTEM, username="ana", password="correct horse battery", role="admin"
            )
        with db.session(readonly=True) as s:
            assert audit.latest_head(s) is None and logread.pending_count(s) == 1
        try:
            yield db, key
        finally:
            db.dispose()


def test_a_worker_run_with_another_key_before_the_first_head_is_refused(
    written: tuple[Database, LogKey], tmp_path: Path
) -> None:
    db, key = written
    other = tmp_path / "elsewhere.pem"
    stranger = load_key(other, create=True)
    assert audit.log_signer(db) == key.key_id  # recorded when the database was made
    with pytest.raises(InputError) as got:
        logclaim.claim(db, stranger, other)
    assert got.value.in_language("en") == [
        f"{other} holds log key {stranger.key_id}, but this database's log is signed with key "
        f"{key.key_id}: give HITO_LOG_KEY_FILE the key file the server signs with (`hito log "
        "key` prints its id)"
    ]
    logclaim.claim(db, key, tmp_path / "a.pem")  # the right key goes on
    head = audit.sequence(db, key, wait=True)
    assert head is not None and head.key_id == key.key_id and head.tree_size == 1


def test_a_database_written_before_the_record_refuses_a_key_its_rows_do_not_open(
    written: tuple[Database, LogKey], tmp_path: Path
) -> None:
    """No record and no head (0010 run without the key): the keyed rows are tried instead."""
    db, key = written
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM log_key"))
    assert audit.log_signer(db) is None
    other = tmp_path / "elsewhere.pem"
    stranger = load_key(other, create=True)
    with pytest.raises(InputError) as got:
        logclaim.claim(db, stranger, other)
    assert got.value.in_language("en") == [
        f"{other} holds log key {stranger.key_id}, which does not open the users' password "
        "bindings in this database: they were keyed with another key, whose id the database did "
        "not record; give HITO_LOG_KEY_FILE the key file the server signs with"
    ]
    assert audit.log_signer(db) is None  # nothing recorded for the stranger
    logclaim.claim(db, key, tmp_path / "a.pem")
    assert audit.log_signer(db) == key.key_id
