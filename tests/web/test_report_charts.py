"""The plotly charts of the run and sweep reports name months in the report's language (chromium)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def run_report(tmp_path: Path, lang: str) -> Path:
    out = tmp_path / lang
    done = subprocess.run(
        [sys.executable, "-m", "hito.cli.main", "run", "tacna-arica-2025"]
        + ["--runs", "2", "--days", "60", "--lang", lang, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out / "report.html"


def chart_words(browser, report: Path) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """The date axis's tick labels and the tooltips of plotly's mode bar, as chromium shows them."""
    page = browser.new_page()
    try:
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto(report.as_uri())
        page.wait_for_selector(".xtick text")
        ticks = [t.strip() for t in page.locator(".xtick text").all_text_contents()]
        buttons = page.locator(".modebar-btn").evaluate_all(
            "els => els.map(e => e.getAttribute('data-title'))"
        )
        return ticks, sorted(set(buttons))
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_run_reports_date_axis_speaks_the_reports_language(browser, tmp_path, lang) -> None:  # type: ignore[no-untyped-def]
    ticks, buttons = chart_words(browser, run_report(tmp_path, lang))
    said = " ".join(ticks)
    english = [m for m in ENGLISH_MONTHS if m in said]
    if lang == "es":  # 22 Nov 2025 to 20 Jan 2026: Spanish month names, no English one
        assert "dic" in said or "ene" in said, said
        assert english == [], said
        # the day before the month, as Spanish writes it: '14 dic', never plotly's 'dic 14'
        assert all(re.match(r"\d{1,2} [a-z]{3,4}", t) for t in ticks), ticks
        assert buttons == [
            "Acercar",
            "Alejar",
            "Descargar el gráfico como PNG",
            "Desplazar",
            "Escala automática",
            "Restablecer los ejes",
            "Zoom",
        ], buttons
    else:
        assert "Dec" in said or "Jan" in said, said
        assert all(re.match(r"[A-Z][a-z]{2} \d{1,2}", t) for t in ticks), ticks
        assert "Download plot as a PNG" in buttons and "Share chart..." not in buttons, buttons
