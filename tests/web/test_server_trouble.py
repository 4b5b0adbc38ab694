"""A dashboard page that fails on the server: a page in the reader's language, not English JSON."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from hito.web import pages

from .conftest import PASSWORD, admin_client


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Signed in; the server's exceptions answered as a server answers them, not raised."""
    with admin_client(tmp_path_factory.mktemp("trouble"), raise_server_exceptions=False) as c:
        yield c


def _failing(exc: Exception):  # noqa: ANN202
    def situation(*_a: object, **_k: object) -> None:
        raise exc

    return situation


def test_an_unexpected_error_on_the_overview_is_a_page_in_spanish(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages.sit, "situation", _failing(RuntimeError("a bug")))
    r = client.get("/")
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>Algo falló en el servidor</h1>" in r.text
    assert "Quedó registrado para quien opera el servicio." in r.text
    assert "a bug" not in r.text and "Traceback" not in r.text
    assert r.headers["content-language"] == "es"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"
    english = client.get("/?lang=en")
    assert "<h1>Something failed on the server</h1>" in english.text


def test_a_database_out_of_reach_is_a_page_saying_to_try_again(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = OperationalError("SELECT 1", {}, Exception("connection refused"))
    monkeypatch.setattr(pages.sit, "situation", _failing(down))
    r = client.get("/")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert "<h1>La base de datos no responde</h1>" in r.text
    assert "Vuelva a intentarlo en unos segundos." in r.text


def test_the_api_keeps_its_problem_details(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hito.store import sites

    token = client.post("/api/v1/auth/token", data={"username": "ana", "password": PASSWORD})
    monkeypatch.setattr(sites, "list_sites", _failing(RuntimeError("a bug")))
    r = client.get(
        "/api/v1/sites", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "an unexpected error occurred; it was logged"


def _post_shelter(client: TestClient, **headers: str):  # noqa: ANN202
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert token is not None
    form = {"csrf_token": token[1], "capacity_people": "180", "area_m2": "630", "status": "open"}
    form |= {"water_points": "2", "toilets": "9"}
    return client.post("/sites/arica-shelters/shelter", data=form, headers=headers)


def test_a_form_posted_while_the_database_is_out_of_reach_is_a_page_in_spanish(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hito.web import shelter_form

    down = OperationalError("INSERT", {}, Exception("connection refused"))
    monkeypatch.setattr(shelter_form.shelters, "register", _failing(down))
    r = _post_shelter(client, Accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>La base de datos no responde</h1>" in r.text
    # the failure may have come after a commit: the page does not say nothing was saved
    assert "Puede que lo que envió se haya guardado o no." in r.text
    assert "No se guardó nada" not in r.text
    assert "connection refused" not in r.text and "INSERT" not in r.text


def test_a_form_that_lost_a_race_to_another_request_is_a_page_saying_nothing_was_saved(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    from hito.web import shelter_form

    race = IntegrityError("INSERT", {}, Exception("duplicate key value"))
    monkeypatch.setattr(shelter_form.shelters, "register", _failing(race))
    r = _post_shelter(client, Accept="text/html")
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>Otra solicitud guardó lo mismo en el mismo momento</h1>" in r.text
    assert "No se guardó nada de lo que envió" in r.text
    assert "duplicate key" not in r.text
    assert r.headers["content-language"] == "es"


def test_a_script_that_asks_for_json_keeps_the_problem_details(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hito.web import shelter_form

    monkeypatch.setattr(shelter_form.shelters, "register", _failing(RuntimeError("a bug")))
    r = _post_shelter(client, Accept="application/json")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "an unexpected error occurred; it was logged"
    htmx = _post_shelter(client, **{"HX-Request": "true"})
    assert htmx.headers["content-type"] == "application/problem+json"
