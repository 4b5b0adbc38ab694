"""Backtest: forecasts issued on every count date with what was known then, scored later.

For every date with counts, the scenario is taken as it was known that day (policies
announced later are left out, `Scenario.known_on`), the particle filter is conditioned on the
counts up to that date, and each particle is run on; what a reporter would say of it
(`likelihood.noisy_reports`) is the forecast of a later count. Every later count with both
bounds (its midpoint is the value scored) within the longest horizon is paired with the
forecast for its place and date; the pair goes to the first horizon at or beyond its lead
(lead 2 counts under horizon 3, lead 10 under 14). Two baselines are scored on the same
pairs: persistence (`scoring.persistence`) and the uncalibrated scenario (its prior ensemble,
as known on the issue date).

Each forecast draws from its own streams of the seed: the uncalibrated ensemble runs on from
the stream (UNCALIBRATED, 0), and what a reporter would say on day t of the forecast issued on
day k is drawn from SeedSequence(seed, (PREDICT, k, forecast, t)), so the figure of one issue
date, day and place does not depend on the horizons asked for or on the other forecast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from hito.forecast.calibrate import (
    FORECAST,
    PRESENT,
    forecast_ahead,
    observation_best,
    observation_numbers,
    run_filter,
)
from hito.forecast.events import forecast_events
from hito.forecast.likelihood import noisy_reports
from hito.forecast.observations import Observations
from hito.forecast.pairs import (
    HORIZONS,
    Backtest,
    Issue,
    Pair,
    counts_by_place,
    horizon_of,
    scored,
)
from hito.forecast.particles import Posterior
from hito.forecast.scoring import (
    crps,
    persistence,
    pit_range,
    quantiles,
    wis,
    wis_log,
)
from hito.scenario.model import Scenario

PREDICT, UNCALIBRATED = 0x5052, 0x5543
CALIBRATED_REPORTS, UNCALIBRATED_REPORTS = 0, 1  # the forecast a report stream belongs to


def issue_versions(
    s: Scenario, issue_dates: Sequence[dt.date]
) -> list[tuple[Scenario, list[dt.date]]]:
    """The issue dates grouped by the scenario as known on each (`Scenario.known_on`).

    One filter pass serves a group, so each date's forecast is the one `hito calibrate
    --as-of` gives that day: its policies, and unannounced clearances from the day after it.
    """
    out: list[tuple[Scenario, list[dt.date]]] = []
    for d in issue_dates:
        known = s.known_on(d)
        for version, dates in out:
            if version == known:
                dates.append(d)
                break
        else:
            out.append((known, [d]))
    return out


def backtest(
    s: Scenario,
    observations: Observations,
    *,
    horizons: Sequence[int] = HORIZONS,
    particles: int = 300,
    seed: int = 0,
    executor: Any,
    progress: Callable[[int, int], None] | None = None,
) -> Backtest:
    """Issue a forecast on every count date and score it against the counts that came later."""
    horizons = tuple(sorted(set(horizons)))
    last_day = s.days - 1
    counted = [d for d in observations.dates() if s.start <= d <= s.date_of(last_day)]
    issue_dates = [d for d in counted if d < counted[-1]] if counted else []
    result = Backtest(s.name, horizons, particles, seed)
    if not issue_dates:
        return result
    by_place = counts_by_place(observations)
    done = 0
    for known, dates in issue_versions(s, issue_dates):
        wanted = set(dates)
        prior = run_filter(
            known,
            Observations((), ()),
            dates[0],
            particles=particles,
            seed=seed,
            executor=executor,
        )
        reach = min(s.days, s.day_of(max(dates)) + 1 + max(horizons))
        prior_out, _ = forecast_ahead(prior, reach, executor, (UNCALIBRATED, 0))
        prior_sd = observation_numbers(prior.draws, observation_best(known))

        def issue(
            post: Posterior,
            known: Scenario = known,
            prior_out: np.ndarray = prior_out,
            prior_sd: tuple[np.ndarray, np.ndarray, np.ndarray] = prior_sd,
            wanted: set[dt.date] = wanted,
        ) -> None:
            nonlocal done
            d = known.date_of(post.day - 1)
            if d not in wanted:
                return
            _issue(
                result,
                known,
                post,
                d,
                observations,
                by_place,
                (prior_out, prior_sd),
                horizons,
                seed,
                executor,
            )
            done += 1
            if progress is not None:
                progress(done, len(issue_dates))

        run_filter(
            known,
            observations,
            max(dates),
            particles=particles,
            seed=seed,
            executor=executor,
            on_step=issue,
        )
    result.pairs.sort(key=lambda p: (p.issued, p.target, p.place))
    result.events.sort(key=lambda e: (e.issued, e.place))
    result.issues.sort(key=lambda i: i.issued)
    return result


def _issue(
    result: Backtest,
    s: Scenario,
    post: Posterior,
    issued: dt.date,
    observations: Observations,
    by_place: dict[str, list[tuple[dt.date, float]]],
    prior: tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]],
    horizons: tuple[int, ...],
    seed: int,
    executor: Any,
) -> None:
    """Forecast from the posterior of one issue date and pair it with the later counts."""
    t0 = post.day
    until = min(s.days, t0 + max(horizons))
    k = (issued - s.start).days
    out, _ = forecast_ahead(post, until, executor, (FORECAST, k))
    present = out[:, :, PRESENT].sum(axis=3).astype(float)  # [N, T, P]
    prior_out, prior_sd = prior
    prior_present = prior_out[:, :, PRESENT].sum(axis=3).astype(float)
    numbers = observation_numbers(post.draws, observation_best(s))
    said = reports(present, numbers, seed, (PREDICT, k, CALIBRATED_REPORTS))
    said_prior = reports(prior_present, prior_sd, seed, (PREDICT, k, UNCALIBRATED_REPORTS))
    pos = {p.id: i for i, p in enumerate(s.places)}
    step_ess = next((st.ess for st in post.steps if st.date == issued), None)
    places = sorted({o.place for o in observations.items})
    fans: dict[str, list[list[float]]] = {}
    peak: dict[str, list[float]] = {}
    clear: dict[str, float] = {}
    for place in places:
        x = said[:, t0 - 1 : until, pos[place]]
        q = np.quantile(x, [0.1, 0.5, 0.9], axis=0)
        fans[place] = [
            [float(t0 - 1 + j), *(round(float(v), 1) for v in q[:, j])] for j in range(x.shape[1])
        ]
        truth = present[:, t0:until, pos[place]]
        peak[place] = [
            round(float(v), 1) for v in np.quantile(truth.max(axis=1, initial=0), [0.1, 0.5, 0.9])
        ]
        clear[place] = round(float((truth.min(axis=1, initial=1) == 0).mean()), 3)
    result.issues.append(Issue(issued, step_ess, fans, peak, clear))
    _events(result, s, issued, until, observations, said, pos)
    for o in observations.items:
        lead = (o.date - issued).days
        h = horizon_of(lead, horizons) if lead >= 1 else None
        t = (o.date - s.start).days
        if h is None and lead > max(horizons) and scored(o) and t < s.days:
            result.beyond.append(lead)
        if h is None or not scored(o) or t >= until:
            continue
        samples = said[:, t, pos[o.place]]
        qc = quantiles(samples)
        qu = quantiles(said_prior[:, t, pos[o.place]])
        qp = persistence(by_place.get(o.place, []), issued, o.date)
        if qp is None:
            continue
        y = float(o.point or 0.0)
        result.pairs.append(
            Pair(
                issued,
                o.date,
                lead,
                h,
                o.place,
                y,
                o.low,
                float(o.high if o.high is not None else o.low),
                o.source,
                [float(v) for v in qc],
                [float(v) for v in qu],
                [float(v) for v in qp],
                crps(y, samples),
                wis(y, qc),
                wis(y, qu),
                wis(y, qp),
                *pit_range(y, samples),
                wis_log(y, qc),
                wis_log(y, qu),
                wis_log(y, qp),
            )
        )


def reports(
    present: np.ndarray,
    numbers: tuple[np.ndarray, np.ndarray, np.ndarray],
    seed: int,
    key: tuple[int, ...],
) -> np.ndarray:
    """What a reporter would say of each particle's day [N, T, P]: day t from stream (*key, t)."""
    sd, eps, zeta = (a[:, None] for a in numbers)
    out = np.empty_like(present)
    for t in range(present.shape[1]):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(*key, t)))
        out[:, t] = noisy_reports(present[:, t], sd, rng, eps, zeta)
    return out


def _events(
    result: Backtest,
    s: Scenario,
    issued: dt.date,
    until: int,
    observations: Observations,
    said: np.ndarray,
    pos: dict[str, int],
) -> None:
    """The peak and clearance of every place with later counts in the forecast's window."""
    counts: dict[str, dict[dt.date, list[float]]] = {}
    for o in observations.items:
        t = (o.date - s.start).days
        if o.date > issued and t < until and scored(o):
            counts.setdefault(o.place, {}).setdefault(o.date, []).append(float(o.point or 0.0))
    for place, by_date in sorted(counts.items()):
        dates = sorted(by_date)
        days = [(d - s.start).days for d in dates]
        result.events.append(
            forecast_events(
                issued,
                place,
                dates,
                [max(by_date[d]) for d in dates],
                [min(by_date[d]) for d in dates],
                said[:, days, pos[place]],
            )
        )
