"""The self-contained HTML comparison of a policy sweep: one row per option and two charts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go

from hito import i18n, names
from hito.ensemble.sweep import SweepResult
from hito.report.policy_text import describe_policy
from hito.report.run_report import chart_config, plotly_js


def figures(lang: str) -> list[tuple[str, str]]:
    """The figures compared per option: (column prefix, title in the language)."""
    named = names.figures(i18n.translations(lang).gettext)
    return [
        (key, named[key]) for key in ("stranded_peak", "stranded_person_days", "diverted", "harmed")
    ]


def person_days_chart(sweep: SweepResult, lang: str = "en") -> str:
    """P50 of stranded person-days, diverted and harmed per option, with P10–P90 bars."""
    table = sweep.table()
    labels = table["option"].to_list()
    fig = go.Figure()
    for key, title in figures(lang)[1:]:
        p50 = table[f"{key}_p50"].to_list()
        fig.add_trace(
            go.Bar(
                x=labels,
                y=p50,
                name=title,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [a - b for a, b in zip(table[f"{key}_p90"], p50, strict=True)],
                    "arrayminus": [b - a for a, b in zip(table[f"{key}_p10"], p50, strict=True)],
                },
            )
        )
    fig.update_layout(
        title=i18n.translations(lang).gettext("Per option: P50 with P10–P90"),
        separators=_separators(lang),
        barmode="group",
        height=380,
        yaxis_type="log" if _wide(table) else "linear",
        margin={"l": 50, "r": 20, "t": 40, "b": 60},
        template="simple_white",
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, config=chart_config(lang))


def _wide(table: Any) -> bool:
    """Log scale when person-days dwarf the other figures."""
    hi = max(table["stranded_person_days_p90"].max() or 0, 1)
    lo = max(min(table["harmed_p50"].max() or 0, table["diverted_p50"].max() or 0), 1)
    return bool(hi / lo > 100)


def _separators(lang: str) -> str:
    """Plotly's decimal and thousands separators in the language ('.,' or ',.')."""
    return i18n.number(1.5, lang, 1)[1] + i18n.number(10000, lang)[2]


def stranded_over_time(sweep: SweepResult, lang: str = "en") -> str:
    """P50 of people stranded at all sites, day by day, one line per option."""
    _ = i18n.translations(lang).gettext
    fig = go.Figure()
    for opt, ens in zip(sweep.options, sweep.ensembles, strict=True):
        q = ens.fan("stranded")
        x = [d.isoformat() for d in ens.dates()]
        fig.add_trace(go.Scatter(x=x, y=q[1], name=opt.label, mode="lines"))
    fig.update_layout(
        title=_("All sites: stranded (P50)"),
        height=360,
        yaxis_title=_("people"),
        separators=_separators(lang),
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        template="simple_white",
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, config=chart_config(lang))


def render(sweep: SweepResult, lang: str = "es") -> str:
    """The whole comparison page as one HTML string with every script inline."""
    lang = i18n.pick(lang)
    table = sweep.table()
    first = sweep.ensembles[0]
    events = [c for c in table.columns if c.startswith("P(")]
    return (
        i18n.environment(("hito.report",), lang)
        .get_template("sweep_report.html.j2")
        .render(
            scenario=sweep.base,
            varies=sweep.varies,
            rows=table.to_dicts(),
            figures=figures(lang),
            events=events,
            runs=len(first.runs),
            seed=first.info["seed"],
            start=first.start,
            end=first.dates()[-1],
            charts=[person_days_chart(sweep, lang), stranded_over_time(sweep, lang)],
            policies=sweep.base.policies,
            describe=lambda p: describe_policy(p, sweep.base, lang),
            plotly_js=plotly_js(),
            generated=dt.date.today(),
        )
    )
