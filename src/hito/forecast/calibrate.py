"""A particle filter over a scenario's uncertain numbers and its state, conditioned on counts.

Each particle is one draw of the scenario's uncertain numbers (the prior: the scenario's
ranges, Latin hypercube) and one simulated state (people per place, group and days on a
route). From the scenario's start the particles are simulated day by day; on every date with
counts their weights are multiplied by the likelihood of the counts (`likelihood.py`) and
the particles are resampled (systematic resampling), so the states and numbers that explain
the counts are kept and multiplied, the others dropped. Between count dates each particle
runs its own seeded generator, so copies of one ancestor take different futures.

Simulation happens in tasks of particles sent to an executor (here, local processes, Dask):
particle i after count date k always uses the generator SeedSequence(seed, (STEP, k, i)) and
resampling uses SeedSequence(seed, (RESAMPLE, k)), so the result does not depend on the
executor, the number of workers or the task size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.special import logsumexp

from hito.engine.compile import STATES, Compiled, compile_scenario
from hito.engine.run import Simulation
from hito.ensemble.sampling import Design, design
from hito.errors import InputError, Problem
from hito.forecast.likelihood import log_likelihood, log_reference
from hito.forecast.observations import Observation, Observations
from hito.forecast.particles import Cloud, FilterSpec, FilterStep, Posterior, Segment
from hito.scenario.model import Scenario
from hito.scenario.numbers import Range
from hito.scenario.uncertain import ranges, uncertain

STEP, RESAMPLE, FORECAST = 0x5354, 0x5253, 0x4643
PRESENT = STATES.index("present")
LOG_SD = "observation.log_sd"
OUTLIER = "observation.outlier_share"
NOBODY = "observation.nobody_seen"
OBSERVATION = (LOG_SD, OUTLIER, NOBODY)
TASK_SIZE = 50
SHRINK = 0.95  # Liu-West shrinkage of the numbers' kernel after resampling
FIXED_AFTER_START = ("population[", "behaviour.speed_km_per_day")


# A worker keeps the scenarios it compiled (particles keep their numbers between count dates).
_COMPILED: dict[tuple[int, bytes], Compiled] = {}
_COMPILED_MAX = 1500


def particle_compiled(spec: FilterSpec, paths: tuple[str, ...], row: np.ndarray) -> Compiled:
    """The scenario compiled with one particle's numbers (kept by the worker for reuse)."""
    key = (hash((spec.digest or id(spec.scenario), spec.days, paths)), row.tobytes())
    c = _COMPILED.get(key)
    if c is None:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))
        draws = dict(zip(paths, (float(v) for v in row), strict=True))
        c = compile_scenario(spec.scenario, draws, days=spec.days)
        _COMPILED[key] = c
    return c


def particle_seed(spec: FilterSpec, stream: tuple[int, int], i: int) -> np.random.SeedSequence:
    """Particle i's generator seed on a stream: the same for every plan and every rerun."""
    return np.random.SeedSequence(entropy=spec.seed, spawn_key=(*stream, int(i)))


def particle_tasks(n: int) -> list[np.ndarray]:
    """The particles 0..n-1 cut into the tasks the executor runs (TASK_SIZE each)."""
    return [np.arange(k, min(n, k + TASK_SIZE)) for k in range(0, n, TASK_SIZE)]


def propagate(
    spec: FilterSpec,
    rows: Design,
    particles: np.ndarray,
    cloud: Cloud | None,
    t0: int,
    t1: int,
    stream: tuple[int, int],
) -> tuple[np.ndarray, Cloud, np.ndarray, np.ndarray]:
    """On a worker: simulate particles over days [t0, t1) from their state (None: the start).

    Returns (particles, state at t1, [n, t1 - t0, S, P, G] daily states, [n, t1 - t0] arrivals).
    """
    outs, arrs, states = [], [], []
    for j, i in enumerate(particles):
        c = particle_compiled(spec, rows.paths, rows.values[j])
        sim = Simulation(c, particle_seed(spec, stream, i))
        if cloud is None:
            initial = int(c.init_free.sum() + c.init_stranded.sum())
        else:
            sim.resume(t0, cloud.state(j))
            initial = int(cloud.initial[j])
        sim.step_to(t1)
        outs.append(sim.out[t0:t1].astype(np.int32))
        arrs.append(sim.arrivals[t0:t1].copy())
        states.append(
            (sim.free, sim.stranded, sim.transit, sim.cumulative, sim._arrived[0], initial)
        )
    stacked = Cloud(*(np.stack([s[k] for s in states]) for k in range(6)))
    return particles, stacked, np.stack(outs), np.stack(arrs)


def _advance(
    spec: FilterSpec,
    draws: Design,
    cloud: Cloud | None,
    t0: int,
    t1: int,
    stream: tuple[int, int],
    executor: Any,
    progress: Callable[[int], None] | None = None,
) -> tuple[Cloud, np.ndarray, np.ndarray]:
    """Simulate every particle over [t0, t1) through the executor, in particle order.

    `progress(n)` is told of each task's n particles as it finishes.
    """
    n = len(draws.values)
    parts = particle_tasks(n)
    tasks = [
        (draws.rows(p), p, None if cloud is None else cloud.take(p), t0, t1, stream) for p in parts
    ]
    got: dict[int, tuple[Cloud, np.ndarray, np.ndarray]] = {}
    for i, (_p, c, out, arr) in executor.map_unordered(propagate, spec, tasks):
        got[i] = (c, out, arr)
        if progress is not None:
            progress(len(parts[i]))
    order = [got[i] for i in range(len(parts))]
    merged = Cloud(*(np.concatenate([o[0].arrays()[k] for o in order]) for k in range(6)))
    return merged, np.concatenate([o[1] for o in order]), np.concatenate([o[2] for o in order])


def day_log_likelihood(
    obs: Sequence[Observation],
    present: np.ndarray,
    place_ids: Sequence[str],
    draws: Design,
    best: dict[str, float],
) -> np.ndarray:
    """Log P(the day's reports | people present), per particle: places multiply, reports mix.

    `present` is [N, P]: the people at each place at the end of the report's day; `best` holds
    the observation model's best values, used where the particles did not draw them. Reports
    of different places are independent. Several reports of one place and day are not: media
    copy each other and count at different hours, so they are a mixture (one of them, not
    known which, measured the place; the others are as likely as outliers): the mean of their
    likelihoods, each relative to an outlier's (`log_reference`), so numbers, ranges and
    one-sided reports weigh alike. Agreeing reports count as one, and a wild one among them
    cannot outweigh the rest.
    """
    pos = {p: i for i, p in enumerate(place_ids)}
    sd, eps, zeta = observation_numbers(draws, best)
    by_place: dict[str, list[np.ndarray]] = {}
    for o in obs:
        ll = log_likelihood(o, present[:, pos[o.place]], sd, eps, zeta)
        by_place.setdefault(o.place, []).append(ll - log_reference(o))
    total = np.zeros(present.shape[0])
    for lls in by_place.values():
        total += logsumexp(np.stack(lls), axis=0) - np.log(len(lls))
    return total


def observation_best(s: Scenario) -> dict[str, float]:
    """The observation model's best values (used for particles that did not draw them)."""
    every = ranges(s)
    return {path: every[path].value for path in OBSERVATION}


def observation_numbers(
    draws: Design, best: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every particle's report spread, outlier share and share of reports seeing nobody."""
    sd, eps, zeta = (_column(draws, path, best[path]) for path in OBSERVATION)
    return sd, eps, zeta


def _column(draws: Design, path: str, best: float) -> np.ndarray:
    """One drawn number of every particle (its best value when it was not drawn)."""
    if path in draws.paths:
        return draws.values[:, draws.paths.index(path)]
    return np.full(len(draws.values), best)


def rejuvenate(
    draws: Design, bounds: dict[str, Range], rng: np.random.Generator, shrink: float = SHRINK
) -> Design:
    """Move resampled numbers a little (Liu and West's kernel), so copies explore nearby values.

    Each number is moved on its own scale (log for lognormal ranges): towards the cloud's mean
    by (1 - shrink), plus noise with sqrt(1 - shrink**2) of the cloud's spread, so the cloud's
    mean and spread are kept; values are reflected into [low, high]. Starting counts (used on
    the first day only) and speeds (they set the shape of the state) are left as they are.
    """
    values = draws.values.copy()
    for j, path in enumerate(draws.paths):
        r = bounds[path]
        if path.startswith(FIXED_AFTER_START) or not r.uncertain:
            continue
        log = r.dist == "lognormal" and r.lo > 0
        x = np.log(values[:, j]) if log else values[:, j]
        lo, hi = (np.log(r.lo), np.log(r.hi)) if log else (r.lo, r.hi)
        sd = x.std()
        if sd <= 0:
            continue
        x = (
            shrink * x
            + (1 - shrink) * x.mean()
            + np.sqrt(1 - shrink**2) * sd * rng.standard_normal(len(x))
        )
        x = np.abs(x - lo) + lo  # reflect at the bounds
        x = hi - np.abs(hi - x)
        x = np.clip(x, lo, hi)
        values[:, j] = np.exp(x) if log else x
    return Design(draws.paths, values)


def systematic(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Systematic resampling: ancestor indices whose counts follow the weights (sum 1)."""
    n = len(weights)
    cum = np.cumsum(weights)
    cum[-1] = 1.0
    u = (rng.random() + np.arange(n)) / n
    return np.searchsorted(cum, u, side="right").astype(np.int64)


def check_window(s: Scenario, as_of: dt.date, days: int) -> None:
    """Refuse an as-of date outside the simulated days."""
    last = s.start + dt.timedelta(days=days - 1)
    if not s.start <= as_of <= last:
        raise InputError(
            Problem(
                "as_of: got %(as_of)s, expected a date from %(start)s (the scenario's start) to "
                "%(last)s (its last simulated day)",
                as_of=as_of,
                start=s.start,
                last=last,
            )
        )


def run_filter(
    s: Scenario,
    observations: Observations,
    as_of: dt.date,
    *,
    particles: int = 1000,
    seed: int = 0,
    days: int | None = None,
    executor: Any,
    progress: Callable[[int, int], None] | None = None,
    on_step: Callable[[Posterior], None] | None = None,
    jitter: bool = True,
) -> Posterior:
    """Condition the scenario on every count up to `as_of` (inclusive).

    `on_step` sees the equally weighted particles after each count date (the backtest issues
    its forecasts from there); `progress(done, total)` counts count dates.
    """
    T = s.days if days is None else days
    check_window(s, as_of, T)
    if particles < 2:
        raise InputError(
            Problem("particles: got %(particles)s, expected at least 2", particles=particles)
        )
    spec = FilterSpec.of(s, T, seed)
    every = ranges(s)
    best = observation_best(s)
    place_ids = tuple(p.id for p in s.places)
    prior = design(uncertain(s), particles, seed, "lhs")
    post = Posterior(spec, as_of, prior, prior, None, 0)
    dates = [d for d in observations.dates() if s.start <= d <= as_of]
    stops = [(d, s.day_of(d) + 1) for d in dates]
    if not stops or stops[-1][0] < as_of:
        stops.append((as_of, s.day_of(as_of) + 1))
    identity = np.arange(particles)
    for k, (date, t1) in enumerate(stops):
        cloud, out, arr = _advance(spec, post.draws, post.cloud, post.day, t1, (STEP, k), executor)
        ancestors = identity
        reports = observations.on(date) if date in dates else ()
        if reports:
            present = out[:, -1, PRESENT].sum(axis=2)  # [N, P] at the end of the count date
            ll = day_log_likelihood(reports, present, place_ids, post.draws, best)
            top = ll.max()
            w = np.exp(ll - top)
            post.steps.append(
                FilterStep(
                    date,
                    len(reports),
                    float(w.sum() ** 2 / np.sum(w**2)),
                    float(top + np.log(w.mean())),
                )
            )
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(RESAMPLE, k)))
            ancestors = systematic(w / w.sum(), rng)
        post.segments.append(Segment(post.day, t1, out, arr, ancestors))
        post.draws, post.cloud, post.day = post.draws.rows(ancestors), cloud.take(ancestors), t1
        if reports and jitter:
            post.draws = rejuvenate(post.draws, every, rng)
        if on_step is not None:
            on_step(post.snapshot())
        if progress is not None:
            progress(k + 1, len(stops))
    return post


def forecast_ahead(
    post: Posterior,
    until: int,
    executor: Any,
    stream: tuple[int, int] = (FORECAST, 0),
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every particle's days 0..until-1: its history, then a future run on from `post.day`.

    Returns ([N, until, S, P, G] daily states, [N, until] cumulative arrivals); `progress(n)`
    hears of every n particles run on.
    """
    hist, arr = post.history()
    if until <= post.day:
        return hist[:, :until], arr[:, :until]
    _, out, future = _advance(
        post.spec, post.draws, post.cloud, post.day, until, stream, executor, progress
    )
    return np.concatenate([hist, out], axis=1), np.concatenate([arr, future], axis=1)
