"""Check a plan's references: inside the plan, and against the scenario it is run on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hito.errors import N_, Problem
from hito.scenario.model import Scenario

if TYPE_CHECKING:
    from hito.plans.model import Plan, Trigger

NONE = Problem("none defined")  # no id to choose from
# an id the plan, or the scenario it runs on, does not have
UNKNOWN = {
    "trigger": N_("%(path)s: unknown trigger %(value)s, expected one of: %(choices)s"),
    "agency": N_("%(path)s: unknown agency %(value)s, expected one of: %(choices)s"),
}
NOT_IN_SCENARIO = {
    "place": N_(
        "%(path)s: unknown place %(value)s in scenario %(name)s, expected one of: %(choices)s"
    ),
    "route": N_(
        "%(path)s: unknown route %(value)s in scenario %(name)s, expected one of: %(choices)s"
    ),
}


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


def internal_problems(data: Plan | Mapping[str, Any]) -> list[Problem]:
    """Duplicated ids, unknown triggers or agencies, contradictory actions: 'path: message'.

    Works on the raw mapping too, so these show up with field errors in one pass.
    """
    if not isinstance(data, Mapping):
        data = data.model_dump()
    agencies_, triggers_, actions = (_items(data, k) for k in ("agencies", "triggers", "actions"))
    out: list[Problem] = []
    for what, items in (("agencies", agencies_), ("triggers", triggers_), ("actions", actions)):
        for d in _dupes([str(x.get("id")) for x in items if "id" in x]):
            out.append(
                Problem(
                    "%(path)s: id %(id)s is used twice, expected unique ids", path=what, id=repr(d)
                )
            )
    known = {
        "trigger": {str(t.get("id")) for t in triggers_},
        "agency": {str(a.get("id")) for a in agencies_},
    }
    raw = data.get("actions") or []
    for i, a in enumerate(raw):
        for what, ids in known.items():
            if isinstance(a, dict) and what in a and a[what] not in ids:
                out.append(
                    Problem(
                        UNKNOWN[what],
                        path=f"actions[{i}].{what}",
                        value=repr(a[what]),
                        choices=", ".join(sorted(ids)) or NONE,
                    )
                )
    return out + _corridor_overlaps(raw)


def _corridor_overlaps(raw: list[Any]) -> list[Problem]:
    """Two corridors on one route that can run on the same days (their quotas would clash)."""
    out: list[Problem] = []
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
                Problem(
                    "%(path)s: corridor %(id)s and actions[%(i)s] corridor %(other)s both set "
                    "the daily quota of route %(route)s (%(quota)s/day vs %(other_quota)s/day) and "
                    "can run on the same days; expected one corridor per route, or windows of the "
                    "same trigger that do not overlap",
                    path=f"actions[{j}]",
                    id=repr(b.get("id")),
                    i=i,
                    other=repr(a.get("id")),
                    route=repr(b.get("route")),
                    quota=b.get("daily_quota"),
                    other_quota=a.get("daily_quota"),
                )
            )
    return out


class _Against:
    """A plan checked against a scenario's places and routes; the problems found so far."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.out: list[Problem] = []
        self.kinds = {p.id: p.kind for p in s.places}
        self.rkind = {r.id: r.kind for r in s.routes}

    def need(self, path: str, value: str, known: Mapping[str, str], what: str) -> bool:
        """True when the scenario has `value`; else a problem naming what it has."""
        if value in known:
            return True
        self.out.append(
            Problem(
                NOT_IN_SCENARIO[what],
                path=path,
                value=repr(value),
                name=repr(self.s.name),
                choices=", ".join(sorted(known)) or NONE,
            )
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
                    Problem(
                        "%(path)s: shelter_occupancy needs shelters, got %(place)s of kind "
                        "%(kind)s",
                        path=f"triggers[{i}].places[{j}]",
                        place=repr(q),
                        kind=repr(kind),
                    )
                )
        if t.indicator == "arrivals" and t.places:
            self.out.append(
                Problem(
                    "%(path)s: arrivals count new arrivals at every origin of the scenario, got "
                    "places %(places)s; expected no places",
                    path=f"triggers[{i}].places",
                    places=t.places,
                )
            )
        sheltered = any(p.kind == "shelter" and p.capacity is not None for p in self.s.places)
        if t.indicator == "shelter_occupancy" and not t.places and not sheltered:
            self.out.append(
                Problem(
                    "%(path)s: shelter_occupancy needs a shelter with a capacity, scenario "
                    "%(name)s has none",
                    path=f"triggers[{i}]",
                    name=repr(self.s.name),
                )
            )

    def action(self, i: int, a: Any) -> None:
        """The places and routes of an action, of the kinds its type needs."""
        check = getattr(self, f"_{a.type}", None)
        if check is not None:
            check(f"actions[{i}]", a)

    def _corridor(self, base: str, a: Any) -> None:
        kind = self.route(f"{base}.route", a.route)
        if kind == "flight":
            self.out.append(
                Problem(
                    "%(path)s: a corridor needs a road route, %(route)s is a flight",
                    path=f"{base}.route",
                    route=repr(a.route),
                )
            )
        elif kind == "irregular":  # a quota let through a post, never a smugglers' path
            self.out.append(
                Problem(
                    "%(path)s: a corridor needs a road route through a post, %(route)s is an "
                    "irregular route",
                    path=f"{base}.route",
                    route=repr(a.route),
                )
            )

    def _return_flights(self, base: str, a: Any) -> None:
        kind = self.route(f"{base}.route", a.route)
        if kind is not None and kind != "flight":
            self.out.append(
                Problem(
                    "%(path)s: return flights need a flight route, %(route)s is a %(kind)s route",
                    path=f"{base}.route",
                    route=repr(a.route),
                    kind=kind,
                )
            )
        for j, q in enumerate(a.pickup):
            self.place(f"{base}.pickup[{j}]", q)

    def _shelter_places(self, base: str, a: Any) -> None:
        kind = self.place(f"{base}.place", a.place)
        if kind is not None and kind != "shelter":
            self.out.append(
                Problem(
                    "%(path)s: shelter places go to a shelter, %(place)s is a %(kind)s",
                    path=f"{base}.place",
                    place=repr(a.place),
                    kind=kind,
                )
            )

    def _health_team(self, base: str, a: Any) -> None:
        for j, r in enumerate(a.routes):
            kind = self.route(f"{base}.routes[{j}]", r)
            if kind is not None and kind != "irregular":
                self.out.append(
                    Problem(
                        "%(path)s: a health or water team lowers harm on irregular routes, "
                        "%(route)s is a %(kind)s route",
                        path=f"{base}.routes[{j}]",
                        route=repr(r),
                        kind=kind,
                    )
                )

    def _reopen(self, base: str, a: Any) -> None:
        for j, r in enumerate(a.routes):
            self.route(f"{base}.routes[{j}]", r)


def scenario_problems(plan: Plan, s: Scenario) -> list[Problem]:
    """Places, routes and kinds the scenario does not have, as 'path: message' strings."""
    check = _Against(s)
    for site, place in plan.sites.items():
        check.place(f"sites.{site}", place)
    for i, t in enumerate(plan.triggers):
        check.trigger(i, t)
    for i, a in enumerate(plan.actions):
        check.action(i, a)
    return check.out
