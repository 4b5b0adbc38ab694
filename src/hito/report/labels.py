"""What users read for a scenario's uncertain numbers (`routes[1].weight`) and what they name."""

from __future__ import annotations

import re
from collections.abc import Callable

from babel.dates import get_month_names
from babel.lists import format_list

from hito import i18n, names
from hito.scenario.model import Scenario
from hito.scenario.policies import Policy
from hito.scenario.uncertain import ranges

Gettext = Callable[[str], str]
# a path's first part: `routes[1].weight` -> ("routes", "1", "weight")
_PATH = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?(?:\.(.+))?$")


def place_name(s: Scenario, place_id: str, lang: str) -> str:
    """A place's title in the language (its name when it has none; the id when unknown)."""
    for p in s.places:
        if p.id == place_id:
            return i18n.localized(p.title, lang, p.name)
    return place_id


def places_list(s: Scenario, ids: list[str], lang: str) -> str:
    """Several places by name, joined as the language joins a list ('A, B y C')."""
    return format_list([place_name(s, p, lang) for p in ids], locale=lang) if ids else ""


def route_name(s: Scenario, route_id: str, lang: str) -> str:
    """A route as its two ends: 'Arica → Complejo fronterizo Chacalluta'."""
    for r in s.routes:
        if r.id == route_id:
            return f"{place_name(s, r.from_, lang)} → {place_name(s, r.to, lang)}"
    return route_id


def routes_list(s: Scenario, ids: list[str], lang: str) -> str:
    """Several routes by their ends, joined as the language joins a list."""
    return format_list([route_name(s, r, lang) for r in ids], locale=lang) if ids else ""


def group_name(s: Scenario, group_id: str, lang: str) -> str:
    """A group's title in the language; else its nationality and documentation, translated."""
    _ = i18n.translations(lang).gettext
    for g in s.groups:
        if g.id == group_id:
            if g.title is not None:
                return g.title.get(lang)
            country = names.countries(_).get(g.nationality, g.nationality)
            return f"{country}, {_('documented') if g.documented else _('undocumented')}"
    return group_id


def policy_kind(kind: str, lang: str) -> str:
    """A policy's type in words ('militarización'), as the pages' `names.policy`."""
    return names.policy_kinds(i18n.translations(lang).gettext).get(kind, kind)


def _behaviour(_: Gettext) -> dict[str, str]:
    return {
        "route_weight.road": _("Choice weight of roads"),
        "route_weight.irregular": _("Choice weight of irregular routes"),
        "route_weight.flight": _("Choice weight of flights"),
        "speed_km_per_day.road": _("Speed on roads (km a day)"),
        "speed_km_per_day.irregular": _("Speed on irregular routes (km a day)"),
        "speed_km_per_day.flight": _("Speed of flights (km a day)"),
        "awareness": _("Awareness of closures ahead"),
        "tolerance_days": _("Days stranded before giving up (mean)"),
        "divert_share": _("Share of those who give up who divert to an irregular route"),
        "shelter_seek": _("Daily chance that a stranded person moves to a shelter with room"),
        "turn_back": _("Daily chance that a stranded person walks back"),
        "leak": _("Daily share of the stranded who cross a closed route with smugglers"),
        "arrival_cv": _("Day-to-day variation of departures (coefficient of variation)"),
    }


def _observation(_: Gettext) -> dict[str, str]:
    return {
        "log_sd": _("Spread of field counts around the real number (log scale)"),
        "outlier_share": _("Share of field counts unrelated to the real number"),
        "nobody_seen": _("Share of field counts that see nobody though people are there"),
    }


def _policy_settings(_: Gettext) -> dict[tuple[str, str], str]:
    """(policy type, setting) -> its label, with the policy's start date (Spanish has genders)."""
    return {
        ("militarize", "hazard_multiplier"): _(
            "Hazard multiplier of the militarization from %(date)s"
        ),
        ("militarize", "deterrence"): _("Deterrence of the militarization from %(date)s"),
        ("militarize", "leak_multiplier"): _("Leak multiplier of the militarization from %(date)s"),
        ("corridor", "daily_quota"): _("Daily quota of the humanitarian corridor from %(date)s"),
        ("return_flights", "seats_per_week"): _(
            "Seats per week of the return flights from %(date)s"
        ),
        ("shelter_capacity", "capacity"): _("Room at %(place)s from %(date)s"),
        ("readmit", "daily_share"): _("Daily share taken back by the readmission of %(date)s"),
        ("transfer", "daily_share"): _("Daily share moved by the transfer of %(date)s"),
        ("clearances", "daily_chance"): _(
            "Daily chance of an unannounced clearance (from %(date)s)"
        ),
        ("clearances", "share"): _(
            "Share taken by a partial unannounced clearance (from %(date)s)"
        ),
        ("clearances", "complete_chance"): _(
            "Chance that an unannounced clearance takes everyone (from %(date)s)"
        ),
    }


def _policy_label(p: Policy, key: str, s: Scenario, lang: str, _: Gettext) -> str | None:
    text = _policy_settings(_).get((p.type, key))
    if text is None:
        return None
    where = getattr(p, "place", "")
    return text % {"date": i18n.date(p.start, lang), "place": place_name(s, where, lang)}


def _indexed(s: Scenario, head: str, i: int, rest: str, lang: str) -> str | None:
    """The label of a number in a list: a route, a population, an inflow, a shock, a policy."""
    _ = i18n.translations(lang).gettext
    if head == "routes":
        r = s.routes[i]
        name = route_name(s, r.id, lang)
        texts = {
            "weight": _("Route weight, %(route)s"),
            "hazard": _("Hazard per traversal, %(route)s"),
        }
        return texts[rest] % {"route": name} if rest in texts else None
    if head == "population" and rest == "people":
        pop = s.population[i]
        where = {"place": place_name(s, pop.place, lang), "group": group_name(s, pop.group, lang)}
        return _("People at the start in %(place)s, %(group)s") % where
    if head == "inflows" and rest == "per_day":
        f = s.inflows[i]
        where = {"place": place_name(s, f.origin, lang), "group": group_name(s, f.group, lang)}
        return _("Daily departures from %(place)s, %(group)s") % where
    if head == "shocks":
        return _shock_label(s, i, rest, lang, _)
    if head == "policies":
        return _policy_label(s.policies[i], rest, s, lang, _)
    return None


def _shock_label(s: Scenario, i: int, rest: str, lang: str, _: Gettext) -> str | None:
    sh = s.shocks[i]
    name = sh.title.get(lang) if sh.title is not None else sh.name
    pulse = sh.half_life_days is not None
    texts = {
        "multiplier": _("Multiplier of the pulse “%(name)s”")
        if pulse
        else _("Multiplier of the step “%(name)s”"),
        "half_life_days": _("Half-life of the pulse “%(name)s” (days)"),
    }
    return texts[rest] % {"name": name} if rest in texts else None


def _named(head: str, rest: str, lang: str) -> str | None:
    """The label of a number outside the lists: season, behaviour, observation."""
    _ = i18n.translations(lang).gettext
    if head == "season" and rest.startswith("months."):
        month = get_month_names("wide", locale=lang)[int(rest.split(".")[1])]
        return _("Seasonality, %(month)s") % {"month": month}
    if head == "behaviour" and rest.startswith("move_chance."):
        kind = rest.split(".", 1)[1]
        where = names.place_kinds(_).get(kind, kind)
        return _("Daily chance of moving on (%(kind)s)") % {"kind": where}
    if head == "behaviour":
        return _behaviour(_).get(rest)
    if head == "observation":
        return _observation(_).get(rest)
    return None


def label(s: Scenario, path: str, lang: str) -> str:
    """What users read for the uncertain number at `path` (the path itself when unknown).

    'routes[1].weight' -> 'Peso de la ruta Centro y norte de Chile → Complejo fronterizo
    Colchane' (es) or 'Route weight, Central and northern Chile → Colchane border complex' (en).
    """
    lang = i18n.pick(lang)
    m = _PATH.match(path)
    if m is None:
        return path
    head, index, rest = m.group(1), m.group(2), m.group(3) or ""
    try:
        got = _indexed(s, head, int(index), rest, lang) if index else _named(head, rest, lang)
    except (IndexError, KeyError, ValueError):  # a path of another scenario
        got = None
    return got or path


def labels(s: Scenario, lang: str) -> dict[str, str]:
    """Every uncertain number's path -> its label in the language."""
    return {path: label(s, path, lang) for path in ranges(s)}
