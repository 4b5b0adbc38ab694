"""Seeds of the runs of an ensemble: the same seed gives the same runs on every executor."""

from __future__ import annotations

import numpy as np


def run_seed(seed: int, run: int) -> np.random.SeedSequence:
    """The seed of run number `run` of an ensemble started with `seed` (executor-independent)."""
    return np.random.SeedSequence(entropy=seed, spawn_key=(run,))
