"""The run and comparison reports fit a phone's screen: wide tables scroll inside themselves."""

from __future__ import annotations

import pytest

from hito.ensemble.run import run_ensemble
from hito.ensemble.spec import EnsembleSpec
from hito.plans.compare import compare
from hito.plans.load import builtin_names, load
from hito.report.plans_report import render as render_comparison
from hito.report.run_report import render as render_run
from hito.scenario.load import load as load_scenario

PHONE = {"width": 390, "height": 844}


def overflow(browser, html: str) -> int:  # type: ignore[no-untyped-def]
    """How many pixels the page is wider than a 390 px phone."""
    ctx = browser.new_context(viewport=PHONE)
    try:
        page = ctx.new_page()
        page.route("**/*", lambda route: route.abort())  # the page needs nothing from outside
        page.set_content(html, wait_until="load")
        return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("tacna-arica-2025")


def test_the_run_report_fits_a_phone(browser, scenario) -> None:  # type: ignore[no-untyped-def]
    ens = run_ensemble(EnsembleSpec(scenario, runs=3, seed=1, days=20), executor="local")
    facts = ens.summary()
    assert overflow(browser, render_run(scenario, ens, facts)) <= 0


def test_the_run_reports_chart_titles_are_whole_on_a_phone(browser, scenario) -> None:  # type: ignore[no-untyped-def]
    """Plotly cut a chart's title at the chart's edge: 'Franja entre Chacalluta y Santa Rosa:
    persona' on a 390 px phone. The titles are headings now, wrapped inside the screen."""
    ens = run_ensemble(EnsembleSpec(scenario, runs=3, seed=1, days=20), executor="local")
    ctx = browser.new_context(viewport=PHONE)
    try:
        page = ctx.new_page()
        page.route("**/*", lambda route: route.abort())
        page.set_content(render_run(scenario, ens, ens.summary(), "es"), wait_until="load")
        titles = page.evaluate(
            """() => [...document.querySelectorAll('h3.chart-title')].map(h => {
                const r = h.getBoundingClientRect();
                return [h.textContent, r.left, r.right, h.scrollWidth <= h.clientWidth];
            })"""
        )
    finally:
        ctx.close()
    assert ["Franja entre Chacalluta y Santa Rosa: personas varadas", True] in [
        [t, fits] for t, _left, _right, fits in titles
    ]
    assert all(left >= 0 and right <= PHONE["width"] for _t, left, right, _f in titles)
    assert titles[0][0] == "Todos los sitios: personas varadas"


def test_the_plan_comparison_fits_a_phone(browser, scenario) -> None:  # type: ignore[no-untyped-def]
    plans = [(n, load(n, scenario)) for n in builtin_names()]
    cmp = compare(scenario, plans, runs=2, seed=0, days=20)
    assert overflow(browser, render_comparison(scenario, cmp, plans, seed=0)) <= 0


def test_the_comparisons_charts_speak_the_language_shown_and_fit_after_switching(
    browser, scenario
) -> None:  # type: ignore[no-untyped-def]
    """One chart served both languages: 'personas / people' on its axis, 'no-plan' in its
    legend. Each language has its own now; those drawn hidden take the phone's width when
    shown."""
    plans = [("corridor-100", load("corridor-100", scenario))]
    cmp = compare(scenario, plans, runs=2, seed=0, days=20)
    ctx = browser.new_context(viewport=PHONE)
    try:
        page = ctx.new_page()
        page.route("**/*", lambda route: route.abort())
        page.set_content(render_comparison(scenario, cmp, plans, seed=0, lang="es"))
        shown = """() => [...document.querySelectorAll('.js-plotly-plot')]
            .filter(d => d.offsetParent)
            .map(d => [Math.round(d.getBoundingClientRect().right),
                       [...d.querySelectorAll('.ytitle, .legendtext')].map(t => t.textContent)])"""
        assert page.evaluate(shown) == [
            [382, ["Sin plan", "corridor-100", "personas"]],
            [382, ["personas-día"]],
        ]
        assert (
            page.title()
            == "hito: Comparación de planes de contingencia: Tacna–Arica (noviembre de 2025)"
        )
        page.click("button[data-l=en]")
        page.wait_for_function("document.querySelector('.js-plotly-plot').offsetParent === null")
        page.wait_for_timeout(300)  # plotly fits the charts shown on the resize event
        assert page.evaluate(shown) == [
            [382, ["No plan", "corridor-100", "people"]],
            [382, ["person-days"]],
        ]
        assert page.title() == "hito: Contingency plans compared: Tacna–Arica (November 2025)"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        ctx.close()
