"""Small static SVG charts (fan chart of a forecast with observed counts): no script, print-safe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

BAND = "#f3c6b4"
LINE = "#c8502a"
OBSERVED = "#1f3b57"
CAPACITY = "#6a1b9a"


@dataclass(frozen=True)
class Fan:
    """A forecast band: dates with P10, P50 and P90."""

    dates: Sequence[dt.date]
    p10: Sequence[float] | Any  # or a numpy array
    p50: Sequence[float] | Any
    p90: Sequence[float] | Any


def _ticks(top: float) -> list[float]:
    if top <= 0:
        return [0.0, 1.0]
    step = 10 ** len(str(int(top))) / 10
    for k in (1, 2, 5, 10):
        if top / (step * k) <= 5:
            step *= k
            break
    n = int(top // step) + 1
    return [i * step for i in range(n + 1)]


@dataclass(frozen=True)
class _Frame:
    """The plot area of a chart: its size, margins, first date and scale."""

    width: int
    height: int
    font: int
    d0: dt.date
    span: int  # days from the first date to the last (at least 1)
    ymax: float
    legend_rows: int = 1

    @property
    def left(self) -> int:
        """The left margin (room for the value labels)."""
        return 4 * self.font

    @property
    def right(self) -> int:
        """The right end of the plot area."""
        return self.width - 12

    @property
    def bottom(self) -> int:
        """The bottom margin (room for the dates and the legend's rows)."""
        return self.font + 9 + self.legend_rows * (self.font + 8)

    def x(self, d: dt.date) -> float:
        """The horizontal position of a date."""
        return round(self.left + (d - self.d0).days / self.span * (self.right - self.left), 1)

    def y(self, v: float) -> float:
        """The vertical position of a value."""
        ph = self.height - 12 - self.bottom
        return round(12 + ph - v / self.ymax * ph, 1)


def fan_chart(
    *,
    fan: Fan | None,
    observed: Sequence[tuple[dt.date, float]],
    labels: dict[str, str],
    capacity: float | None = None,
    width: int = 640,
    height: int = 260,
    date_format=lambda d: d.isoformat(),
    history_days: int = 60,
    ymax: float | None = None,
    title: str = "",
    number_format: Callable[[float], str] = lambda v: f"{v:g}",
    divide: tuple[dt.date, str] | None = None,
    at_least: Sequence[tuple[dt.date, float]] = (),
) -> Markup:
    """An SVG with the P10–P90 band, the P50 line, observed points and an optional capacity line.

    `labels` names the legend entries: band, median, observed, capacity, empty; and, under
    "unit" when given, what the values count ("people"), written at the top of the axis. Observed
    points more than `history_days` before the forecast (or the newest point) are left out.
    `divide` (a day, a label) draws a dashed line at that day: the last day of the counts a
    band is conditioned on, say. `at_least` are counts with no upper end ("more than 100"),
    drawn as an open triangle at their low (legend `labels["at_least"]`).
    """
    dates = list(fan.dates) if fan else []
    anchor = min(dates) if dates else max((d for d, _ in observed), default=None)
    if anchor is not None:
        first = anchor - dt.timedelta(days=history_days)
        observed = [(d, v) for d, v in observed if d >= first]
        at_least = [(d, v) for d, v in at_least if d >= first]
    dates += [d for d, _ in [*observed, *at_least]]
    if not dates:
        return Markup(
            f'<svg class="chart" viewBox="0 0 {width} 60" role="img" '
            f'aria-label="{escape(labels["empty"])}" font-size="{max(13, round(width / 34))}">'
            f'<text x="10" y="35" class="muted">{escape(labels["empty"])}</text></svg>'
        )
    values = [v for _, v in [*observed, *at_least]] + (list(fan.p90) if fan else [])
    values += [capacity or 0.0, 1.0]
    ticks = _ticks((ymax or max(values)) * 1.05)
    d0, d1 = min(dates), max(dates)
    # about 11 px once a 390 px phone shrinks the chart (a 640 wide chart is drawn 366 px wide)
    font = max(13, round(width / 34))
    keys = _legend_keys(fan is not None, bool(observed), bool(capacity), bool(at_least))
    rows = len({row for row, _x in _legend_places(width, font, [labels[k] for k, _c, _s in keys])})
    f = _Frame(width, height, font, d0, max((d1 - d0).days, 1), ticks[-1], max(rows, 1))
    name = title or labels.get("title", "")
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(name)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="{font}" font-family="sans-serif">',
        *_axes(f, ticks, d1, number_format, date_format),
        *_series(f, fan, capacity, observed, number_format),
        *_at_least(f, at_least, number_format),
        *(_divide(f, *divide) if divide and d0 <= divide[0] <= d1 else []),
        *(_unit(f, labels["unit"]) if labels.get("unit") else []),
        *_legend(f, labels, keys),
        "</svg>",
    ]
    return Markup("".join(parts))


def _unit(f: _Frame, unit: str) -> list[str]:
    """What the vertical axis counts, in small type inside the plot's top left corner."""
    return [
        f'<text x="{f.left + 4}" y="{f.y(f.ymax) + f.font}" fill="#555" font-size="{f.font - 2}" '
        f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(unit)}</text>'
    ]


def _divide(f: _Frame, day: dt.date, label: str) -> list[str]:
    """A dashed vertical line at a day, its label at the top beside it."""
    x = f.x(day)
    y = f.y(f.ymax) + 2 * f.font + 4  # the second row: the first holds counts beyond the top
    return [
        f'<line x1="{x}" x2="{x}" y1="{f.y(f.ymax)}" y2="{f.y(0)}" stroke="#555" '
        f'stroke-dasharray="4 3" stroke-width="1"/>'
        f'<text x="{x + 4}" y="{y}" fill="#555" font-size="{f.font - 2}">{escape(label)}</text>'
    ]


def _axes(
    f: _Frame,
    ticks: list[float],
    d1: dt.date,
    number_format: Callable[[float], str],
    date_format: Callable[[dt.date], str],
) -> list[str]:
    """Grid lines with their values, and the first, middle and last dates."""
    parts = [
        f'<line x1="{f.left}" x2="{f.right}" y1="{f.y(t)}" y2="{f.y(t)}" stroke="#e4e4e4"/>'
        f'<text x="{f.left - 6}" y="{f.y(t) + 4}" text-anchor="end" fill="#555">'
        f"{escape(number_format(t))}</text>"
        for t in ticks
    ]
    marks = [(f.d0, "start"), (f.d0 + dt.timedelta(days=f.span // 2), "middle"), (d1, "end")]
    if f.d0 == d1:
        marks = [(f.d0, "start")]
    for d, align in marks:
        parts.append(
            f'<text x="{f.x(d)}" y="{f.height - f.bottom + f.font + 5}" text-anchor="{align}" '
            f'fill="#555">{escape(date_format(d))}</text>'
        )
    return parts


def _series(
    f: _Frame,
    fan: Fan | None,
    capacity: float | None,
    observed: Sequence[tuple[dt.date, float]],
    number_format: Callable[[float], str] = lambda v: f"{v:g}",
) -> list[str]:
    """The band and its median line, the capacity line, the observed points."""
    parts = []
    if fan and fan.dates:
        upper = " ".join(f"{f.x(d)},{f.y(v)}" for d, v in zip(fan.dates, fan.p90, strict=True))
        lower = " ".join(
            f"{f.x(d)},{f.y(v)}" for d, v in reversed(list(zip(fan.dates, fan.p10, strict=True)))
        )
        parts.append(f'<polygon points="{upper} {lower}" fill="{BAND}" stroke="none"/>')
        med = " ".join(f"{f.x(d)},{f.y(v)}" for d, v in zip(fan.dates, fan.p50, strict=True))
        parts.append(f'<polyline points="{med}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    if capacity:
        parts.append(
            f'<line x1="{f.left}" x2="{f.right}" y1="{f.y(capacity)}" y2="{f.y(capacity)}" '
            f'stroke="{CAPACITY}" stroke-dasharray="6 4" stroke-width="1.5"/>'
        )
    for d, v in observed:
        if v <= f.ymax:
            parts.append(f'<circle cx="{f.x(d)}" cy="{f.y(v)}" r="3.5" fill="{OBSERVED}"/>')
            continue
        # a count far above the band: an arrow at the top edge with its value, so that one
        # outlier does not flatten the band into the axis
        x, y = f.x(d), f.y(f.ymax)
        parts.append(
            f'<path d="M{x - 5},{y + 7} L{x},{y} L{x + 5},{y + 7} Z" fill="{OBSERVED}">'
            f"<title>{escape(number_format(v))}</title></path>"
            f'<text x="{x + 7}" y="{y + 10}" fill="{OBSERVED}">{escape(number_format(v))}</text>'
        )
    return parts


def _at_least(
    f: _Frame, counts: Sequence[tuple[dt.date, float]], number_format: Callable[[float], str]
) -> list[str]:
    """Counts with no upper end: an open triangle pointing up at their low, "> low" on hover."""
    parts = []
    for d, v in counts:
        x, y = f.x(d), f.y(min(v, f.ymax))
        said = escape("> " + number_format(v))
        parts.append(
            f'<path d="M{x - 5},{y + 4} L{x},{y - 5} L{x + 5},{y + 4} Z" fill="none" '
            f'stroke="{OBSERVED}" stroke-width="1.5"><title>{said}</title></path>'
        )
        if v > f.ymax:  # above the top, as a count beyond it: its value beside it
            parts.append(f'<text x="{x + 7}" y="{y + 10}" fill="{OBSERVED}">{said}</text>')
    return parts


def outlier_top(band_top: float, counts: Sequence[float], factor: float = 3.0) -> float | None:
    """A chart's top that keeps the band readable (None: every count fits).

    Counts above `factor` x the band's top are left above it, drawn as arrows at the edge.
    """
    beyond = [v for v in counts if v > factor * max(band_top, 1.0)]
    if not beyond:
        return None
    return max([band_top, *(v for v in counts if v <= factor * max(band_top, 1.0))])


def _legend_keys(
    fan: bool, observed: bool, capacity: bool, at_least: bool = False
) -> list[tuple[str, str, str]]:
    """The legend's entries (label key, colour, symbol) for what is drawn."""
    legend = [("band", BAND, "rect"), ("median", LINE, "line")] if fan else []
    legend += [("observed", OBSERVED, "dot")] if observed else []
    legend += [("at_least", OBSERVED, "up")] if at_least else []
    legend += [("capacity", CAPACITY, "line")] if capacity else []
    return legend


def _legend_places(width: int, font: int, texts: list[str]) -> list[tuple[int, float]]:
    """Each legend entry's row and x, in rows as wide as the chart (an entry never cut)."""
    left, right = 4 * font, width - 12
    places, row, lx = [], 0, float(left)
    for text in texts:
        w = 18 + 0.6 * font * len(text)
        if lx > left and lx + w > right:
            row, lx = row + 1, float(left)
        places.append((row, lx))
        lx += w + 12
    return places


def _legend(f: _Frame, labels: dict[str, str], legend: list[tuple[str, str, str]]) -> list[str]:
    """One entry for each thing drawn (`_legend_keys`), in rows under the dates."""
    places = _legend_places(f.width, f.font, [labels[k] for k, _c, _s in legend])
    first = f.height - f.bottom + f.font + 5 + f.font + 8  # the first row's baseline
    parts = []
    for (key, colour, shape), (row, lx) in zip(legend, places, strict=True):
        ly = first + row * (f.font + 8)
        parts.append(
            {
                "rect": f'<rect x="{lx:g}" y="{ly - 9}" width="14" height="10" fill="{colour}"/>',
                "line": f'<line x1="{lx:g}" x2="{lx + 14:g}" y1="{ly - 4}" y2="{ly - 4}" '
                f'stroke="{colour}" stroke-width="2"/>',
                "dot": f'<circle cx="{lx + 7:g}" cy="{ly - 4}" r="3.5" fill="{colour}"/>',
                "up": f'<path d="M{lx + 2:g},{ly} L{lx + 7:g},{ly - 9} L{lx + 12:g},{ly} Z" '
                f'fill="none" stroke="{colour}" stroke-width="1.5"/>',
            }[shape]
        )
        parts.append(f'<text x="{lx + 18:g}" y="{ly}" fill="#333">{escape(labels[key])}</text>')
    return parts
