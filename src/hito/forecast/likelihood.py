"""The observation model: how likely a field report is, given the people really at the place.

A report is a noisy, sometimes wrong measurement of the people at a site on a day. On the
log scale, log(report + 1) = log(people + 1) + e with e ~ Normal(0, log_sd); with probability
`outlier_share` the report bears no relation to the count (rumour, rhetoric, another site);
with probability `nobody_seen` the reporter sees nobody though people are there (dispersed by
day, crossing at night, hidden from patrols). What the report says decides the form of its
likelihood:

- a number ("about 40"): the density of that number;
- a range ("40-50"): the density at its log-midpoint, the range's width added to the spread
  as a uniform error (a reporter who gives a range does not know better);
- "more than 100": the chance that the report would exceed 100; "up to 60": below 60;
- nobody (0): the chance that the report rounds to 0, or that nobody was seen.

Each report's form is the same for every particle, so its constant factors cancel in the
weights and only the shape in `people` matters. Several reports of one site and day are
not independent (media copy each other): `calibrate.day_log_likelihood` mixes them.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import log_ndtr

from hito.forecast.observations import Observation

LOG_SPAN = math.log1p(1e5)  # outliers spread uniformly over log counts up to 100,000
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def log_likelihood(
    obs: Observation,
    people: np.ndarray,
    log_sd: np.ndarray,
    outlier_share: np.ndarray,
    nobody_seen: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Log P(report | people) for every particle (arrays of the same shape)."""
    u = np.log1p(np.maximum(people, 0).astype(float))
    sd = np.maximum(log_sd, 1e-3)
    eps = np.clip(outlier_share, 0.0, 1.0)
    zeta = np.clip(nobody_seen, 0.0, 1.0)
    a = math.log1p(obs.low)
    can_be_zero = False
    if obs.high is None:  # more than `low`
        inside = _log_sf((a - u) / sd)
    elif obs.low == obs.high == 0:  # nobody: a report rounds to 0 below half a person
        inside = log_ndtr((math.log(1.5) - u) / sd)
        can_be_zero = True
    elif obs.low <= 0 < obs.high:  # up to `high`
        inside = log_ndtr((math.log1p(obs.high) - u) / sd)
        can_be_zero = True
    else:
        b = math.log1p(obs.high)
        mid = 0.5 * (a + b)
        sd_eff = np.sqrt(sd**2 + ((b - a) ** 2) / 12.0)
        z = (mid - u) / sd_eff
        inside = -0.5 * z**2 - np.log(sd_eff) - _LOG_SQRT_2PI
    seen = np.log(np.maximum(1.0 - eps - zeta, 1e-12)) + inside
    total = np.logaddexp(seen, np.log(np.maximum(eps, 1e-300)) + log_reference(obs))
    if can_be_zero:
        total = np.logaddexp(total, np.log(np.maximum(zeta, 1e-300)))
    return total


def log_reference(obs: Observation) -> float:
    """Log P(report) for a report unrelated to the count (an outlier), the scale of each report.

    Outliers spread uniformly over log counts up to 100,000; a number or a range is scored by
    its density, a one-sided report or a report of nobody by its probability. Dividing a
    report's likelihood by this puts reports of different forms on one scale.
    """
    if obs.high is None:
        return math.log(max(LOG_SPAN - math.log1p(obs.low), 1e-9) / LOG_SPAN)
    if obs.low == obs.high == 0:
        return math.log(math.log(1.5) / LOG_SPAN)
    if obs.low <= 0 < obs.high:
        return math.log(min(math.log1p(obs.high), LOG_SPAN) / LOG_SPAN)
    return -math.log(LOG_SPAN)


def _log_sf(z: np.ndarray) -> np.ndarray:
    """log(1 - Phi(z)), accurate in both tails."""
    return log_ndtr(-z)


def noisy_reports(
    people: np.ndarray,
    log_sd: np.ndarray,
    rng: np.random.Generator,
    outlier_share: np.ndarray | float = 0.0,
    nobody_seen: np.ndarray | float = 0.0,
) -> np.ndarray:
    """What a reporter would say of `people`: the predictive of a report, outliers included.

    With probability `nobody_seen` the reporter sees nobody and says 0. Reports are of whole
    people, so the noisy value is rounded: an empty site is reported as 0.
    """
    u = np.log1p(np.maximum(people, 0).astype(float))
    said = u + log_sd * rng.standard_normal(np.shape(people))
    wild = rng.random(np.shape(people)) < outlier_share
    said = np.where(wild, rng.random(np.shape(people)) * LOG_SPAN, said)
    if np.any(np.asarray(nobody_seen) > 0):
        said = np.where(rng.random(np.shape(people)) < nobody_seen, 0.0, said)
    return np.rint(np.maximum(np.expm1(said), 0.0))
