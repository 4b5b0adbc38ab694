"""A scenario restarted on a date from the stranded people counted at its places."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from hito.errors import InputError, Problem
from hito.scenario.model import Population, Scenario
from hito.scenario.numbers import Num


def _group_shares(s: Scenario) -> dict[str, float]:
    """How stranded people split over groups: the undocumented groups' shares of the inflows."""
    undoc = [g.id for g in s.groups if not g.documented] or [g.id for g in s.groups]
    rate = {g: 0.0 for g in undoc}
    for f in s.inflows:
        if f.group in rate:
            rate[f.group] += f.per_day.value
    for p in s.population:
        if p.group in rate:
            rate[p.group] += p.people.value
    total = sum(rate.values())
    if total <= 0:
        return {g: 1.0 / len(undoc) for g in undoc}
    return {g: v / total for g, v in rate.items() if v > 0}


def from_observed(
    s: Scenario, as_of: dt.date, stranded: Mapping[str, float], days: int
) -> Scenario:
    """The scenario restarted on `as_of` for `days` days with the observed stranded counts.

    Counts at a place are split over the undocumented groups in proportion to their inflows
    and initial population (whole people, largest remainders); inflows, season, shocks and
    policies keep their calendar dates, so whatever is in force on `as_of` applies.
    """
    known = s.place_index()
    bad = sorted(set(stranded) - set(known))
    if bad:
        raise InputError(
            Problem(
                "observed places %(bad)s are not in scenario %(name)s; expected some of: %(known)s",
                bad=bad,
                name=repr(s.name),
                known=", ".join(sorted(known)),
            )
        )
    if days < 1:
        raise InputError(
            Problem("forecast horizon: got %(days)s days, expected at least 1", days=days)
        )
    shares = _group_shares(s)
    pop: list[Population] = []
    for place, count in stranded.items():
        n = int(round(count))
        exact = {g: n * w for g, w in shares.items()}
        whole = {g: int(v) for g, v in exact.items()}
        for g in sorted(exact, key=lambda g: whole[g] - exact[g])[: n - sum(whole.values())]:
            whole[g] += 1
        pop += [
            Population(place=place, group=g, people=Num(value=k), stranded=True, source="observed")
            for g, k in whole.items()
            if k > 0
        ]
    return s.model_copy(update={"start": as_of, "days": days, "population": pop})
