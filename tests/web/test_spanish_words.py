"""Words on the pages as a native speaker of Spanish would write them."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_subscription_form_says_levels_of_alert_not_gravedades(
    signed_client: TestClient,
) -> None:
    """'Gravedades (ninguna: todas)' is not said; the levels are of an alert, as its words
    (informativa, preventiva, crítica) agree with 'alerta'."""
    page = signed_client.get("/subscriptions?lang=es")
    assert page.status_code == 200
    assert "<legend>Niveles de alerta (si no marca ninguno: todos)</legend>" in page.text
    assert "Gravedades" not in page.text
    assert "> informativa</label>" in page.text and "> preventiva</label>" in page.text


def test_the_sign_in_page_says_panorama_not_imagen(signed_client: TestClient) -> None:
    """'La imagen compartida de la frontera' is a word-for-word 'shared picture'."""
    page = signed_client.get("/login?lang=es")
    assert page.status_code == 200
    assert (
        "El panorama común de la frontera para los organismos de ambos países y sus socios."
        in page.text
    )
    assert "imagen" not in page.text
