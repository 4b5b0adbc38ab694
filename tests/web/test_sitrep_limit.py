"""The situation report's PDF (WeasyPrint, heavy) per user: one at a time, a few per window."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hito.service import create_app
from hito.store import migrate
from hito.store.db import Database
from hito.store.models import LoginThrottle, User
from hito.store.settings import Settings
from hito.web import demo
from service_db import keyed_for_server
from web.conftest import PASSWORD


@pytest.fixture(scope="module")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The demo's deployment, allowing one PDF per user per hour."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pdf') / 'hito.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    demo.seed(db, password=PASSWORD)
    settings = Settings(
        database_url=url,
        auto_migrate=False,
        login_failure_delay=0.0,
        sitrep_pdf_per_minute=1,
        sitrep_pdf_window_seconds=3600,  # the window outlasts the test, whatever the machine
    )
    app = create_app(settings, database=db)
    with TestClient(app):  # started once (its lifespan); each user's client shares it
        yield app, db
    db.dispose()


def _signed_in(app: object, username: str) -> TestClient:
    """A user's own cookies on the started app (a client that does not start it again)."""
    c = TestClient(app)  # type: ignore[arg-type]
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
    assert token is not None
    r = c.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert r.status_code == 303
    return c


def _counted(db: Database) -> int:
    """PDFs counted in the limiter's table (its sign-in keys start otherwise)."""
    with db.session(readonly=True) as s:
        q = select(func.coalesce(func.sum(LoginThrottle.failures), 0))
        return int(s.scalar(q.where(LoginThrottle.key.like("pdf:%"))) or 0)


def test_a_pdf_flood_by_one_user_gets_429_in_their_language_and_spares_the_others(
    app_db: tuple[object, Database],
) -> None:
    """The same user asking again and again for the heaviest page: after the limit, a 429 page
    in their language (minutes, not seconds) with the report as a page instead; another user
    still gets theirs."""
    app, db = app_db
    pdi, other = _signed_in(app, "pdi"), _signed_in(app, "migraciones")
    first = pdi.get("/sitrep.pdf?as_of=2025-12-03&lang=es")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    again = pdi.get("/sitrep.pdf?as_of=2025-12-03&lang=es")
    assert again.status_code == 429
    assert again.headers["content-type"].startswith("text/html")
    wait = int(again.headers["retry-after"])  # until the hour that began at the first ends
    assert 0 < wait <= 3601
    minutes = -(-wait // 60)
    plural = "s" if minutes != 1 else ""
    assert "<h1>Vuelva a intentarlo en un momento</h1>" in again.text
    assert (
        "Pidió muchos PDF del informe de situación en poco tiempo: vuelva a intentarlo en "
        f"{minutes} minuto{plural}." in again.text
    )
    assert 'href="/sitrep.html?as_of=2025-12-03&amp;lang=es"' in again.text
    english = pdi.get("/sitrep.pdf?as_of=2025-12-03&lang=en")
    assert english.status_code == 429
    assert "You asked for many PDFs of the situation report in a short time: try again in " in (
        english.text
    )
    assert pdi.get("/sitrep.html?as_of=2025-12-03").status_code == 200  # the page: no limit
    theirs = other.get("/sitrep.pdf?as_of=2025-12-03&lang=en")
    assert theirs.status_code == 200 and theirs.content.startswith(b"%PDF")


def test_a_second_pdf_while_the_users_first_is_being_made_gets_429_and_counts_nothing(
    app_db: tuple[object, Database],
) -> None:
    """One PDF at a time per user: while theirs is being made (its place held in the gate, as
    the route holds it), another request of theirs is refused at once, in their language,
    and is not counted against their window."""
    app, db = app_db
    with db.session(readonly=True) as s:
        user_id = s.scalar(select(User.id).where(User.username == "admin"))
    gate = app.state.sitrep_pdfs  # type: ignore[attr-defined]
    c = _signed_in(app, "admin")
    before = _counted(db)
    with gate.making(str(user_id)):
        busy = c.get("/sitrep.pdf?as_of=2025-12-03&lang=en")
    assert busy.status_code == 429
    assert busy.headers["retry-after"] == "10"
    assert (
        "The PDF of the situation report you asked for is still being made: wait until it "
        "downloads, then ask again if you need another." in busy.text
    )
    assert _counted(db) == before
    with gate.making(str(user_id)):
        es = c.get("/sitrep.pdf?as_of=2025-12-03&lang=es")
    assert "todavía se está generando" in es.text
    assert c.get("/sitrep.pdf?as_of=2025-12-03").status_code == 200  # once it is made


def test_the_gate_frees_a_users_place_when_their_pdf_fails() -> None:
    """A PDF that raises (WeasyPrint out of memory) must not lock its user out for good."""
    from hito.web.sitrep_limit import PdfGate, Refused

    gate = PdfGate()
    with pytest.raises(MemoryError), gate.making("7"):
        raise MemoryError
    with gate.making("7"), pytest.raises(Refused) as held, gate.making("7"):
        pass
    assert held.value.wait is None
    with gate.making("7"):
        pass
