"""Forecast runs: start in the background, poll, fetch quantiles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Path

from hito.api.deps import ActorDep, DbDep, SettingsDep, WriterDep
from hito.api.schemas.common import Limit, Offset
from hito.api.schemas.forecasts import (
    ForecastCreate,
    ForecastList,
    ForecastPublic,
    ForecastSummary,
)
from hito.store import forecasts

router = APIRouter(prefix="/forecasts", tags=["forecasts"])
ForecastId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("", status_code=202, response_model=ForecastPublic)
def start(
    body: ForecastCreate, actor: WriterDep, db: DbDep, settings: SettingsDep, tasks: BackgroundTasks
) -> ForecastPublic:
    """Queue a forecast from the observed state; poll GET /forecasts/{id} for its result."""
    with db.session() as s:
        row = forecasts.create_forecast(
            s,
            actor=actor,
            scenario=body.scenario,
            as_of=body.as_of,
            days=body.days,
            runs=body.runs,
            seed=body.seed,
            max_runs=settings.forecast_max_runs,
        )
        out = ForecastPublic.model_validate(row)
    tasks.add_task(forecasts.run_forecast, db, forecast_id=out.id)
    return out


@router.get("", response_model=ForecastList)
def list_(actor: ActorDep, db: DbDep, offset: Offset = 0, limit: Limit = 100) -> ForecastList:
    """Forecast runs, newest first (without results)."""
    with db.session(readonly=True) as s:
        rows, n = forecasts.list_forecasts(s, offset=offset, limit=limit)
        return ForecastList(data=[ForecastSummary.model_validate(r) for r in rows], count=n)


@router.get("/{forecast_id}", response_model=ForecastPublic)
def get(forecast_id: ForecastId, actor: ActorDep, db: DbDep) -> ForecastPublic:
    """A forecast's status and, once done, its quantiles."""
    with db.session(readonly=True) as s:
        return ForecastPublic.model_validate(forecasts.get_forecast(s, forecast_id=forecast_id))
