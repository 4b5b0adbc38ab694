"""`hito users create`: --role admin with --agency makes an admin of that agency's country."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from hito.cli.db import open_database
from hito.cli.main import app
from hito.store import agencies, users
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.errors import ForbiddenError
from hito.store.models import User

runner = CliRunner()


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HITO_LANG", "en")


def _actor(db: Database, username: str):  # noqa: ANN202
    with db.session(readonly=True) as s:
        row = s.scalar(select(User).where(User.username == username))
        assert row is not None
        return users.actor_of(row)


def test_an_admin_with_an_agency_is_that_countrys_admin_and_one_without_the_operator(
    env: str,
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["sites", "load", "tacna-arica-2025"]).exit_code == 0  # countries
    db = open_database(None)  # as the commands open it, with the log's key
    with db.session() as s:
        for code, country in (("pdi-arica", "CHL"), ("migraciones-tacna", "PER")):
            agencies.create_agency(s, actor=SYSTEM, code=code, name=code, country_code=country)
    r = runner.invoke(
        app, ["users", "create", "admin.chl", "--role", "admin", "--agency", "pdi-arica"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["users", "create", "root", "--role", "admin"])
    assert r.exit_code == 0, r.output
    chile, root = _actor(db, "admin.chl"), _actor(db, "root")
    assert (chile.operator, chile.country_code, root.operator) == (False, "CHL", True)
    with pytest.raises(ForbiddenError), db.session() as s:  # Chile's admin: not Peru's agencies
        agencies.create_agency(s, actor=chile, code="x", name="x", country_code="PER")
    with db.session() as s:
        agencies.create_agency(s, actor=root, code="y", name="y", country_code="PER")
    db.dispose()


def test_no_password_and_no_terminal_is_one_clear_error(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script with no HITO_PASSWORD got Python's GetPassWarning, then 'Aborted.'"""
    monkeypatch.delenv("HITO_PASSWORD", raising=False)
    r = runner.invoke(app, ["users", "create", "ana", "--role", "viewer"])  # stdin: not a terminal
    assert r.exception.exit_code == 2  # type: ignore[union-attr]
    assert r.exception.in_language("en") == [  # type: ignore[union-attr]
        "no password for 'ana': expected HITO_PASSWORD set, or the command run in a terminal, "
        "which asks for it"
    ]
    db = open_database(None)
    with db.session(readonly=True) as s:
        assert s.scalar(select(User).where(User.username == "ana")) is None
    db.dispose()
