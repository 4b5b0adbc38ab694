"""Pydantic's errors in the catalogues' words: a pattern is said in words, not as a regex."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError

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


class Named(BaseModel):
    name: str = Field(min_length=1, max_length=3)
    tags: list[str] = Field(min_length=1, max_length=2)


def named(**data: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as e:
        Named(**data)  # type: ignore[arg-type]
    return [(p.say("es"), p.say("en")) for p in map(pydantic_problem, e.value.errors())]


def test_a_bound_of_one_character_or_item_is_said_in_the_singular() -> None:
    assert named(name="", tags=[]) == [
        ("se esperaba un texto de 1 carácter o más", "String should have at least 1 character"),
        (
            "se esperaba al menos 1 elemento, no 0",
            "Should have at least 1 item after validation, not 0",
        ),
    ]


def test_a_bound_of_several_characters_or_items_is_said_in_the_plural() -> None:
    assert named(name="abcd", tags=["a", "b", "c"]) == [
        (
            "se esperaba un texto de 3 caracteres como máximo",
            "String should have at most 3 characters",
        ),
        (
            "se esperaban como máximo 2 elementos, no 3",
            "Should have at most 2 items after validation, not 3",
        ),
    ]


def test_pydantics_own_sentence_of_a_count_is_said_in_the_readers_language() -> None:
    """The command line matches pydantic's English (it says '1 character' itself) to our words."""
    from hito.cli.usage import said

    assert said("String should have at least 1 character", "es") == (
        "se esperaba un texto de 1 carácter o más"
    )
    assert said("String should have at least 8 characters", "es") == (
        "se esperaba un texto de 8 caracteres o más"
    )
    assert said("String should have at least 8 characters", "en") == (
        "String should have at least 8 characters"
    )
