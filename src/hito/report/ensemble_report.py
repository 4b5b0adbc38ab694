"""The run report drawn from an ensemble's reduced quantiles (no run's full table needed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hito.engine.compile import compile_scenario
from hito.ensemble.result import Ensemble
from hito.report.run_report import _env, describe_policy, fan_chart, plotly_js
from hito.scenario.model import Scenario
from hito.scenario.uncertain import ranges


def render(s: Scenario, ens: Ensemble, summary: dict[str, Any]) -> str:
    """The forecast report page (same template as `hito run` always had), every script inline."""
    c = compile_scenario(s, days=ens.days)
    dates = ens.dates()
    charts = [fan_chart(dates, ens.fan("stranded"), "All sites: stranded")]
    sites = []
    for i, place in enumerate(s.places):
        q = ens.fan("stranded", place.id)
        if q[2].max() <= 0:
            continue
        cap = c.capacity[:, i] if c.capacity[:, i].max() >= 0 else None
        charts.append(fan_chart(dates, q, f"{place.name}: stranded", cap))
        sites.append(place)
    return (
        _env()
        .get_template("run_report.html.j2")
        .render(
            scenario=s,
            summary=summary,
            charts=charts,
            sites=sites,
            ranges=ranges(s),
            plotly_js=plotly_js(),
            describe=describe_policy,
            generated=dt.date.today().isoformat(),
        )
    )
