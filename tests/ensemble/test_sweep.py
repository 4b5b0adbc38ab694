"""Sweep grids: paths, values, added corridors, and the direction of the corridor quota."""

from __future__ import annotations

import pytest

from conftest import build, tiny_dict
from hito.ensemble.executors import SerialExecutor
from hito.ensemble.sweep import options, run_sweep
from hito.ensemble.vary import parse_vary
from hito.errors import InputError
from hito.scenario.policies import Corridor
from hito.testing import uncertain_tiny

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def test_a_corridor_is_added_through_each_closure_for_its_dates():
    s = uncertain_tiny()
    base, grid = options(s, [parse_vary("policies.corridor.daily_quota=0,5")])
    added = [p for p in base.policies if isinstance(p, Corridor)]
    assert [(p.route, p.start, p.end) for p in added] == [("strip-b", s.start.replace(day=2), None)]
    assert [o.label for o in grid] == ["daily_quota=0", "daily_quota=5"]
    assert grid[1].overrides == {"policies[1].daily_quota": 5.0}
    assert grid[1].scenario.policies[1].daily_quota.value == 5  # type: ignore[union-attr]
    assert not grid[1].scenario.policies[1].daily_quota.uncertain  # type: ignore[union-attr]


def test_grids_multiply_and_address_items_by_id_type_or_position():
    s = uncertain_tiny()
    _, grid = options(
        s,
        [
            parse_vary("routes.strip-desert.hazard=0.1,0.3"),
            parse_vary("behaviour.tolerance_days=2,6"),
            parse_vary("policies[0].to=all"),
        ],
    )
    assert [o.label for o in grid] == [
        "hazard=0.1, tolerance_days=2, to=all",
        "hazard=0.1, tolerance_days=6, to=all",
        "hazard=0.3, tolerance_days=2, to=all",
        "hazard=0.3, tolerance_days=6, to=all",
    ]
    assert grid[3].overrides == {"routes[5].hazard": 0.3, "behaviour.tolerance_days": 6.0}
    assert grid[0].scenario.policies[0].to == "all"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        (
            "policies.corridor.daily_qouta=1",
            "--vary policies.corridor.daily_qouta: unknown field 'daily_qouta' of policies[1] "
            "(Corridor), expected one of: start, end, announced, source, type, route, daily_quota",
        ),
        (
            "policies.corridor.daily_quota=lots",
            "--vary policies.corridor.daily_quota: got 'lots', expected a number",
        ),
        (
            "routes.nowhere.km=3",
            "--vary routes.nowhere.km: no item 'nowhere' in routes, expected [index] or one of: "
            "home-city, city-a, a-strip, strip-b, b-onward, strip-desert, desert-onward",
        ),
        (
            "policies.militarize.deterrence=0.5",
            "--vary policies.militarize.deterrence: the scenario has no militarize policy; add one "
            "to the scenario file (only corridors are added, through closed routes)",
        ),
        (
            "policies[0].to=some",
            "--vary policies[0].to=some: Input should be 'undocumented' or 'all' "
            "(at policies[0].close.to)",
        ),
        (
            "behaviour.tolerance_days=0.5",
            "--vary behaviour.tolerance_days=0.5: expected at least 1 day, got 0.5 "
            "(at behaviour.tolerance_days)",
        ),
        ("routes=1", "--vary routes: addresses a whole list, expected a field holding a number"),
        ("name.x=1", "--vary name.x: name is a text; nothing below it to address"),
        ("start.x=1", "--vary start.x: start is a date; nothing below it to address"),
        (
            "routes[7].km=3",
            "--vary routes[7].km: got index 7, expected one below 7 (the number of items in routes)",
        ),
        (
            "policies.corridor.daily_quota",
            "--vary 'policies.corridor.daily_quota': expected PATH=VALUE,VALUE,...",
        ),
    ],
)
def test_bad_paths_and_values_say_what_was_given_and_what_is_accepted(vary, message):
    with pytest.raises(InputError) as err:
        options(uncertain_tiny(), [parse_vary(vary)])
    assert err.value.problems[0].startswith(message)


def test_a_corridor_needs_a_closure_or_a_corridor_in_the_scenario():
    with pytest.raises(InputError, match="has no corridor and no closure to open one through"):
        options(build(tiny_dict()), [parse_vary("policies.corridor.daily_quota=5")])


def test_higher_corridor_quotas_strand_fewer_person_days():
    s = uncertain_tiny(days=20)
    res = run_sweep(
        s,
        [parse_vary("policies.corridor.daily_quota=0,5,20,60")],
        runs=6,
        seed=2,
        executor=SerialExecutor(),
    )
    table = res.table()
    days = table["stranded_person_days_p50"].to_list()
    assert days[0] > days[1] > days[2] > days[3]
    assert table["option"].to_list() == [f"daily_quota={q}" for q in (0, 5, 20, 60)]
    assert table["runs"].to_list() == [6] * 4
    # common random numbers: every option drew the same uncertain values
    first = res.ensembles[0].draws
    assert all((e.draws.values == first.values).all() for e in res.ensembles)


def test_an_index_past_the_end_is_said_in_words_that_fit_one_item():
    """'policies tiene 1 elementos': a plural beside one; said now as the largest index."""
    with pytest.raises(InputError) as err:
        options(uncertain_tiny(), [parse_vary("policies[5].start=2025-01-03")])
    assert err.value.in_language("es") == [
        "--vary policies[5].start: se recibió el índice 5; se esperaba uno menor que 1 (el número "
        "de elementos de policies)"
    ]


def test_a_swept_date_of_no_calendar_day_is_one_line_not_a_traceback():
    with pytest.raises(InputError) as err:
        parse_vary("policies.close.start=2025-01-05,2025-02-30")
    assert err.value.in_language("es") == [
        "--vary 'policies.close.start=2025-01-05,2025-02-30': se recibió '2025-02-30'; se esperaba "
        "una fecha que exista, con el formato AAAA-MM-DD"
    ]


@pytest.mark.parametrize("sign", ["", "-"])
def test_a_swept_integer_of_thousands_of_digits_is_not_called_a_date(sign):
    with pytest.raises(InputError) as err:
        parse_vary("behaviour.tolerance_days=2," + sign + "9" * 5000)
    assert err.value.in_language("en") == [
        "--vary behaviour.tolerance_days: got a number of 5000 digits, expected a number of at "
        "most 4300 digits"
    ]


def test_a_swept_value_of_brackets_thousands_deep_is_text_not_a_recursion_error():
    with pytest.raises(InputError) as err:
        options(uncertain_tiny(), [parse_vary("behaviour.tolerance_days=2," + "[" * 3000)])
    assert err.value.in_language("en") == [
        f"--vary behaviour.tolerance_days: got {'[' * 3000!r}, expected a number"
    ]


def test_a_value_given_twice_is_refused():
    """0.2,0.2 ran one option twice, two columns of the same policy in sweep.html."""
    with pytest.raises(InputError) as err:
        parse_vary("behaviour.tolerance_days=2, 2,6")
    assert err.value.problems == [
        "--vary 'behaviour.tolerance_days=2, 2,6': 2 given twice, expected each value once"
    ]
