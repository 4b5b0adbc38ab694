"""Events a forecast is judged on besides single counts: the peak and the clearance of a place.

Both are defined on the days that have counts, so forecast and record are alike: after a
forecast is issued, the *peak* is the highest count reported at the place within the window
(and the day of it), the *clearance* the first day a count says nobody is there (0). The
forecast of each is read from the predictive reports of every particle on those same days
(`likelihood.noisy_reports`): the highest of them and its day, and the first day one says 0.

Scores, per issued forecast and place with at least one later count:
- peak size: inside the forecast's P10-P90, and the error of its median;
- peak date: days between the forecast's median peak day and the observed one;
- clearance: the Brier score of the forecast's chance of a count of 0 in the window against
  whether one came, and, when both happened, days between the median and the observed day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class EventForecast:
    """One issued forecast's peak and clearance at one place, and what happened."""

    issued: dt.date
    place: str
    days: int  # days with counts in the window
    peak: list[float]  # P10, P50, P90 of the highest count
    peak_observed: float
    peak_day: float  # median forecast day of the peak, in days after the issue
    peak_day_observed: int
    clear_chance: float  # forecast chance that a count of 0 comes in the window
    cleared: bool  # whether one came
    clear_day: float | None  # median forecast day of the first 0, among particles with one
    clear_day_observed: int | None


def forecast_events(
    issued: dt.date,
    place: str,
    dates: Sequence[dt.date],
    highest: Sequence[float],
    lowest: Sequence[float],
    said: np.ndarray,
) -> EventForecast:
    """The peak and clearance of one place: `said` is [N, K] predictive reports on `dates`.

    `dates` are the K days with counts after the issue date (in order); `highest` and
    `lowest` the highest and lowest count of each day (a day with counts of 0 and 20 has a
    peak of 20 and a count of nobody).
    """
    lead = np.array([(d - issued).days for d in dates], dtype=float)
    obs = np.asarray(highest, dtype=float)
    low = np.asarray(lowest, dtype=float)
    top = said.max(axis=1)
    top_day = lead[said.argmax(axis=1)]
    zero = said == 0
    any_zero = zero.any(axis=1)
    first_zero = lead[zero.argmax(axis=1)][any_zero]
    cleared = bool((low == 0).any())
    return EventForecast(
        issued=issued,
        place=place,
        days=len(dates),
        peak=[float(v) for v in np.quantile(top, [0.1, 0.5, 0.9])],
        peak_observed=float(obs.max()),
        peak_day=float(np.median(top_day)),
        peak_day_observed=int(lead[int(obs.argmax())]),
        clear_chance=float(any_zero.mean()),
        cleared=cleared,
        clear_day=float(np.median(first_zero)) if len(first_zero) else None,
        clear_day_observed=int(lead[int(np.argmax(low == 0))]) if cleared else None,
    )


def event_scores(events: Sequence[EventForecast]) -> dict[str, Any]:
    """Peak and clearance scores over every issued forecast and place."""
    if not events:
        return {"n": 0}
    peaks = [e for e in events if e.days >= 2]  # a peak needs two days to choose from
    both = [e for e in events if e.cleared and e.clear_day is not None]
    out: dict[str, Any] = {
        "n": len(events),
        "peak": {"n": len(peaks)},
        "clearance": {
            "n": len(events),
            "cleared": sum(e.cleared for e in events),
            "brier": float(np.mean([(e.clear_chance - e.cleared) ** 2 for e in events])),
            "mean_chance": float(np.mean([e.clear_chance for e in events])),
            "date_n": len(both),
            "date_abs_error_days": (
                float(np.mean([abs(e.clear_day - e.clear_day_observed) for e in both]))  # type: ignore[operator]
                if both
                else None
            ),
        },
    }
    if peaks:
        out["peak"].update(
            {
                "coverage_p10_p90": float(
                    np.mean([e.peak[0] <= e.peak_observed <= e.peak[2] for e in peaks])
                ),
                "median_abs_error": float(
                    np.mean([abs(e.peak[1] - e.peak_observed) for e in peaks])
                ),
                "date_abs_error_days": float(
                    np.mean([abs(e.peak_day - e.peak_day_observed) for e in peaks])
                ),
            }
        )
    return out
