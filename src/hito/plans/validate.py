"""Check a plan's references: inside the plan, and against the scenario it is run on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

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


def _items(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """The mappings of a list field, skipping whatever is not a mapping (reported elsewhere)."""
    v = data.get(key)
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _int(v: Any, default: int) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def _window(a: Mapping[str, Any]) -> tuple[int, float]:
    lead = _int(a.get("lead_time_days"), 0)
    dur = a.get("duration_days")
    return lead, float("inf") if not isinstance(dur, int) else lead + dur


def internal_problems(data: Plan | Mapping[str, Any]) -> list[str]:
    """Duplicated ids, unknown triggers or agencies, contradictory actions: 'path: message'.

    Works on the raw mapping too, so these show up with field errors in one pass.
    """
    if not isinstance(data, Mapping):
        data = data.model_dump()
    agencies_, triggers_, actions = (_items(data, k) for k in ("agencies", "triggers", "actions"))
    out: list[str] = []
    for what, items in (("agencies", agencies_), ("triggers", triggers_), ("actions", actions)):
        for d in _dupes([str(x.get("id")) for x in items if "id" in x]):
            out.append(f"{what}: id {d!r} is used twice, expected unique ids")
    triggers = {str(t.get("id")) for t in triggers_}
    agencies = {str(a.get("id")) for a in agencies_}
    for i, a in enumerate(data.get("actions") or []):
        if not isinstance(a, dict):
            continue
        if "trigger" in a and a["trigger"] not in triggers:
            choices = ", ".join(sorted(triggers)) or "none defined"
            out.append(
                f"actions[{i}].trigger: unknown trigger {a['trigger']!r}, "
                f"expected one of: {choices}"
            )
        if "agency" in a and a["agency"] not in agencies:
            choices = ", ".join(sorted(agencies)) or "none defined"
            out.append(
                f"actions[{i}].agency: unknown agency {a['agency']!r}, expected one of: {choices}"
            )
    raw = data.get("actions") or []
    corridors = [
        (i, a) for i, a in enumerate(raw) if isinstance(a, dict) and a.get("type") == "corridor"
    ]
    for n, (i, a) in enumerate(corridors):
        for j, b in corridors[n + 1 :]:
            if a.get("route") != b.get("route"):
                continue
            (s1, e1), (s2, e2) = _window(a), _window(b)
            if a.get("trigger") == b.get("trigger") and (e1 <= s2 or e2 <= s1):
                continue  # the same trigger, one after the other: no overlap
            out.append(
                f"actions[{j}]: corridor {b.get('id')!r} and actions[{i}] corridor "
                f"{a.get('id')!r} both set the daily quota of route {b.get('route')!r} "
                f"({b.get('daily_quota')}/day vs {a.get('daily_quota')}/day) and can run on "
                "the same days; expected one corridor per route, or windows of the same "
                "trigger that do not overlap"
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
