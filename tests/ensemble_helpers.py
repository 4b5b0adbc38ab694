"""Picklable runners shared by the ensemble tests (tiny scenarios: hito.testing)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hito.engine.run import simulate
from hito.testing import uncertain_tiny  # noqa: F401  (tests import it from here too)


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
class AlwaysDies:
    """A runner whose process dies (no exception: the process ends) whenever it meets run `run`."""

    run: int

    def __call__(self, s, c, seed):
        if seed.spawn_key == (self.run,):
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
