"""Field counts of stranded people (observations) and the site names they are given in."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from hito.errors import Invalid, Problem, Said


@dataclass(frozen=True)
class Observation:
    """One count of the people stranded at a place on a day: a range, maybe open."""

    date: dt.date
    place: str
    low: float
    high: float | None
    line: int
    site: str
    source: str

    @property
    def point(self) -> float | None:
        """The middle of the range, or None when it has no upper bound."""
        return None if self.high is None else (self.low + self.high) / 2


@dataclass(frozen=True)
class Observations:
    """The counts of a record, sorted by (date, place, line), and the rows left out."""

    items: tuple[Observation, ...]
    skipped: tuple[Problem, ...] = ()

    def until(self, as_of: dt.date) -> Observations:
        """Only the counts dated on or before `as_of`."""
        return Observations(tuple(o for o in self.items if o.date <= as_of), self.skipped)

    def dates(self) -> list[dt.date]:
        """The distinct dates with counts, in order."""
        return sorted({o.date for o in self.items})

    def on(self, date: dt.date) -> tuple[Observation, ...]:
        """The counts of one day."""
        return tuple(o for o in self.items if o.date == date)


def not_counted(site: str) -> Problem:
    """Why a row of a known site that is not a stranded-count site is left out."""
    return Problem("site %(site)s is not a site where stranded people are counted", site=repr(site))


def sort_key(o: Observation) -> tuple[dt.date, str, int]:
    """The order of `Observations.items`."""
    return (o.date, o.place, o.line)


def normalize(name: str) -> str:
    """A site name for comparison: accents and case folded, whitespace collapsed.

    Field teams type on phones, often without accents: "Linea de la Concordia" is
    "Línea de la Concordia". Punctuation is kept ("Santa Rosa" and the id "santa-rosa"
    may name different places).
    """
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class SiteMap:
    """Site names as written (or place ids) to place ids; None for sites that are not counted."""

    sites: Mapping[str, str | None]
    _index: dict[str, str | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str | None] = {}
        for name, place in self.sites.items():
            key = normalize(name)
            if key in index and index[key] != place:
                raise Invalid(
                    Problem(
                        "site %(name)s is mapped to both %(index)s and %(place)s",
                        name=repr(name),
                        index=repr(index[key]),
                        place=repr(place),
                    )
                )
            index[key] = place
        for place in self.sites.values():
            if place is not None:
                index.setdefault(normalize(place), place)
        object.__setattr__(self, "_index", index)

    def knows(self, name: str) -> bool:
        """Whether this site name (or place id) is in the map."""
        return normalize(name) in self._index

    def place(self, name: str) -> str | None:
        """The place id of a known site, None when it is not a stranded-count site."""
        return self._index[normalize(name)]

    def unknown(self, name: str) -> Problem:
        """What is wrong with an unknown site name: a close match and the places' ids.

        The close match is looked for among every name the map knows; the list gives each
        place once, by its id (a place's names and aliases, in two languages, ran to some
        sixty, some with commas of their own).
        """
        known = sorted(set(self.sites) | {p for p in self.sites.values() if p is not None})
        close = difflib.get_close_matches(
            normalize(name), [normalize(k) for k in known], n=1, cutoff=0.6
        )
        places = sorted({p for p in self.sites.values() if p is not None})
        choices: Said = ", ".join(places) or Problem("none given")
        match = next((k for k in known if close and normalize(k) == close[0]), None)
        if match is None:
            match = self._sharing_words(name)
        if match is not None:
            return Problem(
                "got unknown site %(name)s (did you mean %(match)s?), expected the id, name or "
                "alias of a place: %(known)s",
                name=repr(name),
                match=repr(match),
                known=choices,
            )
        return Problem(
            "got unknown site %(name)s, expected the id, name or alias of a place: %(known)s",
            name=repr(name),
            known=choices,
        )

    def _sharing_words(self, name: str) -> str | None:
        """The known name sharing the most words with `name`, when one place alone has it.

        A short name a field team uses, "franja" or "la franja", is a word of one place's name
        ("Franja entre Chacalluta y Santa Rosa"); words under four letters (de, la, y) are not
        counted. None when no name shares a word, or two places share as many.
        """
        words = set(_words(name))
        best: dict[str, tuple[int, str]] = {}  # place -> (words shared, its name sharing them)
        for known, place in sorted(self.sites.items()):
            shared = len(words & set(_words(known)))
            if place is not None and shared and shared > best.get(place, (0, ""))[0]:
                best[place] = (shared, known)
        ranked = sorted(best.values(), reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
            return None
        return ranked[0][1]


def _words(name: str) -> list[str]:
    """The words of a site name, normalized, of four letters or more."""
    return [w for w in re.findall(r"\w+", normalize(name)) if len(w) >= 4]
