"""SMS numbers of an agency: an admin of a country registers and moves only its agencies'."""

from __future__ import annotations

from typing import Any

import pytest

from hito.store import logread, sms
from hito.store.db import Database
from hito.store.errors import ConflictError, ForbiddenError

PERU_PHONE = "+51 952 000 111"
CHILE_PHONE = "+56 9 1234 5678"


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


def test_chilean_admin_listing_peruvian_agencies_sms_numbers_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    """A registered number is a field officer's phone: an admin of Chile lists Chile's agencies'
    numbers, not Peru's; an editor their agency's; the operator all."""
    with db.session() as s:
        sms.register_sender(s, actor=w["ed_per"], phone=PERU_PHONE)
        sms.register_sender(s, actor=w["ed_chl"], phone=CHILE_PHONE)
    listed = {}
    with db.session(readonly=True) as s:
        for who in ("admin_chl", "admin_per", "ed_chl", "ed_per", "operator"):
            rows, n = sms.list_senders(s, actor=w[who])
            listed[who] = [r.phone for r in rows]
            assert n == len(rows)
    chl, per = "+56912345678", "+51952000111"
    assert listed == {
        "admin_chl": [chl],
        "admin_per": [per],
        "ed_chl": [chl],
        "ed_per": [per],
        "operator": [per, chl],
    }


def test_a_peruvian_viewer_reading_chilean_sms_numbers_in_the_log_finds_none(
    db: Database, w: dict[str, Any]
) -> None:
    """Every signed-in user of both countries reads the log: registering a number says which
    one by its last three digits only."""
    with db.session() as s:
        sms.register_sender(s, actor=w["ed_chl"], phone=CHILE_PHONE, label="Chacalluta")
    with db.session(readonly=True, snapshot=True) as s:
        rows, _n = logread.entries(s)
    said = [e for e in rows if e.action == "sms.sender"]
    assert [(e.actor, e.resource) for e in said] == [("ed_chl", "sms-sender:…678")]
    assert not [e for e in rows if "12345678" in f"{e.resource} {e.note} {e.actor}"]
