"""The shared names: one identifier rule, one country rule, site kinds within place kinds."""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter, ValidationError

from hito.domain import (
    COUNTRY_PATTERN,
    ID_PATTERN,
    SITE_KINDS,
    SITE_STATUSES,
    CountryCode,
    Ident,
    one_of,
)
from hito.scenario.model import PLACE_KINDS


@pytest.mark.parametrize("ok", ["a", "0", "concordia-strip", "tacna_arica-2025", "x" * 64])
def test_identifiers_that_pass(ok: str) -> None:
    assert TypeAdapter(Ident).validate_python(ok) == ok


@pytest.mark.parametrize("bad", ["", "-a", "_a", "Concordia", "a b", "a.b", "x" * 65, "a'--"])
def test_identifiers_that_fail(bad: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Ident).validate_python(bad)


def test_country_codes_are_three_capitals() -> None:
    assert TypeAdapter(CountryCode).validate_python("PER") == "PER"
    for bad in ("pe", "PE", "PERU", "per"):
        assert not re.match(COUNTRY_PATTERN, bad)
        with pytest.raises(ValidationError):
            TypeAdapter(CountryCode).validate_python(bad)


def test_every_site_kind_is_a_place_kind_of_the_scenario_format() -> None:
    assert set(SITE_KINDS) <= set(PLACE_KINDS)


def test_one_of_matches_exactly_the_values() -> None:
    rx = re.compile(one_of(SITE_STATUSES))
    assert all(rx.match(s) for s in SITE_STATUSES)
    assert not rx.match("open2") and not rx.match("xopen") and not rx.match("")
    assert re.match(ID_PATTERN, "chacalluta")
