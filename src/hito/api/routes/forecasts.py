"""Forecast runs: start in the background, poll, fetch quantiles."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request

from hito.api.deps import ActorDep, DbDep, SettingsDep, WriterDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import After, Day, Limit, Offset, RowIdPath
from hito.api.schemas.forecasts import (
    ForecastCreate,
    ForecastList,
    ForecastPublic,
    ForecastSummary,
    Scorecard,
    ScoreHorizon,
    ScorePair,
)
from hito.domain import day_shown
from hito.store import forecasts
from hito.store.coltypes import utcnow
from hito.store.scorecard import live_scorecard

router = APIRouter(prefix="/forecasts", tags=["forecasts"], route_class=OnceKeyedRoute)
ForecastId = RowIdPath


@router.post("", status_code=202, response_model=ForecastPublic)
def start(
    body: ForecastCreate,
    actor: WriterDep,
    db: DbDep,
    settings: SettingsDep,
    tasks: BackgroundTasks,
    request: Request,
) -> ForecastPublic:
    """Queue a forecast from the observed state; poll GET /forecasts/{id} for its result.

    A quota bounds the work: at most `forecast_max_active` forecasts queued or running
    (`forecast_max_active_per_user` of one user), else 429; they run one at a time.
    """
    with db.session() as session:
        row = forecasts.create_forecast(
            session,
            actor=actor,
            scenario=body.scenario,
            as_of=body.as_of,
            days=body.days,
            runs=body.runs,
            seed=body.seed,
            max_runs=settings.forecast_max_runs,
            today=day_shown(settings.zone, utcnow()),  # as the pages show today
            quota=settings.forecast_quota(),
        )
        out = ForecastPublic.model_validate(row)
    # one at a time in this process (hito.store.forecastrun), after the answer is sent
    tasks.add_task(request.app.state.forecast_runner.run, out.id)
    return out


@router.get("", response_model=ForecastList)
def list_(
    actor: ActorDep, db: DbDep, offset: Offset = 0, limit: Limit = 100, after: After = None
) -> ForecastList:
    """Forecast runs, newest first (without results).

    To read them all, follow `next_after` (`?after=`) from page to page: each report queues a
    refresh of the calibrated forecast, where an `offset` would repeat one already read.
    """
    with db.session(readonly=True) as session:
        rows, n = forecasts.list_forecasts(session, offset=offset, limit=limit, after_id=after)
        data = [ForecastSummary.model_validate(r) for r in rows]
        return ForecastList.page(data, n, limit, rows[-1].id if rows else None)


@router.get("/scorecard", response_model=Scorecard)
def scorecard(actor: ActorDep, db: DbDep, as_of: Day | None = None) -> Scorecard:
    """The forecasts this service issued up to `as_of`, scored against the later field reports.

    The newest finished forecast of each issue date within the last 28 days, against every
    report after that date (up to `as_of`): coverage of P10–P90 and the interval score by
    horizon, beside persistence (the last count carried forward).
    """
    with db.session(readonly=True) as session:
        card = live_scorecard(session, as_of)
    if card is None:
        return Scorecard(issued=0, horizons=[], pairs=[])
    return Scorecard(
        issued=card.issued,
        horizons=[ScoreHorizon(**h) for h in card.by_horizon()],
        pairs=[
            ScorePair(
                issued=p.issued,
                target=p.target,
                lead=p.lead,
                horizon=p.horizon,
                place=p.place,
                observed=p.observed,
                p10=p.band[0],
                p50=p.band[1],
                p90=p.band[2],
                covered=p.covered,
            )
            for p in card.pairs
        ],
    )


@router.get("/{forecast_id}", response_model=ForecastPublic)
def get(forecast_id: ForecastId, actor: ActorDep, db: DbDep) -> ForecastPublic:
    """A forecast's status and, once done, its quantiles."""
    with db.session(readonly=True) as session:
        return ForecastPublic.model_validate(
            forecasts.get_forecast(session, forecast_id=forecast_id)
        )
