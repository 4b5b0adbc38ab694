"""Places as users read them: titles from the scenario, and the status its policies give them."""

from __future__ import annotations

import datetime as dt

from hito.errors import HitoError
from hito.scenario.load import shared
from hito.scenario.model import Scenario, Title

# the worse status wins when the policies and the stored status disagree
SEVERITY = {"open": 0, "documented_only": 1, "militarized": 2, "closed": 3}


def scenario(name: str) -> Scenario | None:
    """A scenario by built-in name or path, loaded once (None when it cannot be loaded)."""
    try:
        return shared(name)
    except HitoError:  # a site loaded from a scenario file that is gone
        return None


def titles(name: str) -> dict[str, Title]:
    """Place id -> its {es, en} title, for the places of a scenario that have one."""
    s = scenario(name) if name else None
    return {p.id: p.title for p in s.places if p.title is not None} if s else {}


def policy_status(name: str, place_id: str, day: dt.date) -> str:
    """The status the scenario's policies in force on `day` give a place.

    A closure of a route from or to the place to everyone: closed; to undocumented people:
    documented only; troops posted at the place: militarized; else open.
    """
    s = scenario(name) if name else None
    if s is None:
        return "open"
    ends = {r.id: (r.from_, r.to) for r in s.routes}
    reopened = [(p.start, set(p.routes)) for p in s.policies if p.type == "reopen"]
    found = "open"
    for p in s.policies:
        if not (p.start <= day and (p.end is None or day <= p.end)):
            continue
        status = "open"
        if p.type == "close":
            routes = [
                r
                for r in p.routes
                if place_id in ends.get(r, ())
                and not any(p.start <= when <= day and r in which for when, which in reopened)
            ]
            if routes:
                status = "closed" if p.to == "all" else "documented_only"
        elif p.type == "militarize" and place_id in p.near:
            status = "militarized"
        if SEVERITY[status] > SEVERITY[found]:
            found = status
    return found


def status(stored: str, name: str, place_id: str, day: dt.date) -> str:
    """The status shown for a site: the worse of its stored status and the policies in force."""
    derived = policy_status(name, place_id, day)
    return derived if SEVERITY.get(derived, 0) > SEVERITY.get(stored, 0) else stored
