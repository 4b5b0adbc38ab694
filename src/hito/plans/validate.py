"""Check a plan's references: inside the plan, and against the scenario it is run on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hito.scenario.model import Scenario

if TYPE_CHECKING:
    from hito.plans.model import Plan, Trigger


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
    known = {
        "trigger": {str(t.get("id")) for t in triggers_},
        "agency": {str(a.get("id")) for a in agencies_},
    }
    raw = data.get("actions") or []
    for i, a in enumerate(raw):
        for what, ids in known.items():
            if isinstance(a, dict) and what in a and a[what] not in ids:
                choices = ", ".join(sorted(ids)) or "none defined"
                out.append(
                    f"actions[{i}].{what}: unknown {what} {a[what]!r}, expected one of: {choices}"
                )
    return out + _corridor_overlaps(raw)


def _corridor_overlaps(raw: list[Any]) -> list[str]:
    """Two corridors on one route that can run on the same days (their quotas would clash)."""
    out = []
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


class _Against:
    """A plan checked against a scenario's places and routes; the problems found so far."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.out: list[str] = []
        self.kinds = {p.id: p.kind for p in s.places}
        self.rkind = {r.id: r.kind for r in s.routes}

    def need(self, path: str, value: str, known: Mapping[str, str], what: str) -> bool:
        """True when the scenario has `value`; else a problem naming what it has."""
        if value in known:
            return True
        choices = ", ".join(sorted(known)) or "none defined"
        self.out.append(
            f"{path}: unknown {what} {value!r} in scenario {self.s.name!r}, "
            f"expected one of: {choices}"
        )
        return False

    def place(self, path: str, value: str) -> str | None:
        """The kind of a place of the scenario (None, and a problem, when it has no such place)."""
        return self.kinds[value] if self.need(path, value, self.kinds, "place") else None

    def route(self, path: str, value: str) -> str | None:
        """The kind of a route of the scenario (None, and a problem, when it has no such route)."""
        return self.rkind[value] if self.need(path, value, self.rkind, "route") else None

    def trigger(self, i: int, t: Trigger) -> None:
        """A trigger's places exist; occupancy of shelters; arrivals of no place in particular."""
        for j, q in enumerate(t.places):
            kind = self.place(f"triggers[{i}].places[{j}]", q)
            if kind is not None and t.indicator == "shelter_occupancy" and kind != "shelter":
                self.out.append(
                    f"triggers[{i}].places[{j}]: shelter_occupancy needs shelters, "
                    f"got {q!r} of kind {kind!r}"
                )
        if t.indicator == "arrivals" and t.places:
            self.out.append(
                f"triggers[{i}].places: arrivals count new arrivals at every origin of the "
                f"scenario, got places {t.places}; expected no places"
            )
        sheltered = any(p.kind == "shelter" and p.capacity is not None for p in self.s.places)
        if t.indicator == "shelter_occupancy" and not t.places and not sheltered:
            self.out.append(
                f"triggers[{i}]: shelter_occupancy needs a shelter with a capacity, "
                f"scenario {self.s.name!r} has none"
            )

    def action(self, i: int, a: Any) -> None:
        """The places and routes of an action, of the kinds its type needs."""
        check = getattr(self, f"_{a.type}", None)
        if check is not None:
            check(f"actions[{i}]", a)

    def _corridor(self, base: str, a: Any) -> None:
        if self.route(f"{base}.route", a.route) == "flight":
            self.out.append(f"{base}.route: a corridor needs a road route, {a.route!r} is a flight")

    def _return_flights(self, base: str, a: Any) -> None:
        kind = self.route(f"{base}.route", a.route)
        if kind is not None and kind != "flight":
            self.out.append(
                f"{base}.route: return flights need a flight route, {a.route!r} is a {kind} route"
            )
        for j, q in enumerate(a.pickup):
            self.place(f"{base}.pickup[{j}]", q)

    def _shelter_places(self, base: str, a: Any) -> None:
        kind = self.place(f"{base}.place", a.place)
        if kind is not None and kind != "shelter":
            self.out.append(
                f"{base}.place: shelter places go to a shelter, {a.place!r} is a {kind}"
            )

    def _health_team(self, base: str, a: Any) -> None:
        for j, r in enumerate(a.routes):
            kind = self.route(f"{base}.routes[{j}]", r)
            if kind is not None and kind != "irregular":
                self.out.append(
                    f"{base}.routes[{j}]: a health or water team lowers harm on irregular "
                    f"routes, {r!r} is a {kind} route"
                )

    def _reopen(self, base: str, a: Any) -> None:
        for j, r in enumerate(a.routes):
            self.route(f"{base}.routes[{j}]", r)


def scenario_problems(plan: Plan, s: Scenario) -> list[str]:
    """Places, routes and kinds the scenario does not have, as 'path: message' strings."""
    check = _Against(s)
    for site, place in plan.sites.items():
        check.place(f"sites.{site}", place)
    for i, t in enumerate(plan.triggers):
        check.trigger(i, t)
    for i, a in enumerate(plan.actions):
        check.action(i, a)
    return check.out
