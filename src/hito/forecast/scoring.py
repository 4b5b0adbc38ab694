"""Scores of probabilistic forecasts against what happened, and the persistence baseline.

Forecasts are given by the quantiles at LEVELS (P5, P10, P25, P50, P75, P90, P95). The weighted
interval score (WIS) is that of Bracher et al. (2021), PLoS Comput Biol 17(2): e1008618, with
the median and the 50%, 80% and 90% central intervals, weights alpha/2 and 1/2 for the median;
CRPS is computed from the predictive samples. Both come from `scoringrules`. `wis_log` is
the same score of log(count + 1) (Bosse et al. 2023), where one huge count cannot decide a
mean.

A count is a whole number and a forecast of it often puts much of its mass on one value (a
report of 0 when the site may have been cleared): then [P10, P90] holds more than 80% of the
forecast and a count of 0 is "inside" whatever share the forecast gave it. The probability
integral transform (PIT) of such a forecast is a range, [F(y-), F(y)]; Czado, Gneiting and
Held (2009), Biometrics 65(4): 1254-1261, spread each count uniformly over it. `central_share`
is the part of that range between the 10th and 90th percentiles (the count's share inside
P10-P90), `pit_histogram` the mean of those spreads over tenths: flat when the forecasts are
calibrated, hump-shaped when too wide, U-shaped when too narrow.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np

LEVELS = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
ALPHAS = np.array([0.1, 0.2, 0.5])  # central intervals 90%, 80%, 50%
PERSISTENCE_LOG_SD = 0.5  # spread of the persistence forecast until counts show their own


def prepare() -> None:
    """Import `scoringrules` and `scipy.stats` now (about 5 s and 1 s).

    `scoringrules`' import compiles its numba kernels (no cache); the persistence baseline's
    spread needs `scipy.stats`. The dashboard's warm-up calls this while the server starts,
    so that the first page showing a score does not wait for either.
    """
    import scoringrules  # noqa: F401
    from scipy.stats import norm  # noqa: F401


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


def wis_log(y: float, q: Sequence[float] | np.ndarray) -> float:
    """The weighted interval score on the log scale: of log(q + 1) for log(y + 1).

    Bosse et al. (2023), PLoS Comput Biol 19(8): e1011393: on counts, WIS on the natural scale
    is decided by the largest counts (one rhetorical "4,000" outweighs every count of tens);
    on log(x + 1) it scores relative errors, so each count weighs alike. Quantiles map through
    the transform, so these are the same forecasts.
    """
    return wis(math.log1p(max(y, 0.0)), np.log1p(np.maximum(np.asarray(q, dtype=float), 0.0)))


def wis80(y: float, band: tuple[float, float, float]) -> float:
    """Weighted interval score of (P10, P50, P90) for y: the median and the 80% interval (K = 1).

    What a forecast with three stored quantiles can be scored by (the service's forecasts).
    """
    import scoringrules as sr

    lo, mid, hi = band
    return float(
        sr.weighted_interval_score(
            np.float64(y),
            np.float64(mid),
            np.array([lo]),
            np.array([hi]),
            np.array([0.2]),
            w_median=0.5,
            w_alpha=np.array([0.1]),
        )
    )


def crps(y: float, samples: np.ndarray) -> float:
    """Continuous ranked probability score of predictive samples for y."""
    import scoringrules as sr

    return float(sr.crps_ensemble(np.float64(y), np.asarray(samples, dtype=float)))


def covered(y: float, q: Sequence[float] | np.ndarray, lo: int, hi: int) -> bool:
    """Whether y lies inside [q[lo], q[hi]] (indices into LEVELS)."""
    return bool(q[lo] <= y <= q[hi])


def pit_range(y: float, samples: np.ndarray) -> tuple[float, float]:
    """The forecast's distribution function just below and at y: (F(y-), F(y))."""
    s = np.asarray(samples, dtype=float)
    return float(np.mean(s < y)), float(np.mean(s <= y))


def central_share(pit: tuple[float, float], lo: float = 0.1, hi: float = 0.9) -> float:
    """The share of a count's PIT range [F(y-), F(y)] that lies between levels lo and hi."""
    a, b = pit
    if b <= a:  # one point: in [lo, hi), or at 1 in the last part
        return float(lo <= a < hi or a == hi == 1.0)
    return max(0.0, min(b, hi) - max(a, lo)) / (b - a)


def pit_histogram(pits: Sequence[tuple[float, float]], bins: int = 10) -> list[float]:
    """The share of the counts' PIT in each of `bins` equal parts of [0, 1] (sums to 1)."""
    if not pits:
        return []
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = np.zeros(bins)
    parts = list(zip(edges[:-1], edges[1:], strict=True))
    for pit in pits:
        total += [central_share(pit, float(e0), float(e1)) for e0, e1 in parts]
    return [float(v) for v in total / len(pits)]


def persistence(
    history: Sequence[tuple[dt.date, float]], issued: dt.date, target: dt.date
) -> np.ndarray | None:
    """The last count carried forward, with the spread the counts have shown so far.

    `history` is (date, count) of one place, counts up to `issued`, every report as it reads
    (`pairs.reading`: a range's midpoint, "more than 100" as 100), so a lone wild report
    of a day is outvoted by the day's others as hito's filter outvotes it. The forecast is the
    median of the counts of the last date, spread on the log scale by the standard deviation of the
    day-to-day changes of the counts seen so far (scaled by the square root of the lead in
    days between counts), or by PERSISTENCE_LOG_SD while fewer than three changes are known.
    None when no count is known.

    Once three changes are known, the spread stops growing where it reaches that of a change
    between two counts of the place taken at random: the square root of 2 times the standard
    deviation of its (log) counts so far. A random walk's band widens without end (counts of
    60 to 465 gave a band up to 16,000 three weeks on, counts of 0 to 450 one up to a trillion
    a month on), while the counts of a camp stay within what they have shown; a baseline that
    forecasts a trillion people is no baseline to beat.
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
    lead = max(1, (target - last_date).days)
    if len(rates) >= 3:
        levels = [math.log1p(float(np.median(by_date[d]))) for d in dates]
        spread = min(
            float(np.std(rates, ddof=1)) * math.sqrt(lead),
            math.sqrt(2.0) * float(np.std(levels, ddof=1)),
        )
    else:
        spread = PERSISTENCE_LOG_SD * math.sqrt(lead)
    from scipy.stats import norm

    z = norm.ppf(LEVELS)
    return np.maximum(np.expm1(math.log1p(last) + z * max(spread, 0.05 * math.sqrt(lead))), 0.0)
