"""The result a forecast of the service stores: its bands as plain data (JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hito.scenario.model import Scenario

LEVELS3 = ("p10", "p50", "p90")


def forecast_result(
    sc: Scenario, obs: Any, as_of: dt.date, days: int, particles: int, seed: int
) -> dict[str, Any]:
    """A forecast of `sc` conditioned on the observations `obs` up to `as_of` (particle filter).

    The bands are those of people present at each site (what field teams count) and of the
    stranded, and at each counted site the band of what a field count would say (the people
    through the observation model); `observed` holds each counted site's newest count;
    `outcomes` what people did after `as_of` (`hito.forecast.outcomes.outcome_bands`).
    """
    from hito.ensemble.executors import SerialExecutor
    from hito.forecast.posterior import calibrated_forecast

    ens, post, counts, outcomes = calibrated_forecast(
        sc, obs, as_of, days, particles=particles, seed=seed, executor=SerialExecutor()
    )
    first = sc.day_of(as_of)
    dates = ens.dates()[first:]

    def fans(state: str, place: str | None) -> Any:
        return ens.fan(state, place)[:, first:]

    total = fans("stranded", None)
    latest: dict[str, float] = {}
    for o in obs.items:
        if o.point is not None:
            latest[o.place] = float(o.point)
    by_place = {pid: fans("stranded", pid) for pid in ens.place_ids}
    present = {pid: fans("present", pid) for pid in sorted({o.place for o in obs.items})}
    said = {(r["place"], r["date"]): r for r in counts.iter_rows(named=True)}
    summary = ens.summary()
    return {
        "dates": [d.isoformat() for d in dates],
        "observed": latest,
        "calibrated": {
            "counts": len(obs.items),
            "particles": post.particles,
            "ess": [{"date": st.date.isoformat(), "ess": round(st.ess, 1)} for st in post.steps],
        },
        "stranded_total": {k: [float(v) for v in total[i]] for i, k in enumerate(LEVELS3)},
        "stranded_by_place": {
            pid: {k: [float(v) for v in fan[i]] for i, k in enumerate(LEVELS3)}
            for pid, fan in by_place.items()
            if fan[2].any()
        },
        "present_by_place": {
            pid: {k: [float(v) for v in fan[i]] for i, k in enumerate(LEVELS3)}
            for pid, fan in present.items()
        },
        # what a field count would say at each counted site (the band the backtest scores)
        "count_by_place": {
            pid: {
                k: [float(said[pid, d][k]) if (pid, d) in said else None for d in dates]
                for k in LEVELS3
            }
            for pid in present
        },
        "stranded_by_place_last_day": {
            pid: {k: float(v) for k, v in zip(LEVELS3, fan[:, -1], strict=True)}
            for pid, fan in by_place.items()
            if fan[2].any()
        },
        # the highest daily P10, P50 and P90 of the window (not the spread of each run's peak)
        "peak_stranded": {k: float(total[i].max()) for i, k in enumerate(LEVELS3)},
        "stranded_person_days": {k: float(total[i].sum()) for i, k in enumerate(LEVELS3)},
        # what people did after `as_of`: diverted, harmed, crossed, turned back (P10-P90),
        # per place, per kind of place and 7, 14 and 28 days on (`hito.forecast.outcomes`)
        "outcomes": outcomes,
        "runs": summary["runs"],
        "conservation_error": summary["conservation_error"],
    }
