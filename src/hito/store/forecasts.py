"""Forecasts calibrated on the stored counts, computed in the background and kept fresh."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hito import i18n
from hito.domain import day_shown
from hito.errors import HitoError, Plural, Problem, keep
from hito.scenario.load import builtin_names
from hito.scenario.load import load as load_scenario
from hito.store import audit
from hito.store.actors import Actor, paginate_after, snapshot
from hito.store.coltypes import utcnow
from hito.store.db import Database, Lock, take_turns
from hito.store.errors import InvalidError, NotFoundError, TooManyAttemptsError
from hito.store.forecast_result import forecast_result
from hito.store.models import FORECAST_UNFINISHED, Forecast, Site

log = logging.getLogger("hito.store.forecasts")


class BeforeStart(InvalidError):
    """A forecast asked from a day before its scenario starts (`start`, for the page's words)."""

    start: dt.date


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
    today: dt.date | None = None,
    quota: tuple[int, int] | None = None,
) -> Forecast:
    """Queue a forecast of a built-in scenario restarted on `as_of` from the observed counts.

    `today` is the day the caller's reader is shown (`hito.domain.day_shown` of the reader's
    zone; default: of the default zone): `as_of` defaults to it and may not be later.
    `quota`: (in all, per user) forecasts queued or running at the most (`check_quota`).
    """
    actor.require_writer(Problem("start forecasts"))
    names = builtin_names()
    if scenario not in names:
        raise InvalidError.at(
            ["body", "scenario"],
            Problem(
                "unknown scenario %(scenario)s, expected one of: %(names)s",
                scenario=repr(scenario),
                names=", ".join(names),
            ),
        )
    today = today or day_shown(i18n.DEFAULT_ZONE, utcnow())
    as_of = as_of or today
    if as_of > today:
        raise InvalidError.at(["body", "as_of"], Problem("%(as_of)s is in the future", as_of=as_of))
    start = load_scenario(scenario).start
    if as_of < start:
        too_early = BeforeStart.at(
            ["body", "as_of"],
            Problem(
                "%(as_of)s is before the scenario's start, %(start)s", as_of=as_of, start=start
            ),
        )
        too_early.start = start
        raise too_early
    if not 1 <= days <= 365:
        raise InvalidError.at(
            ["body", "days"], Problem("expected 1 to 365 days, got %(days)s", days=days)
        )
    if not 1 <= runs <= max_runs:
        raise InvalidError.at(
            ["body", "runs"],
            Problem("expected 1 to %(max_runs)s runs, got %(runs)s", max_runs=max_runs, runs=runs),
        )
    if quota is not None:
        check_quota(session, actor, max_active=quota[0], max_active_per_user=quota[1])
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


def check_quota(
    session: Session, actor: Actor, *, max_active: int, max_active_per_user: int
) -> None:
    """TooManyAttemptsError when `max_active` forecasts are active (`max_active_per_user` of one).

    Queued or running: they bound the server's work, whoever starts them (API or dashboard).

    Call it in the transaction that then creates the forecast: it first takes a lock held
    until that transaction ends (`take_turns`), so two starts at once cannot both count below
    the limit and both add one.
    """
    take_turns(session, Lock.FORECAST_QUOTA)
    active = select(func.count()).where(Forecast.status.in_(FORECAST_UNFINISHED))
    total = int(session.scalar(active) or 0)
    mine = int(session.scalar(active.where(Forecast.user_id == actor.user_id)) or 0)
    if total >= max_active or mine >= max_active_per_user:
        raise TooManyAttemptsError(
            Plural(
                "%(total)s forecast is queued or running (%(mine)s of yours); the limits are "
                "%(forecast_max_active)s in all and %(forecast_max_active_per_user)s per user: "
                "wait for it to finish",
                "%(total)s forecasts are queued or running (%(mine)s of yours); the limits are "
                "%(forecast_max_active)s in all and %(forecast_max_active_per_user)s per user: "
                "wait for one to finish",
                total,
                total=total,
                mine=mine,
                forecast_max_active=max_active,
                forecast_max_active_per_user=max_active_per_user,
            ),
            retry_after=30,
        )


def calibrated_result(
    db: Database, scenario: str, as_of: dt.date, days: int, particles: int, seed: int
) -> dict[str, Any]:
    """A forecast conditioned on every stored count up to `as_of` (see `forecast_result`)."""
    from hito.store.observations import observations_from_store

    sc = load_scenario(scenario)
    with db.session(readonly=True) as session:
        # the service's other sites (another crossing, a site added since) are not this
        # scenario's places: their counts are left out of its calibration, not an error
        sites: dict[str, str | None] = dict.fromkeys(session.scalars(select(Site.id)))
        sites.update(sc.observed_sites())
        obs = observations_from_store(session, sites, start=sc.start, end=as_of)
    return forecast_result(sc, obs, as_of, days, particles, seed)


def run_forecast(db: Database, *, forecast_id: int) -> None:
    """Compute a queued forecast (meant for a background task); failures are stored, not raised."""
    with db.session() as session:
        row = get_forecast(session, forecast_id=forecast_id)
        row.status, row.beat_at = "running", utcnow()
        scenario, as_of, days, runs, seed = row.scenario, row.as_of, row.days, row.runs, row.seed
    result: dict[str, Any] | None
    try:
        result = calibrated_result(db, scenario, as_of, days, runs, seed)
        status, error = "done", ""
    except HitoError as exc:
        result, status, error = None, "failed", keep(exc.said)  # said later in any language
    except Exception as exc:  # a background job must record its failure, not vanish
        log.exception("forecast %s failed", forecast_id)
        result, status, error = None, "failed", f"{type(exc).__name__}: {exc}"
    with db.session() as session:
        row = get_forecast(session, forecast_id=forecast_id)
        row.status, row.error, row.result, row.finished_at = status, error, result, utcnow()


def get_forecast(session: Session, *, forecast_id: int) -> Forecast:
    """One forecast, or NotFoundError."""
    row = session.get(Forecast, forecast_id)
    if row is None:
        raise NotFoundError(Problem("no forecast with id %(forecast_id)s", forecast_id=forecast_id))
    return row


def list_forecasts(
    session: Session, *, offset: int = 0, limit: int = 100, after_id: int | None = None
) -> tuple[list[Forecast], int]:
    """Forecasts, newest first, with the total count.

    `after_id`: the page starts after that forecast (the last one of the page before), not
    at an offset: every report queues a refresh, which would push a forecast already read
    into the next page (`actors.newest_after`).
    """
    return paginate_after(
        session,
        select(Forecast).order_by(Forecast.id.desc()),
        at=Forecast.id,
        after_id=after_id,
        offset=offset,
        limit=limit,
        unknown=Problem("no forecast with id %(after)s to continue after", after=after_id),
    )


def latest_result(session: Session, as_of: dt.date | None = None) -> dict[str, Any] | None:
    """The newest finished forecast made on or before `as_of`, as plain data (None: none)."""
    rows, _ = list_forecasts(session, limit=50)
    for r in rows:
        if r.status == "done" and r.result and (as_of is None or r.as_of <= as_of):
            return {
                "id": r.id,
                "scenario": r.scenario,
                "as_of": r.as_of,
                "days": r.days,
                "runs": r.runs,
                "seed": r.seed,
                "finished_at": r.finished_at,
                **r.result,
            }
    return None


def running(session: Session) -> dict[str, Any] | None:
    """The newest forecast still queued or running, as {id, status, as_of, runs} (None: none)."""
    rows, _ = list_forecasts(session, limit=5)
    for r in rows:
        if r.status in FORECAST_UNFINISHED:
            return {"id": r.id, "status": r.status, "as_of": r.as_of, "runs": r.runs}
    return None
