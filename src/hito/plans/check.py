"""Live check of a plan on field observations (HXL-tagged CSV), forecasting where triggers ask.

Observations are read by `hito.plans.observed` (HXL-tagged rows of dated counts per site).
A reported range maps to one number by `range_as`: "mid" (default) is the midpoint, "low"
the lower and "high" the upper end; a range open on one side ("more than 100") is its given
end. Several reports for one site and date: the largest counts (they describe one crowd).
Sites map to places through the plan's `sites`, then through the names the
scenario knows (ids, names, titles, aliases; accents and case aside); a site that is not
mapped is left out (and said so). A site's count stands for later days until a newer one, for
at most `carry_days` days; a trigger's value on a day is the sum over its places that have a
value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from hito.domain import site_day
from hito.engine.compile import Compiled
from hito.engine.run import RunResult, simulate
from hito.ensemble.executors import SerialExecutor
from hito.ensemble.run import run_ensemble
from hito.ensemble.spec import EnsembleSpec
from hito.errors import InputError, Problem
from hito.forecast.observations import SiteMap
from hito.needs import need_gap
from hito.plans.indicators import selector, value_on
from hito.plans.model import Plan, Trigger
from hito.plans.notes import STALE, UNMAPPED, Note
from hito.plans.observed import Observation, RangeAs
from hito.plans.status import CARRY_DAYS, TriggerStatus, daily, evaluate
from hito.scenario.model import Scenario
from hito.scenario.observed import from_observed


def place_series(
    plan: Plan,
    observations: Sequence[Observation],
    indicator: str,
    range_as: RangeAs,
    names: SiteMap | None = None,
    countries: Mapping[str, str] | None = None,
) -> tuple[dict[str, dict[dt.date, float]], list[Note]]:
    """Per place {date: value} of one indicator (largest report per site and day), and notes.

    A site is the plan's (`sites`), else one the scenario knows by name (`names`: a place's
    id, name, titles and aliases, as `hito calibrate` matches them); a name the scenario lists
    as no count of a place is left out without a note. A time written with its UTC offset
    counts on the local day at its place (`countries`: each place's country; without it, the
    day as written), as the service dates a report.
    """
    by_place: dict[str, dict[dt.date, float]] = {}
    skipped: set[str] = set()
    for ob in observations:
        if ob.indicator != indicator:
            continue
        place = plan.sites.get(ob.site)
        if place is None and names is not None and names.knows(ob.site):
            place = names.place(ob.site)
            if place is None:
                continue
        if place is None:
            skipped.add(ob.site)
            continue
        days = by_place.setdefault(place, {})
        country = (countries or {}).get(place)
        day = site_day(country, ob.at) if ob.at is not None and country else ob.date
        days[day] = max(days.get(day, -math.inf), ob.value(range_as))
    notes = [
        Note.of(
            UNMAPPED,
            indicator=indicator,
            site=repr(site),
            plan=repr(plan.name),
            # the places by id: the site names as written in observation files are data,
            # often in English, and several name one place
            places=tuple(sorted(set(plan.sites.values()))),
        )
        for site in sorted(skipped)
    ]
    return by_place, notes


def trigger_series(
    trigger: Trigger,
    by_place: Mapping[str, Mapping[dt.date, float]],
    as_of: dt.date,
    carry_days: int = CARRY_DAYS,
) -> dict[dt.date, float]:
    """Daily values of a trigger's indicator: carried counts summed over its places."""
    places = trigger.places or list(by_place)
    filled = [daily(by_place.get(p, {}), as_of, carry_days) for p in places]
    dates = sorted(set().union(*filled)) if filled else []
    return {d: sum(f[d] for f in filled if d in f) for d in dates}


def need_gap_series(
    trigger: Trigger,
    stranded: Mapping[str, Mapping[dt.date, float]],
    free_places: Mapping[str, Mapping[dt.date, float]],
    as_of: dt.date,
    carry_days: int = CARRY_DAYS,
) -> dict[dt.date, float]:
    """need_gap per day: stranded at the trigger's places beyond every shelter's free places."""
    people = trigger_series(trigger, stranded, as_of, carry_days)
    everywhere = trigger.model_copy(update={"places": []})
    free = trigger_series(everywhere, free_places, as_of, carry_days)
    return {d: need_gap(v, free.get(d, 0.0)) for d, v in people.items()}


@dataclass(frozen=True)
class IndicatorAtEnd:
    """Per-run model of a forecast: a plain run, and the trigger's indicator on its last day."""

    trigger: Trigger

    def __call__(
        self, scenario: Scenario, compiled: Compiled, seed: np.random.SeedSequence
    ) -> tuple[RunResult, dict[str, float]]:
        """Run once; report the indicator at the horizon as the extra `value`."""
        r = simulate(compiled, seed)
        sel = selector(self.trigger, compiled)
        last = r.states.shape[0] - 1
        return r, {"value": value_on(sel, r.states, r.arrivals, compiled.capacity, last)}


def forecast_series(
    s: Scenario,
    trigger: Trigger,
    stranded_by_place: Mapping[str, Mapping[dt.date, float]],
    dates: Sequence[dt.date],
    runs: int,
    seed: int,
    carry_days: int = CARRY_DAYS,
) -> dict[dt.date, float]:
    """For each date: the P50/P90 over `runs` futures started from that day's observed state.

    Each date is an ensemble (`run_ensemble`, here, one run after another) of the scenario
    restarted from the counts, with its uncertain numbers drawn per run.
    """
    q = 0.5 if trigger.quantile == "p50" else 0.9
    known = s.place_index()
    out: dict[dt.date, float] = {}
    for d in dates:
        state: dict[str, float] = {}
        for p, v in stranded_by_place.items():
            now = daily(v, d, carry_days).get(d)
            if p in known and now is not None:
                state[p] = now
        if not state:
            continue
        spec = EnsembleSpec(
            from_observed(s, d, state, trigger.horizon_days),
            seed=seed,
            runs=runs,
            runner=IndicatorAtEnd(trigger),
        )
        ens = run_ensemble(spec, executor=SerialExecutor())
        out[d] = float(np.quantile(ens.scalars["extra.value"], q))
    return out


@dataclass(frozen=True)
class CheckReport:
    """A plan checked on a date: each trigger's status, the scenario used, and notes."""

    plan: str
    title: str
    as_of: dt.date
    scenario: str | None
    statuses: list[TriggerStatus]
    remarks: list[Note] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        """The remarks in English, as the JSON of a check holds them."""
        return [str(n) for n in self.remarks]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready mapping."""
        return {
            "plan": self.plan,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "scenario": self.scenario,
            "triggers": [st.to_json() for st in self.statuses],
            "notes": self.notes,
        }


def _observed_status(
    plan: Plan,
    t: Trigger,
    cache: dict[str, dict[str, dict[dt.date, float]]],
    as_of: dt.date,
    carry_days: int,
) -> TriggerStatus:
    """An observed trigger's status on `as_of`, dated by the newest report it read."""
    if t.indicator == "need_gap":
        values = need_gap_series(t, cache["stranded"], cache["free_places"], as_of, carry_days)
    else:
        values = trigger_series(t, cache[t.indicator], as_of, carry_days)
    st = evaluate(plan, t, values, as_of, carry_days=0)
    seen = [
        d
        for p, v in cache[t.indicator].items()
        if not t.places or p in t.places
        for d in v
        if d <= as_of
    ]
    if seen and st.value_date is not None:
        st = replace(st, value_date=max(seen))  # the report's date, not a carried day
    if st.remark is not None and st.remark.message == STALE and seen:
        # the series came carried already (carry 0 above): say the report's date and the carry
        stale = Note.of(STALE, date=as_of, latest=max(seen), days=carry_days)
        st = replace(st, remark=stale, note=str(stale))
    return st


def check(
    plan: Plan,
    observations: Sequence[Observation],
    as_of: dt.date,
    scenario: Scenario | None = None,
    range_as: RangeAs = "mid",
    runs: int = 20,
    seed: int = 0,
    carry_days: int = CARRY_DAYS,
    names: SiteMap | None = None,
) -> CheckReport:
    """Status of every trigger on `as_of`; forecast triggers run `scenario` from the counts.

    Sites the plan does not map are matched by `names` (default: the scenario's, if given).
    """
    if names is None and scenario is not None:
        names = SiteMap(scenario.observed_sites())
    countries = {p.id: p.country for p in scenario.places} if scenario is not None else None
    notes: list[Note] = []
    statuses = []
    cache: dict[str, dict[str, dict[dt.date, float]]] = {}
    for t in plan.triggers:
        for ind in ("stranded", "free_places") if t.indicator == "need_gap" else (t.indicator,):
            if ind not in cache:
                cache[ind], more = place_series(plan, observations, ind, range_as, names, countries)
                notes += more
        if t.indicator == "need_gap":
            cache["need_gap"] = cache["stranded"]
        if t.source == "observed":
            statuses.append(_observed_status(plan, t, cache, as_of, carry_days))
            continue
        if scenario is None:
            raise InputError(
                Problem(
                    "trigger %(id)s of plan %(name)s is a forecast: expected a scenario to run "
                    "(the scenario argument, or `scenario:` in the plan)",
                    id=repr(t.id),
                    name=repr(plan.name),
                )
            )
        if "stranded" not in cache:
            cache["stranded"], more = place_series(
                plan, observations, "stranded", range_as, names, countries
            )
            notes += more
        span = t.window_days + (t.end.window_days if t.end else 0) + t.cooldown_days
        dates = [as_of - dt.timedelta(days=k) for k in range(span, -1, -1)]
        values = forecast_series(scenario, t, cache["stranded"], dates, runs, seed, carry_days)
        statuses.append(evaluate(plan, t, values, as_of, carry_days=0))
    return CheckReport(
        plan.name,
        plan.title or plan.name,
        as_of,
        scenario.name
        if scenario is not None and any(t.source == "forecast" for t in plan.triggers)
        else None,
        statuses,
        sorted(set(notes), key=str),
    )
