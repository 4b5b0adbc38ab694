"""The run report of a built-in scenario reads as words in the user's language, never as ids."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import numpy as np
import pytest

from hito.ensemble.executors import make_executor
from hito.ensemble.run import run_ensemble
from hito.ensemble.spec import EnsembleSpec
from hito.report.run_report import render
from hito.scenario.load import load


class _Visible(HTMLParser):
    """The text a reader sees: no scripts, styles or attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(page: str) -> str:
    p = _Visible()
    p.feed(page)
    return " ".join(" ".join(p.parts).split())


def _ensemble(s: Any, days: int, runs: int) -> Any:
    """The scenario's ensemble of `runs` runs over `days`, seed 1, in one local process."""
    ex = make_executor("local", workers=1)
    try:
        return run_ensemble(EnsembleSpec(s, days=days, runs=runs, seed=1), executor=ex)
    finally:
        ex.close()


@pytest.fixture(scope="module")
def report_2025() -> dict[str, str]:
    s = load("tacna-arica-2025")
    ens = _ensemble(s, days=10, runs=2)
    return {lang: render(s, ens, ens.summary(), lang) for lang in ("es", "en")}


RAW = (
    "routes[",
    "population[",
    "inflows[",
    "policies[",
    "shocks[",
    "season.months",
    "behaviour.",
    "observation.",
    "announced: None",
    "None",
    "strip-santa-rosa",
    "concordia-strip",
    "daily_share",
)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_raw_path_or_id_reaches_the_reader(report_2025: dict[str, str], lang: str) -> None:
    seen = visible(report_2025[lang])
    assert [r for r in RAW if r in seen] == []
    assert 'title="routes[1].weight"' in report_2025[lang]  # the path stays there for experts


def test_the_spanish_report_names_numbers_and_settings_in_spanish(
    report_2025: dict[str, str],
) -> None:
    seen = visible(report_2025["es"])
    for words in (
        "Peso de la ruta Centro y norte de Chile → Complejo fronterizo Colchane",
        "Personas al inicio en Franja entre Chacalluta y Santa Rosa, venezolanos indocumentados",
        "Estacionalidad, diciembre",
        "Disuasión de la militarización del 29 nov 2025",
        "Solo pueden pasar personas con documentos: Franja entre Chacalluta y Santa Rosa → "
        "Complejo fronterizo Santa Rosa",
        "anuncio: 28 nov 2025",
    ):
        assert words in seen, words
    # sources in the reader's language, in the tables and in the list of sources
    assert "supuesto: pocas personas eligen el desierto mientras el camino está abierto" in seen
    assert "ine-sermig: donde vive la población indocumentada" in seen
    assert "las cifras podrían aumentar entre fines de diciembre y marzo" in seen
    assert "assumption:" not in seen and "the timeline" not in seen
    # coordinates with the decimal comma, two of them apart by a semicolon, and the
    # typographic minus the rest of the page writes
    assert "Arica ciudad Chile \u221218,4783; \u221270,3126" in seen
    english = visible(report_2025["en"])
    assert "assumption: few choose the desert while the road is open" in english
    assert "supuesto" not in english
    assert "Route weight, Central and northern Chile → Colchane border complex" in english
    assert "Deterrence of the militarization from Nov 29, 2025" in english
    assert "Arica city Chile \u221218.4783, \u221270.3126" in english


def test_calibration_charts_are_titled_by_label_with_the_path_in_small_type() -> None:
    import types

    import numpy as np

    from hito.report.forecast_skill import _histograms
    from hito.scenario.uncertain import uncertain

    s = load("tacna-arica-2025")
    paths = ["routes[1].weight", "season.months.12"]
    assert set(paths) <= set(uncertain(s))
    draws = types.SimpleNamespace(paths=paths, values=np.random.default_rng(0).random((20, 2)))
    charts = _histograms(s, draws, draws, "es")
    assert (
        "Peso de la ruta Centro y norte de Chile" in charts[0] and "routes[1].weight" in charts[0]
    )
    assert "Estacionalidad, diciembre" in charts[1] and "season.months.12" in charts[1]


def test_the_report_says_where_people_crossed_and_left_with_their_bands() -> None:
    """The report gave one total of people diverted to irregular routes; a planner asking how
    many took a road through a third country (Bolivia) could not find it. Each place where people
    crossed, left or were harmed now has its median and P10–P90 by the last day."""
    from hito.report.run_report import where_people_went
    from hito.testing import tiny_scenario

    s = tiny_scenario(days=12)
    ens = _ensemble(s, days=12, runs=3)
    ends = where_people_went(s, ens)
    ids = [p.id for p, _q in ends]
    assert ids == [p for p in ("post-a", "post-b", "onward", "desert") if p in ids]
    assert {"post-b", "onward"} <= set(ids)  # the road crossing and the exit
    assert "home" not in ids and "city" not in ids  # nobody crossed, left or was harmed there
    for place, q in ends:
        for state in ("crossed", "exited", "harmed"):
            assert q[state] == [float(v) for v in ens.fan(state, place.id)[:, -1]]
    onward = dict((p.id, q) for p, q in ends)["onward"]
    page = visible(render(s, ens, ens.summary(), "es"))
    section = page[page.index("Por dónde cruzaron y salieron las personas, hasta el 12 ene 2025") :]
    p10, p50, p90 = (f"{v:,.0f}".replace(",", ".") for v in onward["exited"])
    row = section[section.index("Onward (salida del corredor, Perú)") :]
    assert row.startswith(f"Onward (salida del corredor, Perú) 0 (0–0) {p50} ({p10}–{p90}) 0 (0–0)")


def test_the_report_says_whether_its_bands_rest_on_counts_and_how_far_they_were_scored(
    report_2025: dict[str, str],
) -> None:
    """A calibrated report and the scenario alone read the same: nothing said which bands were
    conditioned on counts, up to which day, nor that no forecast was scored past 14 days."""
    from hito.testing import tiny_scenario

    alone = visible(report_2025["es"])
    assert (
        "Solo el escenario: estas simulaciones no están condicionadas a ningún conteo de campo "
        "(`hito calibrate` las condiciona). Los puntajes de la evaluación retrospectiva que "
        "siguen son de pronósticos calibrados con los conteos. Pronósticos como estos se "
        "evaluaron frente a conteos posteriores hasta 14 días por delante; más allá, no se ha "
        "medido cuánto se puede confiar en las bandas." in alone
    )
    assert "conteos hasta aqu" not in report_2025["es"]
    s = tiny_scenario(days=12)
    ens = _ensemble(s, days=12, runs=2)
    facts = {**ens.summary(), "calibration": {"as_of": "2025-01-05"}}
    page = render(s, ens, facts, "es")
    assert (
        "Calibrado con los conteos de campo hasta el 5 ene 2025: hasta ese día, las bandas dicen "
        "lo que los conteos permiten creer que pasó; desde el día siguiente, son el pronóstico "
        "(la línea discontinua en los gráficos)."
    ) in visible(page)
    assert "evaluaron frente a conteos posteriores" not in page  # no backtest shipped for tiny
    assert page.count('"text":"conteos hasta aqu\\u00ed"') == 1 + len(  # each chart: the line
        [p for p in s.places if ens.fan("stranded", p.id)[2].max() > 0]
    )


def test_shipped_skill_lines_say_they_were_not_measured_on_ones_own_counts() -> None:
    """After `hito calibrate --observations MINE.csv` the lines quoted the built-in backtest as if
    it were of the user's counts."""
    from hito.report.skill_lines import skill_lines

    plain = skill_lines("tacna-arica-2025", "es")
    own = skill_lines("tacna-arica-2025", "es", own_counts=True)
    assert own[:-1] == plain and len(plain) == 2
    assert own[-1] == (
        "Estos puntajes se midieron con los conteos que hito trae para Tacna–Arica (noviembre de "
        "2025), no con los conteos dados en --observations."
    )
    assert skill_lines("tacna-arica-2025", "en", own_counts=True)[-1] == (
        "These scores were measured on the counts hito ships for Tacna–Arica (November 2025), "
        "not on the counts given with --observations."
    )
    assert skill_lines("no-such-scenario", "en", own_counts=True) == []


def test_the_report_shows_people_present_beside_the_stranded_per_site() -> None:
    """The report said 0 stranded at Chacalluta while the counts there (20–100) are of people
    present: a border post holds people waiting to cross who are not stranded."""
    from hito.report.run_report import present_peaks
    from hito.testing import tiny_scenario

    s = tiny_scenario(days=12)
    ens = _ensemble(s, days=12, runs=3)
    peaks = present_peaks(s, ens)
    for place in s.places:
        q = ens.fan("present", place.id)
        day = int(np.argmax(q[1]))
        assert peaks[place.id] == [float(v) for v in q[:, day]]
        assert peaks[place.id][1] == float(q[1].max())
    busy = max(s.places, key=lambda p: peaks[p.id][1])
    assert peaks[busy.id][1] > 0
    page = visible(render(s, ens, ens.summary(), "en"))
    assert "present, highest daily median" in page
    p10, p50, p90 = (f"{v:,.0f}" for v in peaks[busy.id])
    row = page[page.index("Per site") :]
    row = row[row.index(busy.name) :]
    row = row[: row.index(")", row.index(")") + 1) + 1]  # through the P10–P90 of present
    assert row.endswith(f"{p50} ({p10}–{p90})"), row
    assert (
        "Present counts everyone at it, stranded or waiting to cross, which is what a field "
        in (page)
    )
    es = visible(render(s, ens, ens.summary(), "es"))
    assert "presentes, mediana diaria más alta" in es and "que es lo que mide un conteo" in es


def test_a_report_from_ones_own_counts_says_its_skill_lines_are_of_hitos() -> None:
    s = load("tacna-arica-2025")
    ens = _ensemble(s, days=10, runs=2)
    mine = {**ens.summary(), "calibration": {"as_of": "2025-11-25", "own_counts": True}}
    shipped = {**ens.summary(), "calibration": {"as_of": "2025-11-25", "own_counts": False}}
    said = "not on the counts given with --observations."
    assert said in visible(render(s, ens, mine, "en"))
    assert said not in visible(render(s, ens, shipped, "en"))
