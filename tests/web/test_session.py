"""After login the visitor returns only to a local path: never to another site."""

from __future__ import annotations

import pytest

from hito.web.session import safe_next


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/sites/chacalluta?lang=en", "/sites/chacalluta?lang=en"),
        ("/", "/"),
        ("", "/"),
        (None, "/"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("sites", "/"),
        ("/\\evil.example/", "/"),
        ("/\tx", "/"),
    ],
)
def test_safe_next(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected


def test_without_a_session_pages_go_to_login_and_htmx_checks_too(server) -> None:  # type: ignore[no-untyped-def]
    import httpx

    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.get("/sites/chacalluta?lang=en")
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=%2Fsites%2Fchacalluta%3Flang%3Den"
        token = c.cookies["hito_csrf"]  # the page's CSRF token (the double-submit cookie)
        r = c.post(
            "/report/check",
            data={"site_id": "x", "csrf_token": token},
            headers={"HX-Request": "true", "HX-Current-URL": f"{server.url}/report?site=x"},
        )
        assert r.status_code == 204
        assert r.headers["HX-Redirect"] == "/login?next=%2Freport%3Fsite%3Dx"
        r = c.get("/login?next=https://evil.example/")
        assert 'name="next" value="/"' in r.text
