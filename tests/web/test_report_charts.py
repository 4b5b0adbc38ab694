"""The plotly charts of the run and sweep reports name months in the report's language (chromium)."""

from __future__ import annotations

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


def axis_dates(browser, report: Path) -> list[str]:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    try:
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto(report.as_uri())
        page.wait_for_selector(".xtick text")
        return [t.strip() for t in page.locator(".xtick text").all_text_contents()]
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_run_reports_date_axis_speaks_the_reports_language(browser, tmp_path, lang) -> None:  # type: ignore[no-untyped-def]
    ticks = " ".join(axis_dates(browser, run_report(tmp_path, lang)))
    english = [m for m in ENGLISH_MONTHS if m in ticks]
    if lang == "es":  # 22 Nov 2025 to 20 Jan 2026: Spanish month names, no English one
        assert "dic" in ticks or "ene" in ticks, ticks
        assert english == [], ticks
    else:
        assert "Dec" in ticks or "Jan" in ticks, ticks
