"""HXL import by an admin of a country: rows of its agencies at its sites, each other row named."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from hito.store import hxl_import
from hito.store.db import Database
from hito.store.errors import InvalidError
from hito.store.models import FieldReport

HEAD = (
    "Date,Site,Nat,Doc,People,Agency\n"
    "#date,#loc+code,#country+origin,#indicator+documented,#affected+total,#org+code\n"
)


def _stored(db: Database) -> int:
    with db.session(readonly=True) as s:
        return int(s.scalar(select(func.count()).select_from(FieldReport)) or 0)


def test_chilean_admin_importing_rows_for_a_peruvian_agency_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    """Every row for Peru's agency, or at Peru's sites, is named at its line; nothing stored."""
    rows = (
        "2025-11-29,chacalluta,VEN,no,5,pdi-arica\n"
        "2025-11-29,concordia-strip,VEN,no,6,migraciones-tacna\n"
        "2025-11-29,santa-rosa,VEN,no,7,pdi-arica\n"
    )
    with pytest.raises(InvalidError) as err, db.session() as s:
        hxl_import.import_csv(s, actor=w["admin_chl"], data=(HEAD + rows).encode())
    assert err.value.in_language("en") == [
        "line 4: #org+code: agency 'migraciones-tacna' is of PER; an admin of CHL imports only "
        "the reports of agencies of CHL",
        "line 5: #loc+code: site 'santa-rosa' is a border_post in PER; an admin of CHL writes "
        "only at sites of CHL and between the posts",
    ]
    assert _stored(db) == 0


def test_a_country_admin_imports_for_its_agencies_and_the_operator_for_any(
    db: Database, w: dict[str, Any]
) -> None:
    chile = "2025-11-29,chacalluta,VEN,no,5,pdi-arica\n2025-11-29,concordia-strip,VEN,no,6,\n"
    peru = "2025-11-29,santa-rosa,VEN,no,7,migraciones-tacna\n"
    with db.session() as s:  # a row without #org+code is for the admin's own agency
        got = hxl_import.import_csv(s, actor=w["admin_chl"], data=(HEAD + chile).encode())
        assert [r.agency_id for r in got] == [w["chl"], w["chl"]]
        got = hxl_import.import_csv(s, actor=w["operator"], data=(HEAD + peru).encode())
        assert [r.agency_id for r in got] == [w["per"]]
    assert _stored(db) == 3


def test_a_group_counted_twice_in_one_report_names_both_lines_and_the_group_columns(
    db: Database, w: dict[str, Any]
) -> None:
    """Rows of one report that count the same group: was 'line 4: 1: the same group as
    counts[0]', the index of a count in a JSON body the importer never showed."""
    rows = "2025-11-29,chacalluta,VEN,no,5,pdi-arica\n2025-11-29,chacalluta,VEN,no,6,pdi-arica\n"
    with pytest.raises(InvalidError) as err, db.session() as s:
        hxl_import.import_csv(s, actor=w["admin_chl"], data=(HEAD + rows).encode())
    assert err.value.in_language("en") == [
        "line 4: #country+origin, #indicator+documented: the same group as line 3; "
        "give each group once"
    ]
    assert _stored(db) == 0
