"""The comparison files of the built-in plans on the built-in scenario (a short smoke run)."""

from __future__ import annotations

import csv
import io
import json
import re

from hito.plans.compare import compare
from hito.plans.load import builtin_names, load
from hito.report.plans_report import render, rows_csv
from hito.scenario.load import load as load_scenario


def test_builtin_plans_on_tacna_arica_2025_page_json_and_csv():
    s = load_scenario("tacna-arica-2025")
    plans = [(n, load(n, s)) for n in builtin_names()]
    cmp = compare(s, plans, runs=2, seed=0, days=45)
    rows = {r["plan"]: r for r in cmp.rows}
    assert list(rows) == ["no-plan", *builtin_names()]
    assert all(r["conservation_error"] == 0 for r in cmp.rows)
    none, corr = rows["no-plan"], rows["corridor-100"]
    assert corr["stranded_person_days"]["p50"] < none["stranded_person_days"]["p50"]
    assert rows["status-quo"]["stranded_person_days"] == none["stranded_person_days"]
    assert json.loads(json.dumps(cmp.rows)) == cmp.rows
    table = list(csv.DictReader(io.StringIO(rows_csv(cmp.rows))))
    assert [t["plan"] for t in table] == list(rows)
    assert float(table[0]["stranded_person_days_p50"]) == none["stranded_person_days"]["p50"]
    page = render(s, cmp, plans, seed=0)
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)
    for name in builtin_names():
        assert name in page
    assert "Plan binacional combinado" in page and "Combined binational plan" in page
