"""A stored forecast (plain data) as pages and reports show it: fans, bands, staleness.

The forecast is read by `hito.store.forecasts.latest_result`; nothing here touches the store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hito.needs import place_band
from hito.report.charts import Fan

STALE_DAYS = 7  # a forecast made more than this many days before the picture's date is stale
BAND_DAYS = (14, 28)  # the overview's band: from 14 to 28 days after the picture's date


def dates(forecast: dict[str, Any]) -> list[dt.date]:
    """The forecast's days."""
    return [dt.date.fromisoformat(d) for d in forecast.get("dates", [])]


def fan(forecast: dict[str, Any] | None, place: str | None = None) -> Fan | None:
    """The band of one place, or of the stranded at all places when `place` is None.

    A counted place's band is of the people present there, what field teams count and what
    the forecast was calibrated on (at a border post people wait without being stranded in
    the model's sense: the closed road is further on); a place without counts has the band of
    its stranded people, or zeros where the forecast holds none. A forecast without per-place
    bands gives None for a place (never the all-sites band).
    """
    if not forecast:
        return None
    days = dates(forecast)
    if place is None:
        q = forecast.get("stranded_total")
        return Fan(days, q["p10"], q["p50"], q["p90"]) if q else None
    if forecast.get("stranded_by_place") is None:
        return None
    q = place_band(forecast, place)
    if q is None:
        zeros = [0.0] * len(days)
        return Fan(days, zeros, zeros, zeros)
    return Fan(days, q["p10"], q["p50"], q["p90"])


def stale(forecast: dict[str, Any] | None, as_of: dt.date) -> bool:
    """True when the forecast was made more than STALE_DAYS before `as_of` or ends before it."""
    if not forecast:
        return False
    days = dates(forecast)
    made: dt.date = forecast["as_of"]
    return made < as_of - dt.timedelta(days=STALE_DAYS) or not days or days[-1] < as_of


def band(
    forecast: dict[str, Any] | None, place: str | None, as_of: dt.date
) -> dict[str, Any] | None:
    """People stranded 14 to 28 days after `as_of`: lowest P10, P50 on the last day, highest P90.

    None when there is no forecast, it is stale, or it does not reach that far.
    """
    f = fan(forecast, place)
    if f is None or stale(forecast, as_of):
        return None
    first, last = (as_of + dt.timedelta(days=k) for k in BAND_DAYS)
    idx = [i for i, d in enumerate(f.dates) if first <= d <= last]
    if not idx or f.dates[idx[-1]] < last:
        return None
    return {
        "first": first,
        "last": last,
        "low": min(f.p10[i] for i in idx),
        "mid": f.p50[idx[-1]],
        "high": max(f.p90[i] for i in idx),
    }


COUNT_DAYS = (7, 14)  # the site page's forecast of a field count, days after the picture's date


def count_bands(
    forecast: dict[str, Any] | None, place: str, as_of: dt.date
) -> list[dict[str, Any]]:
    """What a field count at a counted place would say 7 and 14 days after `as_of` (P10–P90).

    The band the backtest scores: the people through the observation model (the reports'
    spread, outliers, reports of nobody). Empty for a stale forecast, a place without counts
    or a forecast made before hito kept this band.
    """
    if not forecast or stale(forecast, as_of):
        return []
    q = (forecast.get("count_by_place") or {}).get(place)
    if not q:
        return []
    days = dates(forecast)
    out = []
    for k in COUNT_DAYS:
        day = as_of + dt.timedelta(days=k)
        if day in days and q["p10"][days.index(day)] is not None:
            i = days.index(day)
            out.append({"days": k, "date": day, "low": q["p10"][i], "high": q["p90"][i]})
    return out


def at(forecast: dict[str, Any] | None, places: list[str], day: dt.date, q: str) -> float | None:
    """The sum over places of one quantile on a day (None: no fresh forecast covers that day)."""
    if not forecast:
        return None
    days = dates(forecast)
    if day not in days:
        return None
    i = days.index(day)
    by_place = forecast.get("stranded_by_place") or {}
    if not places:
        total = forecast.get("stranded_total") or {}
        return float(total[q][i]) if total else None
    return float(sum(by_place[p][q][i] for p in places if p in by_place))
