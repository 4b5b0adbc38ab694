"""A policy's settings in words, in the user's language: places and routes by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.numbers import format_decimal

from hito import i18n
from hito.report.labels import Gettext, place_name, places_list, route_name, routes_list
from hito.scenario.model import Scenario
from hito.scenario.numbers import Range
from hito.scenario.policies import (
    Clearances,
    Close,
    Corridor,
    Militarize,
    Policy,
    Readmit,
    Reopen,
    ReturnFlights,
    ShelterCapacity,
    Transfer,
)


class _Words:
    """What the sentences of one scenario and language need: names, numbers, shares, gettext."""

    def __init__(self, s: Scenario, lang: str) -> None:
        self.s, self.lang = s, i18n.pick(lang)
        self._: Gettext = i18n.translations(self.lang).gettext

    def number(self, r: Range | float) -> str:
        """A setting's best value with the language's separators ('1,5')."""
        v = r.value if isinstance(r, Range) else r
        return i18n.minus(format_decimal(v, "#,##0.##", locale=self.lang))

    def share(self, r: Range) -> str:
        """A setting's best value as a percentage ('30 %')."""
        return i18n.percent(r.value, self.lang)

    def places(self, ids: list[str]) -> str:
        """Places by name, as a list in the language."""
        return places_list(self.s, ids, self.lang)

    def routes(self, ids: list[str]) -> str:
        """Routes by their ends, as a list in the language."""
        return routes_list(self.s, ids, self.lang)


def _close(p: Close, w: _Words) -> str:
    if p.to == "all":
        return w._("Nobody may pass: %(routes)s") % {"routes": w.routes(p.routes)}
    return w._("Only documented people may pass: %(routes)s") % {"routes": w.routes(p.routes)}


def _reopen(p: Reopen, w: _Words) -> str:
    return w._("Passage open again: %(routes)s") % {"routes": w.routes(p.routes)}


def _militarize(p: Militarize, w: _Words) -> str:
    return w._(
        "Troops near %(places)s (within %(km)s km): hazard of irregular routes nearby "
        "×%(hazard)s, deterrence %(deterrence)s, leak ×%(leak)s"
    ) % {
        "places": w.places(p.near),
        "km": w.number(p.radius_km),
        "hazard": w.number(p.hazard_multiplier),
        "deterrence": w.share(p.deterrence),
        "leak": w.number(p.leak_multiplier),
    }


def _corridor(p: Corridor, w: _Words) -> str:
    return w._("%(quota)s stranded people a day let through %(route)s") % {
        "quota": w.number(p.daily_quota),
        "route": route_name(w.s, p.route, w.lang),
    }


def _flights(p: ReturnFlights, w: _Words) -> str:
    seats = {"seats": w.number(p.seats_per_week), "route": route_name(w.s, p.route, w.lang)}
    if not p.pickup:
        return w._("%(seats)s seats a week on %(route)s, for the stranded at every place") % seats
    return w._("%(seats)s seats a week on %(route)s, boarding at %(places)s") % {
        **seats,
        "places": w.places(p.pickup),
    }


def _shelter(p: ShelterCapacity, w: _Words) -> str:
    return w._("Room for %(people)s people at %(place)s") % {
        "people": w.number(p.capacity),
        "place": place_name(w.s, p.place, w.lang),
    }


def _readmit(p: Readmit, w: _Words) -> str:
    return w._("Each day %(share)s of the people at %(places)s are taken back") % {
        "share": w.share(p.daily_share),
        "places": w.places(p.places),
    }


def _clearances(p: Clearances, w: _Words) -> str:
    return w._(
        "At %(places)s, a %(chance)s chance each day of a clearance, which takes everyone "
        "with a %(complete)s chance, else %(share)s of the people"
    ) % {
        "places": w.places(p.places),
        "chance": w.share(p.daily_chance),
        "complete": w.share(p.complete_chance),
        "share": w.share(p.share),
    }


def _transfer(p: Transfer, w: _Words) -> str:
    return w._("Each day %(share)s of the stranded at %(places)s are moved to %(to)s") % {
        "share": w.share(p.daily_share),
        "places": w.places(p.from_),
        "to": place_name(w.s, p.to, w.lang),
    }


_SENTENCES: dict[str, Callable[[Any, _Words], str]] = {
    "close": _close,
    "reopen": _reopen,
    "militarize": _militarize,
    "corridor": _corridor,
    "return_flights": _flights,
    "shelter_capacity": _shelter,
    "readmit": _readmit,
    "clearances": _clearances,
    "transfer": _transfer,
}


def describe_policy(p: Policy, s: Scenario, lang: str) -> str:
    """The policy's own settings in one sentence of the language (ranges by their best value).

    'Solo pueden pasar personas con documentos: Franja entre Chacalluta y Santa Rosa →
    Complejo fronterizo Santa Rosa'; '…; anuncio: 28 nov 2025' when it was announced.
    """
    w = _Words(s, lang)
    text = _SENTENCES[p.type](p, w)
    if p.announced is not None:
        text += "; " + w._("announced on %(date)s") % {"date": i18n.date(p.announced, w.lang)}
    return text
