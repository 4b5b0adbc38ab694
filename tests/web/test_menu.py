"""The menu offers what the signed-in user may do: no "Report a count" for a viewer."""

from __future__ import annotations

import re

import pytest

from web.test_guard import _signed_in

REPORT_LINK = re.compile(r'<a href="/report"[^>]*>(Reportar un conteo|Report a count)</a>')


@pytest.mark.parametrize(("username", "offered"), [("observador", False), ("pdi", True)])
def test_the_menu_offers_reporting_only_to_who_may_report(server, username, offered) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server, username) as c:
        for lang in ("es", "en"):
            page = c.get(f"/?lang={lang}")
            assert page.status_code == 200
            nav = page.text.split('<nav aria-label="', 1)[1].split("</nav>", 1)[0]
            assert bool(REPORT_LINK.search(nav)) is offered, (username, lang, nav)
