"""The service worker keeps every file the report form loads, so the form works without signal."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

LOADED = re.compile(r'<(?:script[^>]* src|link[^>]* href)="(/static/[^"]+)"')
FILES = re.compile(r"^const FILES = (\[.*\]);$", re.M)


def test_every_file_of_the_report_form_is_kept_by_the_service_worker(
    signed_client: TestClient,
) -> None:
    """zone.js was loaded by every page and not kept: offline, the form's page lost a script."""
    form = signed_client.get("/report")
    assert form.status_code == 200, form.text
    loaded = set(LOADED.findall(form.text))
    assert {"/static/hito.css", "/static/outbox.js", "/static/zone.js"} <= loaded
    found = FILES.search(signed_client.get("/sw.js").text)
    assert found is not None
    kept = set(json.loads(found.group(1)))
    assert loaded <= kept, f"loaded by /report, not kept offline: {sorted(loaded - kept)}"
    for path in kept:  # and each kept file is there to be kept
        assert signed_client.get(path).status_code == 200, path
