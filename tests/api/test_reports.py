"""Field reports through the API: create, idempotency, bad input stores nothing, filters."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from hito import counts
from hito.store import logread
from service_world import World, country_admin, report


def _stored(world: World) -> tuple[int, int]:
    """(reports, audit entries) stored now."""
    reports = world.client.get("/api/v1/reports", headers=world.h("admin")).json()["count"]
    with world.db.session(readonly=True) as s:
        return reports, logread.count(s)


def test_editor_posts_a_report_and_reads_it_back(world: World) -> None:
    c = world.client
    r = c.post("/api/v1/reports", json=report(), headers=world.h("ed_chl"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["agency_id"] == world.ids["chl"]
    assert (body["people"], body["stranded"]) == (120, 100)
    assert body["observed_at"] == "2025-11-30T10:00:00Z"
    assert body["day"] == "2025-11-30"  # 07:00 in Arica
    got = c.get(f"/api/v1/reports/{body['id']}", headers=world.h("viewer")).json()
    none = dict.fromkeys(counts.FIELDS[4:])
    assert got["counts"] == [
        {"nationality": "VEN", "documented": False, "people": 120, "stranded": 100, **none}
    ]


def test_a_report_of_20_in_tacna_is_of_that_day_and_listed_under_it(world: World) -> None:
    c = world.client
    at = "2025-12-01T20:00:00-05:00"  # 01:00 UTC on 2 December
    r = c.post("/api/v1/reports", json=report("santa-rosa", at), headers=world.h("ed_per"))
    assert r.status_code == 201, r.text
    assert (r.json()["observed_at"], r.json()["day"]) == ("2025-12-02T01:00:00Z", "2025-12-01")
    listed = c.get("/api/v1/reports", params={"until": "2025-12-01"}, headers=world.h("viewer"))
    assert [x["day"] for x in listed.json()["data"]] == ["2025-12-01"]


def test_same_idempotency_key_returns_the_original_and_creates_nothing(world: World) -> None:
    c = world.client
    h = world.h("ed_per", **{"Idempotency-Key": "phone-7:0001"})
    first = c.post("/api/v1/reports", json=report(), headers=h)
    before = _stored(world)
    again = c.post("/api/v1/reports", json=report(), headers=h)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert _stored(world) == before == (1, before[1])
    other = c.post("/api/v1/reports", json=report(people=121), headers=h)
    assert other.status_code == 409
    assert "phone-7:0001" in other.json()["detail"]
    assert _stored(world) == before
    # the same key from another agency is another report
    assert (
        c.post(
            "/api/v1/reports",
            json=report(),
            headers=world.h("ed_chl", **{"Idempotency-Key": "phone-7:0001"}),
        ).status_code
        == 201
    )


BAD = [
    (
        "negative count",
        report(people=-5, stranded=0),
        "body.counts.0.people",
        "greater than or equal to 0",
    ),
    (
        "stranded above people",
        report(people=5, stranded=9),
        "body.counts.0.stranded",
        "at most the number of people",
    ),
    (
        "unknown site",
        report(site="no-such-post"),
        "body.site_id",
        "unknown site 'no-such-post', expected one of: arica-shelters",
    ),
    (
        "time in the future",
        report(at="2099-01-01T00:00:00Z"),
        "body.observed_at",
        "is in the future",
    ),
    ("naive time", report(at="2025-11-30T10:00:00"), "body.observed_at", "timezone"),
    ("wrong type", report(people="ten"), "body.counts.0.people", "valid integer"),
    ("float count", report(people=1.5), "body.counts.0.people", "valid integer"),
    ("unknown field", report(name="Juan Perez"), "body.name", "Extra inputs are not permitted"),
    (
        "personal data in a count",
        {
            **report(),
            "counts": [
                {"nationality": "VEN", "documented": False, "people": 1, "passport": "X123"}
            ],
        },
        "body.counts.0.passport",
        "Extra inputs are not permitted",
    ),
    (
        "bad nationality",
        {**report(), "counts": [{"nationality": "Venezuela", "documented": False, "people": 1}]},
        "body.counts.0.nationality",
        "pattern",
    ),
    (
        "control character in remark",
        report(remark="ok\x00then"),
        "body.remark",
        "control character U+0000 at position 2",
    ),
    ("remark too long", report(remark="x" * 501), "body.remark", "at most 500 characters"),
    ("SQL in site", report(site="x' OR 1=1 --"), "body.site_id", "pattern"),
    ("no counts", {**report(), "counts": []}, "body.counts", "at least 1"),
    (
        "same group twice",
        {**report(), "counts": [{"nationality": "VEN", "documented": False, "people": 1}] * 2},
        "body.counts.1",
        "the same group as counts[0]",
    ),
]


@pytest.mark.parametrize(("name", "body", "loc", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_report_is_refused_precisely_and_stores_nothing(
    world: World, name: str, body: dict, loc: str, words: str
) -> None:
    before = _stored(world)
    r = world.client.post("/api/v1/reports", json=body, headers=world.h("ed_chl"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    p = r.json()
    assert p["status"] == 422 and p["title"] == "Invalid input"
    assert any(".".join(map(str, e["loc"])) == loc and words in e["msg"] for e in p["errors"]), p
    assert _stored(world) == before


@pytest.mark.parametrize(
    "remark",
    [
        "12 niños; 30 adultos",
        "temp < 5 C -- viento > 40 km/h",
        "<script>alert(1)</script>",
        "x'; DROP TABLE field_report; --",
        "1' OR '1'='1",
        "línea 1\nlínea 2",
    ],
)
def test_sql_and_markup_in_a_remark_are_stored_as_text(world: World, remark: str) -> None:
    before = _stored(world)
    r = world.client.post("/api/v1/reports", json=report(remark=remark), headers=world.h("ed_chl"))
    assert r.status_code == 201, r.text
    got = world.client.get(f"/api/v1/reports/{r.json()['id']}", headers=world.h("viewer")).json()
    assert got["remark"] == remark
    assert _stored(world)[0] == before[0] + 1  # the table is there and holds one more report


def test_malformed_json_is_a_problem_not_a_crash(world: World) -> None:
    r = world.client.post(
        "/api/v1/reports",
        content=b"{not json",
        headers=world.h("ed_chl", **{"Content-Type": "application/json"}),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"][0] == "body"


TWICE = [
    ("site given twice", '"site_id": "santa-rosa", ', ["body", "site_id"]),
    ("counts given twice", '"counts": [], ', ["body", "counts"]),
    ("people given twice in a count", None, ["body", "counts", 0, "people"]),
]


@pytest.mark.parametrize(("name", "extra", "loc"), TWICE, ids=[t[0] for t in TWICE])
@pytest.mark.parametrize("key", [None, "phone-7:0002"])
def test_a_report_with_a_key_given_twice_is_refused_and_nothing_is_stored(
    world: World, name: str, extra: str | None, loc: list, key: str | None
) -> None:
    """Python keeps the last of a key given twice, another parser the first: refused, named."""
    text = json.dumps(report())
    if extra is None:  # 500 people for the last reader, 120 for the first
        text = text.replace('"people": 120', '"people": 120, "people": 500')
    else:
        text = "{" + extra + text[1:]
    headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
    before = _stored(world)
    r = world.client.post("/api/v1/reports", content=text, headers=world.h("ed_chl", **headers))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    p = r.json()
    expected = "given twice in one object; expected each key once"
    assert p["errors"] == [{"loc": loc, "msg": expected}]
    assert p["detail"] == f"{'.'.join(map(str, loc))}: {expected}"
    assert _stored(world) == before
    ok = world.client.post("/api/v1/reports", json=report(), headers=world.h("ed_chl", **headers))
    assert ok.status_code == 201, ok.text  # the key was not spent on the refused body


def test_a_correction_with_a_key_given_twice_is_refused_and_nothing_is_stored(
    world: World,
) -> None:
    c = world.client
    first = c.post("/api/v1/reports", json=report(), headers=world.h("ed_chl")).json()
    before = _stored(world)
    text = (
        '{"counts": [{"nationality": "VEN", "documented": false, "people": 3}],'
        ' "reason": "recount", "reason": "typo", "counts": []}'
    )
    r = c.post(
        f"/api/v1/reports/{first['id']}/corrections",
        content=text,
        headers=world.h("ed_chl", **{"Content-Type": "application/json"}),
    )
    assert r.status_code == 422, r.text
    assert [e["loc"] for e in r.json()["errors"]] == [["body", "reason"], ["body", "counts"]]
    assert _stored(world) == before


def test_a_50_mb_upload_is_refused_with_413(world: World) -> None:
    before = _stored(world)
    big = b"a" * (50 * 1024 * 1024)
    r = world.client.post(
        "/api/v1/reports/import",
        content=big,
        headers=world.h("ed_chl", **{"Content-Type": "text/csv"}),
    )
    assert r.status_code == 413
    assert "larger than the limit of 5000000 bytes" in r.json()["detail"]
    assert _stored(world) == before


def test_a_chunked_upload_hiding_its_size_is_refused_with_413(world: World) -> None:
    before = _stored(world)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the size shows only while reading
        for _ in range(60):
            yield b"a" * 100_000

    r = world.client.post(
        "/api/v1/reports/import",
        content=chunks(),
        headers=world.h("ed_chl", **{"Content-Type": "text/csv"}),
    )
    assert r.status_code == 413
    assert "larger than the limit of 5000000 bytes" in r.json()["detail"]
    assert _stored(world) == before


def test_viewer_cannot_post_and_editor_cannot_post_for_another_agency(world: World) -> None:
    c = world.client
    r = c.post("/api/v1/reports", json=report(), headers=world.h("viewer"))
    assert r.status_code == 403 and "viewer" in r.json()["detail"]
    r = c.post(
        "/api/v1/reports", json=report(agency_id=world.ids["per"]), headers=world.h("ed_chl")
    )
    assert r.status_code == 403 and "own agency" in r.json()["detail"]
    r = c.post("/api/v1/reports", json=report(), headers=world.h("admin"))
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "agency_id"]
    r = c.post("/api/v1/reports", json=report(agency_id=world.ids["per"]), headers=world.h("admin"))
    assert r.status_code == 201 and r.json()["agency_id"] == world.ids["per"]
    assert _stored(world)[0] == 1


def test_filters_by_site_country_agency_and_dates(world: World) -> None:
    c = world.client
    c.post(
        "/api/v1/reports",
        json=report("concordia-strip", "2025-11-29T09:00:00Z"),
        headers=world.h("ed_chl"),
    )
    c.post(
        "/api/v1/reports",
        json=report("santa-rosa", "2025-11-30T09:00:00Z"),
        headers=world.h("ed_per"),
    )
    c.post(
        "/api/v1/reports",
        json=report("concordia-strip", "2025-12-01T09:00:00Z"),
        headers=world.h("ed_per"),
    )

    def ids(**q: object) -> list[tuple[str, str]]:
        body = c.get("/api/v1/reports", params=q, headers=world.h("viewer")).json()
        return [(r["site_id"], r["observed_at"][:10]) for r in body["data"]]

    assert ids() == [
        ("concordia-strip", "2025-12-01"),
        ("santa-rosa", "2025-11-30"),
        ("concordia-strip", "2025-11-29"),
    ]
    assert ids(site_id="concordia-strip") == [
        ("concordia-strip", "2025-12-01"),
        ("concordia-strip", "2025-11-29"),
    ]
    assert ids(country="PER") == [("santa-rosa", "2025-11-30")]
    assert ids(agency_id=world.ids["per"]) == [
        ("concordia-strip", "2025-12-01"),
        ("santa-rosa", "2025-11-30"),
    ]
    assert ids(since="2025-11-30", until="2025-11-30") == [("santa-rosa", "2025-11-30")]
    page = c.get(
        "/api/v1/reports", params={"limit": 1, "offset": 1}, headers=world.h("viewer")
    ).json()
    assert page["count"] == 3 and [r["site_id"] for r in page["data"]] == ["santa-rosa"]
    assert (
        c.get(
            "/api/v1/reports", params={"since": "yesterday"}, headers=world.h("viewer")
        ).status_code
        == 422
    )


def test_paging_after_the_last_report_read_gives_each_once_though_one_arrives_meanwhile(
    world: World,
) -> None:
    """Pages of two: with an offset, a report stored between the pages moves the others down
    one place and the first page's last report comes again on the second."""
    c = world.client
    days = ("2025-11-27", "2025-11-28", "2025-11-29", "2025-11-30", "2025-12-01")
    for day in days:
        r = c.post(
            "/api/v1/reports",
            json=report("concordia-strip", f"{day}T09:00:00Z"),
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 201, r.text

    def page(**q: object) -> dict[str, object]:
        r = c.get("/api/v1/reports", params={"limit": 2, **q}, headers=world.h("viewer"))
        assert r.status_code == 200, r.text
        body: dict[str, object] = r.json()
        return body

    def days_of(body: dict[str, object]) -> list[str]:
        return [r["observed_at"][:10] for r in body["data"]]  # type: ignore[attr-defined]

    first = page()
    assert days_of(first) == ["2025-12-01", "2025-11-30"] and first["count"] == 5
    newer = c.post(  # a field team's count while a partner's script pages
        "/api/v1/reports",
        json=report("concordia-strip", "2025-12-02T09:00:00Z"),
        headers=world.h("ed_chl"),
    )
    assert newer.status_code == 201
    assert days_of(page(offset=2))[0] == "2025-11-30"  # read already: offset paging repeats it
    second = page(after=first["next_after"])
    assert days_of(second) == ["2025-11-29", "2025-11-28"] and second["count"] == 6
    last = page(after=second["next_after"])
    assert days_of(last) == ["2025-11-27"] and last["next_after"] is None
    gone = c.get("/api/v1/reports", params={"after": 999}, headers=world.h("viewer"))
    assert gone.status_code == 422
    assert gone.json()["errors"] == [
        {"loc": ["query", "after"], "msg": "no report with id 999 to continue after"}
    ]


def test_unknown_report_is_404_problem(world: World) -> None:
    r = world.client.get("/api/v1/reports/999", headers=world.h("viewer"))
    assert r.status_code == 404
    assert r.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "no report with id 999",
        "instance": "/api/v1/reports/999",
    }


SIX = {
    "f_children": 20,
    "f_adults": 40,
    "f_older": 5,
    "m_children": 25,
    "m_adults": 30,
    "m_older": 0,
}


def test_a_dtm_count_with_a_range_sex_and_age_and_needs_is_stored_whole(world: World) -> None:
    body = report()
    body["counts"] = [
        {
            "nationality": "VEN",
            "documented": False,
            "people_low": 100,
            "people_high": 150,
            "stranded": 90,
            **SIX,
            "pregnant_lactating": 4,
            "disabilities": 2,
            "unaccompanied_separated": 3,
        }
    ]
    r = world.client.post("/api/v1/reports", json=body, headers=world.h("ed_chl"))
    assert r.status_code == 201, r.text
    (c,) = world.client.get(f"/api/v1/reports/{r.json()['id']}", headers=world.h("viewer")).json()[
        "counts"
    ]
    assert c == {
        "nationality": "VEN",
        "documented": False,
        "people": 125,
        "stranded": 90,
        "people_low": 100,
        "people_high": 150,
        **SIX,
        "pregnant_lactating": 4,
        "disabilities": 2,
        "unaccompanied_separated": 3,
    }
    assert r.json()["people"] == 125


def test_a_breakdown_that_does_not_add_up_is_refused_at_its_field(world: World) -> None:
    before = _stored(world)
    body = report(people=121)
    body["counts"][0].update(SIX)
    r = world.client.post("/api/v1/reports", json=body, headers=world.h("ed_chl"))
    assert r.status_code == 422
    (e,) = r.json()["errors"]
    assert e["loc"] == ["body", "counts", 0, "f_children"]
    assert e["msg"] == "the breakdown by sex and age adds up to 120, not 121"
    assert _stored(world) == before


def test_the_api_has_the_same_limit_as_the_form(world: World) -> None:
    r = world.client.post(
        "/api/v1/reports", json=report(people=1_000_001, stranded=0), headers=world.h("ed_chl")
    )
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "counts", 0, "people"]
    ok = world.client.post(
        "/api/v1/reports", json=report(people=1_000_000, stranded=0), headers=world.h("ed_chl")
    )
    assert ok.status_code == 201


@pytest.mark.parametrize("auth", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
def test_probing_the_body_without_signing_in_gets_401_not_422(
    world: World, auth: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    before = _stored(world)
    for body in (b"{not json", b'{"site_id": 5}', b'{"site_id": "a", "site_id": "b"}'):
        r = world.client.post("/api/v1/reports", content=body, headers=headers)
        assert r.status_code == 401, r.text
        assert r.headers["WWW-Authenticate"] == "Bearer"
        assert "errors" not in r.json() or not any(
            e["loc"][0] == "body" for e in r.json()["errors"] or []
        )
    assert _stored(world) == before


def test_a_public_route_still_says_what_its_body_lacks(world: World) -> None:
    r = world.client.post("/api/v1/auth/token", data={"username": "x"})
    assert r.status_code == 422
    assert "password" in r.json()["detail"]


def test_more_than_100_is_posted_stored_and_figured_as_at_least_100(world: World) -> None:
    body = report()
    body["counts"] = [
        {"nationality": "VEN", "documented": False, "people_low": 100, "stranded": 100}
    ]
    r = world.client.post("/api/v1/reports", json=body, headers=world.h("ed_chl"))
    assert r.status_code == 201, r.text
    got = world.client.get(f"/api/v1/reports/{r.json()['id']}", headers=world.h("viewer")).json()
    (c,) = got["counts"]
    assert (got["people"], got["stranded"], got["at_least"]) == (100, 100, True)
    assert (c["people"], c["people_low"], c["people_high"], c["stranded"]) == (100, 100, None, 100)
    (day,) = world.client.get(
        "/api/v1/sites/concordia-strip/figures", headers=world.h("viewer")
    ).json()["data"]
    assert (day["figure"], day["at_least"]) == (100, True)
    assert [(a["stranded"], a["at_least"]) for a in day["by_agency"]] == [(100, True)]


def test_an_upper_end_alone_is_refused_at_people_low(world: World) -> None:
    before = _stored(world)
    body = report()
    body["counts"] = [{"nationality": "VEN", "documented": False, "people_high": 400}]
    r = world.client.post("/api/v1/reports", json=body, headers=world.h("ed_chl"))
    assert r.status_code == 422
    (e,) = r.json()["errors"]
    assert e["loc"] == ["body", "counts", 0, "people_low"]
    assert e["msg"] == (
        "people_high 400 without people_low; expected the estimate's lower end too "
        "(a low alone is an open-ended count: at least that many)"
    )
    assert _stored(world) == before


def test_stranded_above_a_ranges_best_estimate_is_a_422_not_a_database_error(world: World) -> None:
    """40-60 people, best estimate 50, 55 stranded: refused by the count's rule, not the store's."""
    before = _stored(world)
    count = {"nationality": "VEN", "documented": False, "people_low": 40, "people_high": 60}
    body = report()
    body["counts"] = [{**count, "people": 50, "stranded": 55}]
    r = world.client.post("/api/v1/reports", json=body, headers=world.h("ed_chl"))
    assert r.status_code == 422, r.text
    (e,) = r.json()["errors"]
    assert e["loc"] == ["body", "counts", 0, "stranded"]
    assert _stored(world) == before
    body["counts"] = [{**count, "stranded": 55}]  # no best estimate: the people are the stranded
    r = world.client.post("/api/v1/reports", json=body, headers=world.h("ed_chl"))
    assert r.status_code == 201, r.text
    (c,) = r.json()["counts"]
    assert (c["people"], c["stranded"]) == (55, 55)


def test_chilean_admin_writing_a_report_for_a_peruvian_agency_is_refused(world: World) -> None:
    country_admin(world)
    before = _stored(world)
    for site in ("concordia-strip", "santa-rosa"):
        r = world.client.post(
            "/api/v1/reports",
            json=report(site=site, agency_id=world.ids["per"]),
            headers=world.h("admin_chl"),
        )
        assert r.status_code == 403, r.text
        assert r.json()["detail"] == (
            f"agency {world.ids['per']} is of PER; you are an admin of CHL and may post field "
            "reports only for the agencies of CHL"
        )
    r = world.client.post(  # for Chile's agency, at the strip: stored
        "/api/v1/reports", json=report(agency_id=world.ids["chl"]), headers=world.h("admin_chl")
    )
    assert r.status_code == 201 and r.json()["agency_id"] == world.ids["chl"]
    assert _stored(world)[0] == before[0] + 1


def test_chilean_admin_withdrawing_a_peruvian_report_is_refused(world: World) -> None:
    country_admin(world)
    peru = world.client.post("/api/v1/reports", json=report(), headers=world.h("ed_per")).json()
    r = world.client.post(
        f"/api/v1/reports/{peru['id']}/withdrawal",
        json={"reason": "not theirs"},
        headers=world.h("admin_chl"),
    )
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == (
        f"report {peru['id']} belongs to agency {world.ids['per']} of PER; an admin of CHL "
        "corrects or withdraws only the reports of agencies of CHL"
    )
    r = world.client.post(  # the operator may
        f"/api/v1/reports/{peru['id']}/withdrawal",
        json={"reason": "duplicate"},
        headers=world.h("admin"),
    )
    assert r.status_code == 201, r.text
