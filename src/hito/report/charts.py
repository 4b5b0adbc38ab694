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
) -> Markup:
    """An SVG with the P10–P90 band, the P50 line, observed points and an optional capacity line.

    `labels` names the legend entries: band, median, observed, capacity, empty. Observed
    points more than `history_days` before the forecast (or the newest point) are left out.
    """
    dates = list(fan.dates) if fan else []
    anchor = min(dates) if dates else max((d for d, _ in observed), default=None)
    if anchor is not None:
        first = anchor - dt.timedelta(days=history_days)
        observed = [(d, v) for d, v in observed if d >= first]
    dates += [d for d, _ in observed]
    if not dates:
        return Markup(
            f'<svg class="chart" viewBox="0 0 {width} 60" role="img" '
            f'aria-label="{escape(labels["empty"])}">'
            f'<text x="10" y="35" class="muted">{escape(labels["empty"])}</text></svg>'
        )
    d0, d1 = min(dates), max(dates)
    span = max((d1 - d0).days, 1)
    top = ymax or max(
        [v for _, v in observed]
        + (list(fan.p90) if fan else [])
        + ([capacity] if capacity else [])
        + [1.0]
    )
    ticks = _ticks(top * 1.05)
    ymax = ticks[-1]
    font = max(11, round(width / 42))  # about 9 px or more once a phone shrinks the chart
    left, right, tp, bottom = 4 * font, 12, 12, 4 * font
    pw, ph = width - left - right, height - tp - bottom

    def x(d: dt.date) -> float:
        return round(left + (d - d0).days / span * pw, 1)

    def y(v: float) -> float:
        return round(tp + ph - v / ymax * ph, 1)

    name = title or labels.get("title", "")
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(name)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="{font}" font-family="sans-serif">'
    ]
    for t in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(t)}" y2="{y(t)}" stroke="#e4e4e4"/>'
            f'<text x="{left - 6}" y="{y(t) + 4}" text-anchor="end" fill="#555">'
            f"{escape(number_format(t))}</text>"
        )
    marks = [(d0, "start"), (d0 + dt.timedelta(days=span // 2), "middle"), (d1, "end")]
    if d0 == d1:
        marks = [(d0, "start")]
    for d, align in marks:
        parts.append(
            f'<text x="{x(d)}" y="{height - bottom + font + 5}" text-anchor="{align}" fill="#555">'
            f"{escape(date_format(d))}</text>"
        )
    if fan and fan.dates:
        upper = " ".join(f"{x(d)},{y(v)}" for d, v in zip(fan.dates, fan.p90, strict=True))
        lower = " ".join(
            f"{x(d)},{y(v)}" for d, v in reversed(list(zip(fan.dates, fan.p10, strict=True)))
        )
        parts.append(f'<polygon points="{upper} {lower}" fill="{BAND}" stroke="none"/>')
        med = " ".join(f"{x(d)},{y(v)}" for d, v in zip(fan.dates, fan.p50, strict=True))
        parts.append(f'<polyline points="{med}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    if capacity:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(capacity)}" y2="{y(capacity)}" '
            f'stroke="{CAPACITY}" stroke-dasharray="6 4" stroke-width="1.5"/>'
        )
    for d, v in observed:
        parts.append(f'<circle cx="{x(d)}" cy="{y(v)}" r="3.5" fill="{OBSERVED}"/>')
    legend = [("band", BAND, "rect"), ("median", LINE, "line")] if fan else []
    if observed:
        legend.append(("observed", OBSERVED, "dot"))
    if capacity:
        legend.append(("capacity", CAPACITY, "line"))
    lx, ly = left, height - 10
    for key, colour, shape in legend:
        if shape == "rect":
            parts.append(f'<rect x="{lx}" y="{ly - 8}" width="14" height="9" fill="{colour}"/>')
        elif shape == "line":
            parts.append(
                f'<line x1="{lx}" x2="{lx + 14}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
                'stroke-width="2"/>'
            )
        else:
            parts.append(f'<circle cx="{lx + 7}" cy="{ly - 4}" r="3.5" fill="{colour}"/>')
        text = str(escape(labels[key]))
        parts.append(f'<text x="{lx + 18}" y="{ly}" fill="#333">{text}</text>')
        lx += 30 + round(0.6 * font * len(labels[key]))
    parts.append("</svg>")
    return Markup("".join(parts))
