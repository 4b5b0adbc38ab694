"""Runs as tables and summaries: the long daily table and the stranded-people figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from hito.engine.compile import STATES, Compiled
from hito.engine.run import RunResult

QUANTILES = {"p10": 0.10, "p50": 0.50, "p90": 0.90}


def run_seed(seed: int, run: int) -> np.random.SeedSequence:
    """The seed of run number `run` of an ensemble started with `seed` (executor-independent)."""
    return np.random.SeedSequence(entropy=seed, spawn_key=(run,))


def daily_table(c: Compiled, results: Sequence[RunResult], first_run: int = 0) -> pl.DataFrame:
    """Long table: run, day, date, place, group, state, people (one row per combination)."""
    if not results:
        return pl.DataFrame(
            schema={
                "run": pl.Int32,
                "day": pl.Int32,
                "date": pl.Date,
                "place": pl.Utf8,
                "group": pl.Utf8,
                "state": pl.Utf8,
                "people": pl.Int64,
            }
        )
    stack = np.stack([r.states for r in results])  # [run, day, state, place, group]
    n_run, T, S, P, G = stack.shape
    idx = np.indices((n_run, T, S, P, G)).reshape(5, -1)
    dates = np.datetime64(c.start) + np.arange(T).astype("timedelta64[D]")
    return pl.DataFrame(
        {
            "run": (idx[0] + first_run).astype(np.int32),
            "day": idx[1].astype(np.int32),
            "date": dates[idx[1]],
            "place": pl.Series(np.array(c.place_ids)[idx[3]]).cast(pl.Categorical),
            "group": pl.Series(np.array(c.group_ids)[idx[4]]).cast(pl.Categorical),
            "state": pl.Series(np.array(STATES)[idx[2]]).cast(pl.Categorical),
            "people": stack.reshape(-1),
        }
    )


def quantiles(values: np.ndarray, axis: int = 0) -> dict[str, Any]:
    """P10/P50/P90 of values along an axis (floats, or lists of floats for arrays)."""
    out: dict[str, Any] = {}
    for key, q in QUANTILES.items():
        v = np.quantile(values, q, axis=axis)
        out[key] = float(v) if np.ndim(v) == 0 else [float(x) for x in v]
    return out


def stranded_figures(results: Sequence[RunResult]) -> tuple[np.ndarray, np.ndarray]:
    """Per run and place: peak stranded people and stranded person-days, shapes [run, place]."""
    stranded = np.stack([r.state("stranded").sum(axis=2) for r in results])  # [run, day, place]
    return stranded.max(axis=1), stranded.sum(axis=1)


def summary(
    c: Compiled, results: Sequence[RunResult], *, scenario: str, seed: int
) -> dict[str, Any]:
    """The summary.json content: balance check and stranded figures with P10/P50/P90 over runs."""
    total = np.stack([r.state("stranded").sum(axis=(1, 2)) for r in results])  # [run, day]
    peak_place, days_place = stranded_figures(results)
    last = {
        name: quantiles(np.array([r.state(name)[-1].sum() for r in results], dtype=float))
        for name in ("crossed", "returned", "diverted", "harmed", "exited")
    }
    return {
        "scenario": scenario,
        "seed": seed,
        "runs": len(results),
        "days": c.days,
        "start": c.start.isoformat(),
        "end": c.date(c.days - 1).isoformat(),
        "conservation_error": max(r.conservation_error() for r in results),
        "stranded_peak": quantiles(total.max(axis=1).astype(float)),
        "stranded_peak_day": quantiles(total.argmax(axis=1).astype(float)),
        "stranded_person_days": quantiles(total.sum(axis=1).astype(float)),
        "final": last,
        "places": {
            pid: {
                "stranded_peak": quantiles(peak_place[:, i].astype(float)),
                "stranded_person_days": quantiles(days_place[:, i].astype(float)),
            }
            for i, pid in enumerate(c.place_ids)
        },
    }


def fan(results: Sequence[RunResult], state: str = "stranded") -> np.ndarray:
    """Quantiles [quantile(p10,p50,p90), day, place] of a state summed over groups."""
    arr = np.stack([r.state(state).sum(axis=2) for r in results]).astype(float)
    return np.quantile(arr, list(QUANTILES.values()), axis=0)
