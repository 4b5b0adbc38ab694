"""The calibration and backtest pages: fans against the counts, prior against posterior, scores."""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from typing import Any

import numpy as np

from hito import i18n
from hito.ensemble.result import Ensemble
from hito.forecast.observations import Observation, Observations
from hito.forecast.pairs import Backtest
from hito.report.charts import Fan, fan_chart, outlier_top
from hito.report.labels import label
from hito.report.run_report import chart_config, plotly_js, templates
from hito.scenario.model import Scenario


def _labels(lang: str) -> dict[str, str]:
    _ = i18n.translations(lang).gettext
    return {
        "band": _("P10–P90"),
        "median": _("median"),
        "observed": _("counts"),
        "capacity": _("capacity"),
        "empty": _("no data"),
        "divide": _("counts up to here"),
        "at_least": _('"more than" counts'),
        "unit": _("people"),  # the vertical axis: the band and the counts are people
    }


def _counts(obs: Observations, place: str) -> list[tuple[dt.date, float]]:
    return [(o.date, o.point) for o in obs.items if o.place == place and o.point is not None]


def _open_counts(obs: Observations, place: str) -> list[tuple[dt.date, float]]:
    """The counts with no upper end ("more than 100") at a place: their day and low."""
    return [(o.date, o.low) for o in obs.items if o.place == place and o.high is None]


def _histograms(s: Scenario, prior: Any, posterior: Any, lang: str) -> list[str]:
    """One overlaid histogram per drawn number: prior against posterior (plotly, inline).

    Titled with the number's label in the language, its path below in small type.
    """
    import plotly.graph_objects as go

    _ = i18n.translations(lang).gettext
    out = []
    for j, path in enumerate(posterior.paths):
        fig = go.Figure()
        fig.add_trace(
            go.Histogram(
                x=prior.values[:, j],
                name=_("prior"),
                opacity=0.55,
                histnorm="probability density",
                marker_color="#9aa5b1",
            )
        )
        fig.add_trace(
            go.Histogram(
                x=posterior.values[:, j],
                name=_("posterior"),
                opacity=0.7,
                histnorm="probability density",
                marker_color="#c8502a",
            )
        )
        lines = [html.escape(t) for t in textwrap.wrap(label(s, path, lang), 44)]
        lines.append(f"<span style='font-size:10px;color:#777'>{html.escape(path)}</span>")
        fig.update_layout(
            barmode="overlay",
            title={
                "text": "<br>".join(lines),
                "font": {"size": 13},
                "yref": "container",
                "y": 1,
                "yanchor": "top",
                "pad": {"t": 32},
            },
            height=242 + 18 * len(lines),
            template="simple_white",
            margin={"l": 40, "r": 10, "t": 42 + 18 * len(lines), "b": 30},
            separators=",." if lang == "es" else ".,",
        )
        out.append(
            fig.to_html(
                full_html=False,
                include_plotlyjs=False,
                config={**chart_config(lang), "responsive": True},
            )
        )
    return out


def render_calibration(
    s: Scenario,
    ens: Ensemble,
    facts: dict[str, Any],
    observations: Observations,
    prior: Any,
    posterior: Any,
    lang: str = "es",
    source: str | None = None,
) -> str:
    """calibration.html: fans with the counts, effective sample sizes, prior vs posterior.

    `source` says where the counts came from (a file, the service's database, hito's own).
    """
    lang = i18n.pick(lang)
    labels = _labels(lang)
    dates = ens.dates()
    places = sorted({o.place for o in observations.items})
    facts_as_of = dt.date.fromisoformat(facts["as_of"]) if facts.get("as_of") else None
    names = {p.id: i18n.localized(p.title, lang, p.name) for p in s.places}
    fans = []
    for place in places:
        q = ens.fan("present", place)
        counts = _counts(observations, place)
        open_counts = _open_counts(observations, place)
        fans.append(
            (
                names.get(place, place),
                fan_chart(
                    fan=Fan(dates, q[0], q[1], q[2]),
                    observed=counts,
                    labels=labels,
                    date_format=lambda d: i18n.date(d, lang),
                    number_format=lambda v: i18n.number(v, lang),
                    history_days=400,
                    ymax=outlier_top(
                        float(q[2].max(initial=0)), [v for _d, v in [*counts, *open_counts]]
                    ),
                    at_least=open_counts,
                    # the counts end on the as-of date: before it the past, after it the forecast
                    divide=(facts_as_of, labels["divide"]) if facts_as_of else None,
                ),
            )
        )
    return (
        templates()
        .get_template("calibration.html.j2")
        .render(
            lang=lang,
            _=i18n.translations(lang).gettext,
            ngettext=i18n.translations(lang).ngettext,
            scenario=s,
            facts=facts,
            source=source,
            fans=fans,
            histograms=_histograms(s, prior, posterior, lang),
            title=i18n.localized(s.title, lang, s.name),
            plotly_js=plotly_js(),
            number=lambda v, d=0: i18n.number(v, lang, d),
            date=lambda d: i18n.date(d, lang),
        )
    )


def render_backtest(
    s: Scenario,
    bt: Backtest,
    observations: Observations,
    lang: str = "es",
    source: str | None = None,
) -> str:
    """backtest.html: each issued forecast's fan against the later counts, scores per horizon.

    `source` says where the counts came from (a file, the service's database, hito's own).
    """
    lang = i18n.pick(lang)
    labels = _labels(lang)
    names = {p.id: i18n.localized(p.title, lang, p.name) for p in s.places}
    charts = []
    for issue in bt.issues:
        for place, rows in issue.fans.items():
            if not rows:
                continue
            ds = [s.date_of(int(r[0])) for r in rows]
            since = issue.issued - dt.timedelta(days=7)
            later = [(d, v) for d, v in _counts(observations, place) if d >= since]
            later_open = [(d, v) for d, v in _open_counts(observations, place) if d >= since]
            arr = np.array([r[1:] for r in rows])
            charts.append(
                (
                    issue.issued,
                    names.get(place, place),
                    fan_chart(
                        fan=Fan(ds, arr[:, 0], arr[:, 1], arr[:, 2]),
                        observed=later,
                        labels=labels,
                        date_format=lambda d: i18n.date(d, lang),
                        number_format=lambda v: i18n.number(v, lang),
                        ymax=outlier_top(
                            float(arr[:, 2].max(initial=0)), [v for _d, v in [*later, *later_open]]
                        ),
                        at_least=later_open,
                        history_days=7,
                        width=480,
                        height=220,
                    ),
                )
            )
    return (
        templates()
        .get_template("backtest.html.j2")
        .render(
            lang=lang,
            _=i18n.translations(lang).gettext,
            scenario=s,
            title=i18n.localized(s.title, lang, s.name),
            bt=bt,
            source=source,
            scores=bt.scores(),
            events=bt.event_scores(),
            charts=charts,
            number=lambda v, d=0: i18n.number(v, lang, d),
            percent=lambda v: i18n.percent(v, lang),
            signed_percent=lambda v: i18n.signed_percent(v, lang),
            date=lambda d: i18n.date(d, lang),
        )
    )


def _reported(o: Observation, lang: str) -> str:
    """A count as reported: 45, 40–60, or more than 100 (a range with no upper end)."""
    low = i18n.number(o.low, lang)
    if o.high is None:
        return f"{i18n.translations(lang).gettext('more than')} {low}"
    return low if o.high == o.low else f"{low}–{i18n.number(o.high, lang)}"


def forecast_table(
    s: Scenario,
    obs: Observations,
    ens: Ensemble,
    as_of: dt.date,
    lang: str,
    counts: Any = None,
) -> tuple[str, list[str], list[list[str]]]:
    """The calibrated forecast at each counted site, as the console shows it after calibrating.

    (title, column headers, rows): the latest count and the people present 7, 14 and 28 days
    after the as-of date (median and P10–P90), in the user's language; with `counts` (the
    frame of `posterior.count_quantiles`) each cell also gives the P10–P90 of what a field
    count would say that day, the band the backtest scores.
    """
    lang = i18n.pick(lang)
    _ = i18n.translations(lang).gettext
    title = _("People at each counted site after %(date)s: median (P10–P90)") % {
        "date": i18n.date(as_of, lang)
    }
    if counts is not None:
        title += "; " + _("below, what a field count would say (P10–P90)")
    said = _count_bands(counts)
    ahead = (7, 14, 28)
    headers = [_("site"), _("latest count")] + [_("in %(n)s days") % {"n": k} for k in ahead]
    last = s.days - 1
    rows = []
    for place in sorted({o.place for o in obs.items if o.date <= as_of}):
        p = s.places[s.place_index()[place]]
        counts = [o for o in obs.items if o.place == place and o.date <= as_of]
        newest = max(o.date for o in counts)
        day = [o for o in counts if o.date == newest]
        latest = "; ".join(dict.fromkeys(_reported(o, lang) for o in day))
        fan = ens.fan("present", place)
        cells = []
        for k in ahead:
            t = s.day_of(as_of) + k
            if t > last:
                cells.append("—")
                continue
            lo, mid, hi = (i18n.number(float(v), lang) for v in fan[:, t])
            cell = f"{mid} ({lo}–{hi})"
            if (place, s.date_of(t)) in said:
                c_lo, c_hi = (i18n.number(v, lang) for v in said[place, s.date_of(t)])
                cell += "\n" + _("count %(low)s–%(high)s") % {"low": c_lo, "high": c_hi}
            cells.append(cell)
        name = p.title.get(lang) if p.title is not None else p.name
        rows.append([name, f"{latest} ({i18n.date(newest, lang)})", *cells])
    return title, headers, rows


def _count_bands(counts: Any) -> dict[tuple[str, dt.date], tuple[float, float]]:
    """(place, date) -> P10 and P90 of a field count, from a count_quantiles frame (or none)."""
    if counts is None:
        return {}
    return {
        (r["place"], r["date"]): (float(r["p10"]), float(r["p90"]))
        for r in counts.iter_rows(named=True)
    }
