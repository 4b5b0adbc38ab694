"""An ensemble's spec and its events: a bad event is named as the user gave it."""

from __future__ import annotations

import pytest

from hito.ensemble.spec import EnsembleSpec, Event, parse_event
from hito.errors import InputError
from hito.testing import tiny_scenario

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


@pytest.mark.parametrize("where", ["--event", "events"])
def test_every_message_about_an_event_starts_with_where_it_was_given(where: str) -> None:
    s = tiny_scenario(days=5)  # 2025-01-01 to 2025-01-05
    said = {
        "soon": "expected PLACE:STATE>NUMBER (on any day) or PLACE:STATE>NUMBER@YYYY-MM-DD (on "
        "that day), PLACE a place id or 'all'",
        "camp:stranded>5": "unknown place 'camp', expected 'all' or one of: home, city, post-a, "
        "strip, post-b, onward, desert",
        "all:lost>5": "unknown state 'lost', expected one of: present, stranded, in_transit, "
        "crossed, returned, diverted, harmed, exited",
        "all:stranded>1.2.3": "'1.2.3' is not a number",
        "all:stranded>5@2025-02-30": "got '2025-02-30', expected a date as YYYY-MM-DD that exists",
        "all:stranded>5@2025-01-06": "2025-01-06 is outside the scenario, expected 2025-01-01 to "
        "2025-01-05",
    }
    for text, problem in said.items():
        with pytest.raises(InputError) as err:
            parse_event(text, s, where=where)
        assert err.value.problems == [f"{where} {text!r}: {problem}"]
    late = parse_event("strip:stranded>5@2025-01-04", s, where=where)
    with pytest.raises(InputError) as after:
        EnsembleSpec(s, days=2, events=(late,))
    assert after.value.problems == [
        f"{where} strip:stranded>5@2025-01-04: day 3 is after the last simulated day (1); "
        "expected a date within the run"
    ]


def test_the_command_line_is_the_default_and_where_does_not_change_the_event() -> None:
    s = tiny_scenario(days=5)
    with pytest.raises(InputError) as err:
        parse_event("soon", s)
    assert err.value.problems[0].startswith("--event 'soon': expected PLACE:STATE>NUMBER")
    cli = parse_event("strip:stranded>50@2025-01-05", s)
    api = parse_event("strip:stranded>50@2025-01-05", s, where="events")
    assert (cli.where, api.where) == ("--event", "events")
    assert cli == api == Event("stranded", 50, "strip", 4, "strip:stranded>50@2025-01-05")
    # an Event made in Python (not parsed from a text) was given as the argument `events`
    with pytest.raises(InputError) as made:
        EnsembleSpec(s, days=2, events=(Event("stranded", 50, "strip", 4),))
    assert made.value.problems == [
        "events strip:stranded>50@day4: day 4 is after the last simulated day (1); expected a "
        "date within the run"
    ]
