"""Closures as Flee 3.1 enacts them: link closures by name identity, closures that end first."""

from __future__ import annotations

import pytest

from flee_helpers import make_case
from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.names import one_letter
from hito.flee.schedule import schedule_of

LONG = [
    "Aa,RegA,Land,1.0,1.0,conflict_zone,0,1000",
    "Bb,RegB,Land,1.1,1.1,town,,500",
    "C,RegC,Land,1.2,1.2,camp,,100",
    "D,RegD,Abroad,1.3,1.3,camp,,100",
]


def _closed(c, day):
    """The (from, to) names of the links closed after the closures of ``day``."""
    s = schedule_of(c)
    open_ = s.link_open[s.paths_at[day]]
    return sorted(
        (c.names[int(c.link_src[k])], c.names[int(c.link_dst[k])])
        for k in range(len(open_))
        if not open_[k]
    )


def test_one_letter_is_what_cpython_shares_one_object_of():
    assert one_letter("A") and one_letter("é") and not one_letter("Ā")
    assert not one_letter("Ab") and not one_letter("")


@pytest.mark.usefixtures("english_reader")
def test_a_link_closure_closes_name2_to_a_one_letter_name1_only_as_flee_31_does(tmp_path):
    case = read_case(make_case(tmp_path / "case", closures=["link,D,B,2,6"]))
    assert [str(w) for w in case.warnings] == [
        "case/input_csv/closures.csv:2: warning: link closures (lines 2): Flee 3.1 finds the "
        "route to close by the identity of name1's string (flee.py compares with 'is not'), "
        "which matches only a one-letter name1: it then closes the route from name2 to name1 "
        "only, and otherwise nothing; hito does the same (with --all-settings it closes the "
        "route both ways)"
    ]
    c = compile_flee(case)
    assert _closed(c, 1) == [] and _closed(c, 6) == []
    assert _closed(c, 2) == _closed(c, 5) == [("B", "D")]
    both = compile_flee(case, flee31=False)
    assert _closed(both, 2) == [("B", "D"), ("D", "B")] and _closed(both, 6) == []


def test_a_link_closure_between_longer_names_closes_nothing_as_flee_31_does(tmp_path):
    root = make_case(
        tmp_path, locations=LONG, routes=["Aa,Bb,100,0", "Bb,C,50,0", "Bb,D,1000,0"],
        closures=["link,Bb,Aa,2,6"],
    )  # fmt: skip
    c = compile_flee(read_case(root))
    assert all(_closed(c, t) == [] for t in range(20))
    assert _closed(compile_flee(read_case(root), flee31=False), 3) == [("Aa", "Bb"), ("Bb", "Aa")]


@pytest.mark.usefixtures("english_reader")
def test_a_closure_ending_before_it_starts_closes_for_the_rest_of_the_run(tmp_path):
    case = read_case(make_case(tmp_path / "case", closures=["location,C,,10,3", "camp,D,,4,4"]))
    assert [str(w) for w in case.warnings] == [
        "case/input_csv/closures.csv:2: warning: closures that end on or before the day they "
        "start (lines 2, 3): Flee 3.1 reopens on the end day, then closes on the start day for "
        "the rest of the run (on the same day: closes and reopens at once), and so does hito"
    ]
    c = compile_flee(case)
    assert _closed(c, 9) == []
    assert _closed(c, 10) == _closed(c, 19) == [("B", "C"), ("C", "B")]
    s = schedule_of(c)
    d = c.names.index("D")
    assert all(s.is_camp[s.post[t]][d] for t in range(20))  # closed and opened on day 4
