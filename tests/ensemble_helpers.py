"""Tiny scenarios and picklable runners shared by the ensemble tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import build, tiny_dict
from hito.engine.run import simulate
from hito.scenario.model import Scenario


def uncertain_tiny(days: int = 12) -> Scenario:
    """The tiny corridor with a closure of the second post and a few uncertain numbers."""
    d: dict[str, Any] = tiny_dict()
    d["days"] = days
    d["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-02"}]
    d["inflows"][0]["per_day"] = {"value": 20, "low": 10, "high": 30, "dist": "triangular"}
    d["inflows"][1]["per_day"] = {"value": 10, "low": 5, "high": 15, "dist": "uniform"}
    d["routes"][5]["hazard"] = {"value": 0.1, "low": 0.05, "high": 0.2, "dist": "lognormal"}
    d["behaviour"] = {"tolerance_days": {"value": 4, "low": 2, "high": 8}}
    return build(d)


@dataclass(frozen=True)
class DiesOnce:
    """A runner whose process dies (no exception: the process ends) the first time it meets
    run `run`; a marker file remembers that it already died."""

    run: int
    marker: str

    def __call__(self, s, c, seed):
        if seed.spawn_key == (self.run,) and not Path(self.marker).exists():
            Path(self.marker).write_text("died")
            os._exit(13)
        return simulate(c, seed)


@dataclass(frozen=True)
class AlwaysFails:
    """A runner that raises on one run, every time."""

    run: int

    def __call__(self, s, c, seed):
        if seed.spawn_key == (self.run,):
            raise RuntimeError(f"run {self.run} cannot be simulated")
        return simulate(c, seed)


@dataclass(frozen=True)
class WithExtras:
    """A runner that also reports one number per run (as a plan runner reports its cost)."""

    def __call__(self, s, c, seed):
        r = simulate(c, seed)
        return r, {"cost": float(r.state("stranded").sum())}
