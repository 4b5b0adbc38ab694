"""Tiny hand-built networks shared by the tests (hito.testing builds them)."""

from __future__ import annotations

from typing import Any

import pytest

from hito.scenario.model import Scenario
from hito.testing import tiny_dict  # the tiny corridor; tests import it from here too


@pytest.fixture
def tiny() -> dict[str, Any]:
    return tiny_dict()


def build(d: dict[str, Any]) -> Scenario:
    return Scenario.model_validate(d)
