"""Every time a page shows says whose clock it is: Chile and Peru keep different hours."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ("lang=es", "Últimas entradas del registro (hora de Chile)"),
        ("lang=en", "Latest log entries (Chile time)"),
    ],
)
def test_the_overviews_log_says_whose_clock_its_times_are(
    signed_client: TestClient, query: str, heading: str
) -> None:
    """The log sits at the bottom of a long page on a phone, far from the line at its top."""
    from sqlalchemy import select

    from hito.store import sites, users
    from hito.store.models import User

    with signed_client.app.state.db.session() as s:  # type: ignore[attr-defined]
        ana = users.actor_of(s.scalars(select(User).where(User.username == "ana")).one())
        sites.load_sites(s, actor=ana, scenario="tacna-arica-2025")  # shared: the sites
    page = signed_client.get(f"/?{query}")
    assert page.status_code == 200
    assert f'<h2 id="h-log">{heading}</h2>' in page.text
    assert "· ana ·" in page.text  # the operator's loading of the sites is one of its entries
