"""Every page, desktop and phone, Spanish and English: axe-core finds nothing serious, and
no page shows words of the other language or a raw id where a title exists."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hito.plans.load import builtin_names as plan_names
from hito.plans.load import load as load_plan
from hito.scenario.load import builtin_names as scenario_names
from hito.scenario.load import load as load_scenario
from hito.store.actors import SYSTEM
from hito.store.deliveries import ack_token
from hito.store.forecastrun import INTERRUPTED
from hito.store.forecasts import create_forecast
from hito.store.models import Delivery, Subscription
from hito.store.subscriptions import stop_token
from hito.web.demo import AGENCIES
from web.conftest import _visit, axe_violations
from web.test_corrections import _report
from web.test_overview import DAY, sign_in

PAGES = [
    "/login",
    f"/?as_of={DAY}",
    "/?as_of=2026-02-01",
    "/plans",
    f"/sites/concordia-strip?as_of={DAY}",
    "/sites/chacalluta",
    "/report",
    f"/sitrep.html?as_of={DAY}",
    "/forecasts/1",
    "/?as_of=not-a-date",
    "/alerts/1",
    "/alerts/999999",
    "/subscriptions",
    "/sitrep.docx",  # an address the dashboard does not have: its own "Not found" page
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# words that give a page away as written in the other language
ENGLISH = re.compile(
    r"\b(the|and|of|with|people|stranded|sites?|report|forecast|trigger|shelters?|border|"
    r"days?|since|due|counted|agency|change|week|status|open|closed|to go|not met)\b",
    re.IGNORECASE,
)
SPANISH = re.compile(
    r"\b(el|los|las|del|personas|varadas|desde|días|franja|complejo|albergues?|disparador|"
    r"pronóstico|conteos?|sitios?|frontera|semana|cumplido|hasta|cada)\b",
    re.IGNORECASE,
)

# one of a thing written with the plural of its noun ("1 días", "1 puntos de agua")
ONE_PLURAL = {
    "es": re.compile(
        r"(?<![\d.,])1 (días|horas|semanas|puntos|baños|inodoros|personas|varadas|sitios|"
        r"conteos|plazas|simulaciones|reportes)\b"
    ),
    "en": re.compile(
        r"(?<![\d.,])1 (days|hours|weeks|points|water points|toilets|people|sites|counts|places|"
        r"runs|reports)\b"
    ),
}

VISIBLE_TEXT = """() => {
  const page = document.documentElement.lang;
  const skip = el => (el.closest('[lang]') && el.closest('[lang]').lang !== page)
                     || el.closest('.user-text, script, style, noscript');
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const el = walk.currentNode.parentElement;
    if (!el || skip(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    out.push(walk.currentNode.textContent);
  }
  for (const el of document.querySelectorAll('[aria-label]')) {
    if (!skip(el)) out.push(el.getAttribute('aria-label'));
  }
  return out.join(' ');
}"""


def titled_ids() -> set[str]:
    """Ids users must never read where a title or a name exists.

    Places, plans, triggers, actions, scenarios (episodes) and agencies.
    Ids that are one plain word (arica, binational, pdi) are left out: they read as words.
    """
    ids = {p.id for p in load_scenario("tacna-arica-2025").places if p.title is not None}
    ids |= {n for n in scenario_names() if load_scenario(n).title is not None}
    ids |= {code for code, _name, _country in AGENCIES}  # agencies are read by their names
    for name in plan_names():
        plan = load_plan(name)
        ids.add(plan.name)
        ids |= {t.id for t in plan.triggers if t.title is not None}
        ids |= {a.id for a in plan.actions if a.title is not None}
    return {i for i in ids if re.search(r"[-\d]", i)}


@pytest.fixture(scope="module")
def failed(server) -> list[str]:  # type: ignore[no-untyped-def]
    """Pages of two failed forecasts (stopped by a restart; a program error), a missing one,
    and the correction and withdrawal pages of a report."""
    paths = []
    with server.db.session() as session:
        for error in (INTERRUPTED, "InputError: as_of: got 2020-01-01, expected a later date"):
            row = create_forecast(session, actor=SYSTEM, scenario="tacna-arica-2025", as_of=None)
            row.status, row.error = "failed", error
            session.flush()
            paths.append(f"/forecasts/{row.id}")
    paths.append("/forecasts/999999")
    # the correction form and the withdrawal page of a report of PDI's (the signed-in editor)
    report = _report(server, "pdi", 40, 25)
    paths += [f"/reports/{report}/correct", f"/reports/{report}/withdraw"]
    # the links in an alert e-mail: acknowledge it, stop the subscription
    with server.db.session(readonly=True) as session:
        d = session.scalars(select(Delivery).order_by(Delivery.id)).first()
        sub = session.scalars(select(Subscription).where(Subscription.channel == "email")).first()
        paths += [
            f"/ack/{ack_token(session, d.subscription, d.message_id)}",
            f"/stop/{stop_token(session, sub)}",
        ]
    return [*paths, "/ack/not-a-link", "/stop/1-not-a-link"]


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["es", "en"])
def test_axe_finds_no_serious_violation_on_any_page(browser, server, failed, lang, size) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    found = {}
    # the page's CSP (rightly) refuses injected scripts: axe needs the context to bypass it
    for v in _visit(browser, server, outside, VIEWPORTS[size], bypass_csp=True):
        page = v.page
        page.goto(f"/login?lang={lang}")
        if problems := axe_violations(page):
            found["/login"] = problems
        sign_in(page, path="/", lang=lang)
        for path in PAGES[1:] + failed:
            page.goto(path)
            if problems := axe_violations(page):
                found[path] = problems
    assert outside == []
    assert found == {}, "\n".join(f"{p}: {x}" for p, xs in found.items() for x in xs)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_page_shows_the_other_language_or_a_raw_id(browser, server, failed, lang) -> None:  # type: ignore[no-untyped-def]
    other = ENGLISH if lang == "es" else SPANISH
    ids = titled_ids()
    outside: list[str] = []
    found: dict[str, list[str]] = {}
    for v in _visit(browser, server, outside, VIEWPORTS["desktop"]):
        page = v.page
        page.goto(f"/login?lang={lang}")
        sign_in(page, path="/", lang=lang)
        for path in PAGES[1:] + failed:
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == lang
            text = " ".join(page.evaluate(VISIBLE_TEXT).split())
            words = sorted({m.group(0).lower() for m in other.finditer(text)})
            words += sorted({m.group(0) for m in ONE_PLURAL[lang].finditer(text)})
            raw = sorted(i for i in ids if re.search(rf"(?<![\w/-]){re.escape(i)}(?![\w-])", text))
            if words or raw:  # each word with the text around its first place, to find it
                found[path] = [
                    f"{w!r} in …{text[max(0, k - 40) : k + 40]}…"
                    for w in words
                    for k in [re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE).start()]  # type: ignore[union-attr]
                ] + [f"id:{i}" for i in raw]
    assert outside == []
    assert found == {}, "\n".join(f"{p}: {x}" for p, xs in found.items() for x in xs)


def test_every_count_input_has_its_own_name_and_its_error_described(visit) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    sign_in(page, path="/report")
    names = page.evaluate(
        "() => [...document.querySelectorAll('.group input')].map(i => i.labels[0].textContent.trim())"
    )
    assert len(names) > 12 and len(set(names)) == len(names), names
    assert "personas (Venezuela, sin documentos)" in names
    described = page.locator("#people-ven-undocumented").get_attribute("aria-describedby")
    assert described == "err-people-ven-undocumented"


def test_failed_forecasts_and_the_standards_sources_read_in_spanish(visit, failed) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    sign_in(page, path=failed[0])
    expect(page.locator("#forecast-failed")).to_contain_text(
        "El pronóstico falló. El servidor se detuvo antes de que este pronóstico terminara"
    )
    expect(page.locator("#forecast-detail")).to_have_count(0)
    page.goto(failed[1])  # a message of the program: said in Spanish, its words kept as English
    expect(page.locator("#forecast-failed")).to_contain_text("Vuelva a iniciarlo")
    expect(page.locator("#forecast-detail")).to_have_attribute("lang", "en")
    page.goto(failed[2])
    expect(page.locator("main")).to_contain_text("No existe el pronóstico 999999.")
    page.goto(f"/sites/concordia-strip?as_of={DAY}")
    expect(page.locator("cite").first).to_have_text(
        "Manual Esfera 2018, norma 3 sobre alojamiento y asentamiento (espacio vital)"
    )
    page.goto(f"/sites/concordia-strip?as_of={DAY}&lang=en")
    expect(page.locator("cite").first).to_have_text(
        "Sphere Handbook 2018, Shelter and settlement standard 3 (living space)"
    )
