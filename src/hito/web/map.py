"""The corridor map as inline SVG: shipped outlines, country labels, routes, sites, scale bar.

Status is drawn by colour and by shape (Okabe–Ito colours, safe for colour-blind readers):
open a circle, documented only a triangle, militarized a diamond, closed a square; a site
without a count is hollow.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

OUTLINES = Path(__file__).parent / "static" / "corridor.geojson"
COUNTRY_FILL = {"CHL": "#f3ecdd", "PER": "#e4e6ea", "BOL": "#ede3ee"}  # pale, no status hue
STATUS_COLOUR = {  # Okabe & Ito (2008), distinguishable with every common colour vision
    "open": "#009e73",
    "documented_only": "#e69f00",
    "militarized": "#cc79a7",
    "closed": "#d55e00",
}
STATUS_SHAPE = {
    "open": "circle",
    "documented_only": "triangle",
    "militarized": "diamond",
    "closed": "square",
}
KM_PER_DEGREE = 111.32
# each marker is a touch target this many CSS px wide and high, whatever its dot's size
# (WCAG 2.5.5 asks 44): map.js keeps it so at every zoom; without it, the canvas units below
# give it on a map drawn this few CSS px wide (a 320 px phone)
TOUCH_PX = 48.0
NARROWEST_PX = 260.0
NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500)


def shape(status: str, x: float, y: float, r: float) -> str:
    """The SVG path of a status marker centred on (x, y), of about radius r."""
    kind = STATUS_SHAPE.get(status, "circle")
    if kind == "triangle":
        h = r * 1.25
        return f"M{x:g},{y - h:g}L{x + h:g},{y + h * 0.8:g}L{x - h:g},{y + h * 0.8:g}Z"
    if kind == "diamond":
        h = r * 1.3
        return f"M{x:g},{y - h:g}L{x + h:g},{y:g}L{x:g},{y + h:g}L{x - h:g},{y:g}Z"
    if kind == "square":
        h = r * 0.9
        return f"M{x - h:g},{y - h:g}h{2 * h:g}v{2 * h:g}h{-2 * h:g}Z"
    return f"M{x - r:g},{y:g}a{r:g},{r:g} 0 1,0 {2 * r:g},0a{r:g},{r:g} 0 1,0 {-2 * r:g},0Z"


def scale_bar(frame: Frame) -> dict[str, Any]:
    """A scale bar of a round number of km about a fifth of the map wide: {km, px}."""
    lat = (frame.north + frame.south) / 2
    km_per_px = KM_PER_DEGREE * math.cos(math.radians(lat)) / frame.kx
    want = frame.width / 5 * km_per_px
    km = max((k for k in NICE_KM if k <= want), default=NICE_KM[0])
    return {"km": km, "px": round(km / km_per_px, 1)}


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    found = False
    for i in range(len(ring)):
        x1, y1 = ring[i]
        x2, y2 = ring[i - 1]
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            found = not found
    return found


def country_labels(frame: Frame, steps: int = 9) -> list[dict[str, Any]]:
    """Where to write each country's name: the middle of its part of the map (a grid sample)."""
    out = []
    for f in outlines():
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        hits = []
        for i in range(1, steps):
            for j in range(1, steps):
                lon = frame.west + (frame.east - frame.west) * i / steps
                lat = frame.south + (frame.north - frame.south) * j / steps
                if any(_inside(lon, lat, poly[0]) for poly in polys):
                    hits.append(frame.xy(lon, lat))
        if len(hits) >= 2:
            out.append(
                {
                    "iso3": f["properties"].get("iso3", ""),
                    "x": round(sum(h[0] for h in hits) / len(hits), 1),
                    "y": round(sum(h[1] for h in hits) / len(hits), 1),
                }
            )
    return out


@lru_cache(maxsize=1)
def outlines() -> list[dict[str, Any]]:
    """The country features shipped with the package (Natural Earth 1:10m, clipped)."""
    data = json.loads(OUTLINES.read_text(encoding="utf-8"))
    return list(data["features"])


@dataclass(frozen=True)
class Frame:
    """A lon/lat box drawn on a width x height canvas (equirectangular, scaled at mid-latitude)."""

    west: float
    south: float
    east: float
    north: float
    width: int = 520

    @property
    def kx(self) -> float:
        """Pixels per degree of longitude."""
        return self.width / (self.east - self.west)

    @property
    def ky(self) -> float:
        """Pixels per degree of latitude (longitude degrees shrink by cos(latitude))."""
        return self.kx / math.cos(math.radians((self.north + self.south) / 2))

    @property
    def height(self) -> int:
        """The canvas height that keeps the map's proportions."""
        return round((self.north - self.south) * self.ky)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Canvas coordinates of a point."""
        return (round((lon - self.west) * self.kx, 1), round((self.north - lat) * self.ky, 1))

    def contains(self, lon: float, lat: float) -> bool:
        """True when the point is inside the box."""
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    @classmethod
    def around(
        cls, points: list[tuple[float, float]], pad: float = 0.1, width: int = 520, min_span=0.2
    ) -> Frame:
        """The box around points (lon, lat), padded, at least `min_span` degrees wide and high."""
        lons = [p[0] for p in points] or [0.0]
        lats = [p[1] for p in points] or [0.0]
        cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
        hx = max((max(lons) - min(lons)) / 2 + pad, min_span / 2)
        hy = max((max(lats) - min(lats)) / 2 + pad, min_span / 2)
        return cls(cx - hx, cy - hy, cx + hx, cy + hy, width)


def _ring(frame: Frame, ring: list[list[float]]) -> str:
    pts = [frame.xy(lon, lat) for lon, lat in ring]
    return "M" + "L".join(f"{x:g},{y:g}" for x, y in pts) + "Z"


def country_paths(frame: Frame) -> list[dict[str, str]]:
    """One SVG path per country: {iso3, name, d, fill}."""
    out = []
    for f in outlines():
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        d = "".join(_ring(frame, ring) for poly in polys for ring in poly)
        iso3 = f["properties"].get("iso3", "")
        out.append(
            {
                "iso3": iso3,
                "name": f["properties"].get("name", iso3),
                "d": d,
                "fill": COUNTRY_FILL.get(iso3, "#eeeeee"),
            }
        )
    return out


@dataclass
class Marker:
    """A site on the map: position, radius by people present, colour by status, a label."""

    id: str
    name: str
    x: float
    y: float
    r: float
    colour: str
    label: str
    detail: str
    href: str
    status: str = "open"
    counted: bool = True
    d: str = ""
    lx: float = 0.0
    ly: float = 0.0
    anchor: str = "start"
    aria: str = ""  # its accessible name: the site and its figure in words
    hit: float = 0.0  # the radius of its touch target, in canvas units (`touch_radius`)
    extra: dict[str, Any] = field(default_factory=dict)


def radius(people: int | None) -> float:
    """Marker radius in pixels: area grows with people present (a dot for no count)."""
    if not people:
        return 5.0
    return round(min(6.0 + 1.4 * math.sqrt(people), 34.0), 1)


def touch_radius(frame: Frame, r: float) -> float:
    """The radius of a marker's touch target in canvas units: TOUCH_PX wide on a narrow map."""
    return round(max(r, TOUCH_PX / 2 * frame.width / NARROWEST_PX), 1)


def label_width(text: str, size: float = 16.0) -> float:
    """A label's approximate width in pixels (about 0.62 em per character, bold)."""
    return 0.62 * size * len(text)


def place_labels(markers: list[Marker], frame: Frame, line: float = 30.0) -> None:
    """Put labels beside markers, pushed down so that no two labels overlap.

    A label goes right of its marker if it fits there, else left; one that fits on neither
    side goes below the marker, kept inside the canvas. Labels are then placed from the top:
    each moves down below any label placed before it that its box would cover, whatever side
    either is on (a label pushed left may cross one written rightwards).
    """
    below = []
    for m in markers:
        w = label_width(m.label)
        if m.x + m.r + 6 + w <= frame.width:
            m.anchor, m.lx = "start", m.x + m.r + 6
        elif m.x - m.r - 6 - w >= 0:
            m.anchor, m.lx = "end", m.x - m.r - 6
        else:
            m.anchor, m.lx = "start", max(2.0, min(m.x - w / 2, frame.width - w - 2))
            below.append(m)
    boxes: list[tuple[float, float, float, float, str]] = []  # placed labels' boxes
    for m in sorted((m for m in markers if m.label), key=lambda m: m.y):
        w = label_width(m.label)
        left = m.lx if m.anchor == "start" else m.lx - w
        top = m.y + (m.r + 16 if m in below else 0) - 16  # the label's box: a line from here
        while True:
            blocking = [
                b
                for a, r, t, b, k in boxes
                if k != m.id and left < r and a < left + w and top < b and t < top + line
            ]
            if not blocking:
                break
            top = max(blocking)
        m.ly = top + 16
        boxes.append((left, left + w, top, top + line, m.id))


def build(
    frame: Frame,
    sites: list[dict[str, Any]],
    lines: list[dict[str, Any]],
    cities: list[dict[str, Any]],
) -> dict[str, Any]:
    """Everything a map template draws, in canvas coordinates.

    `sites`: {id, name, lon, lat, people, status, label, detail, href, aria};
    `lines`: {kind, points: [(lon, lat), ...]}; `cities`: {name, lon, lat}.
    """
    markers = []
    for s in sites:
        if not frame.contains(s["lon"], s["lat"]):
            continue
        x, y = frame.xy(s["lon"], s["lat"])
        status = s.get("status", "open")
        r = radius(s.get("people"))
        markers.append(
            Marker(
                id=s["id"],
                name=s["name"],
                x=x,
                y=y,
                r=r,
                colour=STATUS_COLOUR.get(status, "#555555"),
                label=s["label"],
                detail=s.get("detail", ""),
                href=s.get("href", ""),
                status=status,
                counted=s.get("people") is not None,
                d=shape(status, x, y, r if s.get("people") is not None else 6.0),
                aria=s.get("aria", ""),
                hit=touch_radius(frame, r),
            )
        )
    markers.sort(key=lambda m: -m.r)  # small markers drawn last, on top
    place_labels(markers, frame)
    return {
        "width": frame.width,
        "height": frame.height,
        "countries": country_paths(frame),
        "country_labels": country_labels(frame),
        "scale": scale_bar(frame),
        "touch": TOUCH_PX,
        "lines": [
            {
                "kind": ln["kind"],
                "d": "M" + "L".join("{:g},{:g}".format(*frame.xy(*p)) for p in ln["points"]),
            }
            for ln in lines
        ],
        "cities": [
            {
                "name": c["name"],
                "title": c.get("title"),
                "x": frame.xy(c["lon"], c["lat"])[0],
                "y": frame.xy(c["lon"], c["lat"])[1],
            }
            for c in cities
            if frame.contains(c["lon"], c["lat"])
        ],
        "markers": markers,
    }
