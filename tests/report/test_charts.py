"""The SVG fan chart: one count far above the band is an arrow at the edge, not a flat band."""

from __future__ import annotations

import datetime as dt
import re

from hito.report.charts import Fan, fan_chart, outlier_top

LABELS = {"band": "P10–P90", "median": "P50", "observed": "counts", "capacity": "cap", "empty": "-"}


def test_the_top_leaves_out_only_counts_far_above_the_band() -> None:
    assert outlier_top(200.0, [50.0, 450.0, 4000.0]) == 450.0  # 4000 > 3 x 200; 450 is not
    assert outlier_top(200.0, [50.0, 590.0]) is None  # every count fits
    assert outlier_top(0.0, [2.0, 4.0]) == 2.0  # a band of 0 is read as 1: 4 lies beyond it


def test_a_rhetorical_count_does_not_flatten_the_band_into_the_axis() -> None:
    """The calibration page's strip: a "4,000" beside a band of tens drew the band 1 px tall."""
    days = [dt.date(2025, 11, 22) + dt.timedelta(days=i) for i in range(3)]
    fan = Fan(days, [10.0, 10.0, 10.0], [50.0, 50.0, 50.0], [100.0, 100.0, 100.0])
    counts = [(days[0], 40.0), (days[1], 4000.0)]
    top = outlier_top(100.0, [v for _d, v in counts])
    svg = str(
        fan_chart(
            fan=fan,
            observed=counts,
            labels=LABELS,
            ymax=top,
            number_format=lambda v: f"{v:,.0f}".replace(",", "."),
        )
    )
    assert top == 100.0
    assert len(re.findall(r"<circle ", svg)) == 1 + 1  # the count of 40 and the legend's dot
    assert "<title>4.000</title></path>" in svg and ">4.000</text>" in svg
    ticks = [float(t) for t in re.findall(r'text-anchor="end"[^>]*>([\d.]+)<', svg)]
    assert 100 <= max(ticks) <= 200  # the axis ends near the band, not at 4,000
    plain = str(fan_chart(fan=fan, observed=counts, labels=LABELS))
    assert "<title>4.000</title>" not in plain and len(re.findall(r"<circle ", plain)) == 3


def test_a_dividing_day_is_a_dashed_line_with_its_label_only_inside_the_chart() -> None:
    """calibration.html's bands run from the scenario's start past the as-of date, with nothing
    to tell the filtered past from the forecast."""
    days = [dt.date(2025, 11, 22) + dt.timedelta(days=i) for i in range(11)]
    fan = Fan(days, [1.0] * 11, [2.0] * 11, [3.0] * 11)
    svg = str(fan_chart(fan=fan, observed=[], labels=LABELS, divide=(days[5], "counts up to here")))
    [line] = re.findall(r'<line x1="([\d.]+)" x2="([\d.]+)"[^>]*stroke-dasharray="4 3"', svg)
    assert line[0] == line[1]
    left, right = 4 * 19, 640 - 12  # the frame of a 640 px chart (font 19)
    assert float(line[0]) == round(left + 5 / 10 * (right - left), 1)
    assert ">counts up to here</text>" in svg
    late = fan_chart(fan=fan, observed=[], labels=LABELS, divide=(dt.date(2026, 1, 1), "x"))
    assert 'stroke-dasharray="4 3"' not in str(late)


def test_a_count_with_no_upper_end_is_an_open_triangle_at_its_low() -> None:
    """A "more than 100" has no middle to draw: calibration.html and backtest.html left it out,
    though the backtest scores it."""
    days = [dt.date(2025, 11, 22) + dt.timedelta(days=i) for i in range(11)]
    fan = Fan(days, [10.0] * 11, [20.0] * 11, [30.0] * 11)
    labels = LABELS | {"at_least": '"more than" counts'}
    svg = str(fan_chart(fan=fan, observed=[], labels=labels, at_least=[(days[6], 25.0)]))
    (path,) = re.findall(r'<path d="M([\d.]+),([\d.]+) L[^"]*" fill="none"[^>]*><title>', svg)
    left, right = 4 * 19, 640 - 12
    assert float(path[0]) + 5 == round(left + 6 / 10 * (right - left), 1)  # on its day
    assert "<title>&gt; 25</title>" in svg
    assert '>"more than" counts</text>' in svg.replace("&#34;", '"')
    beyond = str(
        fan_chart(fan=fan, observed=[], labels=labels, at_least=[(days[6], 400.0)], ymax=30.0)
    )
    assert ">&gt; 400</text>" in beyond  # above the top: its value beside it
    plain = str(fan_chart(fan=fan, observed=[], labels=labels))
    assert "more than" not in plain and "<path" not in plain


def test_the_vertical_axis_says_what_it_counts_when_told() -> None:
    """The calibration and backtest charts had numbers up the side and no word of what they count."""
    days = [dt.date(2025, 11, 22) + dt.timedelta(days=i) for i in range(3)]
    fan = Fan(days, [10.0] * 3, [50.0] * 3, [100.0] * 3)
    svg = str(fan_chart(fan=fan, observed=[], labels={**LABELS, "unit": "personas"}))
    assert svg.count(">personas</text>") == 1
    assert "personas" not in str(fan_chart(fan=fan, observed=[], labels=LABELS))
