"""Forecast runs on the current observed state, computed in the background."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.errors import HitoError
from hito.forecast.start import ensemble_from_observed
from hito.scenario.load import builtin_names
from hito.scenario.load import load as load_scenario
from hito.store import audit
from hito.store.actors import Actor, paginate, snapshot
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.errors import InvalidError, NotFoundError
from hito.store.models import Forecast
from hito.store.reports import daily_stranded

LEVELS3 = ("p10", "p50", "p90")
CARRY_DAYS = 3  # an observation stands for the state until this many days later
log = logging.getLogger("hito.store.forecasts")


def create_forecast(
    session: Session,
    *,
    actor: Actor,
    scenario: str,
    as_of: dt.date | None = None,
    days: int = 30,
    runs: int = 20,
    seed: int = 1,
    max_runs: int = 200,
) -> Forecast:
    """Queue a forecast of a built-in scenario restarted on `as_of` from the observed counts."""
    actor.require_writer("start forecasts")
    names = builtin_names()
    if scenario not in names:
        raise InvalidError.at(
            ["body", "scenario"],
            f"unknown scenario {scenario!r}, expected one of: {', '.join(names)}",
        )
    as_of = as_of or utcnow().date()
    if as_of > utcnow().date():
        raise InvalidError.at(["body", "as_of"], f"{as_of} is in the future")
    if not 1 <= days <= 365:
        raise InvalidError.at(["body", "days"], f"expected 1 to 365 days, got {days}")
    if not 1 <= runs <= max_runs:
        raise InvalidError.at(["body", "runs"], f"expected 1 to {max_runs} runs, got {runs}")
    audit.lock_writes(session)
    row = Forecast(
        status="queued",
        scenario=scenario,
        as_of=as_of,
        days=days,
        runs=runs,
        seed=seed,
        user_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="forecast.create",
        resource=f"forecast:{row.id}",
        after=snapshot(row),
    )
    return row


def observed_state(session: Session, *, as_of: dt.date, places: set[str]) -> dict[str, float]:
    """Stranded people per place on `as_of`: each site's newest count of the last few days."""
    out: dict[str, float] = {}
    for site, days in daily_stranded(session, site_ids=sorted(places), until=as_of).items():
        recent = [d for d in days if as_of - dt.timedelta(days=CARRY_DAYS) <= d <= as_of]
        if recent:
            out[site] = float(days[max(recent)])
    return out


def run_forecast(db: Database, *, forecast_id: int) -> None:
    """Compute a queued forecast (meant for a background task); failures are stored, not raised."""
    with db.session() as s:
        row = get_forecast(s, forecast_id=forecast_id)
        row.status = "running"
        scenario, as_of, days, runs, seed = row.scenario, row.as_of, row.days, row.runs, row.seed
    result: dict[str, Any] | None
    try:
        sc = load_scenario(scenario)
        with db.session(readonly=True) as s:
            state = observed_state(s, as_of=as_of, places={p.id for p in sc.places})
        ens = ensemble_from_observed(sc, as_of, state, days, runs=runs, seed=seed)
        total = ens.fan("stranded")  # [p10/p50/p90, day]
        summary = ens.summary()
        result = {
            "dates": [d.isoformat() for d in ens.dates()],
            "observed": state,
            "stranded_total": {k: [float(v) for v in total[i]] for i, k in enumerate(LEVELS3)},
            "stranded_by_place": {
                pid: {k: [float(v) for v in fan[i]] for i, k in enumerate(LEVELS3)}
                for pid in ens.place_ids
                if (fan := ens.fan("stranded", pid))[2].any()
            },
            "stranded_by_place_last_day": {
                pid: {
                    k: float(v)
                    for k, v in zip(LEVELS3, ens.fan("stranded", pid)[:, -1], strict=True)
                }
                for pid in ens.place_ids
                if ens.fan("stranded", pid)[2].any()
            },
            "peak_stranded": {k: summary["stranded_peak"][k] for k in LEVELS3},
            "stranded_person_days": {k: summary["stranded_person_days"][k] for k in LEVELS3},
            "runs": summary["runs"],
            "conservation_error": summary["conservation_error"],
        }
        status, error = "done", ""
    except HitoError as exc:
        result, status, error = None, "failed", "; ".join(exc.problems)
    except Exception as exc:  # a background job must record its failure, not vanish
        log.exception("forecast %s failed", forecast_id)
        result, status, error = None, "failed", f"{type(exc).__name__}: {exc}"
    with db.session() as s:
        row = get_forecast(s, forecast_id=forecast_id)
        row.status, row.error, row.result, row.finished_at = status, error, result, utcnow()


def fail_interrupted(db: Database) -> int:
    """Mark forecasts left queued or running by a stopped server as failed; returns how many."""
    with db.session() as s:
        rows = s.scalars(select(Forecast).where(Forecast.status.in_(("queued", "running")))).all()
        for row in rows:
            row.status, row.error, row.finished_at = (
                "failed",
                "the server stopped before this forecast finished; start it again",
                utcnow(),
            )
        return len(rows)


def get_forecast(session: Session, *, forecast_id: int) -> Forecast:
    """One forecast, or NotFoundError."""
    row = session.get(Forecast, forecast_id)
    if row is None:
        raise NotFoundError(f"no forecast with id {forecast_id}")
    return row


def list_forecasts(
    session: Session, *, offset: int = 0, limit: int = 100
) -> tuple[list[Forecast], int]:
    """Forecasts, newest first."""
    return paginate(
        session, select(Forecast).order_by(Forecast.id.desc()), offset=offset, limit=limit
    )
