"""The plan comparison as files: comparison.json, comparison.csv and a bilingual HTML page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go

from hito import i18n, names
from hito.csvsafe import safe_cell
from hito.plans.compare import METRICS, Comparison
from hito.plans.model import Plan
from hito.report.plan_odds import odds
from hito.report.run_report import chart_config, plotly_js, templates
from hito.scenario.model import Scenario


def words(_: Callable[[str], str]) -> dict[str, str]:
    """Every fixed text of the page in one language (its gettext); the page holds both."""
    return {
        "title": _("Contingency plans compared"),
        "lead": _(
            "Each plan was run on the same simulated futures; its triggers were checked every "
            "day on the simulated state and its actions started after their lead time. "
            "Figures are P50 with the P10–P90 range over runs."
        ),
        "plan": _("plan"),
        "no-plan": _("No plan"),
        "stranded_person_days": _("Stranded person-days"),
        "unsheltered_person_days": _("Stranded person-days outside shelters"),
        "peak_stranded": _("Peak stranded"),
        **{k: v for k, v in names.final_states(_).items() if k in METRICS},
        "days_over_shelter_capacity": _("Days a shelter was full"),
        "total_cost": _("Total cost"),
        "triggers": _("Triggers"),
        "trigger": _("trigger"),
        "probability": _("probability it fires"),
        "first": _("median first firing"),
        "never": _("never fired"),
        "same_median": _(
            "Same median (P50) under every plan: %(what)s. In the middle simulated future the "
            "plans change nothing there; they differ in the worse futures (the P90) and in how "
            "often each trigger fires (below)."
        ),
        "same_everywhere": _(
            "Same P10, P50 and P90 under every plan: %(what)s. In these simulated futures no "
            "plan changes them."
        ),
        "chart_stranded": _("People stranded per day (P50 line, P10–P90 band)"),
        "chart_days": _("Stranded person-days per plan (P50, bars to P10 and P90)"),
        "plans": _("The plans"),
        "rationale": _("Rationale"),
        "actions": _("Actions"),
        "agency": _("agency"),
        "lead_time": _("lead time (days)"),
        "cost": _("cost"),
        "sources": _("Sources"),
        "per_day": _("per day"),
        "per_unit": _("per unit"),
        "people": _("people"),
        "person_days": _("person-days"),
        "day_n": _("day %(n)s"),
        "conditioned": _(
            "Conditioned on the field counts up to %(date)s (a posterior of hito calibrate): "
            "every plan, and no plan, starts from each particle's state on that date, with the "
            "same random numbers; triggers are checked from then on and the figures count the "
            "days after it."
        ),
        "after": _("People stranded per site after the as-of date (P50, P10–P90 below)"),
        "site": _("site"),
        "days_on": _("%(n)s days on"),
        "facts": _(
            "Scenario %(scenario)s; %(runs)s runs, seed %(seed)s, %(days)s days, from %(start)s "
            "to %(end)s. Generated on %(generated)s by hito."
        ),
    }


def rows_csv(rows: Sequence[dict[str, Any]]) -> str:
    """One line per plan: each metric's p10, p50 and p90, then each trigger's firing figures.

    From a posterior, each line ends with the as-of date its figures are conditioned on.
    """
    metrics = [k for k in rows[0] if isinstance(rows[0][k], dict) and "p50" in rows[0][k]]
    head = ["plan", "title", "runs"] + [f"{m}_{q}" for m in metrics for q in ("p10", "p50", "p90")]
    head += ["triggers"]
    conditioned = "calibrated_as_of" in rows[0]  # from a posterior: its as-of date on each line
    head += ["calibrated_as_of"] if conditioned else []
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    for r in rows:
        trig = "; ".join(
            f"{t['trigger']}: p={t['probability']:.2f}"
            + (f", day {t['median_first_day']:g}" if t["median_first_day"] is not None else "")
            for t in r["triggers"]
        )
        w.writerow(
            [safe_cell(r["plan"]), safe_cell(r["title"]), r["runs"]]
            + [f"{r[m][q]:g}" for m in metrics for q in ("p10", "p50", "p90")]
            + [trig]
            + ([r["calibrated_as_of"]] if conditioned else [])
        )
    return buf.getvalue()


# the numbers of a chart in a language: decimal mark, then thousands separator
_SEPARATORS = {"es": ",.", "en": ".,"}


def _named(plan: str, said: dict[str, str]) -> str:
    """A plan as a chart names it: 'no-plan' in the page's language, a plan by its label."""
    return said["no-plan"] if plan == "no-plan" else plan


def _stranded_chart(cmp: Comparison, said: dict[str, str], lang: str) -> str:
    x = [cmp.date(d).isoformat() for d in range(cmp.days)]
    fig = go.Figure()
    palette = ["#444444", "#c8502a", "#2a7ac8", "#3a9a4a", "#9a3ac8", "#c8a02a", "#2ac8b8"]
    for i, (plan, q) in enumerate(cmp.stranded.items()):
        label = _named(plan, said)
        col = palette[i % len(palette)]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=q[2],
                line={"width": 0},
                showlegend=False,
                legendgroup=label,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=q[0],
                fill="tonexty",
                line={"width": 0},
                showlegend=False,
                fillcolor=_rgba(col, 0.12),
                legendgroup=label,
                hoverinfo="skip",
            )
        )
        fig.add_trace(go.Scatter(x=x, y=q[1], name=label, line={"color": col}, legendgroup=label))
    fig.update_layout(
        height=380,
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        template="simple_white",
        yaxis_title=said["people"],
        separators=_SEPARATORS[lang],
    )
    # dates in the reader's style ('22 nov', 'Nov 22'), as the run report's charts write them
    return fig.to_html(full_html=False, include_plotlyjs=False, config=_config(lang))


def _config(lang: str) -> dict[str, Any]:
    """A chart's plotly config: the language's months and words (`chart_config`), responsive.

    `responsive`: a chart drawn while its language is hidden takes its width when shown.
    """
    return {**chart_config(lang), "responsive": True}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _bar_chart(rows: Sequence[dict[str, Any]], metric: str, said: dict[str, str], lang: str) -> str:
    names = [_named(r["plan"], said) for r in rows]
    p50 = [r[metric]["p50"] for r in rows]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=p50,
            marker_color="#c8502a",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [r[metric]["p90"] - r[metric]["p50"] for r in rows],
                "arrayminus": [r[metric]["p50"] - r[metric]["p10"] for r in rows],
            },
        )
    )
    fig.update_layout(
        height=320,
        margin={"l": 50, "r": 20, "t": 20, "b": 60},
        template="simple_white",
        yaxis_title=said["person_days"],
        separators=_SEPARATORS[lang],
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, config=_config(lang))


def render(
    s: Scenario,
    cmp: Comparison,
    plans: Sequence[tuple[str, Plan]],
    *,
    seed: int,
    lang: str = "es",
) -> str:
    """The whole comparison page as one HTML string (plotly.js inline, no network).

    It holds every text in Spanish and in English and opens in `lang`; a button shows the other.
    """
    lang = i18n.pick(lang)
    order = [lang, *(x for x in i18n.LANGUAGES if x != lang)]
    text = {x: words(i18n.translations(x).gettext) for x in order}
    metrics = list(METRICS) + [f"total_cost_{c}" for c in cmp.currencies]
    same = odds({"rows": cmp.rows}, lang, metrics=tuple(metrics))
    facts = {
        "scenario": s.name,
        "runs": cmp.rows[0]["runs"],
        "seed": seed,
        "days": cmp.days,
        "start": cmp.start,
        "end": cmp.date(cmp.days - 1),
        "generated": dt.date.today(),
    }
    return (
        templates()
        .get_template("comparison.html.j2")
        .render(
            scenario=s,
            rows=cmp.rows,
            plans=dict(plans),
            metrics=metrics,
            lang=lang,
            order=order,
            language_names=i18n.LANGUAGE_NAMES,
            text=text,
            facts={x: _facts(text[x]["facts"], facts, x) for x in order},
            same_median={
                x: " ".join(
                    text[x][key] % {"what": "; ".join(_metric(m, text[x]) for m in keys)}
                    for key, keys in (
                        ("same_median", same.same_p50),
                        ("same_everywhere", same.same_all),
                    )
                    if keys
                )
                for x in order
            }
            if same.same_p50 or same.same_all
            else {},
            countries={x: names.countries(i18n.translations(x).gettext) for x in order},
            num=i18n.number,
            pct=i18n.percent,
            day=i18n.date,
            localized=i18n.localized,
            # each chart once per language, shown with its language's texts
            stranded_chart={x: _stranded_chart(cmp, text[x], x) for x in order},
            days_chart={x: _bar_chart(cmp.rows, "stranded_person_days", text[x], x) for x in order},
            plotly_js=plotly_js(),
            **_conditioned(s, cmp, order),
        )
    )


def _conditioned(s: Scenario, cmp: Comparison, order: list[str]) -> dict[str, Any]:
    """What a comparison from a posterior shows: its as-of date, the stranded bands per site."""
    from hito.plans.conditioned import HORIZONS, stranded_places

    if cmp.as_of is None or cmp.after is None:
        return {"conditioned": None, "after": None}
    said = {x: words(i18n.translations(x).gettext)["conditioned"] for x in order}
    places = {p.id: p for p in s.places}
    return {
        "conditioned": {x: said[x] % {"date": i18n.date(cmp.as_of, x)} for x in order},
        "horizons": HORIZONS,
        "after": [
            (places[place], label, [bands[place][h] for h in HORIZONS])
            for place in stranded_places(cmp.after)
            for label, bands in cmp.after.items()
        ],
    }


def _metric(m: str, said: dict[str, str]) -> str:
    """A metric's column name on the page ('Total cost (USD)' for a cost)."""
    return f"{said['total_cost']} ({m[11:]})" if m.startswith("total_cost_") else said[m]


def _facts(message: str, facts: dict[str, Any], lang: str) -> str:
    """The line under the lead: scenario, runs, seed, days and dates in the language's style."""

    def shown(name: str, value: Any) -> str:
        if isinstance(value, dt.date):
            return i18n.date(value, lang)
        if isinstance(value, int) and name != "seed":
            return i18n.number(value, lang)
        return str(value)

    return message % {k: shown(k, v) for k, v in facts.items()}
