"""Reports written by an admin of a country: for its agencies, at its sites and the strip."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from hito.counts import Count
from hito.store import reports
from hito.store.actors import Actor
from hito.store.db import Database
from hito.store.errors import ForbiddenError
from hito.store.models import FieldReport

AT = dt.datetime(2025, 11, 30, 10, tzinfo=dt.UTC)
COUNTS = [Count(nationality="VEN", documented=False, people=12, stranded=3)]


def _report(db: Database, actor: Actor, site: str, agency: int | None) -> FieldReport:
    with db.session() as s:
        row, _ = reports.create_report(
            s, actor=actor, site_id=site, observed_at=AT, counts=COUNTS, agency_id=agency
        )
        return row


def _stored(db: Database) -> int:
    with db.session(readonly=True) as s:
        return int(s.scalar(select(func.count()).select_from(FieldReport)) or 0)


def test_chilean_admin_writing_a_report_for_a_peruvian_agency_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    for site in ("concordia-strip", "chacalluta", "santa-rosa"):
        with pytest.raises(ForbiddenError) as err:
            _report(db, w["admin_chl"], site, w["per"])
        assert err.value.in_language("en") == [
            f"agency {w['per']} is of PER; you are an admin of CHL and may post field reports "
            "only for the agencies of CHL"
        ]
        assert err.value.in_language("es") == [
            f"el organismo {w['per']} es de PER; usted es administrador de CHL y solo puede "
            "enviar reportes de campo para los organismos de CHL"
        ]
    assert _stored(db) == 0


def test_chilean_admin_writing_a_report_at_a_peruvian_post_for_a_chilean_agency_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    with pytest.raises(ForbiddenError) as err:
        _report(db, w["admin_chl"], "santa-rosa", w["chl"])
    assert err.value.in_language("en") == [
        "site 'santa-rosa' is a border_post in PER; an admin of CHL writes only at sites of CHL "
        "and between the posts"
    ]
    assert err.value.in_language("es") == [
        "el sitio 'santa-rosa' es de tipo border_post en PER; un administrador de CHL escribe "
        "solo en sitios de CHL y entre los complejos fronterizos"
    ]
    assert _stored(db) == 0


def test_a_country_admin_reports_for_its_agencies_at_its_sites_and_the_strip(
    db: Database, w: dict[str, Any]
) -> None:
    assert _report(db, w["admin_chl"], "chacalluta", w["chl"]).agency_id == w["chl"]
    assert _report(db, w["admin_chl"], "concordia-strip", w["chl"]).agency_id == w["chl"]
    assert _report(db, w["admin_per"], "santa-rosa", w["per"]).agency_id == w["per"]
    assert _report(db, w["admin_per"], "concordia-strip", w["per"]).agency_id == w["per"]
    assert _stored(db) == 4


def test_chilean_admin_withdrawing_a_peruvian_report_is_refused(
    db: Database, w: dict[str, Any]
) -> None:
    old = _report(db, w["ed_per"], "concordia-strip", None)  # at the strip, which both share
    for withdraw in (True, False):  # nor correcting it
        with pytest.raises(ForbiddenError) as err, db.session() as s:
            reports.supersede_report(
                s,
                actor=w["admin_chl"],
                report_id=old.id,
                reason="duplicate",
                counts=[] if withdraw else COUNTS,
                withdraw=withdraw,
            )
        assert err.value.in_language("en") == [
            f"report {old.id} belongs to agency {w['per']} of PER; an admin of CHL corrects or "
            "withdraws only the reports of agencies of CHL"
        ]
        assert err.value.in_language("es") == [
            f"el reporte {old.id} pertenece al organismo {w['per']} de PER; un administrador de "
            "CHL corrige o retira solo los reportes de organismos de CHL"
        ]
    assert _stored(db) == 1


def test_a_country_admin_withdraws_a_report_of_an_agency_of_its_country(
    db: Database, w: dict[str, Any]
) -> None:
    old = _report(db, w["ed_chl"], "chacalluta", None)
    with db.session() as s:
        row = reports.supersede_report(
            s, actor=w["admin_chl"], report_id=old.id, reason="duplicate", withdraw=True
        )
        assert (row.withdrawn, row.agency_id, row.user_id) == (
            True,
            w["chl"],
            w["admin_chl"].user_id,
        )


def test_the_operator_reports_for_any_agency_anywhere_and_withdraws_any_report(
    db: Database, w: dict[str, Any]
) -> None:
    op = w["operator"]
    peru_in_chile = _report(db, op, "chacalluta", w["per"])
    chile_in_peru = _report(db, op, "santa-rosa", w["chl"])
    with db.session() as s:
        for old in (peru_in_chile, chile_in_peru):
            reports.supersede_report(s, actor=op, report_id=old.id, reason="test", withdraw=True)
    assert _stored(db) == 4
