"""The overview's refresh (htmx swaps #live) leaves the page as the reader left it."""

from __future__ import annotations

import pytest

from web.conftest import _visit
from web.test_overview import DAY, sign_in

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_refresh_keeps_the_sections_the_reader_opened_and_closed_and_the_scroll(
    browser, server, size
) -> None:  # type: ignore[no-untyped-def]
    """Each refresh (every 60 s) put back the server's defaults: the actions ready if triggered
    opened again, "Minimum standards used" closed, and the page under a phone reader's eyes
    jumped by thousands of pixels."""
    outside: list[str] = []
    viewport = PHONE if size == "phone" else DESKTOP
    for v in _visit(browser, server, outside, viewport, has_touch=size == "phone"):
        page = v.page
        sign_in(page, username="migraciones", path=f"/?as_of={DAY}")
        assert page.eval_on_selector("#standby", "d => d.open") is True  # the server's default
        assert page.eval_on_selector("#standards", "d => d.open") is False
        page.click("#standby > summary")
        page.click("#standards > summary")
        target = min(1500, page.evaluate("document.body.scrollHeight - innerHeight"))
        page.evaluate(f"window.scrollTo(0, {target})")
        assert page.evaluate("window.scrollY") == target
        for _ in range(2):  # two refreshes (HITO_REFRESH_SECONDS is 2 in the tests)
            with page.expect_response(
                lambda r: r.request.headers.get("hx-request") == "true", timeout=15_000
            ):
                pass
            page.wait_for_function("() => !document.querySelector('#live.htmx-request')")
            page.wait_for_timeout(300)  # htmx settles the swap
            assert page.eval_on_selector("#standby", "d => d.open") is False
            assert page.eval_on_selector("#standards", "d => d.open") is True
            assert page.evaluate("window.scrollY") == target
    assert outside == []
