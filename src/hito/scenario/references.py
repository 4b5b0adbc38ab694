"""Cross-references of a scenario (ids of places, routes, groups) checked on raw file data."""

from __future__ import annotations

import datetime as dt
from typing import Any


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


def reference_problems(data: dict[str, Any]) -> list[str]:
    """Every dangling or duplicated id in scenario data, as 'path: message' lines.

    Works on the raw mapping so that it can report alongside field errors of the same file.
    """
    out: list[str] = []
    places = _items(data, "places")
    place_ids = {p.get("id") for _, p in places}
    group_ids = {g.get("id") for _, g in _items(data, "groups")}
    route_ids = {r.get("id") for _, r in _items(data, "routes")}
    kinds = {p.get("id"): p.get("kind") for _, p in places}

    for what in ("places", "routes", "groups"):
        seen: set[Any] = set()
        for i, item in _items(data, what):
            rid = item.get("id")
            if rid in seen:
                out.append(f"{what}[{i}].id: {rid!r} is used twice, expected unique ids")
            seen.add(rid)

    def need(path: str, value: Any, known: set[Any], what: str) -> None:
        if value is not None and value not in known:
            choices = ", ".join(sorted(str(k) for k in known if k is not None)) or "none defined"
            out.append(f"{path}: unknown {what} {value!r}, expected one of: {choices}")

    for i, p in places:
        need(f"places[{i}].back_to", p.get("back_to"), place_ids, "place")
        serves = _text_list(p.get("serves"))
        for j, q in enumerate(serves):
            need(f"places[{i}].serves[{j}]", q, place_ids, "place")
        if serves and p.get("kind") != "shelter":
            out.append(f"places[{i}].serves: only shelters serve places, got {p.get('kind')!r}")
    for i, r in _items(data, "routes"):
        a, z = r.get("from"), r.get("to")
        need(f"routes[{i}].from", a, place_ids, "place")
        need(f"routes[{i}].to", z, place_ids, "place")
        if a is not None and a == z:
            out.append(f"routes[{i}].to: route {r.get('id')!r} goes from {a!r} to itself")
        if kinds.get(a) == "exit":
            out.append(f"routes[{i}].from: exit {a!r} is a sink, no route may leave it")
    for i, pop in _items(data, "population"):
        need(f"population[{i}].place", pop.get("place"), place_ids, "place")
        need(f"population[{i}].group", pop.get("group"), group_ids, "group")
        if kinds.get(pop.get("place")) == "exit":
            out.append(f"population[{i}].place: nobody can start at exit {pop.get('place')!r}")
    for key in ("inflows", "shocks"):
        for i, item in _items(data, key):
            if key == "inflows":
                need(f"inflows[{i}].origin", item.get("origin"), place_ids, "place")
                need(f"inflows[{i}].group", item.get("group"), group_ids, "group")
            start, end = _date(item.get("start")), _date(item.get("end"))
            if start and end and end < start:
                out.append(f"{key}[{i}].end: {end} is before start {start}")
    for i, pol in _items(data, "policies"):
        base = f"policies[{i}]"
        for j, rid in enumerate(_text_list(pol.get("routes"))):
            need(f"{base}.routes[{j}]", rid, route_ids, "route")
        for j, q in enumerate(_text_list(pol.get("near"))):
            need(f"{base}.near[{j}]", q, place_ids, "place")
        for j, q in enumerate(_text_list(pol.get("pickup"))):
            need(f"{base}.pickup[{j}]", q, place_ids, "place")
        if pol.get("type") in ("corridor", "return_flights"):
            need(f"{base}.route", pol.get("route"), route_ids, "route")
        if pol.get("type") == "readmit":
            for j, q in enumerate(_text_list(pol.get("places"))):
                need(f"{base}.places[{j}]", q, place_ids, "place")
        if pol.get("type") == "transfer":
            for j, q in enumerate(_text_list(pol.get("from"))):
                need(f"{base}.from[{j}]", q, place_ids, "place")
            need(f"{base}.to", pol.get("to"), place_ids, "place")
            if kinds.get(pol.get("to")) == "exit":
                out.append(f"{base}.to: {pol.get('to')!r} is an exit, expected a shelter or a city")
        if pol.get("type") == "shelter_capacity":
            q = pol.get("place")
            need(f"{base}.place", q, place_ids, "place")
            if q in kinds and kinds[q] != "shelter":
                out.append(f"{base}.place: {q!r} is a {kinds[q]}, not a shelter")
    return out
