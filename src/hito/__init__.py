"""hito: forecasts of stranded people at land borders, joint plans and a shared picture.

For analysts (see docs/python.md)::

    import hito
    s = hito.load_scenario("tacna-arica-2025")
    ens = hito.run(s, runs=20, seed=1)
    ens.summary()["stranded_peak"]          # {'p10': ..., 'p50': ..., 'p90': ...}
    ens.to_xarray()                         # named axes: quantile, day, place, group, state

The names below load on first use, so `import hito` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from hito import kernel_cache

kernel_cache.configure()  # before numba loads: compiled kernels cached by their sources' digest

_LAZY = {
    "load_scenario": "hito.analysis",
    "run": "hito.analysis",
    "scenarios": "hito.analysis",
    "read_flee_case": "hito.analysis",
    "run_flee": "hito.analysis",
    "Scenario": "hito.scenario.model",
    "Ensemble": "hito.ensemble.result",
    "HitoError": "hito.errors",
    "ScenarioError": "hito.errors",
    "InputError": "hito.errors",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module 'hito' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
