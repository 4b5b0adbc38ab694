"""HXL import and export of field reports: round trip, all-or-nothing, bad rows by line."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from hito.service import create_app
from hito.store import hxl_export, hxl_import
from hito.store.db import Database
from service_world import World, country_admin, make_world, report, settings

HEADER = "Observed at,Site code,Nationality,Documented,People,Stranded,Key\n#date,#loc+code,#country+origin,#indicator+documented,#affected+total,#affected+stranded,#meta+key\n"


def _import(world: World, text: str, who: str = "ed_chl"):  # noqa: ANN202
    return world.client.post(
        "/api/v1/reports/import",
        content=text.encode("utf-8", "surrogateescape"),  # "\udce9": the byte 0xe9, not UTF-8
        headers=world.h(who, **{"Content-Type": "text/csv"}),
    )


def _count(world: World) -> int:
    return world.client.get("/api/v1/reports", headers=world.h("viewer")).json()["count"]


def test_export_has_hxl_hashtags_and_one_row_per_count(world: World) -> None:
    body = report(remark="camp at the strip")
    body["counts"].append(
        {
            "nationality": "COL",
            "documented": True,
            "people": 7,
            "stranded": 0,
            "f_children": 2,
            "f_adults": 3,
            "f_older": 0,
            "m_children": 1,
            "m_adults": 1,
            "m_older": 0,
            "pregnant_lactating": 1,
            "unaccompanied_separated": 1,
        }
    )
    world.client.post(
        "/api/v1/reports", json=body, headers=world.h("ed_chl", **{"Idempotency-Key": "k1"})
    )
    r = world.client.get("/api/v1/reports/export.csv", headers=world.h("viewer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    assert lines[1] == ",".join(t for _, t in hxl_export.COLUMNS)
    assert lines[2].startswith(  # 10:00 UTC on the site's clock: its date is the count's day
        "2025-11-30T07:00:00-03:00,concordia-strip,Strip between Chacalluta and Santa Rosa,CHL,VEN,no,120,,,100,,,,,,,,,,pdi-arica,"
    )
    rid = lines[3].split(",")[20]
    assert lines[3].endswith(
        f",COL,yes,7,,,0,2,3,0,1,1,0,1,,1,pdi-arica,{rid},k1,camp at the strip,current,,,"
    )
    assert len(lines) == 4


def test_the_export_marks_corrected_and_withdrawn_reports(world: World) -> None:
    c = world.client
    post = [
        c.post("/api/v1/reports", json=report(people=p, stranded=p), headers=world.h("ed_chl"))
        for p in (120, 50)
    ]
    first, second = (r.json()["id"] for r in post)
    fix = {"counts": [{"nationality": "VEN", "documented": False, "people": 12, "stranded": 10}]}
    fixed = c.post(
        f"/api/v1/reports/{first}/corrections",
        json={**fix, "reason": "one zero too many"},
        headers=world.h("ed_chl"),
    ).json()["id"]
    gone = c.post(
        f"/api/v1/reports/{second}/withdrawal",
        json={"reason": "=counted twice"},  # a reason is text: neutralised like the others
        headers=world.h("ed_chl"),
    ).json()["id"]
    text = c.get("/api/v1/reports/export.csv", headers=world.h("viewer")).text
    rows = {int(r[20]): r[-4:] for r in (line.split(",") for line in text.splitlines()[2:])}
    assert rows == {  # the withdrawal itself has no counts, so no row
        first: ["corrected", str(fixed), "", "one zero too many"],
        second: ["withdrawn", str(gone), "", "'=counted twice"],
        fixed: ["current", "", str(first), "one zero too many"],
    }


def test_round_trip_into_another_database(world: World, tmp_path) -> None:  # noqa: ANN001
    world.client.post(
        "/api/v1/reports", json=report(), headers=world.h("ed_chl", **{"Idempotency-Key": "a"})
    )
    world.client.post(
        "/api/v1/reports",
        json=report("chacalluta", people=30, stranded=3),
        headers=world.h("ed_chl", **{"Idempotency-Key": "b"}),
    )
    text = world.client.get("/api/v1/reports/export.csv", headers=world.h("viewer")).text
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    from hito.store import migrate

    migrate.upgrade(other)
    with TestClient(create_app(settings(), database=other)) as c2:
        w2 = make_world(c2, other)
        r = _import(w2, text)
        assert r.status_code == 201, r.text
        assert r.json()["imported"] == 2
        again = w2.client.get("/api/v1/reports/export.csv", headers=w2.h("viewer")).text

    def strip(t: str) -> list[str]:
        return [
            ",".join(x for i, x in enumerate(line.split(",")) if i != 20) for line in t.splitlines()
        ]

    assert sorted(strip(again)) == sorted(strip(text))  # identical except the report ids
    other.dispose()


def _corrected_and_withdrawn(world: World) -> str:
    """Three reports (one corrected, one withdrawn, one current) as exported."""
    c = world.client
    ids = [
        c.post(
            "/api/v1/reports",
            json=report(site, people=p, stranded=p),
            headers=world.h("ed_chl", **{"Idempotency-Key": key}),
        ).json()["id"]
        for site, p, key in (
            ("concordia-strip", 120, "a"),
            ("chacalluta", 50, "b"),
            ("chacalluta", 9, "c"),
        )
    ]
    fix = {"counts": [{"nationality": "VEN", "documented": False, "people": 12, "stranded": 10}]}
    c.post(
        f"/api/v1/reports/{ids[0]}/corrections",
        json={**fix, "reason": "one zero too many"},
        headers=world.h("ed_chl"),
    )
    c.post(
        f"/api/v1/reports/{ids[1]}/withdrawal",
        json={"reason": "counted twice"},
        headers=world.h("ed_chl"),
    )
    return c.get("/api/v1/reports/export.csv", headers=world.h("viewer")).text


def _statuses(text: str) -> list[tuple[str, ...]]:
    """(site, people, key, status, reason, whether it links back and forth) of each row."""
    rows = [line.split(",") for line in text.splitlines()[2:]]
    return sorted(
        (r[1], r[6], r[21], r[23], r[26], str(bool(r[24])), str(bool(r[25]))) for r in rows
    )


def test_an_exported_correction_and_withdrawal_are_imported_as_such(
    world: World,
    tmp_path,  # noqa: ANN001
) -> None:
    text = _corrected_and_withdrawn(world)
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    from hito.store import migrate

    migrate.upgrade(other)
    with TestClient(create_app(settings(), database=other)) as c2:
        w2 = make_world(c2, other)
        r = _import(w2, text)
        assert r.status_code == 201, r.text
        assert r.json()["imported"] == 4  # the withdrawal has no row of its own
        again = w2.client.get("/api/v1/reports/export.csv", headers=w2.h("viewer")).text
        assert _import(w2, text).status_code == 201  # again: nothing new, nothing twice
        assert w2.client.get("/api/v1/reports", headers=w2.h("viewer")).json()["count"] == 5
    assert (
        _statuses(again)
        == _statuses(text)
        == [
            ("chacalluta", "50", "b", "withdrawn", "counted twice", "True", "False"),
            ("chacalluta", "9", "c", "current", "", "False", "False"),
            ("concordia-strip", "12", "", "current", "one zero too many", "False", "True"),
            ("concordia-strip", "120", "a", "corrected", "one zero too many", "True", "False"),
        ]
    )
    other.dispose()


@pytest.mark.parametrize("case", ["correction left out", "reason of a withdrawal left out"])
def test_a_correction_or_withdrawal_the_file_cannot_rebuild_is_refused_at_its_line(
    world: World, case: str
) -> None:
    rows = [line.split(",") for line in _corrected_and_withdrawn(world).splitlines()]
    (fixed,) = [r[20] for r in rows[2:] if r[23] == "current" and r[25]]
    if case == "correction left out":  # its original stays "corrected" by a report not there
        rows = [r for r in rows if r[20] != fixed]
        status, where, words = "corrected", "#status", f"was corrected by report {fixed}, which"
    else:
        rows = [[*r[:26], ""] if r[23] == "withdrawn" else r for r in rows]
        status, where, words = "withdrawn", "#description+reason", "needs the reason"
    before = world.client.get("/api/v1/reports", headers=world.h("viewer")).json()["count"]
    r = _import(world, "".join(",".join(row) + "\n" for row in rows))
    assert r.status_code == 422, r.text
    (error,) = r.json()["errors"]
    line = next(n + 1 for n, row in enumerate(rows) if row[23] == status)
    assert error["loc"] == ["file", "line", line, where]
    assert words in error["msg"] and f"line {line}: {where}: " in r.json()["detail"]
    after = world.client.get("/api/v1/reports", headers=world.h("viewer")).json()["count"]
    assert after == before  # nothing of the file was stored


def test_import_groups_rows_by_key_into_reports(world: World) -> None:
    text = HEADER + (
        "2025-11-29,concordia-strip,VEN,no,200,180,r1\n"
        "2025-11-29,concordia-strip,COL,no,20,15,r1\n"
        "2025-11-29T12:00:00Z,chacalluta,VEN,yes,40,0,r2\n"
    )
    r = _import(world, text)
    assert r.status_code == 201 and r.json()["imported"] == 2
    data = world.client.get(
        "/api/v1/reports", params={"site_id": "concordia-strip"}, headers=world.h("viewer")
    ).json()["data"]
    assert [(d["people"], d["stranded"], d["idempotency_key"]) for d in data] == [(220, 195, "r1")]
    # importing the same file again creates nothing (the keys are known)
    assert _import(world, text).status_code == 201
    assert _count(world) == 2


def test_import_reads_thousands_as_calibrate_reads_them(world: World) -> None:
    """1,200 (English), 1.200 (Spanish) and "1 200" are twelve hundred, as in `hito calibrate`."""
    text = HEADER + (
        '2025-11-29,concordia-strip,VEN,no,"1,200","1,150",a\n'
        "2025-11-29,chacalluta,VEN,no,1.200,1.000,b\n"
        "2025-11-29T08:00:00Z,chacalluta,VEN,no,1 200,0,c\n"
    )
    r = _import(world, text)
    assert r.status_code == 201, r.text
    data = world.client.get("/api/v1/reports", headers=world.h("viewer")).json()["data"]
    got = {d["idempotency_key"]: (d["people"], d["stranded"]) for d in data}
    assert got == {"a": (1200, 1150), "b": (1200, 1000), "c": (1200, 0)}


@pytest.mark.parametrize("cell", ["12,5", "1,20", "12.5", "1.2.3", "nan"])
def test_import_refuses_a_count_that_is_not_a_whole_number(world: World, cell: str) -> None:
    r = _import(world, HEADER + f'2025-11-29,chacalluta,VEN,no,"{cell}",0,k\n')
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["file", "line", 3, "#affected+total"]
    assert f"got {cell!r}" in r.json()["detail"] and _count(world) == 0


def test_a_report_number_in_another_script_of_digits_is_refused_at_its_line(
    world: World,
) -> None:
    """'²' passes str.isdigit() but not int(): it is a bad #meta+id, not a server error."""
    text = (
        "Observed at,Site code,Nationality,Documented,People,Stranded,Report\n"
        "#date,#loc+code,#country+origin,#indicator+documented,#affected+total,"
        "#affected+stranded,#meta+id\n"
        "2025-11-29,chacalluta,VEN,no,5,0,²\n"
    )
    r = _import(world, text)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["loc"] == ["file", "line", 3, "#meta+id"]
    assert "expected a report's number, got '²'" in r.json()["detail"]
    assert _count(world) == 0


def test_every_bad_row_is_reported_by_line_and_nothing_is_stored(world: World) -> None:
    text = HEADER + (
        "2025-11-29,concordia-strip,VEN,no,200,180,r1\n"  # line 3: good
        "2025-11-29,concordia-strip,VEN,no,-4,0,r2\n"  # line 4: negative
        "2025-11-29,atlantis,VEN,no,5,0,r3\n"  # line 5: unknown site
        "2099-01-01,chacalluta,VEN,no,5,0,r4\n"  # line 6: future
        "2025-11-29,chacalluta,VEN,maybe,five,0,r5\n"  # line 7: two wrong types
        "2025-11-29,chacalluta,VEN,no,5,0,<script>\n"  # line 8: bad key
    )
    r = _import(world, text)
    assert r.status_code == 422
    lines = [(e["loc"][2], e["loc"][3]) for e in r.json()["errors"]]
    assert lines == [
        (4, "#affected+total"),
        (5, "#loc+code"),
        (6, "#date"),
        (7, "#indicator+documented"),
        (7, "#affected+total"),
        (8, "#meta+key"),
    ]
    detail = r.json()["detail"]
    assert "line 4: #affected+total: expected a count from 0 to 1,000,000, got -4" in detail
    assert "line 5: #loc+code: unknown site 'atlantis'" in detail
    assert (
        "line 7: #affected+total: expected a whole number (such as 1200, 1,200 or 1.200), "
        "got 'five'"
    ) in detail
    assert _count(world) == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "a,b\n1,2\n",
            "the uploaded file: no HXL hashtag row in the first 25 rows, expected a row of "
            "hashtags under the header with #date, #loc+code, #country+origin, "
            "#indicator+documented, #affected+total",
        ),
        ("", "the uploaded file: the file is empty, expected an HXL CSV file (#date, "),
        ("Date\n#date\n2025-11-29,\udce9", "the uploaded file:3: byte 22 is not UTF-8 text"),
        (
            "Date,Site\n#date,#loc+code\n2025-11-29,chacalluta\n",
            "missing HXL hashtags: #country+origin, #indicator+documented, #affected+total (found: #date, #loc+code)",
        ),
        (HEADER, "no data rows under the hashtag row"),
        (
            HEADER.replace("#affected+total", "#affected+ total"),
            "the uploaded file:2: hashtags: column 5: got '#affected+ total', expected an HXL "
            "hashtag such as #affected+max",
        ),
    ],
)
def test_files_without_the_needed_tags_are_refused(world: World, text: str, words: str) -> None:
    r = _import(world, text)
    assert r.status_code == 422 and words in r.json()["detail"]
    assert _count(world) == 0


@pytest.mark.parametrize("tag", ["#contact+name", "#respondee+phone", "#affected+name"])
def test_a_file_with_a_column_of_names_or_phones_is_refused_not_silently_dropped(
    world: World, tag: str
) -> None:
    # aggregates only: a DTM sheet's focal point (#contact+name) was ignored without a word,
    # as if hito kept it; JSON bodies refuse such fields, the import now does too
    head = HEADER.replace(",Key\n", ",Key,Who\n").replace("#meta+key\n", f"#meta+key,{tag}\n")
    r = _import(world, head + "2025-11-29T10:00:00Z,chacalluta,VEN,false,40,30,k1,Ana 999\n")
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        f"columns about persons: {tag}; expected counts only (hito stores no name, phone or "
        "e-mail): remove the columns and import the file again"
    )
    assert _count(world) == 0
    # place and agency names are no persons: hito's own export has #loc+name
    ok = HEADER.replace(",Key\n", ",Key,Site name\n").replace(
        "#meta+key\n", "#meta+key,#loc+name\n"
    )
    r = _import(world, ok + "2025-11-29T10:00:00Z,chacalluta,VEN,false,40,30,k1,Chacalluta\n")
    assert r.status_code == 201, r.text


def test_bad_rows_are_named_at_their_file_lines_past_a_title_and_a_quoted_newline(
    world: World,
) -> None:
    text = (
        "Field counts at the border\n"  # line 1
        "Date,Site,Nat,Doc,People,Remark\n"  # 2
        "#date,#loc+code,#country+origin,#indicator+documented,#affected+total,#description+remark\n"
        '2025-11-29,concordia-strip,VEN,no,5,"two\nlines"\n'  # 4-5
        "2025-11-29,chacalluta,VEN,no,-4,x\n"  # 6
    )
    r = _import(world, text)
    assert r.status_code == 422
    assert [(e["loc"][2], e["loc"][3]) for e in r.json()["errors"]] == [(6, "#affected+total")]
    assert (
        "line 6: #affected+total: expected a count from 0 to 1,000,000, got -4"
        in (r.json()["detail"])
    )
    assert _count(world) == 0


def test_an_import_interrupted_midway_leaves_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = hxl_import.create_report

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(hxl_import, "create_report", failing)
    rows = "".join(f"2025-11-29,concordia-strip,VEN,no,{i},0,k{i}\n" for i in range(5))
    with TestClient(world.client.app, raise_server_exceptions=False) as c:
        r = c.post(
            "/api/v1/reports/import",
            content=(HEADER + rows).encode(),
            headers=world.h("ed_chl", **{"Content-Type": "text/csv"}),
        )
    assert (
        r.status_code == 500 and r.json()["detail"] == "an unexpected error occurred; it was logged"
    )
    assert len(calls) == 3
    assert _count(world) == 0
    v = world.client.get("/api/v1/audit/verify", headers=world.h("viewer")).json()
    assert v["ok"] is True


def test_editor_cannot_import_for_another_agency(world: World) -> None:
    text = "Date,Site,Nat,Doc,People,Agency\n#date,#loc+code,#country+origin,#indicator+documented,#affected+total,#org+code\n2025-11-29,chacalluta,VEN,no,5,migraciones-tacna\n"
    r = _import(world, text, who="ed_chl")
    assert r.status_code == 422
    assert (
        "line 3: #org+code: an editor of 'pdi-arica' may not import reports of 'migraciones-tacna'"
        in r.json()["detail"]
    )
    assert _import(world, text, who="admin").status_code == 201
    assert _import(world, text, who="viewer").status_code == 403


def test_an_editors_rows_at_the_other_countrys_sites_are_named_at_their_lines(
    world: World,
) -> None:
    """Not one 403 naming a site: each row refused at its line, as every other bad row."""
    head = "Date,Site,Nat,Doc,People\n#date,#loc+code,#country+origin,#indicator+documented,#affected+total\n"
    rows = "2025-11-29,chacalluta,VEN,no,5\n2025-11-29,santa-rosa,VEN,no,6\n2025-11-30,santa-rosa,VEN,no,7\n"
    r = _import(world, head + rows, who="ed_chl")
    assert r.status_code == 422
    said = "site 'santa-rosa' is a border_post in PER; an editor of an agency of CHL reports only at sites of CHL and between the posts"
    assert r.json()["detail"] == f"line 4: #loc+code: {said}; line 5: #loc+code: {said}"
    assert _count(world) == 0


DTM = (
    "Date,Site,Nationality,Documented,Low,High,Stranded,F children,F adults,F elderly,M children,M adults,M elderly,PLW,UASC,Key\n"
    "#date,#loc+code,#country+origin,#indicator+documented,#affected+total+min,#affected+total+max,#affected+stranded,"
    "#affected+f+children,#affected+f+adults,#affected+f+elderly,#affected+m+children,#affected+m+adults,"
    "#affected+m+elderly,#affected+f+pregnant_lactating,#affected+children+unaccompanied_separated,#meta+key\n"
)


def test_import_reads_the_standard_sex_and_age_attributes_and_a_range(world: World) -> None:
    r = _import(
        world, DTM + "2025-11-29,concordia-strip,VEN,no,150,200,150,40,50,5,40,40,5,6,3,d1\n"
    )
    assert r.status_code == 201, r.text
    rid = r.json()["report_ids"][0]
    (c,) = world.client.get(f"/api/v1/reports/{rid}", headers=world.h("viewer")).json()["counts"]
    assert (c["people"], c["people_low"], c["people_high"], c["f_adults"], c["m_older"]) == (
        175,
        150,
        200,
        50,
        5,
    )
    assert (c["pregnant_lactating"], c["unaccompanied_separated"], c["disabilities"]) == (
        6,
        3,
        None,
    )


def test_a_min_with_an_empty_max_is_imported_and_exported_as_more_than(world: World) -> None:
    r = _import(world, DTM + "2025-11-29,concordia-strip,VEN,no,100,,100,,,,,,,,,d1\n")
    assert r.status_code == 201, r.text
    rid = r.json()["report_ids"][0]
    got = world.client.get(f"/api/v1/reports/{rid}", headers=world.h("viewer")).json()
    (c,) = got["counts"]
    assert (c["people"], c["people_low"], c["people_high"], got["at_least"]) == (
        100,
        100,
        None,
        True,
    )
    text = world.client.get("/api/v1/reports/export.csv", headers=world.h("viewer")).text
    header, tags, row = text.splitlines()
    cells = dict(zip(tags.split(","), row.split(","), strict=True))
    assert (
        cells["#affected+total"],
        cells["#affected+total+min"],
        cells["#affected+total+max"],
        cells["#affected+stranded"],
    ) == ("100", "100", "", "100")


def test_an_empty_min_with_a_max_is_refused_at_its_line_and_tag(world: World) -> None:
    r = _import(world, DTM + "2025-11-29,concordia-strip,VEN,no,,400,0,,,,,,,,,d1\n")
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "line 3: #affected+total+min: people_high 400 without people_low; expected the "
        "estimate's lower end too (a low alone is an open-ended count: at least that many)"
    )
    assert _count(world) == 0


def test_import_refuses_a_breakdown_outside_the_range_at_its_line_and_tag(world: World) -> None:
    r = _import(
        world,
        DTM + "2025-11-29,concordia-strip,VEN,no,150,200,150,40,50,5,40,40,5,6,3,d1\n"
        "2025-11-29,chacalluta,VEN,no,10,20,5,1,1,1,1,1,1,0,0,d2\n",
    )
    assert r.status_code == 422
    assert [(e["loc"][2], e["loc"][3]) for e in r.json()["errors"]] == [(4, "#affected+f+children")]
    assert _count(world) == 0


def test_export_is_valid_hxl_with_the_standard_attributes(world: World) -> None:
    import io

    import hxl

    body = report()
    body["counts"][0].update(
        {
            "f_children": 20,
            "f_adults": 40,
            "f_older": 5,
            "m_children": 25,
            "m_adults": 30,
            "m_older": 0,
        }
    )
    world.client.post("/api/v1/reports", json=body, headers=world.h("ed_chl"))
    text = world.client.get("/api/v1/reports/export.csv", headers=world.h("viewer")).text
    data = hxl.data(io.BytesIO(text.encode()))
    tags = [c.display_tag for c in data.columns]
    for tag in (
        "#affected+f+children",
        "#affected+m+adults",
        "#affected+f+elderly",
        "#affected+total+min",
    ):
        assert tag in tags
    (row,) = list(data)
    assert row.get("#affected+f+adults") == "40" and row.get("#affected+m+children") == "25"
    assert row.get("#affected+total") == "120"


def test_chilean_admin_importing_rows_for_a_peruvian_agency_is_refused(world: World) -> None:
    country_admin(world)
    text = "Date,Site,Nat,Doc,People,Agency\n#date,#loc+code,#country+origin,#indicator+documented,#affected+total,#org+code\n2025-11-29,chacalluta,VEN,no,5,pdi-arica\n2025-11-29,concordia-strip,VEN,no,5,migraciones-tacna\n"
    r = _import(world, text, who="admin_chl")
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "line 4: #org+code: agency 'migraciones-tacna' is of PER; an admin of CHL imports only "
        "the reports of agencies of CHL"
    )
    assert _count(world) == 0
    assert _import(world, text, who="admin").status_code == 201  # the operator may


@pytest.mark.parametrize(
    ("cell", "site", "day"),
    [
        ("2025-12-01T22:00-05:00", "concordia-strip", "2025-12-02"),  # Lima's 22:00: Chile's 2nd
        ("2025-12-01T22:00-05:00", "santa-rosa", "2025-12-01"),  # on the site's own clock
        ("2025-12-01T23:30-03:00", "concordia-strip", "2025-12-01"),
        ("2025-12-01", "concordia-strip", "2025-12-01"),  # a day is that day at the site
        ("2025-12-01", "santa-rosa", "2025-12-01"),
    ],
)
def test_an_imported_count_is_of_the_local_day_at_its_site(
    world: World, cell: str, site: str, day: str
) -> None:
    """A time written on any clock is counted on its site's day (hito.domain.site_day), as a
    report sent from the form or the API is; a date alone is that day at the site."""
    who = "ed_chl" if site == "concordia-strip" else "ed_per"
    r = _import(world, HEADER + f"{cell},{site},VEN,no,10,10,k1\n", who)
    assert r.status_code == 201, r.json()
    (got,) = world.client.get(
        "/api/v1/reports", params={"site_id": site}, headers=world.h("viewer")
    ).json()["data"]
    assert got["day"] == day
