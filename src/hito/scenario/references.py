"""Cross-references of a scenario (ids of places, routes, groups) checked on raw file data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hito.errors import N_, Problem, Said

NONE = Problem("none defined")  # no id to choose from
# a reference to an id no place, group or route of the scenario has
UNKNOWN = {
    "place": N_("%(path)s: unknown place %(value)s, expected one of: %(choices)s"),
    "group": N_("%(path)s: unknown group %(value)s, expected one of: %(choices)s"),
    "route": N_("%(path)s: unknown route %(value)s, expected one of: %(choices)s"),
}


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _date(v: Any) -> dt.date | None:
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        return None


def _text_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


# the ids a policy names: (its type, or None for any type; the key; a list?; route or place)
POLICY_REFERENCES: tuple[tuple[str | None, str, bool, str], ...] = (
    (None, "routes", True, "route"),
    (None, "near", True, "place"),
    (None, "pickup", True, "place"),
    ("corridor", "route", False, "route"),
    ("return_flights", "route", False, "route"),
    ("readmit", "places", True, "place"),
    ("clearances", "places", True, "place"),
    ("transfer", "from", True, "place"),
    ("transfer", "to", False, "place"),
    ("shelter_capacity", "place", False, "place"),
)


class _Check:
    """The ids a scenario defines, and the problems found so far."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.out: list[Problem] = []
        places = _items(data, "places")
        self.known = {
            "place": {p.get("id") for _, p in places},
            "group": {g.get("id") for _, g in _items(data, "groups")},
            "route": {r.get("id") for _, r in _items(data, "routes")},
        }
        self.kinds = {p.get("id"): p.get("kind") for _, p in places}

    def need(self, path: str, value: Any, what: str) -> None:
        """A problem when `value` is given but names no defined `what` (place, group, route)."""
        known = self.known[what]
        if value is not None and value not in known:
            choices: Said = ", ".join(sorted(str(k) for k in known if k is not None))
            self.out.append(
                Problem(UNKNOWN[what], path=path, value=repr(value), choices=choices or NONE)
            )

    def need_all(self, path: str, values: Any, what: str) -> None:
        """`need` for each item of a list."""
        for j, v in enumerate(_text_list(values)):
            self.need(f"{path}[{j}]", v, what)

    def unique_ids(self) -> None:
        """Each id of places, routes and groups used once."""
        for what in ("places", "routes", "groups"):
            seen: set[Any] = set()
            for i, item in _items(self.data, what):
                rid = item.get("id")
                if rid in seen:
                    self.out.append(
                        Problem(
                            "%(path)s: %(id)s is used twice, expected unique ids",
                            path=f"{what}[{i}].id",
                            id=repr(rid),
                        )
                    )
                seen.add(rid)

    def places(self) -> None:
        """Where people turn back to; which places a shelter serves (shelters only)."""
        for i, p in _items(self.data, "places"):
            self.need(f"places[{i}].back_to", p.get("back_to"), "place")
            self.need_all(f"places[{i}].serves", p.get("serves"), "place")
            if _text_list(p.get("serves")) and p.get("kind") != "shelter":
                kind = p.get("kind")
                self.out.append(
                    Problem(
                        "%(path)s: only shelters serve places, got %(kind)s",
                        path=f"places[{i}].serves",
                        kind=repr(kind),
                    )
                )

    def routes(self) -> None:
        """Both ends defined, not the same place, never leaving an exit."""
        for i, r in _items(self.data, "routes"):
            a, z = r.get("from"), r.get("to")
            self.need(f"routes[{i}].from", a, "place")
            self.need(f"routes[{i}].to", z, "place")
            if a is not None and a == z:
                self.out.append(
                    Problem(
                        "%(path)s: route %(id)s goes from %(place)s to itself",
                        path=f"routes[{i}].to",
                        id=repr(r.get("id")),
                        place=repr(a),
                    )
                )
            if self.kinds.get(a) == "exit":
                self.out.append(
                    Problem(
                        "%(path)s: exit %(place)s is a sink, no route may leave it",
                        path=f"routes[{i}].from",
                        place=repr(a),
                    )
                )

    def population(self) -> None:
        """People start at a defined place (not an exit), in a defined group."""
        for i, pop in _items(self.data, "population"):
            self.need(f"population[{i}].place", pop.get("place"), "place")
            self.need(f"population[{i}].group", pop.get("group"), "group")
            if self.kinds.get(pop.get("place")) == "exit":
                where = pop.get("place")
                self.out.append(
                    Problem(
                        "%(path)s: nobody can start at exit %(place)s",
                        path=f"population[{i}].place",
                        place=repr(where),
                    )
                )

    def dated(self) -> None:
        """Inflows from defined places and groups; inflows and shocks end after they start."""
        for key in ("inflows", "shocks"):
            for i, item in _items(self.data, key):
                if key == "inflows":
                    self.need(f"inflows[{i}].origin", item.get("origin"), "place")
                    self.need(f"inflows[{i}].group", item.get("group"), "group")
                    self.leaves(f"inflows[{i}].origin", item.get("origin"))
                start, end = _date(item.get("start")), _date(item.get("end"))
                if start and end and end < start:
                    self.out.append(
                        Problem(
                            "%(path)s: %(end)s is before start %(start)s",
                            path=f"{key}[{i}].end",
                            end=end,
                            start=start,
                        )
                    )

    def leaves(self, path: str, place: Any) -> None:
        """A problem when people arrive at a place no route leaves (a route drawn backwards)."""
        if place not in self.known["place"] or self.kinds.get(place) == "exit":
            return
        routes = [r for _, r in _items(self.data, "routes")]
        if not any(
            r.get("from") == place or (r.get("two_way") and r.get("to") == place) for r in routes
        ):
            self.out.append(
                Problem(
                    "%(path)s: no route leaves %(place)s, so the people arriving there never "
                    "move; expected a route from it (is one drawn the other way?)",
                    path=path,
                    place=repr(place),
                )
            )

    def policies(self) -> None:
        """Every id a policy names; transfers not to an exit; shelter capacity of shelters."""
        for i, pol in _items(self.data, "policies"):
            base = f"policies[{i}]"
            for kind, key, many, what in POLICY_REFERENCES:
                if kind is None or pol.get("type") == kind:
                    (self.need_all if many else self.need)(f"{base}.{key}", pol.get(key), what)
            to, q = pol.get("to"), pol.get("place")
            if pol.get("type") == "transfer" and self.kinds.get(to) == "exit":
                self.out.append(
                    Problem(
                        "%(path)s: %(place)s is an exit, expected a shelter or a city",
                        path=f"{base}.to",
                        place=repr(to),
                    )
                )
            if pol.get("type") == "shelter_capacity" and self.kinds.get(q, "shelter") != "shelter":
                self.out.append(
                    Problem(
                        "%(path)s: %(place)s is a %(kind)s, not a shelter",
                        path=f"{base}.place",
                        place=repr(q),
                        kind=self.kinds[q],
                    )
                )


def reference_problems(data: dict[str, Any]) -> list[Problem]:
    """Every dangling or duplicated id in scenario data, as 'path: message' lines.

    Works on the raw mapping so that it can report alongside field errors of the same file.
    """
    check = _Check(data)
    check.unique_ids()
    check.places()
    check.routes()
    check.population()
    check.dated()
    check.policies()
    return check.out
