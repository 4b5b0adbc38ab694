"""The plan comparison as files: comparison.json, comparison.csv and a bilingual HTML page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from hito.plans.compare import METRICS, Comparison
from hito.plans.model import Plan
from hito.report.run_report import plotly_js, templates
from hito.scenario.model import Scenario

# Every visible string in English and Spanish; the page shows one language at a time.
TEXT: dict[str, tuple[str, str]] = {
    "title": ("Contingency plans compared", "Comparación de planes de contingencia"),
    "lead": (
        "Each plan was run on the same simulated futures; its triggers were checked every "
        "day on the simulated state and its actions started after their lead time. "
        "Figures are P50 with the P10–P90 range over runs.",
        "Cada plan se simuló sobre los mismos futuros; sus disparadores se evaluaron cada "
        "día sobre el estado simulado y sus acciones empezaron tras su tiempo de preparación. "
        "Las cifras son la mediana (P50) con el rango P10–P90 entre corridas.",
    ),
    "plan": ("plan", "plan"),
    "no-plan": ("No plan", "Sin plan"),
    "stranded_person_days": ("Stranded person-days", "Personas-día varadas"),
    "unsheltered_person_days": (
        "Stranded person-days outside shelters",
        "Personas-día varadas fuera de albergues",
    ),
    "peak_stranded": ("Peak stranded", "Máximo de personas varadas"),
    "diverted": ("Diverted to irregular routes", "Desviadas a rutas irregulares"),
    "harmed": ("Harmed", "Personas dañadas"),
    "returned": ("Turned back", "Regresaron"),
    "days_over_shelter_capacity": (
        "Days a shelter was full",
        "Días con un albergue lleno",
    ),
    "total_cost": ("Total cost", "Costo total"),
    "triggers": ("Triggers", "Disparadores"),
    "trigger": ("trigger", "disparador"),
    "probability": ("probability it fires", "probabilidad de activarse"),
    "first": ("median first firing", "primera activación (mediana)"),
    "never": ("never fired", "nunca se activó"),
    "chart_stranded": (
        "People stranded per day (P50 line, P10–P90 band)",
        "Personas varadas por día (línea P50, banda P10–P90)",
    ),
    "chart_days": (
        "Stranded person-days per plan (P50, bars to P10 and P90)",
        "Personas-día varadas por plan (P50, barras hasta P10 y P90)",
    ),
    "plans": ("The plans", "Los planes"),
    "rationale": ("Rationale", "Fundamento"),
    "actions": ("Actions", "Acciones"),
    "agency": ("agency", "organismo"),
    "lead_time": ("lead time (days)", "tiempo de preparación (días)"),
    "cost": ("cost", "costo"),
    "sources": ("Sources", "Fuentes"),
    "runs": ("runs", "corridas"),
    "scenario": ("scenario", "escenario"),
    "generated": ("generated", "generado"),
    "per_day": ("per day", "por día"),
    "per_unit": ("per unit", "por unidad"),
}


def rows_csv(rows: Sequence[dict[str, Any]]) -> str:
    """One line per plan: each metric's p10, p50 and p90, then each trigger's firing figures."""
    metrics = [k for k in rows[0] if isinstance(rows[0][k], dict) and "p50" in rows[0][k]]
    head = ["plan", "title", "runs"] + [f"{m}_{q}" for m in metrics for q in ("p10", "p50", "p90")]
    head += ["triggers"]
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
            [r["plan"], r["title"], r["runs"]]
            + [f"{r[m][q]:g}" for m in metrics for q in ("p10", "p50", "p90")]
            + [trig]
        )
    return buf.getvalue()


def _stranded_chart(cmp: Comparison) -> str:
    x = [cmp.date(d).isoformat() for d in range(cmp.days)]
    fig = go.Figure()
    palette = ["#444444", "#c8502a", "#2a7ac8", "#3a9a4a", "#9a3ac8", "#c8a02a", "#2ac8b8"]
    for i, (label, q) in enumerate(cmp.stranded.items()):
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
        yaxis_title="people / personas",
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _bar_chart(rows: Sequence[dict[str, Any]], metric: str) -> str:
    names = [r["plan"] for r in rows]
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
        height=320, margin={"l": 50, "r": 20, "t": 20, "b": 60}, template="simple_white"
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def render(s: Scenario, cmp: Comparison, plans: Sequence[tuple[str, Plan]], *, seed: int) -> str:
    """The whole comparison page as one HTML string (plotly.js inline, no network)."""
    metrics = list(METRICS) + [f"total_cost_{c}" for c in cmp.currencies]
    return (
        templates()
        .get_template("comparison.html.j2")
        .render(
            scenario=s,
            rows=cmp.rows,
            plans=dict(plans),
            metrics=metrics,
            text=TEXT,
            seed=seed,
            days=cmp.days,
            start=cmp.start.isoformat(),
            end=cmp.date(cmp.days - 1).isoformat(),
            stranded_chart=_stranded_chart(cmp),
            days_chart=_bar_chart(cmp.rows, "stranded_person_days"),
            plotly_js=plotly_js(),
            generated=dt.date.today().isoformat(),
        )
    )
