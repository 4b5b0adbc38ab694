"""Pydantic's errors in the catalogues' words: a pattern is said in words, not as a regex."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from hito.domain import PATTERN_WORDS, CountryCode, Ident
from hito.validation import pydantic_problem


class Row(BaseModel):
    country: CountryCode
    site: Ident


def problems(**data: str) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as e:
        Row(**data)
    return [(p.say("es"), p.say("en")) for p in map(pydantic_problem, e.value.errors())]


def test_a_country_that_is_not_an_iso_code_is_said_in_words() -> None:
    assert problems(country="Chile", site="arica") == [
        (
            "se esperaba el código ISO 3166-1 alfa-3 de un país, en mayúsculas (como CHL, PER, "
            "BOL)",
            "expected a country's ISO 3166-1 alpha-3 code in capitals (such as CHL, PER, BOL)",
        )
    ]


def test_an_identifier_with_capitals_is_said_in_words() -> None:
    ((es, en),) = problems(country="CHL", site="Arica Shelters")
    assert es.startswith("se esperaba un identificador: letras minúsculas")
    assert en.startswith("expected an identifier: lower-case letters")
    assert "^" not in es + en


def test_every_pattern_of_the_domain_has_its_words_in_both_languages() -> None:
    from hito.i18n import catalogued

    for words in PATTERN_WORDS.values():
        assert catalogued("es", words) and catalogued("en", words), words
