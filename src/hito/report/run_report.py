"""The self-contained HTML report of a forecast run: fan charts and the scenario's assumptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

import numpy as np
import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import escape
from plotly.offline import get_plotlyjs

from hito import i18n
from hito.engine.compile import compile_scenario
from hito.ensemble.result import Ensemble
from hito.errors import N_
from hito.report.labels import label
from hito.report.policy_text import describe_policy
from hito.report.skill_lines import reach_line, skill_lines
from hito.scenario.model import Scenario
from hito.scenario.uncertain import ranges


@cache
def templates() -> Environment:
    """The Jinja2 environment of the report templates shipped in the package."""
    return Environment(
        loader=PackageLoader("hito.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


def plotly_js() -> str:
    """The plotly.js bundle shipped with the plotly package (no network), with Spanish registered.

    Plotly names months and days in English unless a chart's config names a locale registered
    on the page; `chart_config("es")` names 'es', whose names come from babel's data.
    """
    return get_plotlyjs() + "\n" + _spanish_locale()


@cache
def _spanish_locale() -> str:
    """plotly.js's locale 'es': month and day names, separators (registered, not the default)."""
    import json

    from babel.dates import get_day_names, get_month_names

    def days(width: Literal["abbreviated", "wide"]) -> list[str]:
        names = get_day_names(width, locale="es")
        return [names[6], *(names[i] for i in range(6))]  # plotly starts the week on Sunday

    def months(width: Literal["abbreviated", "wide"]) -> list[str]:
        return [get_month_names(width, locale="es")[m] for m in range(1, 13)]

    fmt = {
        "days": days("wide"),
        "shortDays": days("abbreviated"),
        "months": months("wide"),
        "shortMonths": months("abbreviated"),
        "date": "%d/%m/%Y",
        # the day before the month, as Spanish writes it ('14 dic', not plotly's 'dic 14')
        "dayMonth": "%-d %b",
        "dayMonthYear": "%-d %b %Y",
        "month": "%b %Y",
        "decimal": ",",
        "thousands": ".",
    }
    gettext = i18n.translations("es").gettext
    words = {w: gettext(w) for w in PLOTLY_WORDS}
    return (
        'Plotly.register({moduleType: "locale", name: "es", dictionary: '
        + json.dumps(words, ensure_ascii=False)
        + ", format: "
        + json.dumps(fmt, ensure_ascii=False)
        + "});"
    )


# plotly.js's own words on a chart: the tooltips of its mode bar's buttons and its notices
PLOTLY_WORDS = (
    N_("Download plot as a PNG"),
    N_("Download plot"),
    N_("Zoom"),
    N_("Pan"),
    N_("Box Select"),
    N_("Lasso Select"),
    N_("Zoom in"),
    N_("Zoom out"),
    N_("Autoscale"),
    N_("Reset axes"),
    N_("Toggle Spike Lines"),
    N_("Show closest data on hover"),
    N_("Compare data on hover"),
    N_("Double-click to zoom back out"),
    N_("Toggle show closest data on hover"),
    N_("Preparing image - this may take a few seconds"),
    N_("Image download succeeded"),
    N_("Sorry, there was a problem downloading your image!"),
)


def chart_config(lang: str) -> dict[str, Any]:
    """A chart's plotly config: no logo, months, days and plotly's own words in the language.

    No 'Share chart...' button: it would send the chart to a plotly server, and none is set.
    """
    return {"displaylogo": False, "locale": i18n.pick(lang), "showSendToCloud": False}


def fan_chart(
    dates: Sequence[dt.date],
    q: np.ndarray,
    title: str,
    capacity: Any = None,
    lang: str = "en",
    as_of: dt.date | None = None,
) -> str:
    """A P10-P50-P90 fan chart as an HTML fragment (expects plotly.js already on the page).

    `as_of`: the last day of the counts the bands are conditioned on, drawn as a dashed line.
    """
    _ = i18n.translations(lang).gettext
    x = [d.isoformat() for d in dates]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=q[2], line={"width": 0}, name="P90", showlegend=False))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=q[0],
            fill="tonexty",
            fillcolor="rgba(200,80,40,0.25)",
            line={"width": 0},
            name=_("P10–P90"),
        )
    )
    fig.add_trace(go.Scatter(x=x, y=q[1], line={"color": "rgb(160,50,20)"}, name=_("median")))
    if capacity is not None:
        fig.add_trace(go.Scatter(x=x, y=capacity, line={"dash": "dot"}, name=_("capacity")))
    if as_of is not None and dates and dates[0] <= as_of <= dates[-1]:
        fig.add_vline(x=as_of.isoformat(), line={"dash": "dash", "color": "#555", "width": 1})
        fig.add_annotation(
            x=as_of.isoformat(),
            y=1,
            yref="paper",
            text=_("counts up to here"),
            showarrow=False,
            xanchor="left",
            font={"size": 10, "color": "#555"},
        )
    fig.update_layout(
        height=300,
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        yaxis_title=_("people"),
        template="simple_white",
        separators=",." if lang == "es" else ".,",
    )
    # the title as a heading above the chart: it wraps on a phone, where plotly's is cut off
    heading = f'<h3 class="chart-title">{escape(title)}</h3>'
    return heading + fig.to_html(full_html=False, include_plotlyjs=False, config=chart_config(lang))


def render(s: Scenario, ens: Ensemble, summary: dict[str, Any], lang: str = "es") -> str:
    """The forecast report page from an ensemble's reduced quantiles, every script inline.

    In the user's language (es or en): headings, labels, numbers, dates and place names.
    """
    lang = i18n.pick(lang)
    _ = i18n.translations(lang).gettext
    c = compile_scenario(s, days=ens.days)
    dates = ens.dates()
    as_of = calibrated_on(summary)
    charts = [
        fan_chart(
            dates, ens.fan("stranded"), _("All sites: people stranded"), lang=lang, as_of=as_of
        )
    ]
    sites = []
    for i, place in enumerate(s.places):
        q = ens.fan("stranded", place.id)
        if q[2].max() <= 0:
            continue
        cap = c.capacity[:, i] if c.capacity[:, i].max() >= 0 else None
        name = i18n.localized(place.title, lang, place.name)
        title = _("%(site)s: people stranded") % {"site": name}
        charts.append(fan_chart(dates, q, title, cap, lang, as_of))
        sites.append(place)
    return (
        i18n.environment(("hito.report",), lang)
        .get_template("run_report.html.j2")
        .render(
            scenario=s,
            summary=summary,
            charts=charts,
            sites=sites,
            ends=where_people_went(s, ens),
            present=present_peaks(s, ens),
            ranges=ranges(s),
            plotly_js=plotly_js(),
            describe=lambda p: describe_policy(p, s, lang),
            label=lambda path: label(s, path, lang),
            figure=lambda v: i18n.figure(v, lang),
            generated=dt.date.today(),
            skill=skill_lines(s.name, lang, own_counts=own_counts(summary)),
            basis=basis(summary, s.name, lang),
        )
    )


def calibrated_on(summary: dict[str, Any]) -> dt.date | None:
    """The last day of the field counts a forecast is conditioned on (None: the scenario alone)."""
    cal = summary.get("calibration")
    return (
        dt.date.fromisoformat(cal["as_of"]) if isinstance(cal, dict) and cal.get("as_of") else None
    )


def own_counts(summary: dict[str, Any]) -> bool:
    """Whether a forecast was calibrated on counts the user gave (not the ones hito ships)."""
    cal = summary.get("calibration")
    return isinstance(cal, dict) and cal.get("own_counts") is True


def basis(summary: dict[str, Any], scenario: str, lang: str) -> list[str]:
    """What the report's bands rest on, and how far ahead such forecasts were ever scored."""
    _ = i18n.translations(lang).gettext
    as_of = calibrated_on(summary)
    out = [calibration_line(as_of, lang)]
    if as_of is None and skill_lines(scenario, lang):
        out.append(_("The backtest scores below are of forecasts calibrated on the counts."))
    reach = reach_line(scenario, lang)
    return [*out, reach] if reach else out


def calibration_line(as_of: dt.date | None, lang: str, *, service: bool = False) -> str:
    """Whether a forecast is calibrated on the field counts up to `as_of` (None: not at all).

    `service`: in the words of the service's pages and reports, which draw no dashed line and
    have no `hito calibrate` to point to.
    """
    _ = i18n.translations(lang).gettext
    if as_of is None:
        if service:
            return _(
                "Not calibrated: no field count was stored up to the forecast's date, so these "
                "figures are of the scenario alone."
            )
        return _(
            "The scenario alone: these runs are not conditioned on any field count (`hito "
            "calibrate` conditions them)."
        )
    if service:
        text = _(
            "Calibrated on the field counts up to %(d)s: the figures start from what the counts "
            "let one believe on that day; from the next day on they are the forecast."
        )
    else:
        text = _(
            "Calibrated on the field counts up to %(d)s: up to that day the bands say what "
            "the counts let one believe happened; from the next day on they are the forecast "
            "(the dashed line in the charts)."
        )
    return text % {"d": i18n.date(as_of, lang)}


def present_peaks(s: Scenario, ens: Ensemble) -> dict[str, list[float]]:
    """Per place, people present (what a field count measures) on the day of its highest median.

    [P10, P50, P90] of that day over runs: a border post holds people waiting to cross who are
    not stranded, so its stranded figures say nothing of the counts taken there.
    """
    out = {}
    for place in s.places:
        q = ens.fan("present", place.id)
        day = int(np.argmax(q[1])) if q.shape[1] else 0
        out[place.id] = [float(v) for v in q[:, day]] if q.shape[1] else [0.0, 0.0, 0.0]
    return out


def where_people_went(s: Scenario, ens: Ensemble) -> list[tuple[Any, dict[str, list[float]]]]:
    """Per place, by the last day: people who crossed into it, left there, were harmed there.

    Each as [P10, P50, P90] over runs; places where all three are 0 are left out.
    """
    out = []
    for place in s.places:
        last = {
            state: [float(v) for v in ens.fan(state, place.id)[:, -1]]
            for state in ("crossed", "exited", "harmed")
        }
        if any(q[2] > 0 for q in last.values()):
            out.append((place, last))
    return out
