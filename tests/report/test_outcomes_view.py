"""A stored forecast's outcomes as pages and the situation report say them, in both languages."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from hito.forecast.observations import Observations
from hito.report import outcomes_view
from hito.store.forecast_result import forecast_result
from hito.testing import fates_scenario

AS_OF = dt.date(2025, 1, 4)


@cache
def _result() -> dict[str, Any]:
    return forecast_result(fates_scenario(), Observations((), ()), AS_OF, 20, 4, 3)


def fates(**changes: Any) -> dict[str, Any]:
    """The fates corridor's forecast as `latest_result` gives it (no count: not calibrated)."""
    return {"scenario": "fates", "as_of": AS_OF, **_result(), **changes}


def test_the_table_rows_per_place_with_kinds_and_the_totals() -> None:
    v = outcomes_view.view(fates(), "es")
    assert v is not None and (v.first, v.until) == (dt.date(2025, 1, 5), dt.date(2025, 1, 23))
    rows = [(r.name, r.kind, {k: b["p50"] for k, b in r.bands.items()}) for r in v.places]
    assert rows == [
        (
            "strip",
            "entre los complejos fronterizos",
            {"diverted": 100.0, "harmed": 0.0, "crossed": 0.0, "returned": 0.0},
        ),
        (
            "desert",
            "paso irregular",
            {"diverted": 0.0, "harmed": 0.0, "crossed": 100.0, "returned": 0.0},
        ),
        ("city", "ciudad", {"diverted": 0.0, "harmed": 0.0, "crossed": 0.0, "returned": 40.0}),
    ]
    assert v.total.name == "Todos los sitios" and v.total.bands["diverted"]["p90"] == 100.0
    assert [(h.days, h.date, h.bands["crossed"]["p50"]) for h in v.by_day] == [
        (7, dt.date(2025, 1, 11), 0.0),
        (14, dt.date(2025, 1, 18), 100.0),
    ]


def test_the_situation_report_lines_in_spanish_and_english() -> None:
    assert outcomes_view.lines(fates(), "es") == [
        "Desviadas a rutas irregulares del 5 ene 2025 al 23 ene 2025 (pronóstico): 100, "
        "P10–P90 100–100.",
        "Personas que sufrieron daños del 5 ene 2025 al 23 ene 2025 (pronóstico): 0, P10–P90 0–0.",
        "Sin calibrar: no había ningún conteo de campo guardado hasta la fecha del pronóstico, "
        "así que estas cifras son solo del escenario.",
    ]
    assert outcomes_view.lines(fates(), "en")[0] == (
        "Diverted to irregular routes from Jan 5, 2025 to Jan 23, 2025 (forecast): 100, "
        "P10–P90 100–100."
    )


def test_a_forecast_calibrated_on_counts_says_so() -> None:
    f = fates(calibrated={"counts": 3, "particles": 4, "ess": []})
    assert outcomes_view.caveat(f, "en") == (
        "Calibrated on the field counts up to Jan 4, 2025: the figures start from what the "
        "counts let one believe on that day; from the next day on they are the forecast."
    )
    assert outcomes_view.lines(f, "es")[-1].startswith(
        "Calibrado con los conteos de campo hasta el 4 ene 2025:"
    )


def test_an_old_result_without_outcomes_says_they_were_not_computed() -> None:
    old = {"scenario": "tacna-arica-2025", "as_of": AS_OF, "dates": ["2025-01-04"]}
    assert outcomes_view.view(old, "es") is None
    assert outcomes_view.lines(old, "es") == [
        "Los desvíos, daños, cruces y regresos no se calcularon para este pronóstico: se hizo "
        "antes de que hito los guardara. Un pronóstico nuevo los incluye."
    ]
    assert outcomes_view.lines(old, "en") == [
        "Diversions, harm, crossings and returns were not computed for this forecast: it was "
        "made before hito kept them. A new forecast has them."
    ]


def test_places_of_a_shipped_scenario_are_named_in_the_language() -> None:
    band = {"p10": 1.0, "p50": 2.0, "p90": 5.0}
    f = fates(scenario="tacna-arica-2025")
    f["outcomes"] = {
        **f["outcomes"],
        "by_place": {"hito-15-minefield": {"kind": "irregular_crossing", "harmed": band}},
    }
    (es,) = outcomes_view.view(f, "es").places  # type: ignore[union-attr]
    (en,) = outcomes_view.view(f, "en").places  # type: ignore[union-attr]
    assert (es.name, es.kind) == ("Pampas cerca del Hito 15 (campo minado)", "paso irregular")
    assert (en.name, en.kind) == ("Pampas near Hito 15 (minefield)", "irregular crossing")
    assert es.bands["harmed"] == band and es.bands["diverted"]["p90"] == 0.0
