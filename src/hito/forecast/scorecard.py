"""Issued forecasts scored against the counts that came after them (the live scorecard).

`hito backtest` re-issues forecasts from a record after the fact; the scorecard scores the
forecasts a service actually issued, as forecasting hubs do: each issued forecast of what a
field count would say (its P10, P50 and P90 per place and date) against every later count at
that place, grouped by horizon like the backtest (lead 2 under 3 days, lead 10 under 14). With
three quantiles the weighted interval score is that of the median and the 80% central interval
(Bracher et al. 2021, K = 1); the baseline is persistence, the last count known when the
forecast was issued carried forward with the counts' own spread (`scoring.persistence`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hito.forecast.observations import Observations
from hito.forecast.pairs import HORIZONS, counts_by_place, horizon_of, scored
from hito.forecast.scoring import persistence, wis80

P10, P50, P90 = 1, 3, 5  # positions of the three levels in scoring.LEVELS


@dataclass(frozen=True)
class IssuedBand:
    """One issued forecast of a field count at one place: dates and their P10, P50, P90."""

    issued: dt.date
    place: str
    dates: tuple[dt.date, ...]
    p10: tuple[float | None, ...]
    p50: tuple[float | None, ...]
    p90: tuple[float | None, ...]

    def at(self, d: dt.date) -> tuple[float, float, float] | None:
        """The band on a date (None: the forecast does not reach it)."""
        try:
            i = self.dates.index(d)
        except ValueError:
            return None
        lo, mid, hi = self.p10[i], self.p50[i], self.p90[i]
        if lo is None or mid is None or hi is None:
            return None
        return lo, mid, hi


@dataclass(frozen=True)
class LivePair:
    """An issued forecast and a later count at its place."""

    issued: dt.date
    target: dt.date
    lead: int
    horizon: int
    place: str
    observed: float
    band: tuple[float, float, float]
    persistence: tuple[float, float, float]

    @property
    def covered(self) -> bool:
        """Whether the count lies inside the forecast's P10-P90."""
        return self.band[0] <= self.observed <= self.band[2]

    @property
    def wis(self) -> float:
        """The forecast's interval score (median and 80% interval)."""
        return wis80(self.observed, self.band)

    @property
    def wis_persistence(self) -> float:
        """The persistence forecast's interval score (median and 80% interval)."""
        return wis80(self.observed, self.persistence)


@dataclass
class Scorecard:
    """Every (issued forecast, later count) pair and their scores by horizon."""

    pairs: list[LivePair] = field(default_factory=list)
    issued: int = 0

    def by_horizon(self) -> list[dict[str, Any]]:
        """Per horizon with pairs: n, coverage of P10-P90, mean WIS, persistence's, the gain."""
        out = []
        for h in sorted({p.horizon for p in self.pairs}):
            ps = [p for p in self.pairs if p.horizon == h]
            w = sum(p.wis for p in ps) / len(ps)
            wp = sum(p.wis_persistence for p in ps) / len(ps)
            out.append(
                {
                    "horizon": h,
                    "n": len(ps),
                    "covered": sum(p.covered for p in ps),
                    "coverage_p10_p90": sum(p.covered for p in ps) / len(ps),
                    "wis": w,
                    "wis_persistence": wp,
                    # the share by which the forecast's WIS beats persistence's (None: both 0)
                    "improvement": (1 - w / wp) if wp > 0 else None,
                }
            )
        return out


def score_issued(
    bands: Sequence[IssuedBand],
    observations: Observations,
    horizons: Sequence[int] = HORIZONS,
) -> Scorecard:
    """Pair each issued band with the scored counts after its issue date at its place."""
    history = counts_by_place(observations)
    card = Scorecard(issued=len({b.issued for b in bands}))
    for b in bands:
        for o in observations.items:
            lead = (o.date - b.issued).days
            h = horizon_of(lead, horizons) if o.place == b.place and lead >= 1 else None
            band = b.at(o.date) if h is not None and scored(o) else None
            if h is None or band is None:
                continue
            q = persistence(history.get(o.place, []), b.issued, o.date)
            if q is None:  # no count known when the forecast was issued: nothing to carry
                continue
            kept = (float(q[P10]), float(q[P50]), float(q[P90]))
            y = float(o.point or 0.0)
            card.pairs.append(LivePair(b.issued, o.date, lead, h, o.place, y, band, kept))
    return card
