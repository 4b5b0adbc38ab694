"""Countries are the operator's: an admin of a country may not add one."""

from __future__ import annotations

import pytest

from hito.store import countries
from hito.store.db import Database
from hito.store.errors import ForbiddenError
from service_world import two_countries


def test_chilean_admin_creating_a_country_is_refused(db: Database) -> None:
    w = two_countries(db)
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        countries.create_country(s, actor=w["admin_chl"], code="ARG", name="Argentina")
    assert err.value.in_language("es") == [
        "solo el operador del servicio (un administrador sin organismo) puede crear países; "
        "usted es administrador de CHL"
    ]
    with db.session() as s:
        assert countries.create_country(s, actor=w["operator"], code="ARG", name="Argentina")
