"""Uncertain numbers and policy settings as users read them, in Spanish and in English."""

from __future__ import annotations

from typing import Any

import pytest

from hito.report.labels import label, labels
from hito.report.policy_text import describe_policy
from hito.scenario.load import builtin_names, load
from hito.scenario.model import Scenario
from hito.testing import tiny_dict


def _tiny(**changes: Any) -> Scenario:
    d = tiny_dict()
    d["schema_version"] = 2
    d["places"][3]["title"] = {"es": "Franja", "en": "Strip"}
    refuge = {"id": "refuge", "name": "Refuge", "kind": "shelter", "country": "CHL"}
    d["places"].append({**refuge, "lat": -18.4, "lon": -70.3})
    d["groups"][0]["title"] = {"es": "venezolanos indocumentados", "en": "Venezuelan, undocumented"}
    d["routes"][5]["hazard"] = {"value": 0.1, "low": 0.05, "high": 0.2}
    d["routes"][1]["weight"] = {"value": 1, "low": 0.5, "high": 2}
    d["population"][0]["people"] = {"value": 100, "low": 50, "high": 200}
    d["inflows"][1]["per_day"] = {"value": 10, "low": 5, "high": 15}
    d["season"] = {"months": {"12": {"value": 1.2, "low": 0.8, "high": 1.6}}}
    d["shocks"] = [
        {
            "name": "Runoff",
            "title": {"es": "Segunda vuelta", "en": "Runoff"},
            "start": "2025-01-03",
            "half_life_days": {"value": 10, "low": 3, "high": 30},
            "multiplier": {"value": 3, "low": 1, "high": 8},
        },
        {"name": "Holidays", "start": "2025-01-05", "end": "2025-01-09", "multiplier": 2},
    ]
    d.update(changes)
    return Scenario.model_validate(d)


CASES = [
    (
        "routes[1].weight",
        "Peso de la ruta City → Post A",
        "Route weight, City → Post A",
    ),
    (
        "routes[5].hazard",
        "Riesgo por travesía de la ruta Franja → Desert",
        "Hazard per traversal, Strip → Desert",
    ),
    (
        "population[0].people",
        "Personas al inicio en City, venezolanos indocumentados",
        "People at the start in City, Venezuelan, undocumented",
    ),
    (
        "inflows[1].per_day",  # a group without a title: its nationality and papers, translated
        "Salidas diarias desde Home, Venezuela, con documentos",
        "Daily departures from Home, Venezuela, documented",
    ),
    ("season.months.12", "Estacionalidad, diciembre", "Seasonality, December"),
    (
        "shocks[0].multiplier",
        "Multiplicador del pulso «Segunda vuelta»",
        "Multiplier of the pulse “Runoff”",
    ),
    (
        "shocks[0].half_life_days",
        "Vida media del pulso «Segunda vuelta» (días)",
        "Half-life of the pulse “Runoff” (days)",
    ),
    (
        "shocks[1].multiplier",
        "Multiplicador del escalón «Holidays»",
        "Multiplier of the step “Holidays”",
    ),
    (
        "behaviour.turn_back",
        "Probabilidad diaria de que una persona varada regrese a pie",
        "Daily chance that a stranded person walks back",
    ),
    (
        "behaviour.move_chance.border_post",
        "Probabilidad diaria de seguir viaje (complejo fronterizo)",
        "Daily chance of moving on (border post)",
    ),
    (
        "behaviour.route_weight.irregular",
        "Peso de elección de las rutas irregulares",
        "Choice weight of irregular routes",
    ),
    (
        "observation.log_sd",
        "Dispersión de los conteos de campo en torno a la cifra real (escala logarítmica)",
        "Spread of field counts around the real number (log scale)",
    ),
]


@pytest.mark.parametrize(("path", "es", "en"), CASES)
def test_a_path_reads_as_words_in_both_languages(path: str, es: str, en: str) -> None:
    s = _tiny()
    assert label(s, path, "es") == es
    assert label(s, path, "en") == en


POLICIES: list[tuple[dict[str, Any], str, str, str]] = [
    (
        {
            "type": "militarize",
            "near": ["post-b", "strip"],
            "start": "2025-01-04",
            "deterrence": {"value": 0.3, "low": 0.1, "high": 0.6},
        },
        "deterrence",
        "Disuasión de la militarización del 4 ene 2025",
        "Deterrence of the militarization from Jan 4, 2025",
    ),
    (
        {"type": "readmit", "places": ["strip"], "start": "2025-01-06", "daily_share": 0.6},
        "daily_share",
        "Proporción diaria readmitida en la readmisión del 6 ene 2025",
        "Daily share taken back by the readmission of Jan 6, 2025",
    ),
    (
        {"type": "corridor", "route": "strip-b", "start": "2025-01-02", "daily_quota": 5},
        "daily_quota",
        "Cupo diario del corredor humanitario del 2 ene 2025",
        "Daily quota of the humanitarian corridor from Jan 2, 2025",
    ),
    (
        {
            "type": "clearances",
            "places": ["strip"],
            "start": "2025-01-08",
            "daily_chance": 0.1,
            "share": 0.35,
        },
        "complete_chance",
        "Probabilidad de que un desalojo sin aviso se lleve a todas las personas "
        "(desde el 8 ene 2025)",
        "Chance that an unannounced clearance takes everyone (from Jan 8, 2025)",
    ),
]


@pytest.mark.parametrize(("policy", "key", "es", "en"), POLICIES)
def test_a_policys_number_is_named_by_its_kind_and_date(
    policy: dict[str, Any], key: str, es: str, en: str
) -> None:
    s = _tiny(policies=[policy])
    assert label(s, f"policies[0].{key}", "es") == es
    assert label(s, f"policies[0].{key}", "en") == en


def test_an_unknown_path_is_shown_as_it_is() -> None:
    s = _tiny()
    assert label(s, "routes[99].weight", "es") == "routes[99].weight"
    assert label(s, "nonsense", "en") == "nonsense"


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_number_of_the_builtin_scenarios_has_a_label(name: str, lang: str) -> None:
    s = load(name)
    got = labels(s, lang)
    assert got and all(text != path for path, text in got.items()), [
        p for p, t in got.items() if t == p
    ]
    assert len(set(got.values())) == len(got)  # no two numbers read the same


SETTINGS: list[tuple[dict[str, Any], str, str]] = [
    (
        {"type": "close", "routes": ["strip-b"], "start": "2025-01-02"},
        "Solo pueden pasar personas con documentos: Franja → Post B",
        "Only documented people may pass: Strip → Post B",
    ),
    (
        {
            "type": "close",
            "routes": ["strip-b", "a-strip"],
            "to": "all",
            "start": "2025-01-02",
            "announced": "2024-12-30",
        },
        "Nadie puede pasar: Franja → Post B y Post A → Franja; anuncio: 30 dic 2024",
        "Nobody may pass: Strip → Post B and Post A → Strip; announced on Dec 30, 2024",
    ),
    (
        {
            "type": "militarize",
            "near": ["post-b", "strip", "post-a"],
            "radius_km": 25,
            "start": "2025-01-04",
            "hazard_multiplier": 1.5,
            "deterrence": {"value": 0.3, "low": 0.1, "high": 0.6},
            "leak_multiplier": 0.5,
        },
        "Tropas en un radio de 25 km alrededor de: Post B, Franja y Post A; riesgo de las rutas "
        "irregulares cercanas ×1,5, disuasión 30\xa0%, filtraciones ×0,5",
        "Troops near Post B, Strip, and Post A (within 25 km): hazard of irregular routes "
        "nearby ×1.5, deterrence 30%, leak ×0.5",
    ),
    (
        {"type": "readmit", "places": ["strip"], "start": "2025-01-06", "daily_share": 0.6},
        "Readmisión diaria del 60\xa0% de las personas presentes en: Franja",
        "Each day 60% of the people at Strip are taken back",
    ),
    (
        {
            "type": "transfer",
            "from": ["strip"],
            "to": "city",
            "start": "2025-01-06",
            "daily_share": 0.35,
        },
        "Traslado diario del 35\xa0% de las personas varadas en: Franja; destino: City",
        "Each day 35% of the stranded at Strip are moved to City",
    ),
    (
        {"type": "corridor", "route": "strip-b", "start": "2025-01-02", "daily_quota": 1500},
        "Pasan 1.500 personas varadas al día por la ruta Franja → Post B",
        "1,500 stranded people a day let through Strip → Post B",
    ),
]


SETTINGS += [
    (
        {"type": "reopen", "routes": ["strip-b"], "start": "2025-01-09"},
        "Paso abierto de nuevo: Franja → Post B",
        "Passage open again: Strip → Post B",
    ),
    (
        {
            "type": "return_flights",
            "route": "b-onward",
            "start": "2025-01-07",
            "seats_per_week": {"value": 115, "low": 115, "high": 126},
            "pickup": ["strip", "city"],
        },
        "115 asientos por semana en la ruta Post B → Onward; embarcan en: Franja y City",
        "115 seats a week on Post B → Onward, boarding at Strip and City",
    ),
    (
        {
            "type": "return_flights",
            "route": "b-onward",
            "start": "2025-01-07",
            "seats_per_week": 2.5,
        },
        "2,5 asientos por semana en la ruta Post B → Onward, para las personas varadas de todos los "
        "lugares",
        "2.5 seats a week on Post B → Onward, for the stranded at every place",
    ),
    (
        {"type": "shelter_capacity", "place": "refuge", "start": "2025-01-03", "capacity": 1200},
        "Cupo para 1.200 personas en: Refuge",
        "Room for 1,200 people at Refuge",
    ),
    (
        {
            "type": "clearances",
            "places": ["strip"],
            "start": "2025-01-08",
            "daily_chance": 0.1,
            "share": 0.35,
            "complete_chance": 0.6,
        },
        "Desalojos sin aviso en: Franja; probabilidad diaria del 10\xa0%; un desalojo se lleva a "
        "todas las personas con una probabilidad del 60\xa0% y, si no, al 35\xa0%",
        "At Strip, a 10% chance each day of a clearance, which takes everyone with a 60% "
        "chance, else 35% of the people",
    ),
]


@pytest.mark.parametrize(("policy", "es", "en"), SETTINGS)
def test_policy_settings_read_as_words(policy: dict[str, Any], es: str, en: str) -> None:
    s = _tiny(policies=[policy])
    assert describe_policy(s.policies[0], s, "es") == es
    assert describe_policy(s.policies[0], s, "en") == en


@pytest.mark.parametrize("name", builtin_names())
def test_no_setting_of_a_builtin_policy_shows_an_id_or_none(name: str) -> None:
    s = load(name)
    ids = {p.id for p in s.places} | {r.id for r in s.routes}
    for p in s.policies:
        for lang in ("es", "en"):
            text = describe_policy(p, s, lang)
            assert "None" not in text and "_" not in text, text
            assert not any(f" {i}" in text or f"{i} " in text for i in ids if "-" in i), text
