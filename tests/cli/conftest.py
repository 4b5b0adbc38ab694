"""The service commands' tests: an SQLite database of their own and a password given."""

from __future__ import annotations

import pytest


@pytest.fixture
def env(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: ANN001
    """HITO_DATABASE_URL: a new SQLite file; HITO_PASSWORD for `hito users create`."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("HITO_DATABASE_URL", url)
    monkeypatch.setenv("HITO_PASSWORD", "a good long password")
    return url
