"""Find every uncertain number of a scenario by its path, and read values with draws applied."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from hito.scenario.model import Scenario
from hito.scenario.numbers import Range

Draws = Mapping[str, float]


def ranges(scenario: Scenario) -> dict[str, Range]:
    """Every Range in the scenario by its field path (`behaviour.tolerance_days`, ...)."""
    return dict(_walk(scenario, ""))


def uncertain(scenario: Scenario) -> dict[str, Range]:
    """Only the ranges with a width to sample from."""
    return {k: r for k, r in ranges(scenario).items() if r.uncertain}


def _walk(obj: Any, path: str) -> Iterator[tuple[str, Range]]:
    if isinstance(obj, Range):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            field = type(obj).model_fields[name]
            key = field.alias or name
            yield from _walk(getattr(obj, name), f"{path}.{key}" if path else key)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, item in obj.items():
            yield from _walk(item, f"{path}.{k}")


def value(r: Range, path: str, draws: Draws | None) -> float:
    """The drawn value of the range at path, or its best value when nothing was drawn."""
    if draws is not None and path in draws:
        return float(draws[path])
    return r.value
