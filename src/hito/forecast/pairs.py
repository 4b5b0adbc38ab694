"""Forecast–count pairs and their scores per horizon, shared by the backtest and the scorecard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from hito.forecast.events import EventForecast, event_scores
from hito.forecast.observations import Observation, Observations
from hito.forecast.scoring import LEVELS, central_share, covered, pit_histogram

HORIZONS = (1, 3, 7, 14, 28)


@dataclass
class Pair:
    """One forecast of one later count, with the two baselines' forecasts of it."""

    issued: dt.date
    target: dt.date
    lead: int
    horizon: int
    place: str
    observed: float
    low: float
    high: float
    source: str
    calibrated: list[float]  # quantiles at LEVELS
    uncalibrated: list[float]
    persistence: list[float]
    crps: float
    wis: float
    wis_uncalibrated: float
    wis_persistence: float
    pit_low: float = 0.0  # the calibrated forecast's F(y-) and F(y) at the count
    pit_high: float = 0.0
    wis_log: float = 0.0  # the three forecasts' WIS of log(count + 1) (`scoring.wis_log`)
    wis_log_uncalibrated: float = 0.0
    wis_log_persistence: float = 0.0


@dataclass
class Issue:
    """One issued forecast: its date and its fan per place (P10/P50/P90 per day ahead)."""

    issued: dt.date
    ess: float | None
    fans: dict[str, list[list[float]]]  # place -> [[date, p10, p50, p90], ...] from the issue
    peak: dict[str, list[float]]  # place -> P10/P50/P90 of the highest count in the window
    clear: dict[str, float]  # place -> probability the place is empty (0 people) in the window


@dataclass
class Backtest:
    """Every pair and issue, and the scores per horizon."""

    scenario: str
    horizons: tuple[int, ...]
    particles: int
    seed: int
    pairs: list[Pair] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    events: list[EventForecast] = field(default_factory=list)
    beyond: list[int] = field(default_factory=list)  # leads of counts past the longest horizon

    def event_scores(self) -> dict[str, Any]:
        """Peak size and day, clearance chance and day, over every issued forecast and place."""
        return event_scores(self.events)

    def scores(self) -> dict[str, dict[str, Any]]:
        """Per horizon (days): coverage, WIS and its baselines, CRPS, median error, n."""
        out: dict[str, dict[str, Any]] = {}
        for h in self.horizons:
            ps = [p for p in self.pairs if p.horizon == h]
            if not ps:
                out[str(h)] = {"n": 0}
                continue
            med = np.array([p.calibrated[3] - p.observed for p in ps])
            w = float(np.mean([p.wis for p in ps]))
            wp = float(np.mean([p.wis_persistence for p in ps]))
            wu = float(np.mean([p.wis_uncalibrated for p in ps]))
            lw, lwp, lwu = (
                float(np.mean([getattr(p, k) for p in ps]))
                for k in ("wis_log", "wis_log_persistence", "wis_log_uncalibrated")
            )
            out[str(h)] = {
                "n": len(ps),
                # distinct (issue date, place, count date): reports of one day share a target
                "targets": len({(p.issued, p.place, p.target) for p in ps}),
                "coverage_p10_p90": float(
                    np.mean([covered(p.observed, p.calibrated, 1, 5) for p in ps])
                ),
                "coverage_p5_p95": float(
                    np.mean([covered(p.observed, p.calibrated, 0, 6) for p in ps])
                ),
                "coverage_p10_p90_pit": float(
                    np.mean([central_share((p.pit_low, p.pit_high)) for p in ps])
                ),
                "pit_histogram": pit_histogram([(p.pit_low, p.pit_high) for p in ps]),
                "wis": w,
                "wis_persistence": wp,
                "wis_uncalibrated": wu,
                "skill_vs_persistence": 1.0 - w / wp if wp > 0 else None,
                "skill_vs_uncalibrated": 1.0 - w / wu if wu > 0 else None,
                "wis_log": lw,
                "wis_log_persistence": lwp,
                "wis_log_uncalibrated": lwu,
                "skill_vs_persistence_log": 1.0 - lw / lwp if lwp > 0 else None,
                "skill_vs_uncalibrated_log": 1.0 - lw / lwu if lwu > 0 else None,
                "crps": float(np.mean([p.crps for p in ps])),
                "median_abs_error": float(np.mean(np.abs(med))),
                "median_bias": float(np.mean(med)),
                "coverage_p10_p90_persistence": float(
                    np.mean([covered(p.observed, p.persistence, 1, 5) for p in ps])
                ),
                "coverage_p10_p90_uncalibrated": float(
                    np.mean([covered(p.observed, p.uncalibrated, 1, 5) for p in ps])
                ),
            }
        return out

    def to_json(self) -> dict[str, Any]:
        """backtest.json."""
        return {
            "scenario": self.scenario,
            "particles": self.particles,
            "seed": self.seed,
            "levels": list(LEVELS),
            "horizons": self.scores(),
            "events": self.event_scores(),
            "event_forecasts": [{**asdict(e), "issued": e.issued.isoformat()} for e in self.events],
            "issues": [{**asdict(i), "issued": i.issued.isoformat()} for i in self.issues],
            "beyond_longest_horizon": {
                "n": len(self.beyond),
                "longest_lead": max(self.beyond, default=None),
            },
        }

    def rows(self) -> list[dict[str, Any]]:
        """Every forecast-observation pair as a flat row (the CSV)."""
        out = []
        for p in self.pairs:
            row = {
                k: v
                for k, v in asdict(p).items()
                if k not in ("calibrated", "uncalibrated", "persistence")
            }
            row["issued"], row["target"] = p.issued.isoformat(), p.target.isoformat()
            for name in ("calibrated", "uncalibrated", "persistence"):
                for lv, v in zip(LEVELS, getattr(p, name), strict=True):
                    row[f"{name}_p{round(lv * 100):02d}"] = round(float(v), 2)
            out.append(row)
        return out


def scored(o: Observation) -> bool:
    """Whether a count is scored: a number or a range with both ends ("up to 60" is not)."""
    return o.high is not None and (o.low > 0 or o.high == o.low)


def reading(o: Observation) -> float:
    """The number a forecaster reads from a count: a range's midpoint, a one-sided one's bound.

    What persistence carries forward. "More than 100" is read as 100: leaving it out would let
    a rhetorical "4,000" of the same day stand alone as the day's count.
    """
    return float(o.point if o.point is not None else o.low)


def counts_by_place(observations: Observations) -> dict[str, list[tuple[dt.date, float]]]:
    """Every count of each place as (date, what it reads), the history persistence draws on."""
    out: dict[str, list[tuple[dt.date, float]]] = {}
    for o in observations.items:
        out.setdefault(o.place, []).append((o.date, reading(o)))
    return out


def horizon_of(lead: int, horizons: Sequence[int]) -> int | None:
    """The first horizon at or beyond a lead in days (None: beyond the longest)."""
    for h in sorted(horizons):
        if lead <= h:
            return h
    return None
