"""Scores of probabilistic forecasts against what happened, and the persistence baseline.

Forecasts are given by the quantiles at LEVELS (P5, P10, P25, P50, P75, P90, P95). The weighted
interval score (WIS) is that of Bracher et al. (2021), PLoS Comput Biol 17(2): e1008618, with
the median and the 50%, 80% and 90% central intervals, weights alpha/2 and 1/2 for the median;
CRPS is computed from the predictive samples. Both come from `scoringrules`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np

LEVELS = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
ALPHAS = np.array([0.1, 0.2, 0.5])  # central intervals 90%, 80%, 50%
PERSISTENCE_LOG_SD = 0.5  # spread of the persistence forecast until counts show their own


def quantiles(samples: np.ndarray) -> np.ndarray:
    """The forecast's quantiles at LEVELS from predictive samples."""
    return np.quantile(np.asarray(samples, dtype=float), LEVELS)


def wis(y: float, q: Sequence[float] | np.ndarray) -> float:
    """Weighted interval score of quantiles q (at LEVELS) for the observation y."""
    import scoringrules as sr

    qs = np.asarray(q, dtype=float)
    lower = qs[[0, 1, 2]]
    upper = qs[[6, 5, 4]]
    return float(
        sr.weighted_interval_score(
            np.float64(y), np.float64(qs[3]), lower, upper, ALPHAS, w_median=0.5, w_alpha=ALPHAS / 2
        )
    )


def crps(y: float, samples: np.ndarray) -> float:
    """Continuous ranked probability score of predictive samples for y."""
    import scoringrules as sr

    return float(sr.crps_ensemble(np.float64(y), np.asarray(samples, dtype=float)))


def covered(y: float, q: Sequence[float] | np.ndarray, lo: int, hi: int) -> bool:
    """Whether y lies inside [q[lo], q[hi]] (indices into LEVELS)."""
    return bool(q[lo] <= y <= q[hi])


def persistence(
    history: Sequence[tuple[dt.date, float]], issued: dt.date, target: dt.date
) -> np.ndarray | None:
    """The last count carried forward, with the spread the counts have shown so far.

    `history` is (date, count) of one place, counts up to `issued`. The forecast is the median
    of the counts of the last date, spread on the log scale by the standard deviation of the
    day-to-day changes of the counts seen so far (scaled by the square root of the lead in
    days between counts), or by PERSISTENCE_LOG_SD while fewer than three changes are known.
    None when no count is known.
    """
    known = sorted((d, v) for d, v in history if d <= issued)
    if not known:
        return None
    last_date = known[-1][0]
    last = float(np.median([v for d, v in known if d == last_date]))
    by_date: dict[dt.date, list[float]] = {}
    for d, v in known:
        by_date.setdefault(d, []).append(v)
    dates = sorted(by_date)
    rates = []
    for a, b in zip(dates, dates[1:], strict=False):
        change = math.log1p(float(np.median(by_date[b]))) - math.log1p(float(np.median(by_date[a])))
        rates.append(change / math.sqrt((b - a).days))
    sd = float(np.std(rates, ddof=1)) if len(rates) >= 3 else PERSISTENCE_LOG_SD
    lead = max(1, (target - last_date).days)
    from scipy.stats import norm

    z = norm.ppf(LEVELS)
    return np.maximum(np.expm1(math.log1p(last) + z * max(sd, 0.05) * math.sqrt(lead)), 0.0)
