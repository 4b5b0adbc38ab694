"""The map's projection, marker sizes and label placement on hand-placed points."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hito.web.map import (
    STATUS_COLOUR,
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
)


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
