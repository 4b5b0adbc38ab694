"""What a forecast's people did after its as-of date: diverted, harmed, crossed, turned back.

Each is the number a cumulative state of the engine (`hito.ensemble.result.FINAL_STATES`)
gained from the end of the as-of day on, per run, summed over groups; the bands are the
P10, P50 and P90 over runs (`hito.ensemble.result.levels`), exact over every run. Where the
engine counts each one: people who diverted, at the place they left for an irregular route;
people who crossed a border, at the place they crossed into; the harmed, at the place where
the route's hazard is counted (the irregular crossing they came through, else the route's
end); people who turned back (readmitted, gave up and went back), at the place they left.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hito.engine.compile import STATES
from hito.ensemble.result import FINAL_STATES, levels
from hito.scenario.model import Scenario

OUTCOMES = ("diverted", "harmed", "crossed", "returned")  # in the order pages show them
HORIZONS = (7, 14, 28)  # days after the as-of date, where the forecast reaches that far
assert set(OUTCOMES) <= set(FINAL_STATES)


def _bands(gained: np.ndarray) -> dict[str, dict[str, float]]:
    """{outcome: {p10, p50, p90}} of [runs, outcome] numbers."""
    return {k: levels(gained[:, i]) for i, k in enumerate(OUTCOMES)}


def _some(bands: dict[str, dict[str, float]]) -> bool:
    return any(q["p90"] > 0 for q in bands.values())


def _by_kind(s: Scenario, gained: np.ndarray) -> dict[str, dict[str, dict[str, float]]]:
    """Per kind of place (border post, irregular crossing...); kinds with nothing left out."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for kind in dict.fromkeys(p.kind for p in s.places):
        mask = np.array([p.kind == kind for p in s.places])
        bands = _bands(gained[:, :, mask].sum(axis=2))
        if _some(bands):
            out[kind] = bands
    return out


def outcome_bands(s: Scenario, states: np.ndarray, after: int) -> dict[str, Any]:
    """The outcomes from the end of day `after` to the last day of [runs, days, S, P, G] states.

    Plain data (JSON): `after` and `until` (dates), `days` between them, `total`, `by_kind`
    and `by_place` ({outcome: {p10, p50, p90}}, each place with its `kind`; places and kinds
    where every P90 is 0 left out), and `by_day`: the total and per kind 7, 14 and 28 days
    after the as-of date, those the forecast reaches.
    """
    last = states.shape[1] - 1
    if not 0 <= after <= last:
        raise ValueError(f"day {after} is outside the {last + 1} days of the forecast")
    steps = [k for k in HORIZONS if after + k <= last]
    days = [after, *(after + k for k in steps), last]
    rows = [STATES.index(k) for k in OUTCOMES]
    # [runs, len(days), outcome, place]: only the days read, groups summed
    x = states[:, days][:, :, rows].sum(axis=4).astype(float)
    gained = x[:, 1:] - x[:, :1]
    end = gained[:, -1]  # [runs, outcome, place]
    by_place = {}
    for i, p in enumerate(s.places):
        bands = _bands(end[:, :, i])
        if _some(bands):
            by_place[p.id] = {"kind": p.kind, **bands}
    return {
        "after": s.date_of(after).isoformat(),
        "until": s.date_of(last).isoformat(),
        "days": last - after,
        "total": _bands(end.sum(axis=2)),
        "by_kind": _by_kind(s, end),
        "by_place": by_place,
        "by_day": [
            {
                "days": k,
                "date": s.date_of(after + k).isoformat(),
                "total": _bands(gained[:, j].sum(axis=2)),
                "by_kind": _by_kind(s, gained[:, j]),
            }
            for j, k in enumerate(steps)
        ],
    }
