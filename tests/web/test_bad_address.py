"""A dashboard address with a mangled number (a link cut short in an e-mail or an SMS, a typo)
gets the Not found page in the visitor's language, never the API's JSON in English."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

MANGLED = [
    "/forecasts/abc",
    "/forecasts/0",
    "/forecasts/99999999999999999999",
    "/alerts/abc",
    "/alerts/-1",
    "/reports/abc/correct",
    "/reports/1x/withdraw",
]


@pytest.mark.parametrize("path", MANGLED)
def test_a_mangled_number_in_an_address_gets_the_not_found_page_in_spanish(
    signed_client: TestClient, path: str
) -> None:
    r = signed_client.get(f"{path}?lang=es")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="es"' in r.text
    assert '<section class="card" id="not-found"><h1>No encontrado</h1>' in r.text
    assert (
        "<p>No hay ninguna página en esta dirección; quizá está mal copiada o incompleta:</p>"
        f'<p><code class="user-text">{path}</code></p>'
    ) in r.text
    assert "Input should be" not in r.text


def test_a_mangled_number_in_an_address_gets_the_not_found_page_in_english(
    signed_client: TestClient,
) -> None:
    r = signed_client.get("/alerts/abc?lang=en")
    assert r.status_code == 404
    assert '<html lang="en"' in r.text
    assert (
        "<p>There is no page at this address; it may have been mistyped or cut short:</p>"
        '<p><code class="user-text">/alerts/abc</code></p>'
    ) in r.text


def test_an_unknown_address_says_what_is_wrong_with_it(signed_client: TestClient) -> None:
    r = signed_client.get("/no-such-page?lang=es")
    assert r.status_code == 404
    assert (
        "<p>No hay ninguna página en esta dirección; quizá está mal copiada o incompleta:</p>"
        in (r.text)
    )


def test_the_api_keeps_its_problem_details_for_a_mangled_number(signed_client: TestClient) -> None:
    r = signed_client.get("/api/v1/alerts/abc")  # without a token: told so before the number
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 401


@pytest.mark.parametrize("path", ["/forecasts", "/logout"])
def test_a_form_address_opened_as_a_page_says_so_in_spanish_not_the_apis_json(
    signed_client: TestClient, path: str
) -> None:
    """A reload or a pasted link of a form's address answered 405 in the API's English JSON."""
    r = signed_client.get(f"{path}?lang=es")
    assert r.status_code == 405
    assert "POST" in r.headers["allow"]
    assert r.headers["content-type"].startswith("text/html")
    assert '<section class="card" id="not-found"><h1>Solo para formularios</h1>' in r.text
    assert (
        "<p>Esta dirección solo recibe un formulario enviado desde su página; aquí no hay nada "
        f'que mostrar:</p><p><code class="user-text">{path}</code></p>'
    ) in r.text


def test_the_api_keeps_its_problem_details_for_a_method_it_does_not_take(
    signed_client: TestClient,
) -> None:
    r = signed_client.get("/api/v1/auth/token")
    assert r.status_code == 405
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_form_address_opened_signed_out_shows_no_sections_and_signs_no_one_out(
    signed_client: TestClient,
) -> None:
    """The 405 page is the 404 page's sibling: a signed-out visitor sees the path, no sections."""
    with TestClient(signed_client.app, base_url="http://hito.test") as stranger:
        r = stranger.get("/logout?lang=es", follow_redirects=False)
    assert r.status_code == 405
    assert "<h1>Solo para formularios</h1>" in r.text
    assert "<nav" not in r.text
    assert signed_client.get("/", follow_redirects=False).status_code == 200  # still signed in
