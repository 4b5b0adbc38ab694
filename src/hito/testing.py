"""Helpers for tests, ours and users': tiny hand-built scenarios and `assert_ensembles_equal`."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hito.ensemble.result import Ensemble
    from hito.scenario.model import Scenario

_TINY: dict[str, Any] = {
    "schema_version": 1,
    "name": "tiny",
    "start": "2025-01-01",
    "days": 30,
    "places": [
        {
            "id": "home",
            "name": "Home",
            "kind": "origin",
            "country": "CHL",
            "lat": -20.0,
            "lon": -70.0,
        },
        {
            "id": "city",
            "name": "City",
            "kind": "city",
            "country": "CHL",
            "lat": -18.5,
            "lon": -70.3,
        },
        {
            "id": "post-a",
            "name": "Post A",
            "kind": "border_post",
            "country": "CHL",
            "lat": -18.35,
            "lon": -70.33,
        },
        {
            "id": "strip",
            "name": "Strip",
            "kind": "between_posts",
            "country": "CHL",
            "lat": -18.3,
            "lon": -70.32,
        },
        {
            "id": "post-b",
            "name": "Post B",
            "kind": "border_post",
            "country": "PER",
            "lat": -18.28,
            "lon": -70.31,
        },
        {
            "id": "onward",
            "name": "Onward",
            "kind": "exit",
            "country": "PER",
            "lat": -18.0,
            "lon": -70.25,
        },
        {
            "id": "desert",
            "name": "Desert",
            "kind": "irregular_crossing",
            "country": "PER",
            "lat": -18.2,
            "lon": -70.4,
        },
    ],
    "routes": [
        {"id": "home-city", "from": "home", "to": "city", "km": 100},
        {"id": "city-a", "from": "city", "to": "post-a", "km": 20},
        {"id": "a-strip", "from": "post-a", "to": "strip", "km": 1},
        {"id": "strip-b", "from": "strip", "to": "post-b", "km": 1},
        {"id": "b-onward", "from": "post-b", "to": "onward", "km": 40},
        {
            "id": "strip-desert",
            "from": "strip",
            "to": "desert",
            "km": 10,
            "kind": "irregular",
            "hazard": 0.1,
        },
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


def tiny_dict() -> dict[str, Any]:
    """A fresh copy of the tiny corridor as a scenario document (to change before validating).

    Seven places: origin -> city -> post A -> strip -> post B -> exit, and a desert crossing
    from the strip; two groups; 100 people in the city and 30 arriving a day, for 30 days.
    """
    return copy.deepcopy(_TINY)


def tiny_scenario(**changes: Any) -> Scenario:
    """The tiny corridor as a Scenario, with top-level keys replaced (days=12, policies=[...])."""
    from hito.scenario.model import Scenario

    return Scenario.model_validate({**tiny_dict(), **changes})


def uncertain_tiny(days: int = 12) -> Scenario:
    """The tiny corridor with the second post closed from day 1 and four uncertain numbers."""
    d = tiny_dict()
    d["days"] = days
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-02"}]
    d["inflows"][0]["per_day"] = {"value": 20, "low": 10, "high": 30, "dist": "triangular"}
    d["inflows"][1]["per_day"] = {"value": 10, "low": 5, "high": 15, "dist": "uniform"}
    d["routes"][5]["hazard"] = {"value": 0.1, "low": 0.05, "high": 0.2, "dist": "lognormal"}
    d["behaviour"] = {"tolerance_days": {"value": 4, "low": 2, "high": 8}}
    from hito.scenario.model import Scenario

    return Scenario.model_validate(d)


def _place(pid: str, kind: str, country: str) -> dict[str, Any]:
    return {
        "id": pid,
        "name": pid.title(),
        "kind": kind,
        "country": country,
        "lat": -18.3,
        "lon": -70.3,
    }


def fates_scenario() -> Scenario:
    """A corridor where every fate is certain: who diverts, is harmed, crosses, turns back, when.

    Each place moves everyone on (or no one) and has one route out, so every run is the same:
    100 people leave `home` on day 0 for the `strip` (4 days), divert there on day 4 onto an
    irregular route and cross into the `desert` (Peru) on day 12; 30 leave `home-b` for the
    `camp` (3 days), divert on day 3 into the `minefield`, whose hazard harms them all; 40
    leave `home-c` for the `city` (6 days), where a readmission takes everyone back that day.
    """
    from hito.scenario.model import Scenario

    places = [
        ("home", "origin", "CHL"),
        ("home-b", "origin", "CHL"),
        ("home-c", "origin", "CHL"),
        ("strip", "between_posts", "CHL"),
        ("desert", "irregular_crossing", "PER"),
        ("onward", "exit", "PER"),
        ("camp", "between_posts", "CHL"),
        ("minefield", "irregular_crossing", "PER"),
        ("city", "city", "CHL"),
    ]
    routes = [
        ("home", "strip", 2000, "road", 0.0),
        ("strip", "desert", 200, "irregular", 0.0),
        ("desert", "onward", 25, "irregular", 0.0),
        ("home-b", "camp", 1500, "road", 0.0),
        ("camp", "minefield", 25, "irregular", 1.0),
        ("minefield", "onward", 25, "irregular", 0.0),
        ("home-c", "city", 3000, "road", 0.0),
    ]
    moving = dict.fromkeys(("origin", "border_post", "between_posts", "shelter"), 1.0)
    return Scenario.model_validate(
        {
            "schema_version": 2,
            "name": "fates",
            "start": "2025-01-01",
            "days": 40,
            "places": [_place(*p) for p in places],
            "routes": [
                {"id": f"{a}-{b}", "from": a, "to": b, "km": km, "kind": kind, "hazard": hazard}
                for a, b, km, kind, hazard in routes
            ],
            "groups": [{"id": "ven-undoc", "nationality": "VEN", "documented": False}],
            "population": [
                {"place": "home", "group": "ven-undoc", "people": 100},
                {"place": "home-b", "group": "ven-undoc", "people": 30},
                {"place": "home-c", "group": "ven-undoc", "people": 40},
            ],
            "policies": [
                {"type": "readmit", "places": ["city"], "daily_share": 1.0, "start": "2025-01-01"}
            ],
            "behaviour": {
                "move_chance": {**moving, "irregular_crossing": 1.0, "city": 0.0, "exit": 0.0}
            },
        }
    )


def assert_ensembles_equal(a: Ensemble, b: Ensemble) -> None:
    """Fail, naming the first thing that differs, unless two ensembles hold the same results.

    Compared exactly: run numbers, places, groups, start, quantiles, per-run figures, draws
    and the runs kept in full (not the timings of `stats`).
    """
    import numpy as np

    def same(what: str, x: Any, y: Any) -> None:
        if not np.array_equal(np.asarray(x), np.asarray(y)):
            raise AssertionError(f"ensembles differ in {what}: {_show(x)} != {_show(y)}")

    for what in ("place_ids", "group_ids", "start"):
        if getattr(a, what) != getattr(b, what):
            raise AssertionError(
                f"ensembles differ in {what}: {getattr(a, what)!r} != {getattr(b, what)!r}"
            )
    same("runs", a.runs, b.runs)
    same("quantiles", a.quantiles, b.quantiles)
    if a.scalars.keys() != b.scalars.keys():
        raise AssertionError(
            f"ensembles differ in per-run figures: {sorted(a.scalars)} != {sorted(b.scalars)}"
        )
    for k in a.scalars:
        same(f"per-run figure {k!r}", a.scalars[k], b.scalars[k])
    if a.draws.paths != b.draws.paths:
        raise AssertionError(
            f"ensembles differ in drawn numbers: {a.draws.paths} != {b.draws.paths}"
        )
    same("draws", a.draws.values, b.draws.values)
    if sorted(a.kept) != sorted(b.kept):
        raise AssertionError(f"ensembles differ in kept runs: {sorted(a.kept)} != {sorted(b.kept)}")
    for r in a.kept:
        same(f"kept run {r}", a.kept[r], b.kept[r])


def _show(x: Any) -> str:
    import numpy as np

    arr = np.asarray(x)
    return repr(arr.tolist()) if arr.size <= 8 else f"array of shape {arr.shape}"
