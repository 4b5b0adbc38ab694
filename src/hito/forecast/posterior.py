"""A posterior's products: the calibrated ensemble, its tables, and the files that keep it."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from hito.domain import MAX_DAYS
from hito.engine.compile import HELD_STATES, STATES
from hito.ensemble.reduce import LEVELS, Layout, Reducer, summarize_chunk
from hito.ensemble.result import Ensemble
from hito.ensemble.sampling import Design
from hito.errors import InputError, Problem
from hito.forecast.calibrate import forecast_ahead
from hito.forecast.files import STATE_FILE
from hito.forecast.outcomes import outcome_bands
from hito.forecast.particles import Cloud, FilterSpec, FilterStep, Posterior, Segment
from hito.scenario.model import Scenario

HELD = [STATES.index(n) for n in HELD_STATES]
COUNTS = 0x434E  # the stream of the count forecast's reports


def calibrated_ensemble(
    post: Posterior,
    until: int,
    executor: Any,
    keep_runs: int = 100,
    progress: Callable[[int], None] | None = None,
) -> Ensemble:
    """Every particle from the scenario's start to day `until`: history, then its future."""
    return calibrated_parts(post, until, executor, keep_runs, progress)[0]


def calibrated_parts(
    post: Posterior,
    until: int,
    executor: Any,
    keep_runs: int = 100,
    progress: Callable[[int], None] | None = None,
) -> tuple[Ensemble, np.ndarray]:
    """The calibrated ensemble and every particle's people present: [N, until, P].

    `progress(n)` hears of every n particles run on to `until`.
    """
    ens, states = _particles(post, until, executor, keep_runs, progress)
    return ens, _present(states)


def _particles(
    post: Posterior,
    until: int,
    executor: Any,
    keep_runs: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[Ensemble, np.ndarray]:
    """The calibrated ensemble and every particle's daily states: [N, until, S, P, G]."""
    states, arrivals = forecast_ahead(post, until, executor, progress=progress)
    states = states.astype(np.int64)
    return particle_ensemble(post, states, arrivals, executor, keep_runs), states


def _present(states: np.ndarray) -> np.ndarray:
    """[N, T, P] people present, groups summed."""
    return states[:, :, STATES.index("present")].sum(axis=3)


MIN_REPORTS = 1000  # draws of a field count per day behind count_quantiles


def count_quantiles(post: Posterior, present: np.ndarray, places: list[str]) -> Any:
    """What a field count would say at each place, each day from the as-of date on (polars).

    The forecast of a count, not of the people: each particle's people present, reported
    through the observation model (`likelihood.noisy_reports`: spread, outliers, reports of
    nobody), reports per particle and day enough for MIN_REPORTS draws in all (one each from
    1,000 particles; with 20 particles, one in 13 reports an outlier, a single draw each put
    an outlier at the P90); quantiles at the ensemble's levels. This is the band `hito
    backtest` scores against later counts.
    """
    import polars as pl

    from hito.forecast.calibrate import observation_best, observation_numbers
    from hito.forecast.likelihood import noisy_reports

    s = post.spec.scenario
    sd, eps, zeta = observation_numbers(post.draws, observation_best(s))
    t0 = max(post.day - 1, 0)
    rng = np.random.default_rng(np.random.SeedSequence(post.spec.seed, spawn_key=(COUNTS,)))
    pos = s.place_index()
    rows: dict[str, list[Any]] = {"date": [], "place": [], **{k: [] for k in LEVELS}}
    per = max(1, -(-MIN_REPORTS // present.shape[0]))  # reports drawn per particle
    sd, eps, zeta = (np.repeat(v, per)[:, None] for v in (sd, eps, zeta))
    for place in places:
        x = np.repeat(present[:, t0:, pos[place]].astype(float), per, axis=0)
        said = noisy_reports(x, sd, rng, eps, zeta)
        q = np.quantile(said, list(LEVELS.values()), axis=0)
        for j in range(x.shape[1]):
            rows["date"].append(s.date_of(t0 + j))
            rows["place"].append(place)
            for i, k in enumerate(LEVELS):
                rows[k].append(float(q[i, j]))
    return pl.DataFrame(rows)


def particle_ensemble(
    post: Posterior, states: np.ndarray, arrivals: np.ndarray, executor: Any, keep_runs: int
) -> Ensemble:
    """The ensemble of the particles' daily states (summaries, quantiles, kept runs)."""
    n, T = states.shape[:2]
    s = post.spec.scenario
    initial = post.cloud.initial if post.cloud is not None else np.zeros(n, dtype=np.int64)
    held = states[:, :, HELD].sum(axis=(2, 3, 4))
    conservation = np.abs(held - initial[:, None] - arrivals).max(axis=1)
    layout = Layout(T, len(s.places), len(s.groups))
    runs = list(range(n))
    place_ids = tuple(p.id for p in s.places)
    chunk = summarize_chunk(runs, states, conservation, layout, (), place_ids, keep_runs)
    reducer = Reducer(runs, layout)
    reducer.add(chunk)
    return Ensemble(
        info={
            "scenario": s.name,
            "days": T,
            "seed": post.spec.seed,
            "runs": n,
            "sampling": "posterior",
            "calibrated_as_of": post.as_of.isoformat(),
            "events": [],
        },
        place_ids=place_ids,
        group_ids=tuple(g.id for g in s.groups),
        start=s.start,
        layout=layout,
        runs=np.arange(n, dtype=np.int64),
        draws=post.draws,
        quantiles=reducer.quantiles(list(LEVELS.values())),
        scalars=reducer.scalars,
        kept=reducer.kept,
        stats={"executor": getattr(executor, "name", str(executor))},
    )


def steps_table(post: Posterior) -> list[dict[str, Any]]:
    """Per count date: reports, effective sample size, log evidence."""
    return [
        {
            "date": st.date.isoformat(),
            "reports": st.reports,
            "ess": round(st.ess, 2),
            "log_evidence": round(st.log_evidence, 4),
        }
        for st in post.steps
    ]


def draws_frame(draws: Design, label: str) -> Any:
    """A table of drawn numbers, one row per particle (polars)."""
    import polars as pl

    cols: dict[str, Any] = {"particle": np.arange(len(draws.values), dtype=np.int64)}
    for j, path in enumerate(draws.paths):
        cols[path] = draws.values[:, j]
    return pl.DataFrame(cols).with_columns(pl.lit(label).alias("distribution"))


def save(post: Posterior, folder: Path) -> Path:
    """Keep a posterior (scenario, numbers, state, history) so forecasts can start from it."""
    path = folder / STATE_FILE
    tmp = folder / f".{STATE_FILE}.tmp.npz"
    tmp.write_bytes(saved_bytes(post))
    tmp.replace(path)
    return path


def saved_bytes(post: Posterior) -> bytes:
    """What `save` keeps of a posterior: the bytes of its compressed NumPy archive."""
    import io

    hist, arr = post.history()
    c = post.cloud
    assert c is not None
    arrays: dict[str, Any] = {
        f"cloud_{k}": v for k, v in zip(CLOUD_FIELDS, c.arrays(), strict=True)
    }
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        scenario=np.frombuffer(
            post.spec.scenario.model_dump_json(by_alias=True).encode(), np.uint8
        ),
        meta=np.frombuffer(
            json.dumps(
                {
                    "as_of": post.as_of.isoformat(),
                    "day": post.day,
                    "days": post.spec.days,
                    "seed": post.spec.seed,
                    "paths": list(post.draws.paths),
                    "steps": steps_table(post),
                }
            ).encode(),
            np.uint8,
        ),
        draws=post.draws.values,
        prior=post.prior.values,
        history=hist.astype(np.int32),
        arrivals=arr,
        **arrays,
    )
    return buf.getvalue()


CLOUD_FIELDS = ("free", "stranded", "transit", "cumulative", "arrived", "initial")


def load(folder: Path) -> Posterior:
    """A posterior kept by `save` (a folder written by `hito calibrate`)."""
    path = folder / STATE_FILE
    if folder.is_file():
        raise InputError(
            Problem(
                "%(folder)s: it is a file; expected the folder `hito calibrate --out` wrote",
                folder=folder,
            )
        )
    if not path.is_file():
        raise InputError(
            Problem(
                "%(folder)s: no %(state_file)s here; expected a folder written by `hito calibrate`",
                folder=folder,
                state_file=STATE_FILE,
            )
        )
    try:  # numpy's, zip's and pickle's reasons are not said: the file is not one hito wrote
        with np.load(path) as z:
            data = {k: z[k] for k in z.files}
        s = Scenario.model_validate_json(data["scenario"].tobytes())
        meta = json.loads(data["meta"].tobytes())
        paths = tuple(meta["paths"])
        parts = [data[k] for k in ("prior", "draws", *(f"cloud_{k}" for k in CLOUD_FIELDS))]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        raise InputError(
            Problem(
                "%(path)s: not a posterior file; expected the %(state_file)s that `hito "
                "calibrate` writes (a damaged or other file: run hito calibrate again)",
                path=path,
                state_file=STATE_FILE,
            )
        ) from None

    post = Posterior(
        FilterSpec.of(s, int(meta["days"]), int(meta["seed"])),
        dt.date.fromisoformat(meta["as_of"]),
        Design(paths, parts[0]),
        Design(paths, parts[1]),
        Cloud(*parts[2:]),
        int(meta["day"]),
    )
    n = len(data["draws"])
    post.segments = [Segment(0, post.day, data["history"], data["arrivals"], np.arange(n))]
    post.steps = [
        FilterStep(dt.date.fromisoformat(st["date"]), st["reports"], st["ess"], st["log_evidence"])
        for st in meta["steps"]
    ]
    return post


def calibrated_forecast(
    s: Scenario,
    observations: Any,
    as_of: dt.date,
    days: int,
    *,
    particles: int,
    seed: int,
    executor: Any,
) -> tuple[Ensemble, Posterior, Any, dict[str, Any]]:
    """The forecast of `days` days from `as_of` on, conditioned on every count up to it.

    Returns the calibrated ensemble, the posterior, the forecast of a field count at each
    counted place (`count_quantiles`) and what people did after `as_of` (diverted, harmed,
    crossed, turned back: `hito.forecast.outcomes.outcome_bands`).

    The scenario is taken as known on `as_of` (later-announced policies left out) and
    lengthened when the forecast runs past its end (policies keep their dates; inflows go on).
    """
    from hito.forecast.calibrate import run_filter

    need = s.day_of(as_of) + days
    if s.day_of(as_of) < 0:
        raise InputError(
            Problem(
                "as_of: got %(as_of)s, expected a date from %(start)s (the scenario's start)",
                as_of=as_of,
                start=s.start,
            )
        )
    known = s.known_on(as_of)
    if need > known.days:
        known = known.model_copy(update={"days": min(need, MAX_DAYS)})
    post = run_filter(known, observations, as_of, particles=particles, seed=seed, executor=executor)
    ens, states = _particles(post, min(need, known.days), executor, keep_runs=0)
    counted = sorted({o.place for o in observations.items})
    outcomes = outcome_bands(known, states, s.day_of(as_of))
    return ens, post, count_quantiles(post, _present(states), counted), outcomes
