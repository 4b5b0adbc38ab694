"""A deterministic tiny corridor and plan builders for the plan tests."""

from __future__ import annotations

from typing import Any

from conftest import tiny_dict

AGENCIES = [
    {"id": "mig", "country": "PER", "agency": "Migraciones"},
    {"id": "muni", "country": "CHL", "agency": "Municipalidad"},
]


def closed_tiny(days: int = 30) -> dict[str, Any]:
    """100 undocumented people walk from the city to the strip and get stuck there on day 2.

    Everyone moves every day, nobody gives up (tolerance of 10^12 days), no inflows, no
    desert route: the stranded count is exact (100 on days 2.. onwards) for any seed.
    """
    d = tiny_dict()
    d["days"] = days
    d["inflows"] = []
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-01"}]
    d["behaviour"] = {
        "move_chance": {
            k: 1.0 for k in ("origin", "city", "border_post", "between_posts", "irregular_crossing")
        }
        | {"shelter": 0.0, "exit": 0.0},
        "route_weight": {"road": 1.0, "irregular": 0.0, "flight": 0.0},
        "awareness": 0.0,
        "tolerance_days": 1e12,
        "shelter_seek": 0.0,
    }
    return d


def plan_dict(triggers: list[dict], actions: list[dict], **kw: Any) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "name": "p",
        "agencies": AGENCIES,
        "triggers": triggers,
        "actions": actions,
    } | kw


def stranded_trigger(**kw: Any) -> dict[str, Any]:
    return {
        "id": "t",
        "indicator": "stranded",
        "places": ["strip"],
        "threshold": 50,
        "window_days": 2,
        "end": {"compare": "<", "threshold": 5, "window_days": 2},
    } | kw


def corridor(**kw: Any) -> dict[str, Any]:
    return {
        "id": "c",
        "type": "corridor",
        "trigger": "t",
        "agency": "mig",
        "route": "strip-b",
        "daily_quota": 30,
        "lead_time_days": 1,
        "cost": {"currency": "USD", "amount": 100, "per": "day"},
    } | kw
