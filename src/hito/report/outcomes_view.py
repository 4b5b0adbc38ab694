"""A stored forecast's outcomes (diverted, harmed, crossed, turned back) as pages show them.

The outcomes are `hito.forecast.outcomes.outcome_bands`, kept under `outcomes` in the
service's forecast result; a forecast made before hito kept them has none, and every view
says so instead of showing zeros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hito import i18n, names
from hito.forecast.outcomes import OUTCOMES
from hito.report.labels import place_name
from hito.report.run_report import calibration_line
from hito.scenario.load import builtin_names
from hito.scenario.load import load as load_scenario

Band = dict[str, float]  # {p10, p50, p90}


@dataclass(frozen=True)
class Row:
    """One row of an outcomes table: a place (or all), its kind's name, a band per outcome."""

    name: str
    kind: str  # '' for all places
    bands: dict[str, Band]


@dataclass(frozen=True)
class Horizon:
    """The totals some days after the as-of date."""

    days: int
    date: dt.date
    bands: dict[str, Band]


@dataclass(frozen=True)
class View:
    """A forecast's outcomes ready for a page: from, to, per place, and at 7, 14, 28 days."""

    first: dt.date  # the first day counted (the day after the as-of date)
    until: dt.date
    caveat: str
    places: list[Row]
    total: Row
    by_day: list[Horizon]  # the totals 7, 14 and 28 days on, those the forecast reaches


def stored(forecast: dict[str, Any] | None) -> dict[str, Any] | None:
    """The forecast's outcomes, or None when it was made before hito kept them."""
    got = (forecast or {}).get("outcomes")
    return got if isinstance(got, dict) and isinstance(got.get("total"), dict) else None


def not_computed(lang: str) -> str:
    """What pages say for a forecast without outcomes."""
    return i18n.translations(lang).gettext(
        "Diversions, harm, crossings and returns were not computed for this forecast: it was "
        "made before hito kept them. A new forecast has them."
    )


def caveat(forecast: dict[str, Any], lang: str) -> str:
    """Whether the forecast is calibrated on field counts (the run report's caveat)."""
    cal = forecast.get("calibrated")
    counted = isinstance(cal, dict) and cal.get("counts", 0) > 0
    made = forecast.get("as_of")
    if isinstance(made, str):
        made = dt.date.fromisoformat(made)
    return calibration_line(made if counted else None, lang, service=True)


def _namer(scenario: str | None, lang: str) -> Any:
    """Place id -> its name in the language (the id for a scenario hito does not ship)."""
    if scenario in builtin_names():
        s = load_scenario(str(scenario))
        return lambda pid: place_name(s, pid, lang)
    return lambda pid: pid


def view(forecast: dict[str, Any] | None, lang: str) -> View | None:
    """The outcomes of a stored forecast (None: not computed for it)."""
    out = stored(forecast)
    if forecast is None or out is None:
        return None
    _ = i18n.translations(lang).gettext
    kinds = names.place_kinds(_)
    name = _namer(forecast.get("scenario"), lang)
    places = [
        Row(name(pid), kinds.get(q.get("kind", ""), q.get("kind", "")), _bands(q))
        for pid, q in (out.get("by_place") or {}).items()
    ]
    by_day = [
        Horizon(d["days"], dt.date.fromisoformat(d["date"]), _bands(d["total"]))
        for d in out.get("by_day") or []
    ]
    return View(
        first=dt.date.fromisoformat(out["after"]) + dt.timedelta(days=1),
        until=dt.date.fromisoformat(out["until"]),
        caveat=caveat(forecast, lang),
        places=places,
        total=Row(_("All sites"), "", _bands(out["total"])),
        by_day=by_day,
    )


def _bands(q: dict[str, Any]) -> dict[str, Band]:
    zero = {"p10": 0.0, "p50": 0.0, "p90": 0.0}
    return {k: q.get(k, zero) for k in OUTCOMES}


def lines(forecast: dict[str, Any] | None, lang: str) -> list[str]:
    """The situation report's lines: the people diverted and harmed, with bands and caveat."""
    v = view(forecast, lang)
    if v is None:
        return [not_computed(lang)]
    _ = i18n.translations(lang).gettext
    what = names.final_states(_)
    out = []
    for k in ("diverted", "harmed"):
        q = v.total.bands[k]
        out.append(
            _("%(what)s from %(a)s to %(b)s (forecast): %(mid)s, P10–P90 %(low)s–%(high)s.")
            % {
                "what": what[k],
                "a": i18n.date(v.first, lang),
                "b": i18n.date(v.until, lang),
                "mid": i18n.number(q["p50"], lang),
                "low": i18n.number(q["p10"], lang),
                "high": i18n.number(q["p90"], lang),
            }
        )
    return [*out, v.caveat]
