"""The live check on HXL-tagged observations (a copy of the shared Tacna–Arica file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import build
from hito.errors import InputError
from hito.plans.check import check, place_series, trigger_series
from hito.plans.load import load
from hito.plans.model import Plan
from hito.plans.observed import read_observations
from plans.helpers import closed_tiny, plan_dict, stranded_trigger

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

DATA = Path(__file__).parent / "data" / "tacna-arica-stranded.csv"


def test_reads_counts_with_their_ranges_and_lines():
    obs = read_observations(DATA)
    assert len(obs) == 10  # rows without a count are skipped
    first = obs[0]
    assert (first.row, first.date, first.site, first.low, first.high) == (
        4,
        dt.date(2023, 4, 21),
        "between Chacalluta and Santa Rosa",
        150,
        200,
    )
    assert (first.value("low"), first.value("mid"), first.value("high")) == (150, 175, 200)
    open_ended = next(o for o in obs if o.site == "Chacalluta")
    assert open_ended.low == 100 and open_ended.value("mid") == 100


def test_largest_report_per_site_and_day_then_summed_over_places():
    plan = load("corridor-100")
    by_place, notes = place_series(plan, read_observations(DATA), "stranded", "mid")
    strip = by_place["concordia-strip"]
    assert strip[dt.date(2023, 4, 21)] == 400 and strip[dt.date(2025, 11, 29)] == 50
    assert by_place["chacalluta"] == {dt.date(2025, 11, 28): 100}
    assert notes and "'Arica/Tacna'" in str(notes[0])
    t = plan.triggers[0]
    s = trigger_series(t, by_place, dt.date(2025, 11, 30))
    assert s[dt.date(2025, 11, 28)] == 100 and s[dt.date(2025, 11, 29)] == 150
    assert s[dt.date(2025, 11, 30)] == 110


@pytest.mark.parametrize(
    ("as_of", "met"),
    [
        ("2023-04-21", {"stranded-300"}),
        ("2023-04-22", {"stranded-200-2d", "alert-200-stranded", "stranded-300"}),
        ("2025-11-29", set()),
    ],
)
def test_builtin_observed_triggers_on_the_episode_dates(as_of, met):
    obs = read_observations(DATA)
    got = set()
    for name in ("corridor-100", "return-flights", "status-quo"):
        for st in check(load(name), obs, dt.date.fromisoformat(as_of)).statuses:
            if st.met:
                got.add(st.trigger)
    assert got == met


def test_forecast_trigger_needs_a_scenario():
    with pytest.raises(InputError, match="forecast: expected a scenario"):
        check(load("binational"), read_observations(DATA), dt.date(2025, 11, 29))


def test_bad_files(tmp_path):
    none = tmp_path / "none.csv"
    with pytest.raises(InputError) as err:
        read_observations(none)
    assert err.value.problems == [
        f"{none}: cannot read the file (no such file), expected a CSV file"
    ]
    f = tmp_path / "x.csv"
    f.write_text("Date,Site,N\n#date,#loc+name,#affected+stranded\n2025-01-01,a,-3\n")
    assert _problems(f) == [f"{f}:3: #affected+stranded: got '-3', expected a count of 0 or more"]
    f.write_text("Date,Site,N\n#date,#loc+name,#affected+stranded\n01/02/2025,a,3\n")
    assert _problems(f) == [
        f"{f}:3: #date: got '01/02/2025', expected a date as YYYY-MM-DD (2025-02-01, if it is day/month/year)"
    ]
    f.write_text("Site,N\n#loc+name,#affected+stranded\na,3\n")
    with pytest.raises(InputError) as err:
        read_observations(f)
    assert err.value.problems == [
        f"{f}:2: hashtags: got #loc+name, #affected+stranded, missing #date (expected #date, "
        "#loc+name and counts such as #affected+stranded+min/+max)"
    ]


HEAD = "Date,Site,Low,High,Note\n#date,#loc+name,#affected+stranded+min,#affected+stranded+max,#description\n"


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        read_observations(path)
    return err.value.problems


def test_a_title_row_above_the_header_and_a_blank_row_keep_the_file_lines(tmp_path):
    f = tmp_path / "obs.csv"
    f.write_text("Counts at the border\n" + HEAD + "2025-01-01,a,1,2,x\n,,,,\n2025-01-02,a,3,4,y\n")
    assert [(o.row, o.date.day, o.low, o.high) for o in read_observations(f)] == [
        (4, 1, 1.0, 2.0),
        (6, 2, 3.0, 4.0),
    ]
    f.write_text("Counts at the border\n" + HEAD + "2025-01-01,a,1,2,x\n2025-01-32,a,3,4,y\n")
    assert _problems(f) == [
        f"{f}:5: #date: got '2025-01-32', expected a date as YYYY-MM-DD that exists"
    ]


def test_a_quoted_newline_shifts_the_lines_after_it(tmp_path):
    f = tmp_path / "obs.csv"
    f.write_text(HEAD + '2025-01-01,a,1,2,"one\ntwo\nthree"\n2025-01-02,a,5,4,y\n')
    assert _problems(f) == [
        f"{f}:6: #affected+stranded+min: got 5 above #affected+stranded+max 4, expected a low "
        "no higher than the high"
    ]


def test_a_bom_and_crlf_are_read(tmp_path):
    f = tmp_path / "obs.csv"
    f.write_bytes(("\ufeff" + HEAD + "2025-01-01,a,1,2,x\n").replace("\n", "\r\n").encode())
    assert [(o.row, o.site, o.low, o.high) for o in read_observations(f)] == [(3, "a", 1.0, 2.0)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ": the file is empty, expected an HXL CSV file (#date, #loc+name and counts"),
        (
            b"Date,Site\n\xff\xfe#date",
            ":2: byte 10 is not UTF-8 text; expected a CSV file in UTF-8",
        ),
        (b"PK\x03\x04\x14\x00\x00\x00", ": binary content, expected a CSV file in UTF-8"),
    ],
)
def test_empty_binary_and_non_utf8_files(tmp_path, content, expected):
    f = tmp_path / "obs.csv"
    f.write_bytes(content)
    (problem,) = _problems(f)
    assert problem.startswith(f"{f}{expected}")


def test_forecast_trigger_runs_the_scenario_from_the_observed_counts(tmp_path):
    f = tmp_path / "obs.csv"
    f.write_text(
        "Date,Site,Low,High\n#date,#loc+name,#affected+stranded+min,#affected+stranded+max\n"
        "2025-01-09,the strip,30,50\n2025-01-10,the strip,40,40\n"
    )
    trig = stranded_trigger(
        source="forecast", horizon_days=3, quantile="p90", threshold=40, window_days=2, end=None
    )
    plan = Plan.model_validate(plan_dict([trig], [], sites={"the strip": "strip"}))
    s = build(closed_tiny(days=60))
    (st,) = check(plan, read_observations(f), dt.date(2025, 1, 10), s, runs=3).statuses
    # nobody arrives, nobody gives up, the road ahead is closed: the count stays as observed
    assert st.met and st.since == dt.date(2025, 1, 10) and st.value == 40
    (st,) = check(
        plan, read_observations(f), dt.date(2025, 1, 10), s, range_as="low", runs=3
    ).statuses
    assert not st.met and st.value == 40 and st.condition_days == 1


def test_file_without_hashtags(tmp_path):
    f = tmp_path / "plain.csv"
    f.write_text("Date,Site,N\n2025-01-01,a,3\n")
    assert _problems(f) == [
        f"{f}: no HXL hashtag row in the first 25 rows, expected a row of hashtags under the "
        "header with #date, #loc+name and counts such as #affected+stranded+min/+max"
    ]


TIMELINE = (
    "Date,Site,Low,High,Kind,What\n"
    "#date,#loc+name,#affected+min,#affected+max,#meta+kind,#description\n"
    "2025-11-29,Linea de la Concordia,40,60,count,no accent as a phone types it\n"
    "2025-11-29,between Chacalluta and Santa Rosa,,80,count,up to 80: the plan's own name\n"
    "2025-11-30,Linea de la Concordia,30,30,flow,a flow is no count of people there\n"
    "2025-11-30,Nowhere,5,5,count,a name neither the plan nor the scenario knows\n"
)


def test_the_shared_timelines_form_is_read_and_its_names_matched_through_the_scenario(
    tmp_path: Path,
) -> None:
    """#affected+min/+max with #meta+kind, as `hito calibrate` reads them: counts as stranded."""
    from hito.forecast.observations import SiteMap
    from hito.scenario.load import load as load_scenario

    path = tmp_path / "timeline.csv"
    path.write_text(TIMELINE, "utf-8")
    obs = read_observations(path)
    assert [(o.row, o.site, o.indicator, o.low, o.high) for o in obs] == [
        (3, "Linea de la Concordia", "stranded", 40, 60),
        (4, "between Chacalluta and Santa Rosa", "stranded", None, 80),
        (6, "Nowhere", "stranded", 5, 5),
    ]
    plan = load("binational")
    names = SiteMap(load_scenario("tacna-arica-2025").observed_sites())
    by_place, notes = place_series(plan, obs, "stranded", "mid", names)
    # the strip's two reports of the 29th: the larger (80, open above) stands for the day
    assert by_place == {"concordia-strip": {dt.date(2025, 11, 29): 80}}
    (note,) = notes
    assert "'Nowhere'" in str(note)
    _, unmatched = place_series(plan, obs, "stranded", "mid")  # without the scenario's names
    assert len(unmatched) == 2  # 'Linea de la Concordia' too


def test_a_stale_count_is_said_with_its_report_date_and_the_carry(tmp_path: Path) -> None:
    """The latest count (16 Jan) is more than 3 days old on 21 Jan: said so, not 'of 19 Jan,
    older than 0 days' (the carried day and the carry of the already-carried series)."""
    path = tmp_path / "counts.csv"
    path.write_text("#date,#loc+name,#affected+stranded\n2024-01-16,the strip,50\n", "utf-8")
    plan = Plan.model_validate(
        plan_dict([stranded_trigger(places=["strip"])], []) | {"sites": {"the strip": "strip"}}
    )
    (st,) = check(plan, read_observations(path), dt.date(2024, 1, 21)).statuses
    assert st.note == "no value on 2024-01-21: the latest, of 2024-01-16, is older than 3 days"
    assert st.value_date == dt.date(2024, 1, 16)


def test_a_flood_of_bad_rows_stops_at_the_most_problems_said_at_once(tmp_path):
    from hito.hxl_cells import MOST_PROBLEMS

    f = tmp_path / "x.csv"
    rows = "".join(f"2025-01-01,a,x{i}\n" for i in range(5000))
    f.write_text("Date,Site,N\n#date,#loc+name,#affected+stranded\n" + rows)
    said = _problems(f)
    assert len(said) == MOST_PROBLEMS + 1
    assert said[-1].startswith(f"{f}:102: reading stopped here after 100 problems")


def test_a_corrected_or_withdrawn_report_of_the_export_counts_no_more(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text(
        "Date,Site,N,Status\n#date,#loc+name,#affected+stranded,#status\n"
        "2025-01-01,a,45,corrected\n2025-01-01,a,450,current\n2025-01-02,a,9,withdrawn\n"
        "2025-01-03,a,7,\n"
    )
    assert [(o.row, o.low) for o in read_observations(f)] == [(4, 450.0), (6, 7.0)]


def test_a_time_written_with_its_offset_counts_on_its_sites_day(tmp_path: Path) -> None:
    """22:00 in Lima on 1 December is Chile's 2 December: a count of the strip (in Chile)
    written so is of the 2nd, as the service dates a report and `hito calibrate` reads it."""
    from hito.forecast.observations import SiteMap
    from hito.scenario.load import load as load_scenario

    path = tmp_path / "counts.csv"
    path.write_text(
        TIMELINE.splitlines(keepends=True)[0]
        + TIMELINE.splitlines(keepends=True)[1]
        + "2025-12-01T22:00-05:00,Linea de la Concordia,300,300,count,typed in Tacna\n",
        "utf-8",
    )
    s = load_scenario("tacna-arica-2025")
    names, countries = SiteMap(s.observed_sites()), {p.id: p.country for p in s.places}
    obs = read_observations(path)
    by_place, _ = place_series(load("binational"), obs, "stranded", "mid", names, countries)
    assert by_place == {"concordia-strip": {dt.date(2025, 12, 2): 300}}
    report = check(load("binational"), obs, dt.date(2025, 12, 2), s, runs=2)
    stranded = [
        st for st in report.statuses if (st.source, st.indicator) == ("observed", "stranded")
    ]
    assert stranded and {(st.value, st.value_date) for st in stranded} == {
        (300, dt.date(2025, 12, 2))
    }
