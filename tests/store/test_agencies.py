"""Agencies: an admin of a country adds agencies of that country only."""

from __future__ import annotations

from typing import Any

import pytest

from hito.store import agencies
from hito.store.db import Database
from hito.store.errors import ForbiddenError


def test_chilean_admin_creating_a_peruvian_agency_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        agencies.create_agency(
            s, actor=w["admin_chl"], code="fake-pe", name="F", country_code="PER"
        )
    assert err.value.in_language("en") == [
        "you are an admin of CHL: you may not create agencies of PER, only of CHL"
    ]
    with db.session(readonly=True) as s:
        assert [a.code for a in agencies.list_agencies(s, country="PER")[0]] == [
            "migraciones-tacna"
        ]


def test_a_country_admin_creates_agencies_of_its_country_and_the_operator_of_any(
    db: Database, w: dict[str, Any]
) -> None:
    with db.session() as s:
        agencies.create_agency(s, actor=w["admin_chl"], code="sjm", name="SJM", country_code="CHL")
        agencies.create_agency(s, actor=w["operator"], code="pnp", name="PNP", country_code="PER")
    with db.session(readonly=True) as s:
        rows, _ = agencies.list_agencies(s)
        assert [(a.code, a.country_code) for a in rows] == [
            ("pdi-arica", "CHL"),
            ("migraciones-tacna", "PER"),
            ("sjm", "CHL"),
            ("pnp", "PER"),
        ]
