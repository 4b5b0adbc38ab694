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
