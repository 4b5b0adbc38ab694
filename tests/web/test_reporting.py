"""The field page's report as sent by an admin: the agency it is sent for."""

from __future__ import annotations

import pytest

from .test_guard import _page_token, _reports, _signed_in


@pytest.mark.parametrize("agency", ["", "pdi", "-1", "0", "²", "2147483648", "9" * 20])
def test_an_agency_id_the_database_cannot_hold_is_a_form_error(server, agency: str) -> None:  # type: ignore[no-untyped-def]
    """Not a server error: 9 * 20 overflows SQLite's integer, 2**31 PostgreSQL's."""
    with _signed_in(server, "admin") as c:
        before = _reports(server)
        form = {
            "csrf_token": _page_token(c, "/report?site=chacalluta"),
            "site_id": "chacalluta",
            "observed_at": "2025-12-03T10:00",
            "tz_offset": "180",
            "people-unspecified": "12",
            "agency_id": agency,
        }
        r = c.post("/report", data=form, headers={"Origin": server.url})
        assert r.status_code == 422, (r.status_code, r.text[:300])
        assert "Elija el organismo por el que reporta." in r.text
        assert _reports(server) == before
