"""What the log's row-check tests share: a keyed database, a Chilean editor, a DBA's SQL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text  # noqa: TID251 - the attacker writes SQL
from sqlalchemy.orm import Session

from hito.store import agencies, audit, logcheck, sites, users
from hito.store.actors import SYSTEM, Actor
from hito.store.db import Database
from hito.store.logkey import LogKey, load_key
from service_db import wipe


@dataclass
class KeyedLog:
    """A database whose log is keyed, written with plain SQL as a DBA of one country could."""

    db: Database
    key: LogKey

    def sql(self, statement: str, **params: object) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(text(statement), params)

    def problems(self) -> list[str]:
        """The log check's problems, after the entries waiting are signed."""
        assert audit.sequence(self.db, self.key) is not None
        with self.db.session(readonly=True) as s:
            return [str(p) for p in logcheck.verify(s, key=self.key).problems]


def keyed(database: Database, tmp_path: Path) -> LogKey:
    """The database emptied and keyed with a new key in `tmp_path`."""
    wipe(database)
    key = load_key(tmp_path / "key.pem", create=True)
    database.use_key(key)
    return key


def chilean_editor(s: Session) -> Actor:
    """The 2025 sites, Chile's PDI and its editor ed_pdi (the actor writing the rows)."""
    sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
    chl = agencies.create_agency(s, actor=SYSTEM, code="pdi", name="PDI", country_code="CHL")
    ed = users.create_user(
        s, actor=SYSTEM, username="ed_pdi", password="correct horse battery", role="editor",
        agency_id=chl.id,
    )  # fmt: skip
    return users.actor_of(users.get_user(s, user_id=ed.id))
