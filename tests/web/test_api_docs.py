"""The API's documentation pages load nothing from outside the server (chromium)."""

from __future__ import annotations

import httpx


def test_swagger_ui_and_redoc_render_from_the_servers_own_assets(visit, server) -> None:  # type: ignore[no-untyped-def]
    # FastAPI's pages load swagger-ui from cdn.jsdelivr.net and ReDoc's fonts from Google:
    # blank without internet, and a CDN's script running on the dashboard's origin
    page = visit.page
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "hito coordination service" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)  # the paths, from openapi.json
    assert refused == []
    page.goto("/redoc")
    page.wait_for_selector("h1", timeout=30_000)
    assert "hito coordination service" in page.inner_text("h1")
    # ReDoc's footer names its logo on cdn.redoc.ly: the page's policy blocks it unfetched
    assert all("cdn.redoc.ly" in r and "has been blocked" in r for r in refused), refused
    # the visit fixture fails the test on any request that left the server


def test_the_documentation_pages_are_under_a_policy_that_allows_only_this_server(server) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.url, timeout=60) as c:
        for path in ("/docs", "/redoc"):
            r = c.get(path)
            assert r.status_code == 200
            assert "cdn.jsdelivr.net" not in r.text and "fonts.googleapis.com" not in r.text
            csp = r.headers["content-security-policy"]
            assert csp.startswith("default-src 'self'; ") and "frame-ancestors 'none'" in csp
            assert "http" not in csp  # no other origin named
        assert c.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
