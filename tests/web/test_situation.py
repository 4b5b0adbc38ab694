"""The picture's reference moment: a past day ends at its local midnight, as the report days do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hito import i18n
from hito.errors import InputError
from hito.store import agencies, reports, sites
from hito.store.actors import SYSTEM
from hito.store.models import Site
from hito.store.reports import CountIn
from hito.web.situation import SiteNow, read_comparison, reference_time, site_now, situation
from service_db import migrated_database

NOW = dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC)


def test_a_past_day_in_lima_ends_at_lima_midnight_not_utc_midnight() -> None:
    # 1 December ends in Lima (UTC-5) at 05:00 UTC on the 2nd
    got = reference_time(dt.date(2026, 12, 1), NOW, "America/Lima")
    assert got == dt.datetime(2026, 12, 2, 4, 59, 59, tzinfo=dt.UTC)


def test_a_past_day_in_santiago_summer_ends_at_its_midnight_utc_minus_3() -> None:
    got = reference_time(dt.date(2026, 12, 1), NOW, "America/Santiago")
    assert got == dt.datetime(2026, 12, 2, 2, 59, 59, tzinfo=dt.UTC)


def test_today_is_counted_from_now() -> None:
    assert reference_time(dt.date(2026, 12, 10), NOW, "America/Lima") == NOW


def _week(tmp_path: Path, first: CountIn, newest: CountIn) -> SiteNow:
    """Chacalluta's picture on 3 December after a count on the 1st and one on the 3rd."""
    tmp_path.mkdir()
    with migrated_database("sqlite", tmp_path) as db:
        with db.session() as s:
            sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
            chl = agencies.create_agency(
                s, actor=SYSTEM, code="pdi", name="PDI", country_code="CHL"
            )
            for day, count in ((1, first), (3, newest)):
                reports.create_report(
                    s,
                    actor=SYSTEM,
                    site_id="chacalluta",
                    observed_at=dt.datetime(2025, 12, day, 15, tzinfo=dt.UTC),
                    counts=[count],
                    agency_id=chl.id,
                )
        with db.session(readonly=True) as s:
            return site_now(s, s.get(Site, "chacalluta"), dt.date(2025, 12, 3))


def _open(n: int) -> CountIn:
    return CountIn(nationality="VEN", documented=False, people_low=n, stranded=n)


def _exact(n: int) -> CountIn:
    return CountIn(nationality="VEN", documented=False, people=n, stranded=n)


def test_a_weeks_change_to_or_from_more_than_a_number_is_a_bound(tmp_path: Path) -> None:
    """ "More than 100" then 40: a fall of 60 or more; 40 then "more than 100": a rise of 60
    or more; "more than" at both ends: no change to tell."""
    fall = _week(tmp_path / "a", _open(100), _exact(40))
    rise = _week(tmp_path / "b", _exact(40), _open(100))
    both = _week(tmp_path / "c", _open(100), _open(120))
    exact = _week(tmp_path / "d", _exact(100), _exact(40))
    assert (fall.trend, fall.trend_days, fall.trend_bound) == (-60, 2, "at_most")
    assert (rise.trend, rise.trend_bound) == (60, "at_least")
    assert (both.trend, both.trend_bound) == (None, None)
    assert (exact.trend, exact.trend_bound) == (-60, None)


def test_the_pages_say_a_bounded_change_with_its_sign_and_why() -> None:
    env = i18n.environment(("hito.web", "hito.report"), "es", i18n.DEFAULT_ZONE)
    names = env.get_template("names.html.j2").module
    assert str(names.bound("at_most")) == "≤ " and str(names.bound("at_least")) == "≥ "
    assert str(names.bound(None)) == ""
    assert str(names.bound_title("at_least")) == (
        ' title="el conteo más reciente es abierto («más de» una cifra): el cambio es este o mayor"'
    )
    assert str(names.bound_title(None)) == ""


def test_a_count_made_after_chiles_midnight_is_on_a_peruvian_readers_picture(
    tmp_path: Path,
) -> None:
    """At 22:04 in Tacna it is 00:04 in Arica: the strip's count just made is of 1 December
    (Chile's day), and the picture a reader in Peru gets by default holds it."""
    made = dt.datetime(2025, 12, 1, 3, 4, tzinfo=dt.UTC)
    with migrated_database("sqlite", tmp_path) as db:
        with db.session() as s:
            sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
            per = agencies.create_agency(
                s, actor=SYSTEM, code="migraciones", name="Migraciones", country_code="PER"
            )
            reports.create_report(
                s,
                actor=SYSTEM,
                site_id="concordia-strip",
                observed_at=made,
                counts=[_exact(310)],
                agency_id=per.id,
            )
        with db.session(readonly=True) as s:
            got = situation(
                s, zone="America/Lima", now=made + dt.timedelta(minutes=1), with_triggers=False
            )
    assert got.as_of == dt.date(2025, 12, 1)
    strip = next(x for x in got.sites if x.id == "concordia-strip")
    assert (strip.stranded, strip.day) == (310, dt.date(2025, 12, 1))


@pytest.mark.parametrize(
    ("name", "make", "why"),
    [
        (
            "deep.json",
            lambda p: p.write_text("[" * 100_000),
            "lists or mappings nested thousands of levels deep",
        ),
        ("empty.json", lambda p: p.write_text("[]"), "no rows, expected one per plan"),
        ("folder.json", lambda p: p.mkdir(), None),
    ],
    ids=["brackets-thousands-deep", "no-rows", "a-folder"],
)
def test_a_hostile_comparison_file_is_said_not_a_traceback_nor_read_as_none(
    tmp_path: Path,
    english_reader: None,
    name: str,
    make,
    why: str | None,  # type: ignore[no-untyped-def]
) -> None:
    """Brackets thousands deep were a RecursionError, '[]' a comparison of no plan, a folder no
    comparison at all (the sitrep went without it, and `hito report` said 'no such file')."""
    path = tmp_path / name
    make(path)
    with pytest.raises(InputError) as err:
        read_comparison(path)
    said = err.value.in_language("en")
    if why is None:
        assert said == [f"{path}: cannot read the file (it is a folder)"], said
    else:
        assert said == [
            f"{path}: not a plan comparison ({why}); expected the comparison.json of "
            "`hito plans compare`"
        ]
