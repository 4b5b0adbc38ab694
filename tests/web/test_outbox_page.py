"""The report form's outbox without signal: its files kept by the service worker, its texts."""

from __future__ import annotations

import html
import json
import re

import pytest
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


TEXTS = re.compile(r'<script type="application/json" id="outbox-text">(.*?)</script>', re.S)


@pytest.mark.parametrize(
    ("lang", "forms"),
    [
        (
            "es",
            {
                "one": "%(num)s reporte en espera de envío",
                "many": "%(num)s de reportes en espera de envío",  # 1.000.000 de reportes
                "other": "%(num)s reportes en espera de envío",
            },
        ),
        (
            "en",
            {
                "one": "%(num)s report waiting to be sent",
                "many": "%(num)s reports waiting to be sent",
                "other": "%(num)s reports waiting to be sent",
            },
        ),
    ],
)
def test_the_outbox_says_how_many_wait_in_each_plural_form_of_the_language(
    signed_client: TestClient, lang: str, forms: dict[str, str]
) -> None:
    """One text per CLDR category the browser's Intl.PluralRules names (outbox.js `plural`):
    Spanish has three ("1.000.000 de reportes"), where the page gave one and "many" before."""
    found = TEXTS.search(signed_client.get(f"/report?lang={lang}").text)
    assert found is not None
    texts = json.loads(html.unescape(found.group(1)))
    assert texts["count"] == forms
    assert set(texts["others"]) == set(forms)


def test_sign_out_says_how_many_reports_wait_in_each_spanish_plural_form(
    signed_client: TestClient,
) -> None:
    """The sign-out's warning (signout.js) reads its text by the category Intl.PluralRules names."""
    page = signed_client.get("/plans?lang=es").text
    found = re.search(r'<div id="unsent"[^>]*>', page, re.S)
    assert found is not None
    forms = {k: html.unescape(v) for k, v in re.findall(r'data-(\w+)="([^"]*)"', found.group(0))}
    assert forms == {
        "one": "%(num)s reporte que usted escribió aún no se ha enviado.",
        "many": "%(num)s de reportes que usted escribió aún no se han enviado.",
        "other": "%(num)s reportes que usted escribió aún no se han enviado.",
    }
