"""Check a plan's references: inside the plan, and against the scenario it is run on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from hito.scenario.model import Scenario

if TYPE_CHECKING:
    from hito.plans.model import Plan


def _dupes(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    out = set()
    for i in ids:
        if i in seen:
            out.add(i)
        seen.add(i)
    return sorted(out)


def _window(a: object) -> tuple[int, float]:
    lead = a.lead_time_days  # type: ignore[attr-defined]
    dur = a.duration_days  # type: ignore[attr-defined]
    return lead, float("inf") if dur is None else lead + dur


def internal_problems(plan: Plan) -> list[str]:
    """Duplicated ids, unknown triggers or agencies, contradictory actions: 'path: message'."""
    out: list[str] = []
    for what, ids in (
        ("agencies", [a.id for a in plan.agencies]),
        ("triggers", [t.id for t in plan.triggers]),
        ("actions", [a.id for a in plan.actions]),
    ):
        for d in _dupes(ids):
            out.append(f"{what}: id {d!r} is used twice, expected unique ids")
    triggers = {t.id for t in plan.triggers}
    agencies = {a.id for a in plan.agencies}
    for i, a in enumerate(plan.actions):
        if a.trigger not in triggers:
            choices = ", ".join(sorted(triggers)) or "none defined"
            out.append(
                f"actions[{i}].trigger: unknown trigger {a.trigger!r}, expected one of: {choices}"
            )
        if a.agency not in agencies:
            choices = ", ".join(sorted(agencies)) or "none defined"
            out.append(
                f"actions[{i}].agency: unknown agency {a.agency!r}, expected one of: {choices}"
            )
    corridors = [(i, a) for i, a in enumerate(plan.actions) if a.type == "corridor"]
    for n, (i, a) in enumerate(corridors):
        for j, b in corridors[n + 1 :]:
            if a.route != b.route:
                continue
            (s1, e1), (s2, e2) = _window(a), _window(b)
            if a.trigger == b.trigger and (e1 <= s2 or e2 <= s1):
                continue  # the same trigger, one after the other: no overlap
            out.append(
                f"actions[{j}]: corridor {b.id!r} and actions[{i}] corridor {a.id!r} both set "
                f"the daily quota of route {b.route!r} ({b.daily_quota}/day vs "
                f"{a.daily_quota}/day) and can run on the same days; expected one corridor "
                "per route, or windows of the same trigger that do not overlap"
            )
    return out


def scenario_problems(plan: Plan, s: Scenario) -> list[str]:
    """Places, routes and kinds the scenario does not have, as 'path: message' strings."""
    out: list[str] = []
    kinds = {p.id: p.kind for p in s.places}
    rkind = {r.id: r.kind for r in s.routes}

    def need(path: str, value: str, known: Mapping[str, str], what: str) -> bool:
        if value in known:
            return True
        choices = ", ".join(sorted(known)) or "none defined"
        out.append(
            f"{path}: unknown {what} {value!r} in scenario {s.name!r}, expected one of: {choices}"
        )
        return False

    for site, place in plan.sites.items():
        need(f"sites.{site}", place, kinds, "place")
    for i, t in enumerate(plan.triggers):
        for j, q in enumerate(t.places):
            if not need(f"triggers[{i}].places[{j}]", q, kinds, "place"):
                continue
            if t.indicator == "shelter_occupancy" and kinds[q] != "shelter":
                out.append(
                    f"triggers[{i}].places[{j}]: shelter_occupancy needs shelters, "
                    f"got {q!r} of kind {kinds[q]!r}"
                )
        if t.indicator == "arrivals" and t.places:
            out.append(
                f"triggers[{i}].places: arrivals count new arrivals at every origin of the "
                f"scenario, got places {t.places}; expected no places"
            )
        if (
            t.indicator == "shelter_occupancy"
            and not t.places
            and not any(p.kind == "shelter" and p.capacity is not None for p in s.places)
        ):
            out.append(
                f"triggers[{i}]: shelter_occupancy needs a shelter with a capacity, "
                f"scenario {s.name!r} has none"
            )
    for i, a in enumerate(plan.actions):
        base = f"actions[{i}]"
        if a.type == "corridor":
            if need(f"{base}.route", a.route, rkind, "route") and rkind[a.route] == "flight":
                out.append(f"{base}.route: a corridor needs a road route, {a.route!r} is a flight")
        elif a.type == "return_flights":
            if need(f"{base}.route", a.route, rkind, "route") and rkind[a.route] != "flight":
                out.append(
                    f"{base}.route: return flights need a flight route, "
                    f"{a.route!r} is a {rkind[a.route]} route"
                )
            for j, q in enumerate(a.pickup):
                need(f"{base}.pickup[{j}]", q, kinds, "place")
        elif a.type == "shelter_places":
            if need(f"{base}.place", a.place, kinds, "place") and kinds[a.place] != "shelter":
                out.append(
                    f"{base}.place: shelter places go to a shelter, "
                    f"{a.place!r} is a {kinds[a.place]}"
                )
        elif a.type == "health_team":
            for j, r in enumerate(a.routes):
                if need(f"{base}.routes[{j}]", r, rkind, "route") and rkind[r] != "irregular":
                    out.append(
                        f"{base}.routes[{j}]: a health or water team lowers harm on irregular "
                        f"routes, {r!r} is a {rkind[r]} route"
                    )
        elif a.type == "reopen":
            for j, r in enumerate(a.routes):
                need(f"{base}.routes[{j}]", r, rkind, "route")
    return out
