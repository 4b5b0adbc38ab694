"""Sources in Spanish and English, or as one text (the files written before stay valid)."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from pydantic import ValidationError

from hito.scenario.load import builtin_names, json_schema, load
from hito.scenario.model import Scenario
from hito.scenario.text import Title, in_language
from hito.testing import tiny_dict

BOTH = {"es": "supuesto: unos días en la ciudad", "en": "assumption: a few days in the city"}


def _with_sources() -> dict:
    d = tiny_dict()
    d["schema_version"] = 2
    d["sources"] = {"press": BOTH, "census": "INE (2023-12-31): 336,984"}
    d["places"][1]["source"] = BOTH
    d["places"][2]["source"] = "census"  # plain text: still valid
    d["routes"][5]["hazard"] = {"value": 0.1, "low": 0.05, "high": 0.2, "source": BOTH}
    d["policies"] = [
        {"type": "close", "routes": ["strip-b"], "start": "2025-01-02", "source": BOTH}
    ]
    d["season"] = {"source": BOTH, "months": {"1": {"value": 1.2, "source": "press"}}}
    d["observation"] = {"source": BOTH}
    return d


def test_a_source_is_one_text_or_spanish_and_english() -> None:
    s = Scenario.model_validate(_with_sources())
    title = Title(**BOTH)
    assert s.places[1].source == title and s.sources["press"] == title
    assert s.routes[5].hazard.source == title and s.policies[0].source == title
    assert s.season.source == title and s.observation.source == title
    assert in_language(s.places[1].source, "es") == "supuesto: unos días en la ciudad"
    assert in_language(s.routes[5].hazard.source, "en") == "assumption: a few days in the city"
    assert in_language(s.places[2].source, "es") == "census"  # one text in every language
    assert in_language(s.sources["census"], "en") == "INE (2023-12-31): 336,984"
    assert in_language(s.places[0].source, "es") == ""


def test_a_bilingual_source_needs_both_languages_and_nothing_else() -> None:
    d = _with_sources()
    d["places"][1]["source"] = {"es": "solo en español"}
    with pytest.raises(ValidationError, match=r"places\.1\.source"):
        Scenario.model_validate(d)
    d["places"][1]["source"] = {"es": "a", "en": "b", "fr": "c"}
    with pytest.raises(ValidationError, match="fr"):
        Scenario.model_validate(d)


def test_the_json_schema_takes_both_forms() -> None:
    schema = json.loads(json_schema())
    d = _with_sources()
    jsonschema.validate(d, schema)
    d["places"][1]["source"] = {"es": "solo en español"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(d, schema)


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_source_is_bilingual_or_only_names_registered_sources(name: str) -> None:
    s = load(name)
    keys = set(s.sources)
    texts = [s.season.source, s.observation.source, *s.sources.values()]
    for items in (s.places, s.routes, s.population, s.shocks, s.policies):
        texts += [x.source for x in items]
    from hito.scenario.uncertain import ranges

    texts += [r.source for r in ranges(s).values()]
    plain = [t for t in texts if isinstance(t, str) and t]
    assert all(set(re.split(r"[;,] ", t)) <= keys for t in plain), [
        t for t in plain if not set(re.split(r"[;,] ", t)) <= keys
    ]
    both = [t for t in texts if isinstance(t, Title)]
    assert len(both) > 50
    assert all(t.es != t.en for t in both)
    spanish = " ".join(t.es for t in both)
    assert "assumption" not in spanish and "supuesto" in spanish
    # numbers and citations kept: every URL-like citation of the English is in the Spanish
    for t in both:
        cited = set(re.findall(r"[a-z0-9.-]+\.(?:cl|pe|com|org|news|do|ch)\b", t.en))
        assert cited <= set(re.findall(r"[a-z0-9.-]+\.(?:cl|pe|com|org|news|do|ch)\b", t.es))
        assert re.findall(r"\d{4}-\d{2}-\d{2}", t.en) == re.findall(r"\d{4}-\d{2}-\d{2}", t.es)


@pytest.mark.usefixtures("english_reader")
def test_a_bad_source_is_one_located_line() -> None:
    import yaml

    from hito.errors import ScenarioError
    from hito.scenario.load import parse

    d = _with_sources()
    d["places"][1]["source"] = 5
    d["places"][2]["source"] = {"es": "solo en español"}
    with pytest.raises(ScenarioError) as got:
        parse(yaml.safe_dump(d, sort_keys=False, allow_unicode=True), "bad.yaml")
    lines = str(got.value).splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "places[1].source: expected a text, or es and en (got 5)",
        "places[2].source.en: Field required",
    ]
    assert all(line.startswith("bad.yaml:") for line in lines)
