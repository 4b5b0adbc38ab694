"""Tiny hand-built networks shared by the tests (hito.testing builds them)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from hito.scenario.model import Scenario
from hito.testing import tiny_dict  # the tiny corridor; tests import it from here too


@pytest.fixture
def tiny() -> dict[str, Any]:
    return tiny_dict()


def build(d: dict[str, Any]) -> Scenario:
    return Scenario.model_validate(d)


# the hosts the tests' clients name: Starlette's TestClient (testserver) and the in-process
# clients' base URLs, besides the live servers' 127.0.0.1 (HITO_ALLOWED_HOSTS, as a deployment).
# Set when this file is imported, before any test module: some build their app at collection
# (tests/api/test_schemathesis.py loads the OpenAPI document through one).
TEST_HOSTS = ["127.0.0.1", "localhost", "testserver", "hito.test", "hito.example"]
os.environ["HITO_ALLOWED_HOSTS"] = json.dumps(TEST_HOSTS)


def pytest_configure(config: pytest.Config) -> None:
    """The process's own filters, which every test's and thread's `catch_warnings` copies.

    Apps are built in many tests, each inside pytest's `catch_warnings`: a thread still
    running from one test (a page warm-up) may put back a list without create_api's filter
    while a later test builds its routes (see `hito.api.app.quiet_parameter_aliases`).
    """
    from hito.api.app import quiet_parameter_aliases

    quiet_parameter_aliases()


@pytest.fixture(autouse=True)
def _problems_from_the_catalogues(monkeypatch: pytest.MonkeyPatch) -> None:
    """A problem said in a language whose catalogue lacks its message fails the test."""
    import hito.errors

    monkeypatch.setattr(hito.errors, "STRICT", True)


@pytest.fixture(autouse=True)
def _reader_reads_spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs whose language follows the reader's (HITO_LANG, the locale) are Spanish in tests,
    whatever the locale of the machine running them; a test that wants another sets it."""
    for name in ("HITO_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(autouse=True)
def _own_user_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default database and log key (platformdirs' user data dir) in a folder of the test's:
    a database a user or an earlier command left in ~/.local/share/hito is no test's input."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))


@pytest.fixture
def english_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader of English (HITO_LANG=en), for tests of what an error says: the values, files,
    lines and fields named are the same in every language; tests/cli/test_error_language.py and
    tests/test_error_messages.py check that the Spanish is said."""
    monkeypatch.setenv("HITO_LANG", "en")
