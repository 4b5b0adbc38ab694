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


def test_the_page_holds_both_languages_opens_in_the_one_asked_with_its_numbers_and_dates():
    s = load_scenario("tacna-arica-2025")
    plans = [("corridor-100", load("corridor-100", s))]
    cmp = compare(s, plans, runs=2, seed=0, days=45)
    none = cmp.rows[0]["stranded_person_days"]["p50"]
    assert none >= 1000  # so the languages' thousands separators differ
    es, en = (f"{round(none):,}".replace(",", sep) for sep in (".", ","))
    for lang, other in (("es", "en"), ("en", "es")):
        page = render(s, cmp, plans, seed=0, lang=lang)
        assert f'<html lang="{lang}">' in page and f'<body class="{lang}">' in page
        assert f'data-l="{lang}" aria-pressed="true"' in page
        assert f'data-l="{other}" aria-pressed="false"' in page
        spans = {"es": f'<span lang="es">{es}</span>', "en": f'<span lang="en">{en}</span>'}
        assert f"<b>{spans[lang]}{spans[other]}</b>" in page  # the reader's language first
        facts = (
            "Escenario tacna-arica-2025; 2 simulaciones, semilla 0, 45 días, del 22 nov 2025 al "
            "5 ene 2026.",
            "Scenario tacna-arica-2025; 2 runs, seed 0, 45 days, from Nov 22, 2025 to Jan 5, 2026.",
        )
        assert all(f in page for f in facts)
        total = {
            "es": '<span lang="es">Costo total</span>',
            "en": '<span lang="en">Total cost</span>',
        }
        assert total[lang] + total[other] in page
        # a plan's sources in each language, from its translations (the cited site as written)
        cited = {
            "es": '<span lang="es">aricahoy.cl: el lugar se despejó el 15 de mayo de 2023, tras '
            "33 días</span>",
            "en": '<span lang="en">aricahoy.cl: site cleared on 2023-05-15, after 33 days</span>',
        }
        assert "clearance-2023: " + cited[lang] + cited[other] in page
        # each chart once per language (its axis, legend and numbers in it), the dates in the
        # language's style (plotly's registered locale: '22 nov' in Spanish), not ISO
        assert '"tickformat":"%Y-%m-%d"' not in page and '"hoverformat":"%Y' not in page
        assert page.count('"locale": "es"') == page.count('"locale": "en"') == 2
        assert page.count('"separators":",."') == page.count('"separators":".,"') == 2
        assert '"name":"Sin plan"' in page and '"name":"No plan"' in page
        assert '"text":"personas"' in page and '"text":"people"' in page
        assert '"text":' + json.dumps("personas-día") in page  # plotly's JSON: día as \u00ed
        assert '"text":"person-days"' in page
        assert "personas / people" not in page
        title = {"es": "Tacna–Arica (noviembre de 2025)", "en": "Tacna–Arica (November 2025)"}
        assert (
            f"<title>hito: {'Comparación de planes de contingencia' if lang == 'es' else 'Contingency plans compared'}: {title[lang]}</title>"
            in page
        )
