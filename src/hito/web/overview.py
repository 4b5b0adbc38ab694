"""The overview's two maps: the whole corridor, and the detail around the most crowded site."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from hito import i18n
from hito.domain import SITE_KINDS
from hito.errors import HitoError
from hito.scenario.load import load
from hito.web.map import Frame, build
from hito.web.situation import SiteNow, Situation

DETAIL_HALF_SPAN = (0.1, 0.055)  # degrees of longitude and latitude around the busiest site
WIDTH = 520  # canvas units: small enough that text stays legible when a phone shrinks it
DRAWN_KINDS = ("city", *SITE_KINDS)


@lru_cache(maxsize=8)
def scenario_geometry(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cities and routes of a scenario, as points and lines (empty when it cannot be loaded)."""
    try:
        s = load(name)
    except HitoError:  # a scenario file that is gone: the map shows the sites alone
        return [], []
    at = {p.id: (p.lon, p.lat) for p in s.places if p.kind in DRAWN_KINDS}
    cities = [
        {"name": p.name, "title": p.title, "lon": p.lon, "lat": p.lat}
        for p in s.places
        if p.kind == "city"
    ]
    lines = [
        {"kind": r.kind, "points": [at[r.from_], at[r.to]]}
        for r in s.routes
        if r.from_ in at and r.to in at
    ]
    return cities, lines


def _said(s: SiteNow, lang: str) -> str:
    """A site's figure of stranded people: 100, or "more than 100" when a lower bound."""
    n = i18n.number(s.stranded, lang)
    return i18n.translations(lang).gettext("more than %(n)s") % {"n": n} if s.at_least else n


def named(s: SiteNow, name: str, lang: str) -> str:
    """A marker's accessible name: the site and its figure as the overview's tiles say it.

    "Chacalluta: 27 personas varadas", with the agencies' spread when they disagree, or that
    the site has no count yet.
    """
    tr = i18n.translations(lang)
    n = i18n.number(s.stranded, lang)
    if s.stranded is None:
        said = tr.gettext("no count yet")
    elif s.at_least:
        said = tr.gettext("more than %(n)s people stranded") % {"n": n}
    else:
        said = tr.ngettext("%(num)s person stranded", "%(num)s people stranded", s.stranded) % {
            "num": n
        }
    if s.disagree:  # the site page's words (names.html.j2 `spread`)
        low, high = i18n.number(s.low, lang), i18n.number(s.high, lang)
        said += "; " + tr.gettext("agencies disagree: %(low)s–%(high)s") % {
            "low": low,
            "high": high,
        }
    return f"{name}: {said}"


def markers(picture: Situation, lang: str, asked: str = "") -> list[dict[str, Any]]:
    """Map markers: each site labelled with its day's figure of stranded people and its age.

    `asked`: the date the reader chose (`?as_of=`), which each marker's site page keeps.
    """
    out = []
    keep = f"?as_of={quote(asked)}" if asked else ""
    for s in picture.sites:
        name = i18n.localized(s.title, lang, s.name)
        label = name if s.stranded is None else f"{name}: {_said(s, lang)}"
        out.append(
            {
                "id": s.id,
                "name": name,
                "lon": s.lon,
                "lat": s.lat,
                "people": s.people,
                "status": s.status,
                "label": label,
                "aria": named(s, name, lang),
                "href": f"/sites/{s.id}{keep}",
                "detail": i18n.age(s.observed_at, picture.now, lang) if s.observed_at else "",
            }
        )
    return out


def maps(picture: Situation, lang: str, asked: str = "") -> list[dict[str, Any]]:
    """The region map and, when sites crowd together, the detail around the busiest one.

    Sites inside the detail's box are labelled only on the detail map; the region map draws
    the box instead.
    """
    if not picture.sites:
        return []
    cities, lines = scenario_geometry(picture.sites[0].scenario)
    sites = markers(picture, lang, asked)
    points = [(s.lon, s.lat) for s in picture.sites]
    region = Frame.around(points + [(c["lon"], c["lat"]) for c in cities], pad=0.25, width=WIDTH)
    busiest = max(
        picture.sites, key=lambda s: (0 if s.stale else s.people or 0, s.kind == "between_posts")
    )
    hx, hy = DETAIL_HALF_SPAN
    detail = Frame(busiest.lon - hx, busiest.lat - hy, busiest.lon + hx, busiest.lat + hy, WIDTH)
    inside = {s.id for s in picture.sites if detail.contains(s.lon, s.lat)}
    if not 1 < len(inside) < len(picture.sites):
        return [{"key": "region", **build(region, sites, lines, cities)}]
    outer = [dict(m, label="" if m["id"] in inside else m["label"]) for m in sites]
    x0, y0 = region.xy(detail.west, detail.north)
    x1, y1 = region.xy(detail.east, detail.south)
    focus = i18n.localized(busiest.title, lang, busiest.name)
    return [
        {"key": "region", "box": (x0, y0, x1 - x0, y1 - y0), **build(region, outer, lines, cities)},
        {"key": "detail", "focus": focus, **build(detail, sites, lines, [])},
    ]
