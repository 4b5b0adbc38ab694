"""The observation model: how likely a field report is, given the people really at the place.

A report is a noisy, sometimes wrong measurement of the people at a site on a day. On the
log scale, log(report + 1) = log(people + 1) + e with e ~ Normal(0, log_sd); with probability
`outlier_share` the report bears no relation to the count (rumour, rhetoric, another site).
What the report says decides the form of its likelihood:

- a number ("about 40"): the density of that number;
- a range ("40-50"): the density at its log-midpoint, the range's width added to the spread
  as a uniform error (a reporter who gives a range does not know better);
- "more than 100": the chance that the report would exceed 100; "up to 60": below 60.

Each report's form is the same for every particle, so its constant factors cancel in the
weights and only the shape in `people` matters. Several reports of one site and day are
independent measurements (their likelihoods multiply), which lets a filter weigh conflicting
reports instead of choosing one.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import log_ndtr

from hito.forecast.observations import Observation

LOG_SPAN = math.log1p(1e5)  # outliers spread uniformly over log counts up to 100,000
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def log_likelihood(
    obs: Observation, people: np.ndarray, log_sd: np.ndarray, outlier_share: np.ndarray
) -> np.ndarray:
    """Log P(report | people) for every particle (arrays of the same shape)."""
    u = np.log1p(np.maximum(people, 0).astype(float))
    sd = np.maximum(log_sd, 1e-3)
    eps = np.clip(outlier_share, 0.0, 1.0)
    a = math.log1p(obs.low)
    if obs.high is None:  # more than `low`
        inside = _log_sf((a - u) / sd)
        return np.logaddexp(
            np.log1p(-eps) + inside, np.log(np.maximum(eps, 1e-300)) + math.log(0.5)
        )
    b = math.log1p(obs.high)
    if obs.low <= 0 < obs.high and obs.high != obs.low:  # up to `high`
        inside = log_ndtr((b - u) / sd)
        return np.logaddexp(
            np.log1p(-eps) + inside, np.log(np.maximum(eps, 1e-300)) + math.log(0.5)
        )
    mid = 0.5 * (a + b)
    sd_eff = np.sqrt(sd**2 + ((b - a) ** 2) / 12.0)
    z = (mid - u) / sd_eff
    dens = -0.5 * z**2 - np.log(sd_eff) - _LOG_SQRT_2PI
    return np.logaddexp(np.log1p(-eps) + dens, np.log(np.maximum(eps, 1e-300)) - math.log(LOG_SPAN))


def _log_sf(z: np.ndarray) -> np.ndarray:
    """log(1 - Phi(z)), accurate in both tails."""
    return log_ndtr(-z)


def noisy_reports(
    people: np.ndarray,
    log_sd: np.ndarray,
    rng: np.random.Generator,
    outlier_share: np.ndarray | float = 0.0,
) -> np.ndarray:
    """What a reporter would say of `people`: the predictive of a report, outliers included."""
    u = np.log1p(np.maximum(people, 0).astype(float))
    said = u + log_sd * rng.standard_normal(np.shape(people))
    wild = rng.random(np.shape(people)) < outlier_share
    said = np.where(wild, rng.random(np.shape(people)) * LOG_SPAN, said)
    return np.maximum(np.expm1(said), 0.0)
