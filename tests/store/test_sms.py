"""SMS numbers of an agency: an admin of a country registers and moves only its agencies'."""

from __future__ import annotations

from typing import Any

import pytest

from hito.store import sms
from hito.store.db import Database
from hito.store.errors import ConflictError, ForbiddenError
from service_world import two_countries

PERU_PHONE = "+51 952 000 111"


@pytest.fixture
def w(db: Database) -> dict[str, Any]:
    return two_countries(db)


def test_chilean_admin_registering_a_number_for_a_peruvian_agency_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        sms.register_sender(s, actor=w["admin_chl"], phone=PERU_PHONE, agency_id=w["per"])
    assert err.value.in_language("en") == [
        f"agency {w['per']} is of PER; you are an admin of CHL and may register SMS numbers only "
        "for the agencies of CHL"
    ]
    with db.session(readonly=True) as s:
        assert sms.list_senders(s, actor=w["operator"])[1] == 0


def test_chilean_admin_taking_a_peruvian_agencys_number_for_chile_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    """Moved to a Chilean agency, the number would send reports as Chile's."""
    with db.session() as s:
        sms.register_sender(s, actor=w["ed_per"], phone=PERU_PHONE)
    with pytest.raises(ConflictError) as err, db.session() as s:
        sms.register_sender(s, actor=w["admin_chl"], phone=PERU_PHONE, agency_id=w["chl"])
    assert err.value.in_language("es") == [
        "+51952000111 está registrado a nombre de otro organismo; consulte a un administrador "
        "de PER"
    ]
    with db.session() as s:  # the operator may move it; then it is Chile's admin's to label
        row = sms.register_sender(s, actor=w["operator"], phone=PERU_PHONE, agency_id=w["chl"])
        assert row.agency_id == w["chl"]
        row = sms.register_sender(
            s, actor=w["admin_chl"], phone=PERU_PHONE, label="Arica", agency_id=w["chl"]
        )
        assert (row.agency_id, row.label) == (w["chl"], "Arica")
