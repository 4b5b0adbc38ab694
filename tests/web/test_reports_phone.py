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


def test_the_plan_comparison_fits_a_phone(browser, scenario) -> None:  # type: ignore[no-untyped-def]
    plans = [(n, load(n, scenario)) for n in builtin_names()]
    cmp = compare(scenario, plans, runs=2, seed=0, days=20)
    assert overflow(browser, render_comparison(scenario, cmp, plans, seed=0)) <= 0
