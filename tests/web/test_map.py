"""The map's projection, marker sizes and label placement on hand-placed points; its touch
targets and names on a phone, in chromium."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from hito.service import create_app
from hito.store import migrate
from hito.store.db import Database
from hito.store.models import Site
from hito.store.settings import Settings
from hito.web.map import (
    NARROWEST_PX,
    STATUS_COLOUR,
    TOUCH_PX,
    Frame,
    Marker,
    _inside,
    build,
    country_labels,
    label_width,
    outlines,
    place_labels,
    radius,
    scale_bar,
    shape,
    touch_radius,
)
from service_db import keyed_for_server
from web.conftest import Server, _visit, serving
from web.test_day_figure import _seed
from web.test_overview import sign_in


def test_frame_projects_corners_and_keeps_proportions() -> None:
    f = Frame(west=-71.0, south=-19.0, east=-70.0, north=-18.0, width=600)
    assert f.xy(-71.0, -18.0) == (0.0, 0.0)
    assert f.xy(-70.0, -18.0) == (600.0, 0.0)
    assert f.height == round(600 / math.cos(math.radians(18.5)))
    assert f.contains(-70.5, -18.5) and not f.contains(-69.9, -18.5)


def test_frame_around_points_pads_and_has_a_minimum_span() -> None:
    f = Frame.around([(-70.3, -18.3)], pad=0.01, min_span=0.2)
    assert (round(f.west, 6), round(f.east, 6)) == (-70.4, -70.2)
    assert (round(f.south, 6), round(f.north, 6)) == (-18.4, -18.2)


def test_marker_area_grows_with_people_and_is_capped() -> None:
    assert radius(None) == 5.0 and radius(0) == 5.0
    assert radius(100) == 20.0
    assert radius(10**6) == 34.0


def test_labels_on_one_side_never_overlap() -> None:
    f = Frame(-71.0, -19.0, -70.0, -18.0, width=600)
    ms = [
        Marker(str(i), "s", x=100.0, y=200.0 + i, r=5.0, colour="", label="x", detail="", href="")
        for i in range(3)
    ]
    place_labels(ms, f, line=30.0)
    assert [m.ly for m in ms] == [200.0, 230.0, 260.0]
    assert {m.anchor for m in ms} == {"start"} and ms[0].lx == 111.0


def test_a_label_pushed_left_never_covers_one_written_rightwards() -> None:
    # Chungará's label does not fit right of its marker near the east edge and goes left,
    # over the column where Arica's label is written rightwards at the same height
    f = Frame(-71.0, -19.0, -70.0, -18.0, width=300)
    arica = Marker(
        "a", "a", x=40.0, y=100.0, r=5.0, colour="", label="Arica: 0", detail="", href=""
    )
    east = Marker("c", "c", x=260.0, y=104.0, r=5.0, colour="", label="x" * 18, detail="", href="")
    place_labels([arica, east], f, line=30.0)
    assert arica.anchor == "start" and east.anchor == "end"
    assert arica.ly == 100.0
    assert east.ly >= arica.ly + 30.0  # moved below Arica's label, not over it
    far = Marker("f", "f", x=200.0, y=104.0, r=5.0, colour="", label="x" * 5, detail="", href="")
    place_labels([arica, far], f, line=30.0)
    assert far.anchor == "start" and far.ly == 104.0  # no overlap: stays beside its marker


def test_build_keeps_sites_inside_the_frame_and_draws_the_shipped_countries() -> None:
    f = Frame(-70.5, -18.5, -70.0, -18.0, width=500)
    sites = [
        {
            "id": "in",
            "name": "In",
            "lon": -70.3,
            "lat": -18.3,
            "people": 4,
            "status": "closed",
            "label": "In: 4",
            "aria": "In: 4 people stranded",
        },
        {
            "id": "out",
            "name": "Out",
            "lon": -60.0,
            "lat": -18.3,
            "people": 4,
            "status": "open",
            "label": "Out: 4",
        },
    ]
    m = build(f, sites, [{"kind": "road", "points": [(-70.5, -18.5), (-70.0, -18.0)]}], [])
    assert [k.id for k in m["markers"]] == ["in"]
    assert m["markers"][0].colour == "#d55e00" and m["markers"][0].status == "closed"
    assert m["markers"][0].aria == "In: 4 people stranded"
    # a dot of radius 8.8 is tapped in a circle of TOUCH_PX on a map NARROWEST_PX wide
    assert m["markers"][0].hit == round(TOUCH_PX / 2 * 500 / NARROWEST_PX, 1) == 46.2
    assert m["touch"] == TOUCH_PX == 48.0
    bottom = round(0.5 * f.ky, 1)  # the south-west corner, half a degree below the top
    assert m["lines"] == [{"kind": "road", "d": f"M0,{bottom:g}L500,0"}]
    assert {c["iso3"] for c in m["countries"]} == {"CHL", "PER", "BOL"}
    assert {f["properties"]["iso3"] for f in outlines()} == {"CHL", "PER", "BOL"}


def test_a_label_too_wide_for_either_side_goes_below_inside_the_canvas() -> None:
    f = Frame(-71.0, -19.0, -70.0, -18.0, width=300)
    m = Marker("a", "a", x=150.0, y=100.0, r=10.0, colour="", label="x" * 28, detail="", href="")
    place_labels([m], f)
    assert m.anchor == "start" and m.ly == 126.0
    assert m.lx == pytest.approx(
        150.0 - 28 * 9.92 / 2
    )  # centred under it: 28 characters of 9.92 px


def test_each_status_has_its_own_shape_and_a_colour_blind_safe_colour() -> None:
    paths = {status: shape(status, 50.0, 50.0, 10.0) for status in STATUS_COLOUR}
    assert len(set(paths.values())) == 4
    assert paths["open"].count("a") == 2  # a circle: two arcs
    assert paths["closed"].startswith("M41,41h18v18")  # a square
    assert STATUS_COLOUR == {  # Okabe & Ito's palette
        "open": "#009e73",
        "documented_only": "#e69f00",
        "militarized": "#cc79a7",
        "closed": "#d55e00",
    }


def test_scale_bar_is_a_round_number_of_km() -> None:
    f = Frame(-70.5, -18.5, -70.0, -18.0, width=500)  # 0.5 degrees: about 52.8 km at -18.25
    bar = scale_bar(f)
    assert bar["km"] == 10
    assert bar["px"] == pytest.approx(10 / (111.32 * math.cos(math.radians(18.25)) / 1000), 0.01)


def test_chacalluta_and_the_strip_lie_in_chile_santa_rosa_in_peru() -> None:
    rings = {f["properties"]["iso3"]: f["geometry"]["coordinates"][0] for f in outlines()}
    assert _inside(-70.3142, -18.3176, rings["CHL"])  # Chacalluta
    assert _inside(-70.3201, -18.2985, rings["CHL"])  # the strip, on Chile's side
    assert _inside(-70.3235, -18.2890, rings["PER"])  # Santa Rosa
    assert not _inside(-70.3142, -18.3176, rings["PER"])


def test_country_names_are_placed_inside_their_country() -> None:
    f = Frame(-71.0, -19.5, -68.5, -17.5, width=500)
    labels = {c["iso3"]: c for c in country_labels(f)}
    assert set(labels) == {"CHL", "PER", "BOL"}
    for iso3, c in labels.items():
        lon = f.west + c["x"] / f.kx
        lat = f.north - c["y"] / f.ky
        ring = next(x for x in outlines() if x["properties"]["iso3"] == iso3)
        assert _inside(lon, lat, ring["geometry"]["coordinates"][0]), iso3


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 300),
            st.floats(0, 300),
            st.sampled_from([5.0, 12.5, 34.0]),
            st.integers(0, 30),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_placed_labels_never_cover_one_another(points) -> None:  # type: ignore[no-untyped-def]
    f = Frame(-71.0, -19.0, -70.0, -18.0, width=300)
    ms = [
        Marker(str(i), "s", x=x, y=y, r=r, colour="", label="x" * n, detail="", href="")
        for i, (x, y, r, n) in enumerate(points)
    ]
    place_labels(ms, f, line=30.0)
    boxes = []
    for m in ms:
        if m.label:
            w = label_width(m.label)
            left = m.lx if m.anchor == "start" else m.lx - w
            boxes.append((left, left + w, m.ly - 16, m.ly + 14, m.id))
    for a0, a1, t, b, k in boxes:
        for c0, c1, u, v, j in boxes:
            if k < j:
                assert not (a0 < c1 and c0 < a1 and t < v - 1e-9 and u < b - 1e-9)


def test_a_touch_target_is_never_smaller_than_its_dot() -> None:
    f = Frame(-70.5, -18.5, -70.0, -18.0, width=260)  # drawn as wide as NARROWEST_PX
    assert touch_radius(f, 5.0) == 24.0  # 48 canvas units wide: 48 CSS px
    assert touch_radius(f, 34.0) == 34.0


@pytest.fixture(scope="module")
def disagreeing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A live dashboard whose strip two agencies count 12 and 50 on 3 December (its figure 31),
    its other sites not counted: the day's figures of tests/web/test_day_figure.py."""
    url = f"sqlite:///{tmp_path_factory.mktemp('mapday') / 'h.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    _seed(db)
    app = create_app(
        Settings(database_url=url, auto_migrate=False, login_failure_delay=0.0), database=db
    )
    with serving(app) as address:
        yield Server(address, db)
    db.dispose()


# each site's touch target on every map, in CSS px: its name and the box of its circle
TARGETS = """async () => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  return [...document.querySelectorAll('figure.map a.site')].map(a => {
    const b = a.querySelector('circle.hit').getBoundingClientRect();
    return {map: a.closest('svg').id, site: a.dataset.site, w: b.width, h: b.height,
            dot: Number(a.querySelector('circle.hit').dataset.r)};
  });
}"""


def test_every_marker_is_a_44_px_touch_target_named_by_its_site_and_figure_on_a_phone(
    browser, disagreeing
) -> None:  # type: ignore[no-untyped-def]
    """The markers were their dots alone (7-22 px on a phone) and said only a figure; the
    country's tile did not say that the agencies counting its strip disagree."""
    outside: list[str] = []
    for v in _visit(browser, disagreeing, outside, {"width": 390, "height": 844}):
        page = v.page
        sign_in(page, username="ana", path="/?as_of=2025-12-03")
        maps = page.locator("figure.map svg")
        expect(maps).to_have_count(2)  # the corridor, and the detail around the strip
        for i in range(2):
            expect(maps.nth(i)).to_have_attribute("data-zoom-ready", "1")
        fitted = page.evaluate(TARGETS)
        assert len(fitted) == 15  # 10 sites on the corridor, 5 of them again on the detail
        assert [t for t in fitted if t["w"] < 44 or t["h"] < 44] == [], fitted
        # a small dot's target is TOUCH_PX wide, kept so by map.js, not the canvas' default
        assert {round(t["w"]) for t in fitted if t["dot"] < 10} == {48}
        page.locator("figure.map button[data-zoom=in]").first.click()
        page.locator("figure.map button[data-zoom=in]").first.click()
        zoomed = page.evaluate(TARGETS)
        assert [t for t in zoomed if t["w"] < 44 or t["h"] < 44] == [], zoomed
        assert {round(t["w"]) for t in zoomed if t["dot"] < 10 and t["map"] == "svg-region"} == {48}
        strip = page.locator("#svg-detail a.site[data-site=concordia-strip]")
        expect(strip).to_have_accessible_name(
            "Franja entre Chacalluta y Santa Rosa: 31 personas varadas; "
            "los organismos discrepan: 12–50"
        )
        # the count's age and the site's status: its description, read after the name
        expect(strip).to_have_accessible_description(
            "Franja entre Chacalluta y Santa Rosa: 31 hace 12 horas · estado: militarizado"
        )
        expect(page.locator("#svg-detail a.site[data-site=santa-rosa]")).to_have_accessible_name(
            "Complejo fronterizo Santa Rosa: sin conteo aún"
        )
        # Chile's tile says its strip's agencies disagree, in the site page's words; Peru's not
        expect(page.locator("#total-CHL .disagree-site")).to_have_text(
            "Franja entre Chacalluta y Santa Rosa: los organismos discrepan: 12–50"
        )
        expect(page.locator("#total-PER .disagree-site")).to_have_count(0)
        page.goto("/sites/concordia-strip?as_of=2025-12-03")
        expect(page.locator("#site-stranded + .disagree")).to_have_text(
            "los organismos discrepan: 12–50"
        )
    assert outside == []


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The live dashboard of `disagreeing`, Chacalluta moved 50 m from the strip: on every map
    their markers' touch targets overlap, the strip's (the larger dot) drawn first."""
    url = f"sqlite:///{tmp_path_factory.mktemp('mapcrowd') / 'h.sqlite3'}"
    db = keyed_for_server(Database(url))
    migrate.upgrade(db)
    _seed(db)
    with db.session() as s:
        strip, post = s.get(Site, "concordia-strip"), s.get(Site, "chacalluta")
        assert strip is not None and post is not None
        post.lat, post.lon = strip.lat + 0.0003, strip.lon + 0.0003
    app = create_app(
        Settings(database_url=url, auto_migrate=False, login_failure_delay=0.0), database=db
    )
    with serving(app) as address:
        yield Server(address, db)
    db.dispose()


# the screen centre of a site's dot on a map, and whether another site's target overlaps it
DOT = """([map, site]) => {
  const svg = document.getElementById(map);
  const b = svg.querySelector(`a.site[data-site="${site}"] path.shape`).getBoundingClientRect();
  return {x: b.left + b.width / 2, y: b.top + b.height / 2};
}"""


def test_sites_drawn_on_top_of_one_another_can_each_be_tapped_on_a_phone(browser, crowded) -> None:  # type: ignore[no-untyped-def]
    """Two sites 50 m apart: the target of the one drawn last covered the other's dot, so a tap
    on the strip opened Chacalluta and the strip could not be reached from the map. A tap where
    targets overlap lists the sites there, each a finger-sized link."""
    outside: list[str] = []
    for v in _visit(browser, crowded, outside, {"width": 390, "height": 844}, has_touch=True):
        page = v.page
        sign_in(page, username="ana", path="/?as_of=2025-12-03")
        maps = page.locator("figure.map svg")
        expect(maps).to_have_count(2)
        reached = []
        for svg in ("svg-region", "svg-detail"):
            for site in ("concordia-strip", "chacalluta"):
                expect(page.locator(f"#{svg}")).to_have_attribute("data-zoom-ready", "1")
                page.locator(f"#{svg}").scroll_into_view_if_needed()
                at = page.evaluate(DOT, [svg, site])
                page.touchscreen.tap(at["x"], at["y"])
                chooser = page.locator(".map-pick")
                expect(chooser).to_be_visible()
                expect(chooser).to_have_attribute("role", "dialog")
                expect(chooser.locator("p")).to_have_text("Varios sitios aquí: elija uno")
                links = chooser.locator("a")
                there = {links.nth(i).get_attribute("data-site") for i in range(links.count())}
                assert {"concordia-strip", "chacalluta"} <= there  # and others, on the corridor
                for i in range(links.count()):
                    box = links.nth(i).bounding_box()
                    assert box is not None and box["height"] >= 44, box
                choice = chooser.locator(f'a[data-site="{site}"]')
                if site == "concordia-strip":
                    expect(choice).to_have_text(
                        "Franja entre Chacalluta y Santa Rosa: 31 personas varadas; "
                        "los organismos discrepan: 12–50"
                    )
                with page.expect_navigation():
                    choice.tap()
                assert page.url.endswith(f"/sites/{site}?as_of=2025-12-03"), page.url
                reached.append((svg, site))
                page.go_back()
                expect(page.locator(f"#{svg}")).to_be_visible()
        assert len(reached) == 4
        # a tap on the chooser's own button closes it; a key on a marker opens that marker
        at = page.evaluate(DOT, ["svg-detail", "chacalluta"])
        page.touchscreen.tap(at["x"], at["y"])
        page.locator(".map-pick button").tap()
        expect(page.locator(".map-pick")).to_have_count(0)
        page.locator('#svg-detail a.site[data-site="concordia-strip"]').focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/sites/concordia-strip" in page.url
    assert outside == []
