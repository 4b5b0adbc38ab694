"""Location types and forced redirection values compiled as Flee 3.1 reads them."""

from __future__ import annotations

import pytest

from flee_helpers import make_case
from hito.flee.case import read_case
from hito.flee.compile import compile_flee

PLACES = [
    "A,RegA,Land,1.0,1.0,conflict_zone,0,1000",
    "B,RegB,Land,1.1,1.1,war_zone,,500",
    "C,RegC,Land,1.2,1.2,camp,,100",
    "D,RegD,Abroad,1.3,1.3,camp,,100",
]


@pytest.mark.usefixtures("english_reader")
def test_an_unknown_location_type_moves_everyone_on_as_flee_31s_default_does(tmp_path):
    # Location.__init__ sets no move chance for it: Ecosystem.addLocation's 1.0 stays
    case = read_case(make_case(tmp_path / "case", locations=PLACES))
    assert [str(w) for w in case.warnings] == [
        "case/input_csv/locations.csv:3: warning: location types Flee 3.1 does not know "
        "('war_zone'; lines 3, expected a type with one of: camp, conflict, forward, marker, "
        "default, town): Flee 3.1 gives such a place the move chance 1 (Ecosystem.addLocation's "
        "default: everyone leaves it each day, as from a forwarding hub), and so does hito"
    ]
    c = compile_flee(case)
    b = c.names.index("B")
    assert c.movechance[b] == 1.0 and c.pop[b] == 500
    assert not (c.is_camp[b] or c.is_town[b] or c.is_marker[b])
    assert c.camp_names == ["C", "D"]


def _links(c, a, b):
    i, k = c.names.index(a), c.names.index(b)
    return int(((c.link_src == i) & (c.link_dst == k)).sum())


@pytest.mark.parametrize(("cell", "links"), [("1", 2), ("01", 2), ("+1", 2), ("0", 1), ("", 1)])
def test_forced_redirection_is_read_with_int_as_flee_31_reads_it(tmp_path, cell, links):
    # ReadLinksFromCSV links a row of 1 up twice (its if/if/else): int("01") is 1 too
    root = make_case(tmp_path, routes=[f"A,B,100,{cell}", "B,C,50,0", "B,D,1000,0"])
    c = compile_flee(read_case(root))
    assert _links(c, "A", "B") == _links(c, "B", "A") == links


@pytest.mark.usefixtures("english_reader")
def test_forced_redirection_other_than_0_1_2_is_a_plain_route_with_a_warning(tmp_path):
    case = read_case(make_case(tmp_path / "case", routes=["A,B,100,7", "B,C,50,-1", "B,D,1000,2"]))
    assert [str(w) for w in case.warnings] == [
        "case/input_csv/routes.csv:2: warning: forced_redirection other than 0, 1 or 2 (lines "
        "2, 3): Flee 3.1 links such a row as a plain route (0), and so does hito"
    ]
    c = compile_flee(case)
    assert _links(c, "A", "B") == _links(c, "B", "C") == _links(c, "B", "D") == 1
