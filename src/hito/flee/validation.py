"""Errors against UNHCR camp counts: Flee's averaged relative difference (ARD).

Follows the definitions of Flee 3.1's post-processing
(``flee/postprocessing/plot_flee_output.py``, ``error_quantification`` and the
"Averaged relative difference" plot): for each day, the absolute differences between
simulated and registered camp counts are summed over camps and divided by the registered
total in camps (at least 1); the ARD is the mean of that over the days. The rescaled ARD
first scales the simulated camp counts so that their daily total equals the registered
total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Ard:
    """ARD of one run, normal and rescaled, with the per-camp mean absolute errors."""

    ard: float
    ard_rescaled: float
    daily: np.ndarray
    daily_rescaled: np.ndarray
    camp_mean_abs_error: np.ndarray
    camp_mean_rel_error: np.ndarray


def camps_total_registered(data: np.ndarray, raw_total: np.ndarray) -> np.ndarray:
    """Flee's "refugees in camps (UNHCR)" column: the integer sum of camp data, 0 before data."""
    tot = np.floor(data.sum(axis=1) + 1e-9)
    return np.where(raw_total > 0, tot, 0.0)


def ard(sim: np.ndarray, data: np.ndarray, raw_total: np.ndarray) -> Ard:
    """ARD of simulated camp counts ``sim`` (days x camps) against ``data`` (days x camps).

    ``raw_total`` is Flee's running raw UNHCR count (the cumulative daily differences of
    the total series); days where it is 0 count the registered total as 0, as Flee does.
    """
    sim = np.asarray(sim, dtype=float)
    data = np.asarray(data, dtype=float)
    untot = camps_total_registered(data, np.asarray(raw_total, dtype=float))
    simtot = sim.sum(axis=1)
    denom = np.maximum(untot, 1.0)
    daily = np.abs(sim - data).sum(axis=1) / denom
    factor = np.divide(untot, simtot, out=np.zeros_like(untot), where=simtot > 0)
    daily_rescaled = np.abs(sim * factor[:, None] - data).sum(axis=1) / denom
    abs_err = np.abs(sim - data)
    rel = np.divide(abs_err, data, out=np.zeros_like(abs_err), where=data >= 1e-5)
    return Ard(
        ard=float(daily.mean()),
        ard_rescaled=float(daily_rescaled.mean()),
        daily=daily,
        daily_rescaled=daily_rescaled,
        camp_mean_abs_error=abs_err.mean(axis=0),
        camp_mean_rel_error=rel.mean(axis=0),
    )
