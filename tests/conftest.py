"""Tiny hand-built networks shared by the tests."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hito.scenario.model import Scenario


def tiny_dict() -> dict[str, Any]:
    """A five-place corridor: origin -> city -> post A -> strip -> post B -> exit."""
    return {
        "schema_version": 1,
        "name": "tiny",
        "start": "2025-01-01",
        "days": 30,
        "places": [
            {"id": "home", "name": "Home", "kind": "origin", "country": "CHL", "lat": -20.0, "lon": -70.0},
            {"id": "city", "name": "City", "kind": "city", "country": "CHL", "lat": -18.5, "lon": -70.3},
            {"id": "post-a", "name": "Post A", "kind": "border_post", "country": "CHL", "lat": -18.35, "lon": -70.33},
            {"id": "strip", "name": "Strip", "kind": "between_posts", "country": "CHL", "lat": -18.3, "lon": -70.32},
            {"id": "post-b", "name": "Post B", "kind": "border_post", "country": "PER", "lat": -18.28, "lon": -70.31},
            {"id": "onward", "name": "Onward", "kind": "exit", "country": "PER", "lat": -18.0, "lon": -70.25},
            {"id": "desert", "name": "Desert", "kind": "irregular_crossing", "country": "PER", "lat": -18.2, "lon": -70.4},
        ],
        "routes": [
            {"id": "home-city", "from": "home", "to": "city", "km": 100},
            {"id": "city-a", "from": "city", "to": "post-a", "km": 20},
            {"id": "a-strip", "from": "post-a", "to": "strip", "km": 1},
            {"id": "strip-b", "from": "strip", "to": "post-b", "km": 1},
            {"id": "b-onward", "from": "post-b", "to": "onward", "km": 40},
            {"id": "strip-desert", "from": "strip", "to": "desert", "km": 10, "kind": "irregular",
             "hazard": 0.1},
            {"id": "desert-onward", "from": "desert", "to": "onward", "km": 30, "kind": "irregular"},
        ],
        "groups": [
            {"id": "ven-undoc", "nationality": "VEN", "documented": False},
            {"id": "ven-doc", "nationality": "VEN", "documented": True},
        ],
        "population": [{"place": "city", "group": "ven-undoc", "people": 100}],
        "inflows": [
            {"origin": "home", "group": "ven-undoc", "per_day": 20},
            {"origin": "home", "group": "ven-doc", "per_day": 10},
        ],
        "policies": [],
    }


@pytest.fixture
def tiny() -> dict[str, Any]:
    return copy.deepcopy(tiny_dict())


def build(d: dict[str, Any]) -> Scenario:
    return Scenario.model_validate(d)
