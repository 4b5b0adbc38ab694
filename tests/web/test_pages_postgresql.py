"""The overview and the situation report on PostgreSQL: each picture read in one snapshot.

At PostgreSQL's READ COMMITTED every statement sees the commits made before it: the log's
entries, read as waiting and then as sequenced, were listed twice when the sequencer moved
one between the two reads (`hito.store.logread.entries` now refuses such a read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hito.service import create_app
from hito.store.db import Database
from hito.web import demo, sitrep
from service_db import migrated_database
from service_world import settings

from .conftest import PASSWORD, sign_in_client


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with migrated_database("postgresql", tmp_path_factory.mktemp("pg")) as d:
        demo.seed(d, password=PASSWORD)
        yield d


def test_the_overview_on_postgresql_is_read_in_one_snapshot(db: Database) -> None:
    with TestClient(create_app(settings(), database=db), base_url="http://hito.test") as c:
        sign_in_client(c, "admin")
        page = c.get("/")
    assert page.status_code == 200, page.text
    log = page.text[page.text.index('<ul class="log">') :]
    assert log[: log.index("</ul>")].count("<li>") == 8  # the newest eight entries


def test_the_situation_report_on_postgresql_is_read_in_one_snapshot(db: Database) -> None:
    html = sitrep.build_html(db, as_of=dt.date(2023, 5, 5), lang="es", comparison=None)
    assert "Informe de situación" in html
    assert '<td class="n" data-label="Varadas">465</td>' in html  # as on SQLite
