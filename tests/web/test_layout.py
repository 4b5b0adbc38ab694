"""Layout a reviewer found broken, phone and desktop: a button one could not see, checkboxes
far from their words, a grid past its card, a tall narrow tile, a bare 404."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from web.conftest import _visit
from web.test_overview import DAY, sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

# the contrast of an element's text against the first opaque background behind it (WCAG)
CONTRAST = """el => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let back = null;
  for (let e = el; e && !back; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0.9) back = c;
  }
  back = back || [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(back)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_unsubscribe_button_can_be_read_and_touched(browser, server, size) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    for v in _visit(browser, server, outside, VIEWPORTS[size]):
        page = v.page
        sign_in(page, username="admin", path="/subscriptions")
        page.fill("#sub-form input[name=label]", f"turno de prueba {size}")
        page.fill("#sub-form input[name=target]", "turno@pdi.example")
        page.click("#sub-form button[type=submit]")
        expect(page.locator("#made")).to_be_visible()
        # measured once the page's stylesheet is in: the click's navigation is not waited for
        # to its end, and a box laid out before hito.css came is the browser's own (21 px)
        page.wait_for_load_state("load")
        stops = page.locator("#subscriptions button.link")
        expect(stops.first).to_have_text("Dar de baja")
        for i in range(stops.count()):
            ratio = stops.nth(i).evaluate(CONTRAST)
            assert ratio >= 4.5, f"'Dar de baja' #{i}: contrast {ratio:.2f} against its background"
            box = stops.nth(i).bounding_box()
            assert box["height"] >= 32 and box["width"] >= 32, box
        # the header's sign-out stays white on the dark bar
        assert page.locator(".logout button.link").evaluate(CONTRAST) >= 4.5
        # the button works: the test's own subscription is stopped (it would get alerts)
        row = page.locator("#subscriptions tr", has_text=f"turno de prueba {size}")
        row.locator("button.link").click()
        expect(row).to_contain_text("dada de baja")
    assert outside == []


# each checkbox of the form and the box of its own words (text nodes of its label)
CHECKS = """() => [...document.querySelectorAll('#sub-form label.inline')].map(label => {
  const box = label.querySelector('input[type=checkbox]').getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(label);
  range.setStartAfter(label.querySelector('input'));
  const text = range.getBoundingClientRect();
  return {word: label.textContent.trim(), box: [box.left, box.top, box.right, box.bottom],
          text: [text.left, text.top, text.right, text.bottom]};
})"""


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_each_severity_checkbox_sits_beside_its_own_word(browser, server, size) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    for v in _visit(browser, server, outside, VIEWPORTS[size]):
        page = v.page
        sign_in(page, username="admin", path="/subscriptions")
        checks = page.evaluate(CHECKS)
        words = [c["word"] for c in checks]
        assert words[:3] == ["informativa", "preventiva", "crítica"], words
        for c in checks:
            (_, bt, br, bb), (tl, tt, _, tb) = c["box"], c["text"]
            middle = (bt + bb) / 2
            # on the same line: the box's middle within the height of its words
            assert tt <= middle <= tb, f"{c['word']}: box {c['box']}, words {c['text']}"
            # just left of its words, not across the page
            assert br <= tl <= br + 24, f"{c['word']}: box {c['box']}, words {c['text']}"
        # a touch on the word ticks its box, a second one unticks it
        warning = page.locator("#sub-form label.inline", has_text="preventiva")
        warning.get_by_text("preventiva").click()
        expect(warning.locator("input")).to_be_checked()
        warning.get_by_text("preventiva").click()
        expect(warning.locator("input")).not_to_be_checked()
    assert outside == []


# elements that end past the right edge of the phone's screen or of their fieldset (the card)
PAST_THE_EDGE = """() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('#report-form *')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // the words kept for screen readers
    const card = el.closest('fieldset');
    const edge = card && card !== el ? card.getBoundingClientRect().right : w;
    if (r.right > edge + 1)
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}: ${Math.round(r.right)} > ${Math.round(edge)}`);
  }
  return out.slice(0, 6);
}"""


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_sex_and_age_grid_fits_a_phone(browser, server, lang) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    for v in _visit(browser, server, outside, PHONE):
        page = v.page
        sign_in(page, path="/report", lang=lang)
        page.evaluate("() => document.querySelectorAll('details.more').forEach(d => d.open = true)")
        first = page.locator("table.sexage").first
        expect(first).to_be_visible()
        page.fill("#report-form table.sexage input >> nth=2", "12345")  # older women, 5 digits
        assert page.evaluate(PAST_THE_EDGE) == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the report form is {width} px wide on a 390 px phone"
        # each input of the grid is wide enough for a four-digit count
        widths = first.locator("input").evaluate_all("xs => xs.map(x => x.clientWidth)")
        assert len(widths) == 6 and min(widths) >= 60, widths
    assert outside == []


TILES = """() => {
  const all = document.querySelector('.tiles').getBoundingClientRect().width;
  return Object.fromEntries([...document.querySelectorAll('.tiles .tile')].map(
    t => [t.id, {width: t.getBoundingClientRect().width / all,
                 height: t.getBoundingClientRect().height}]));
}"""


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_forecast_tile_spans_the_phones_width(browser, server, lang) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    for v in _visit(browser, server, outside, PHONE):
        page = v.page
        sign_in(page, path=f"/?as_of={DAY}", lang=lang)
        expect(page.locator("#total-forecast strong")).to_be_visible()
        tiles = page.evaluate(TILES)
        forecast = tiles.pop("total-forecast")
        assert forecast["width"] > 0.99, tiles  # the whole row
        assert forecast["height"] < 700, forecast  # not a tall narrow column
        for name, t in tiles.items():  # the countries two by two
            assert 0.45 < t["width"] < 0.55, (name, t)
            assert t["height"] < 250, (name, t)
    assert outside == []


def test_the_forecast_tile_is_wider_than_a_country_on_a_desktop(visit) -> None:  # type: ignore[no-untyped-def]
    page = visit.page
    sign_in(page, path=f"/?as_of={DAY}")
    tiles = page.evaluate(TILES)
    forecast = tiles.pop("total-forecast")
    assert all(forecast["width"] > 1.5 * t["width"] for t in tiles.values()), tiles
    tops = page.locator(".tiles .tile").evaluate_all(
        "ts => ts.map(t => Math.round(t.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops  # one row: the countries and the forecast


NOT_FOUND = {
    "es": ("No encontrado", "Volver al panorama"),
    "en": ("Not found", "Back to the overview"),
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_unknown_address_gets_the_not_found_page_in_the_visitors_language(
    browser, server, lang
) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    heading, back = NOT_FOUND[lang]
    for v in _visit(browser, server, outside, PHONE):
        page = v.page
        sign_in(page, path="/", lang=lang)
        for path in ["/sitrep.docx", f"/sitrep.odt?as_of={DAY}", "/no-such-page", "/sites"]:
            response = page.goto(path)
            assert response is not None and response.status == 404, path
            expect(page.locator("html")).to_have_attribute("lang", lang)
            expect(page.locator("#not-found h1")).to_have_text(heading)
            expect(page.locator("#not-found a[href='/']")).to_have_text(back)
            expect(page.locator("#not-found code")).to_have_text(path.split("?")[0])
            expect(page.locator("nav a[href='/report']")).to_be_visible()  # still signed in
        # the API keeps its problem details
        api = page.request.get("/api/v1/no-such-thing")
        assert api.status == 404
        assert api.headers["content-type"].startswith("application/problem+json")
        assert api.json()["status"] == 404
    assert outside == []


def test_an_unknown_address_shows_the_page_without_signing_in(browser, server) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    for v in _visit(browser, server, outside, PHONE):
        page = v.page
        response = page.goto("/no-such-page?lang=en")
        assert response is not None and response.status == 404
        expect(page.locator("#not-found h1")).to_have_text("Not found")
        expect(page.locator("nav")).to_have_count(0)  # no sections for a stranger
    assert outside == []


# every site's label and its count's age on each map, and the map's zoom buttons, on screen
MAP_BOXES = """() => [...document.querySelectorAll("figure.map")].map(fig => {
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const svg = fig.querySelector("svg").getBoundingClientRect();
  return {
    id: fig.id,
    zoom: box(fig.querySelector(".zoom").getBoundingClientRect()),
    labels: [...fig.querySelectorAll("svg text.label, svg text.age")]
      .map(t => ({text: t.textContent, ...box(t.getBoundingClientRect())}))
      .filter(t => t.right > svg.left && t.left < svg.right && t.bottom > svg.top
                   && t.top < svg.bottom),
  };
})"""


def test_no_site_label_sits_under_the_zoom_buttons_on_a_phone(phone) -> None:  # type: ignore[no-untyped-def]
    """On a 390 px phone the buttons (44 px each, over the map's right edge) hid the labels of
    the sites at the border posts."""
    page = phone.page
    sign_in(page, path=f"/?as_of={DAY}")
    expect(page.locator("figure.map svg").first).to_be_visible()
    maps = page.evaluate(MAP_BOXES)
    assert maps and all(m["labels"] for m in maps), maps
    for m in maps:
        z = m["zoom"]
        under = [
            t["text"]
            for t in m["labels"]
            if t["left"] < z["right"]
            and t["right"] > z["left"]
            and t["top"] < z["bottom"]
            and t["bottom"] > z["top"]
        ]
        assert under == [], f"{m['id']}: labels under the zoom buttons: {under}"
