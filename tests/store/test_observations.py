"""Stored field reports as observations, on SQLite and PostgreSQL, and through the HXL export."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from hito.errors import InputError
from hito.forecast.hxl_counts import read_observations
from hito.forecast.observations import Observation
from hito.store import agencies, reports, sites
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.hxl_export import export_csv
from hito.store.models import FieldReport
from hito.store.observations import observations_from_store
from hito.store.reports import CountIn, create_report

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

D = dt.date
SITES: dict[str, str | None] = {
    "Strip between Chacalluta and Santa Rosa": "concordia-strip",
    "Chacalluta border complex": "chacalluta",
    "arica-shelters": None,
}


def ven(people: int, stranded: int, documented: bool = False) -> CountIn:
    return CountIn(nationality="VEN", documented=documented, people=people, stranded=stranded)


def seed(db: Database) -> dict[str, int]:
    """Two agencies' reports: two groups in one, two on one day, one at a shelter, one late."""
    col = CountIn(nationality="COL", documented=False, people=30, stranded=25)
    ids = {}
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        chl = agencies.create_agency(
            s, actor=SYSTEM, code="pdi-arica", name="PDI Arica", country_code="CHL"
        )
        per = agencies.create_agency(
            s, actor=SYSTEM, code="migraciones-tacna", name="Migraciones Tacna", country_code="PER"
        )
        for name, site, at, counts, agency in [
            (
                "two groups",
                "concordia-strip",
                "2025-11-30T10:00:00+00:00",
                [ven(120, 100), col],
                chl.id,
            ),
            (
                "same day",
                "concordia-strip",
                "2025-11-30T15:00:00+00:00",
                [ven(40, 40, documented=True)],
                per.id,
            ),
            # 23:30 on 30 November in Arica (UTC-3 in summer): 30 November's, not 1 December's
            ("after midnight utc", "chacalluta", "2025-12-01T02:30:00+00:00", [ven(10, 4)], per.id),
            ("shelter", "arica-shelters", "2025-12-01T12:00:00+00:00", [ven(80, 0)], chl.id),
            ("late", "concordia-strip", "2025-12-05T12:00:00+00:00", [ven(5, 5)], chl.id),
        ]:
            report, _ = create_report(
                s,
                actor=SYSTEM,
                site_id=site,
                observed_at=dt.datetime.fromisoformat(at),
                counts=counts,
                agency_id=agency,
            )
            ids[name] = report.id
    return ids


def test_one_count_per_report_summed_over_its_groups(db: Database) -> None:
    ids = seed(db)
    with db.session(readonly=True) as s:
        obs = observations_from_store(s, SITES, end=D(2025, 12, 4))
    two, same, late_night = ids["two groups"], ids["same day"], ids["after midnight utc"]
    assert obs.items == (
        Observation(
            D(2025, 11, 30),
            "chacalluta",
            4.0,
            4.0,
            0,
            "chacalluta",
            f"report {late_night} (migraciones-tacna)",
        ),
        Observation(
            D(2025, 11, 30),
            "concordia-strip",
            125.0,
            125.0,
            0,
            "concordia-strip",
            f"report {two} (pdi-arica)",
        ),
        Observation(
            D(2025, 11, 30),
            "concordia-strip",
            40.0,
            40.0,
            0,
            "concordia-strip",
            f"report {same} (migraciones-tacna)",
        ),
    )
    assert tuple(map(str, obs.skipped)) == (
        f"report {ids['shelter']}: site 'arica-shelters' is not a site where stranded people are counted",
    )


def test_start_and_end_are_whole_local_days_at_the_sites(db: Database) -> None:
    ids = seed(db)
    with db.session(readonly=True) as s:
        first = observations_from_store(s, SITES, start=D(2025, 11, 30), end=D(2025, 11, 30))
        later = observations_from_store(s, SITES, start=D(2025, 12, 1))
    assert [o.source.split()[1] for o in first.items] == [
        str(ids["after midnight utc"]),  # 02:30 UTC on 1 December, 23:30 in Arica on the 30th
        str(ids["two groups"]),
        str(ids["same day"]),
    ]
    assert [(o.date, o.low) for o in later.items] == [(D(2025, 12, 5), 5.0)]


def test_an_unknown_site_names_the_report(db: Database) -> None:
    ids = seed(db)
    with db.session(readonly=True) as s, pytest.raises(InputError) as err:
        observations_from_store(
            s, {"Chacalluta border complex": "chacalluta", "arica-shelters": None}
        )
    two, same, late = ids["two groups"], ids["same day"], ids["late"]
    known = "expected the id, name or alias of a place: chacalluta"
    assert err.value.problems == [
        f"report {two}: site_id: got unknown site 'concordia-strip', {known}",
        f"report {same}: site_id: got unknown site 'concordia-strip', {known}",
        f"report {late}: site_id: got unknown site 'concordia-strip', {known}",
    ]


def test_the_export_reads_back_as_the_same_observations(db: Database, tmp_path: Path) -> None:
    seed(db)
    with db.session(readonly=True) as s:
        stored = observations_from_store(s, SITES)
        text = export_csv(s.scalars(select(FieldReport).order_by(FieldReport.id)))
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    from_file = read_observations(path, SITES)
    assert [dataclasses.replace(o, line=0) for o in from_file.items] == list(stored.items)
    # the report of two groups: rows 3-4; the one of 23:30 in Arica (row 6) is of 30 November
    assert [o.line for o in from_file.items] == [6, 3, 5, 8]
    assert len(from_file.skipped) == len(stored.skipped) == 1


def test_the_export_of_a_corrected_and_a_withdrawn_report_reads_back_as_the_database(
    db: Database, tmp_path: Path
) -> None:
    """The export keeps a corrected report (and a withdrawn one) beside what replaced it: read
    as counts, the typo stood beside its correction and the withdrawn count stood."""
    ids = seed(db)
    with db.session() as s:
        fix = reports.supersede_report(
            s, actor=SYSTEM, report_id=ids["two groups"], reason="double count",
            counts=[ven(60, 50)],
        )  # fmt: skip
        reports.supersede_report(
            s, actor=SYSTEM, report_id=ids["same day"], reason="wrong site", withdraw=True
        )
    with db.session(readonly=True) as s:
        stored = observations_from_store(s, SITES)
        text = export_csv(s.scalars(select(FieldReport).order_by(FieldReport.id)))
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    from_file = read_observations(path, SITES)
    assert [(o.date, o.place, o.low) for o in from_file.items] == [
        (o.date, o.place, o.low) for o in stored.items
    ]
    assert [o.low for o in from_file.items if o.date == D(2025, 11, 30)] == [4.0, 50.0]
    assert [str(p) for p in from_file.skipped[:3]] == [
        f"{path}:3: #status corrected: report {fix.id} corrects it and counts instead",
        f"{path}:4: #status corrected: report {fix.id} corrects it and counts instead",
        f"{path}:5: #status withdrawn: a withdrawn report counts no more",
    ]


def test_an_empty_database_has_no_observations(db: Database) -> None:
    with db.session(readonly=True) as s:
        obs = observations_from_store(s, SITES)
    assert (obs.items, obs.skipped, obs.dates()) == ((), (), [])


def test_a_corrected_report_counts_through_its_correction(db: Database) -> None:
    ids = seed(db)
    with db.session() as s:
        fix = reports.supersede_report(
            s,
            actor=SYSTEM,
            report_id=ids["two groups"],
            reason="double count",
            counts=[ven(60, 50)],
        )
    with db.session(readonly=True) as s:
        obs = observations_from_store(s, SITES, end=D(2025, 11, 30))
    assert [(o.low, o.source) for o in obs.items] == [
        (4.0, f"report {ids['after midnight utc']} (migraciones-tacna)"),
        (50.0, f"report {fix.id} (pdi-arica)"),
        (40.0, f"report {ids['same day']} (migraciones-tacna)"),
    ]


def test_a_withdrawn_report_is_left_out(db: Database) -> None:
    ids = seed(db)
    with db.session() as s:
        reports.supersede_report(
            s, actor=SYSTEM, report_id=ids["same day"], reason="wrong site", withdraw=True
        )
    with db.session(readonly=True) as s:
        obs = observations_from_store(s, SITES, end=D(2025, 11, 30))
    assert [o.source for o in obs.items] == [
        f"report {ids['after midnight utc']} (migraciones-tacna)",
        f"report {ids['two groups']} (pdi-arica)",
    ]


# --- the database an --observations URL names ------------------------------------------------


def test_a_mistyped_sqlite_path_is_refused_and_no_empty_file_is_left(tmp_path: Path) -> None:
    from hito.store.observations import reports_database

    missing = tmp_path / "hito-demo.sqlite"
    with pytest.raises(InputError) as err:
        reports_database(f"sqlite:///{missing}")
    assert err.value.problems == [
        f"--observations sqlite:///{missing}: no such file; expected the SQLite file of hito's "
        "service (sqlite:////absolute/path, with four slashes, or sqlite:///relative/path)"
    ]
    assert not missing.exists()


def test_a_database_that_is_not_hitos_is_refused_by_its_schema(tmp_path: Path) -> None:
    import sqlite3

    from hito.store.observations import reports_database

    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE field_report (id INTEGER)")
    with pytest.raises(InputError) as err:
        reports_database(f"sqlite:///{other}")
    assert err.value.problems == [
        f"--observations sqlite:///{other}: no hito schema here; expected the database of hito's "
        "service (`hito demo` or `hito db upgrade` makes one)"
    ]


def test_a_database_at_an_older_schema_is_refused_naming_both_revisions(tmp_path: Path) -> None:
    from hito.store import migrate
    from hito.store.observations import reports_database

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = Database(url)
    migrate.upgrade(old, "0001")
    old.dispose()
    with pytest.raises(InputError) as err:
        reports_database(url)
    assert err.value.problems == [
        f"--observations {url}: schema at revision 0001; expected {migrate.head()}, this hito's "
        "(`hito db upgrade` brings it there)"
    ]


def test_the_services_database_is_opened_to_read_its_reports(db: Database) -> None:
    from hito.store.observations import reports_database

    seed(db)
    opened = reports_database(db.url)
    try:
        with opened.session(readonly=True) as s:
            obs = observations_from_store(s, SITES, end=D(2025, 11, 30))
    finally:
        opened.dispose()
    assert [(o.date, o.place) for o in obs.items] == [
        (D(2025, 11, 30), "chacalluta"),
        (D(2025, 11, 30), "concordia-strip"),
        (D(2025, 11, 30), "concordia-strip"),
    ]


def _more_than_100(db: Database) -> int:
    """One report, "more than 100" at the strip (all stranded), beside a head count of 30."""
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        chl = agencies.create_agency(
            s, actor=SYSTEM, code="pdi-arica", name="PDI Arica", country_code="CHL"
        )
        report, _ = create_report(
            s,
            actor=SYSTEM,
            site_id="concordia-strip",
            observed_at=dt.datetime(2025, 11, 28, 15, tzinfo=dt.UTC),
            counts=[
                CountIn(nationality="VEN", documented=False, people_low=100, stranded=100),
                ven(30, 30, documented=True),
            ],
            agency_id=chl.id,
        )
        return report.id


def test_more_than_100_stored_reads_back_as_the_files_open_ended_row(
    db: Database, tmp_path: Path
) -> None:
    report_id = _more_than_100(db)
    with db.session(readonly=True) as s:
        stored = observations_from_store(s, SITES)
        text = export_csv(s.scalars(select(FieldReport).order_by(FieldReport.id)))
    timeline = tmp_path / "timeline.csv"
    timeline.write_text(
        "Date,Site,Low,High,Kind\n#date,#loc+code,#affected+min,#affected+max,#meta+kind\n"
        "2025-11-28,concordia-strip,130,,count\n",
        encoding="utf-8",
    )
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    [row] = read_observations(timeline, SITES, today=D(2025, 12, 1)).items
    [exported] = read_observations(export, SITES, today=D(2025, 12, 1)).items
    [ob] = stored.items
    assert (ob.date, ob.place, ob.low, ob.high, ob.point) == (
        D(2025, 11, 28),
        "concordia-strip",
        130.0,
        None,
        None,
    )
    assert ob.source == f"report {report_id} (pdi-arica)"
    assert dataclasses.replace(row, line=0, source=ob.source) == ob
    assert dataclasses.replace(exported, line=0) == ob


def test_a_closed_range_stays_a_count_of_its_stranded(db: Database) -> None:
    """Only a low with no high is open: 150 to 200 with 180 stranded is 180 stranded."""
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        chl = agencies.create_agency(
            s, actor=SYSTEM, code="pdi-arica", name="PDI Arica", country_code="CHL"
        )
        create_report(
            s,
            actor=SYSTEM,
            site_id="concordia-strip",
            observed_at=dt.datetime(2025, 11, 28, 15, tzinfo=dt.UTC),
            counts=[
                CountIn(
                    nationality="VEN",
                    documented=False,
                    people_low=150,
                    people_high=200,
                    stranded=170,
                )
            ],
            agency_id=chl.id,
        )
    with db.session(readonly=True) as s:
        [ob] = observations_from_store(s, SITES).items
    assert (ob.low, ob.high) == (170.0, 170.0)
