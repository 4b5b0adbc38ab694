"""Ids in the dashboard's URLs: beyond what the database holds is a 4xx, never a server error."""

from __future__ import annotations

import pytest

from .test_guard import _page_token, _signed_in

BIG = "9" * 20  # past SQLite's 64-bit integer (and PostgreSQL's)


@pytest.mark.parametrize("path", [f"/alerts/{BIG}", f"/forecasts/{BIG}", "/alerts/0"])
def test_a_page_for_an_id_no_row_can_have_is_refused(server, path: str) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        r = c.get(path)
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
        token = _page_token(c, "/subscriptions")
        r = c.post(
            f"/subscriptions/{BIG}/stop",
            data={"csrf_token": token},
            headers={"Origin": server.url},
        )
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
