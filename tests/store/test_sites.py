"""Site status changes belong to the site's country: an admin of the other one is refused."""

from __future__ import annotations

from typing import Any

import pytest

from hito.store import sites
from hito.store.db import Database
from hito.store.errors import ForbiddenError


def _status(db: Database, site_id: str) -> str:
    with db.session(readonly=True) as s:
        return sites.get_site(s, site_id=site_id).status


def test_chilean_admin_closing_a_peruvian_post_is_refused(db: Database, w: dict[str, Any]) -> None:
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        sites.set_status(s, actor=w["admin_chl"], site_id="santa-rosa", status="closed")
    assert err.value.in_language("en") == [
        "site 'santa-rosa' is in PER; an admin of CHL may not change its status"
    ]
    assert err.value.in_language("es") == [
        "el sitio 'santa-rosa' está en PER; un administrador de CHL no puede cambiar su estado"
    ]
    assert _status(db, "santa-rosa") == "open"


def test_a_country_admin_closes_its_posts_and_the_operator_any(
    db: Database, w: dict[str, Any]
) -> None:
    with db.session() as s:
        sites.set_status(s, actor=w["admin_chl"], site_id="chacalluta", status="closed")
        sites.set_status(s, actor=w["admin_per"], site_id="santa-rosa", status="documented_only")
        sites.set_status(s, actor=w["operator"], site_id="hito-15-minefield", status="closed")
    assert [_status(db, i) for i in ("chacalluta", "santa-rosa", "hito-15-minefield")] == [
        "closed",
        "documented_only",
        "closed",
    ]


def test_a_country_admin_loading_sites_is_refused(db: Database, w: dict[str, Any]) -> None:
    with pytest.raises(ForbiddenError) as err, db.session() as s:
        sites.load_sites(s, actor=w["admin_chl"], scenario="tacna-arica-2025")
    assert err.value.in_language("en") == [
        "only the service's operator (an admin of no agency) may load sites; you are an admin "
        "of CHL"
    ]
    with db.session() as s:  # the operator may (nothing new: the sites are loaded)
        assert sites.load_sites(s, actor=w["operator"], scenario="tacna-arica-2025") == (0, 0)
