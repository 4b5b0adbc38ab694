"""The holes found by attacking the service: each test is named after its attack (both databases)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from hito.store.figures import daily_figures
from hito.store.models import FieldReport, Shelter, SmsMessage
from service_world import World, report, stored_forecast


def _page_token(c: object) -> str:
    """The CSRF token of the client's session, as its pages carry it (bound to the session)."""
    page = c.get("/subscriptions").text  # type: ignore[attr-defined]
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, page[:300]
    return found[1]


HXL_HEAD = (
    "date,site,nationality,documented,people,stranded\n"
    "#date,#loc+code,#country+origin,#indicator+documented,#affected+total,#affected+stranded\n"
)


def test_peruvian_editor_cannot_change_a_chilean_shelter(world: World) -> None:
    c = world.client
    r = c.post(
        "/api/v1/sites/arica-shelters/shelter-updates",
        json={"occupancy": 0, "capacity": 0},
        headers=world.h("ed_per"),
    )
    assert r.status_code == 403
    assert "'arica-shelters' is in CHL; an editor of an agency of PER" in r.json()["detail"]
    r = c.post(
        "/api/v1/sites/arica-shelters/status", json={"status": "closed"}, headers=world.h("ed_per")
    )
    assert r.status_code == 403
    site = c.get("/api/v1/sites/arica-shelters", headers=world.h("viewer")).json()
    assert (site["capacity"], site["status"]) == (150, "open")


def test_shelter_update_dated_minutes_ahead_does_not_win_over_later_ones(world: World) -> None:
    c = world.client
    now = dt.datetime.now(dt.UTC)
    ahead = (now + dt.timedelta(minutes=4)).isoformat()
    r = c.post(
        "/api/v1/sites/arica-shelters/shelter-updates",
        json={"occupancy": 0, "capacity": 0, "observed_at": ahead},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 201
    r = c.post(
        "/api/v1/sites/arica-shelters/shelter-updates",
        json={"occupancy": 120, "capacity": 150},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 201
    assert (
        c.get("/api/v1/sites/arica-shelters", headers=world.h("viewer")).json()["capacity"] == 150
    )


def test_peruvian_editor_cannot_report_at_a_chilean_border_post_but_may_at_the_strip(
    world: World,
) -> None:
    c = world.client
    r = c.post("/api/v1/reports", json=report(site="chacalluta"), headers=world.h("ed_per"))
    assert (
        r.status_code == 403
        and "reports only at sites of PER and between the posts" in r.json()["detail"]
    )
    assert (
        c.post(
            "/api/v1/reports", json=report(site="concordia-strip"), headers=world.h("ed_per")
        ).status_code
        == 201
    )


def test_one_agency_reporting_a_million_twice_does_not_outvote_the_other(world: World) -> None:
    c = world.client
    for at in ("2025-11-30T08:00:00Z", "2025-11-30T09:00:00Z"):
        r = c.post(
            "/api/v1/reports",
            json=report(at=at, people=1_000_000, stranded=1_000_000),
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 201
    c.post(
        "/api/v1/reports",
        json=report(at="2025-11-30T10:00:00Z", people=5, stranded=5),
        headers=world.h("ed_per"),
    )
    with world.db.session(readonly=True) as s:
        fig = daily_figures(s, site_ids=["concordia-strip"])["concordia-strip"][
            dt.date(2025, 11, 30)
        ]
    assert fig.by_agency == {world.ids["chl"]: 1_000_000, world.ids["per"]: 5}
    assert (fig.low, fig.high, fig.figure) == (5, 1_000_000, 500_003)  # median of two, half up
    assert fig.disagree


def test_an_agency_s_latest_count_of_the_day_is_its_figure_and_a_withdrawal_restores_the_one_before(
    world: World,
) -> None:
    c = world.client
    ids = [
        c.post(
            "/api/v1/reports",
            json=report(at=at, people=n, stranded=n),
            headers=world.h("ed_chl"),
        ).json()["id"]
        for at, n in (
            ("2025-11-30T12:00:00-03:00", 40),  # the latest time: it counts
            ("2025-11-30T09:00:00-03:00", 100),  # earlier, though posted later
            ("2025-11-30T23:59:59-03:00", 7),  # the last second of the day (in Arica)
            ("2025-12-01T00:00:00-03:00", 3),  # the next day
            ("2025-12-01T00:00:00-03:00", 8),  # the same time: the later report counts
        )
    ]

    def figures() -> dict[dt.date, int]:
        with world.db.session(readonly=True) as s:
            days = daily_figures(s, site_ids=["concordia-strip"])["concordia-strip"]
        return {d: f.figure for d, f in days.items()}

    assert figures() == {dt.date(2025, 11, 30): 7, dt.date(2025, 12, 1): 8}
    r = c.post(
        f"/api/v1/reports/{ids[2]}/withdrawal",
        json={"reason": "counted at the wrong site"},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 201
    assert figures() == {dt.date(2025, 11, 30): 40, dt.date(2025, 12, 1): 8}


def test_a_wrong_report_is_corrected_then_withdrawn_by_new_referenced_entries(world: World) -> None:
    c = world.client
    rid = c.post(
        "/api/v1/reports", json=report(people=120, stranded=100), headers=world.h("ed_chl")
    ).json()["id"]
    fix = {
        "counts": [{"nationality": "VEN", "documented": False, "people": 12, "stranded": 10}],
        "reason": "typed one zero too many",
    }
    r = c.post(f"/api/v1/reports/{rid}/corrections", json=fix, headers=world.h("ed_per"))
    assert r.status_code == 403  # another agency's report
    r = c.post(
        f"/api/v1/reports/{rid}/corrections", json={**fix, "reason": ""}, headers=world.h("ed_chl")
    )
    assert r.status_code == 422
    r = c.post(f"/api/v1/reports/{rid}/corrections", json=fix, headers=world.h("ed_chl"))
    assert r.status_code == 201, r.text
    new = r.json()
    assert (new["supersedes_id"], new["stranded"], new["reason"], new["withdrawn"]) == (
        rid,
        10,
        "typed one zero too many",
        False,
    )
    assert (
        c.get(f"/api/v1/reports/{rid}", headers=world.h("viewer")).json()["stranded"] == 100
    )  # kept
    r = c.post(f"/api/v1/reports/{rid}/corrections", json=fix, headers=world.h("ed_chl"))
    assert r.status_code == 409 and f"superseded by report {new['id']}" in r.json()["detail"]
    with world.db.session(readonly=True) as s:
        assert daily_figures(s)["concordia-strip"][dt.date(2025, 11, 30)].figure == 10
    r = c.post(
        f"/api/v1/reports/{new['id']}/withdrawal",
        json={"reason": "counted the wrong strip"},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 201 and r.json()["withdrawn"] is True and r.json()["counts"] == []
    gone = r.json()["id"]
    with world.db.session(readonly=True) as s:
        assert daily_figures(s).get("concordia-strip", {}) == {}
    # a withdrawal is no count: correcting it (bringing counts back) or withdrawing it again
    # is refused, as on the dashboard; counting again is a new report
    for path, body in (("corrections", fix), ("withdrawal", {"reason": "again"})):
        r = c.post(f"/api/v1/reports/{gone}/{path}", json=body, headers=world.h("ed_chl"))
        assert r.status_code == 409, r.text
        assert r.json()["detail"] == (
            f"report {gone} withdraws report {new['id']}: there is nothing to correct or "
            "withdraw; to count again, send a new report"
        )
    log = c.get(
        "/api/v1/log/entries", params={"resource": "report"}, headers=world.h("viewer")
    ).json()
    assert [e["action"] for e in log["data"]][:3] == [
        "report.withdraw",
        "report.correct",
        "report.create",
    ]
    assert log["data"][1]["note"] == f"supersedes report:{rid}"


def test_dates_at_year_1_and_9999_with_offsets_are_422_not_500(world: World) -> None:
    c = world.client
    for at in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "1999-12-31T23:00:00Z"):
        r = c.post("/api/v1/reports", json=report(at=at), headers=world.h("ed_chl"))
        assert r.status_code == 422, (at, r.text)
        assert "expected a time between 2000-01-01 and 2099-12-31" in r.json()["detail"]
        r = c.post(
            "/api/v1/sites/chacalluta/status",
            json={"status": "closed", "effective_at": at},
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 422
        r = c.post(
            "/api/v1/sites/arica-shelters/shelter-updates",
            json={"occupancy": 1, "capacity": 2, "observed_at": at},
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 422
    for path in ("/api/v1/reports", "/api/v1/reports/export.csv", "/api/v1/alerts"):
        for day in ("9999-12-31", "0001-01-01"):
            r = c.get(path, params={"until": day, "since": day}, headers=world.h("viewer"))
            assert r.status_code == 422, (path, day, r.text)


def test_a_day_range_ending_before_it_starts_is_422_not_an_empty_list(world: World) -> None:
    # a list asked from 2025-12-03 until 2025-11-28 answered 200 and nothing: read as "no
    # reports", not as the typo it is
    c = world.client
    for path in (
        "/api/v1/reports",
        "/api/v1/reports/export.csv",
        "/api/v1/alerts",
        "/api/v1/sites/chacalluta/figures",
    ):
        r = c.get(
            path, params={"since": "2025-12-03", "until": "2025-11-28"}, headers=world.h("viewer")
        )
        assert r.status_code == 422, (path, r.text)
        assert r.json()["detail"] == (
            "query.until: expected a day on or after since (2025-12-03) (got '2025-11-28')"
        )
        r = c.get(
            path, params={"since": "2025-12-03", "until": "2025-12-03"}, headers=world.h("viewer")
        )
        assert r.status_code == 200, (path, r.text)


def test_a_non_ascii_idempotency_key_is_echoed_as_sent_not_as_mojibake(world: World) -> None:
    # HTTP hands a header's bytes over as Latin-1: 'ñandú' came back as 'Ã±andÃº'
    headers: dict[str, str | bytes] = {**world.h("ed_chl"), "Idempotency-Key": "ñandú".encode()}
    r = world.client.post("/api/v1/reports", json=report(), headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].endswith("(got 'ñandú')"), r.json()["detail"]
    assert r.json()["detail"].startswith("header.Idempotency-Key: ")


def test_a_sign_in_sent_as_json_is_told_to_send_a_form(world: World) -> None:
    # OAuth2's token endpoint reads a form; JSON was answered "body.username: Field required"
    r = world.client.post("/api/v1/auth/token", json={"username": "ed_chl", "password": "x"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith(
        "body: expected a form (Content-Type: application/x-www-form-urlencoded), got "
        "Content-Type: application/json; body.username: Field required"
    ), r.json()["detail"]
    r = world.client.post("/api/v1/auth/token", data={"username": "ed_chl"})
    assert r.status_code == 422 and r.json()["detail"] == "body.password: Field required"


def test_ids_beyond_64_bits_are_422_not_500(world: World) -> None:
    c = world.client
    huge = str(2**70)
    for path in (
        f"/api/v1/reports/{huge}",
        f"/api/v1/users/{huge}",
        f"/api/v1/log/entries/{huge}",
        f"/api/v1/reports?agency_id={huge}",
    ):
        r = c.get(path, headers=world.h("admin"))
        assert r.status_code == 422, (path, r.text)
    r = c.post(
        f"/api/v1/reports/{huge}/corrections",
        json={"counts": [], "reason": "x"},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 422


def test_nul_bytes_in_a_username_or_a_path_are_4xx_not_500(world: World) -> None:
    c = world.client
    r = c.post("/api/v1/auth/token", data={"username": "ad\x00min", "password": "x"})
    assert r.status_code == 401
    assert c.get("/api/v1/sites/chaca%00lluta", headers=world.h("viewer")).status_code == 422
    r = c.post(
        "/api/v1/users",
        json={"username": "a\x00b", "password": "long enough password", "role": "viewer"},
        headers=world.h("admin"),
    )
    assert r.status_code == 422


def test_huge_counts_in_an_hxl_import_are_refused_and_nothing_is_stored(world: World) -> None:
    c = world.client
    for n in (10**12, 10**30):
        body = HXL_HEAD + f"2025-11-30,concordia-strip,VEN,no,{n},1\n"
        r = c.post(
            "/api/v1/reports/import",
            content=body.encode(),
            headers=world.h("ed_chl", **{"Content-Type": "text/csv"}),
        )
        assert r.status_code == 422, r.text
        assert "expected a count from 0 to 1,000,000" in r.json()["detail"]
    assert c.get("/api/v1/reports", headers=world.h("viewer")).json()["count"] == 0


def test_non_csv_import_bodies_are_422_not_500(world: World) -> None:
    c = world.client
    for body in (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b'{"site_id": "x"}',
        b"PK\x03\x04\x14\x00",
        b"\xff\xfe\x00\x00garbage",
        b"",
        b"<html><body>hi</body></html>",
    ):
        r = c.post(
            "/api/v1/reports/import",
            content=body,
            headers=world.h("ed_chl", **{"Content-Type": "text/csv"}),
        )
        assert 400 <= r.status_code < 500, (body, r.status_code, r.text)
        assert r.headers["content-type"] == "application/problem+json"


def test_csv_export_neutralises_spreadsheet_formulas(world: World) -> None:
    c = world.client
    for remark in ("@SUM(A1:A9)", "+1 llamar a la PDI", "-5 personas", "\tx"):
        r = c.post("/api/v1/reports", json=report(remark=remark), headers=world.h("ed_chl"))
        assert r.status_code == 201, r.text
    r = c.get("/api/v1/reports/export.csv", headers=world.h("viewer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    at = rows[0].index("Remark")
    remarks = sorted(row[at] for row in rows[2:])
    assert remarks == sorted(["'@SUM(A1:A9)", "'+1 llamar a la PDI", "'-5 personas", "'\tx"])
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )


def _busy(world: World, user: str, status: str, n: int) -> None:
    """n big forecasts of a user, queued or running, as the quota counts them."""
    for _ in range(n):
        stored_forecast(world.db, status=status, days=60, runs=200, user_id=world.ids[user])


def test_many_big_forecasts_at_once_hit_a_quota(world: World) -> None:
    _busy(world, "ed_chl", "running", 2)  # two of ed_chl's forecasts are still running
    body = {"scenario": "tacna-arica-2025", "as_of": "2025-12-02", "days": 5, "runs": 3}
    r = world.client.post("/api/v1/forecasts", json=body, headers=world.h("ed_chl"))
    assert r.status_code == 429 and r.headers["Retry-After"] == "30"
    assert "2 forecasts are queued or running (2 of yours)" in r.json()["detail"]
    _busy(world, "admin", "queued", 2)
    r = world.client.post("/api/v1/forecasts", json=body, headers=world.h("ed_per"))
    assert r.status_code == 429 and "the limits are 4 in all" in r.json()["detail"]


def test_a_quota_of_one_forecast_says_it_in_the_singular(world: World) -> None:
    state = world.client.app.state  # type: ignore[attr-defined]
    state.settings = state.settings.model_copy(update={"forecast_max_active_per_user": 1})
    _busy(world, "ed_chl", "running", 1)
    body = {"scenario": "tacna-arica-2025", "as_of": "2025-12-02", "days": 5, "runs": 3}
    r = world.client.post("/api/v1/forecasts", json=body, headers=world.h("ed_chl"))
    assert r.status_code == 429
    assert r.json()["detail"] == (
        "1 forecast is queued or running (1 of yours); the limits are 4 in all and 1 per user: "
        "wait for it to finish"
    )


def test_status_dated_minutes_ahead_does_not_win_over_a_later_change(world: World) -> None:
    c = world.client
    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=4)).isoformat()
    r = c.post(
        "/api/v1/sites/chacalluta/status",
        json={"status": "closed", "effective_at": ahead},
        headers=world.h("ed_chl"),
    )
    assert r.status_code == 201
    assert (
        c.post(
            "/api/v1/sites/chacalluta/status", json={"status": "open"}, headers=world.h("ed_chl")
        ).status_code
        == 201
    )
    assert c.get("/api/v1/sites/chacalluta", headers=world.h("viewer")).json()["status"] == "open"


def test_json_nesting_bomb_on_the_report_hot_path_is_a_422_not_a_500(world: World) -> None:
    """50,000 nested brackets: json.loads raises RecursionError, which the hot path let through
    (then a bare 400, 'There was an error parsing the body')."""
    c = world.client
    for body in ("[" * 50_000 + "]" * 50_000, '{"a":' * 20_000 + "1" + "}" * 20_000):
        r = c.post(
            "/api/v1/reports",
            content=body,
            headers={**world.h("ed_chl"), "Content-Type": "application/json"},
        )
        assert r.status_code == 422, r.text
        assert r.json()["errors"] == [
            {
                "loc": ["body"],
                "msg": "not valid JSON at line 1, column 1: nested too deeply (expected a "
                "report, a plan or a form's fields)",
            }
        ]
    assert c.get("/api/v1/reports", headers=world.h("viewer")).status_code == 200  # still serving


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            b'{"site_id": "chacalluta",\n "counts": {"stranded": 5,}}',
            "line 2, column 27: Expecting property name enclosed in double quotes",
        ),
        (
            '{"site_id": "chacalluta", "remark": "Ñuñoa"}'.encode("latin-1"),
            "line 1, column 38: byte 37 is not UTF-8 (expected JSON in UTF-8)",
        ),
        (b'{"site_id": ' + b"9" * 5000 + b"}", "line 1, column 1: Exceeds the limit (4300 digits)"),
    ],
)
def test_a_body_that_is_not_json_is_said_at_its_line_and_column(
    world: World, body: bytes, said: str
) -> None:
    """It was 'body.12: JSON decode error', or a bare 400 for Latin-1 or a 5,000-digit number."""
    r = world.client.post(
        "/api/v1/reports",
        content=body,
        headers={**world.h("ed_chl"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["loc"] == ["body"]
    assert error["msg"].startswith(f"not valid JSON at {said}")


def test_nul_in_a_site_address_of_the_pages_is_an_unknown_site_not_a_500(world: World) -> None:
    """PostgreSQL text cannot hold NUL: the site id of an address was looked up as typed."""
    c = world.client
    c.cookies.set("hito_session", world.tokens["ed_per"])
    token = _page_token(c)  # the session's
    page = c.get("/sites/chacalluta%00")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    saved = c.post(
        "/sites/arica-shelters%00/shelter",
        data={"csrf_token": token, "capacity_people": "10", "area_m2": "30"},
        headers={"Origin": "http://testserver"},
    )
    assert saved.status_code == 404 and saved.headers["content-type"].startswith("text/html")
    form = c.get("/report?site=chacalluta%00")  # a site of the other country, with a NUL
    assert form.status_code == 200 and "field-error" not in form.text.split("<form", 1)[0]
    with world.db.session(readonly=True) as s:
        assert s.get(Shelter, "arica-shelters") is None


def test_nul_or_a_line_break_in_a_subscription_target_is_refused_not_a_500(world: World) -> None:
    c = world.client
    for channel, target in (
        ("webhook", "https://example.org/hooks\x00/hito"),
        ("webhook", "https://example.org/hooks\n/hito"),
        ("webhook", "https://example.org:99999/hito"),
        ("webhook", "https://[2001:db8::1/hito"),
        ("email", "duty@example.org\n"),
    ):
        r = c.post(
            "/api/v1/subscriptions",
            json={"label": "duty", "channel": channel, "target": target},
            headers=world.h("ed_chl"),
        )
        assert r.status_code == 422, (target, r.text)
        assert r.json()["errors"][0]["loc"] == ["body", "target"]
        assert r.json()["detail"].startswith("body.target: expected an ")
    c.cookies.set("hito_session", world.tokens["ed_chl"])
    page = c.post(
        "/subscriptions",
        data={
            "csrf_token": _page_token(c),
            "label": "duty",
            "channel": "webhook",
            "target": "https://example.org/\x00",
        },
        headers={"Origin": "http://testserver"},
    )
    assert page.status_code == 422 and "se esperaba una URL http(s)" in page.text
    assert c.get("/api/v1/subscriptions", headers=world.h("ed_chl")).json()["count"] == 0


def test_nul_in_an_sms_is_answered_by_the_reply_not_a_500(world: World) -> None:
    """A NUL (U+0000 of a UCS-2 message) was stored as it came: PostgreSQL refused the row."""
    app = world.client.app
    app.state.settings = app.state.settings.model_copy(update={"sms_token": "gateway-secret"})  # type: ignore[attr-defined]
    r = world.client.post(
        "/api/v1/sms/senders", json={"phone": "+56912345678"}, headers=world.h("ed_chl")
    )
    assert r.status_code == 201

    def sms(gid: str, text: str) -> dict[str, object]:
        r = world.client.post(
            "/api/v1/sms/inbound",
            data={"id": gid, "from": "+56912345678", "text": text},
            headers={"X-Hito-Token": "gateway-secret"},
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    refused = sms("sms-1\x00", "chacalluta 3 2")  # a gateway id no report key can carry
    assert (refused["outcome"], refused["report_id"]) == ("refused", None)
    stored = sms("sms-2", "chacalluta\x00 3 2")  # the site's name is read without it
    assert stored["outcome"] == "stored"
    with world.db.session(readonly=True) as s:
        kept = {m.gateway_id: m.body for m in s.scalars(select(SmsMessage))}
        assert kept == {"sms-1\ufffd": "chacalluta 3 2", "sms-2": "chacalluta\ufffd 3 2"}
        (row,) = s.scalars(select(FieldReport))
        assert (row.id, row.site_id, row.people, row.stranded) == (
            stored["report_id"],
            "chacalluta",
            3,
            2,
        )


def test_idor_peruvian_editor_cannot_correct_or_withdraw_its_agencys_report_at_a_chilean_site(
    world: World,
) -> None:
    """An admin's report for a Peruvian agency at Chacalluta: its correction is a report there."""
    c = world.client
    made = c.post(
        "/api/v1/reports",
        json={**report(site="chacalluta"), "agency_id": world.ids["per"]},
        headers=world.h("admin"),
    )
    assert made.status_code == 201 and made.json()["agency_id"] == world.ids["per"]
    rid = made.json()["id"]
    fix = {
        "counts": [{"nationality": "VEN", "documented": False, "people": 1, "stranded": 1}],
        "reason": "recounted",
    }
    for path, body in (("corrections", fix), ("withdrawal", {"reason": "not ours"})):
        r = c.post(f"/api/v1/reports/{rid}/{path}", json=body, headers=world.h("ed_per"))
        assert r.status_code == 403, r.text
        assert "'chacalluta' is a border_post in CHL" in r.json()["detail"]
    links = f'href="/reports/{rid}/correct"'
    c.cookies.set("hito_session", world.tokens["admin"])
    assert links in c.get("/sites/chacalluta?as_of=2025-11-30").text
    c.cookies.set("hito_session", world.tokens["ed_per"])
    token = _page_token(c)  # the session's: refused for its rights, not for its token
    assert links not in c.get("/sites/chacalluta?as_of=2025-11-30").text  # not offered
    for action in ("correct", "withdraw"):
        page = c.get(f"/reports/{rid}/{action}")
        assert page.status_code == 403, action
        assert "reporta en los sitios de Perú y entre los complejos fronterizos" in page.text
        sent = c.post(
            f"/reports/{rid}/{action}",
            data={"csrf_token": token, "reason": "x", "confirm": "yes", "people-unspecified": "1"},
            headers={"Origin": "http://testserver"},
        )
        assert sent.status_code == 403, action
        assert "security code" not in sent.text  # refused for its rights, not its token
    assert c.get("/api/v1/reports", headers=world.h("viewer")).json()["count"] == 1
    r = c.post(f"/api/v1/reports/{rid}/withdrawal", json={"reason": "x"}, headers=world.h("admin"))
    assert r.status_code == 201
