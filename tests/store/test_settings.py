"""Settings: built by a factory from the environment, a file and overrides."""

from __future__ import annotations

import pytest

from hito.errors import InputError
from hito.store.settings import load_settings

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def test_environment_file_and_overrides(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("HITO_TOKEN_TTL_MINUTES", "30")
    f = tmp_path / "hito.env"
    f.write_text("HITO_DATABASE_URL=postgresql://u@db:5432/hito\nHITO_MAX_UPLOAD_BYTES=1000\n")
    s = load_settings(f, login_max_failures=9)
    assert (s.token_ttl_minutes, s.max_upload_bytes, s.login_max_failures) == (30, 1000, 9)
    assert s.resolved_database_url() == "postgresql+psycopg://u@db:5432/hito"


def test_default_database_is_a_sqlite_file_in_the_user_data_dir(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    monkeypatch.delenv("HITO_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert load_settings().resolved_database_url() == f"sqlite:///{tmp_path}/hito/hito.sqlite3"


def test_missing_settings_file_is_named(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(InputError, match="nope.env: no such settings file"):
        load_settings(tmp_path / "nope.env")
