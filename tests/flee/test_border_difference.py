"""What hito's border ruleset adds to Flee's: at a closed border people wait, stranded.

The same corridor (home -> city -> post A -> strip -> post B -> onward), closed between the
strip and post B from the first day, is run with both rulesets. Under the Flee-compatible
ruleset a closed link simply disappears from the choices, so people who reach the strip
turn back along the road; under the border ruleset they stay in the strip as stranded.
"""

from __future__ import annotations

import numpy as np

from conftest import build
from flee_helpers import SETTINGS, make_case
from hito.engine.compile import compile_scenario
from hito.engine.run import simulate as border_simulate
from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.run import simulate as flee_simulate

CORRIDOR = [
    "Home,R,Chile,-20.0,-70.0,conflict_zone,0,1000",
    "City,R,Chile,-18.5,-70.3,town,,",
    "Post A,R,Chile,-18.35,-70.33,town,,",
    "Strip,R,Chile,-18.3,-70.32,town,,",
    "Post B,R,Peru,-18.28,-70.31,town,,",
    "Onward,R,Peru,-18.0,-70.25,camp,,100000",
]
ROUTES = [
    "Home,City,100,0",
    "City,Post A,20,0",
    "Post A,Strip,1,0",
    "Strip,Post B,1,0",
    "Post B,Onward,40,0",
]


def test_flee_turns_people_back_where_the_border_ruleset_strands_them(tiny, tmp_path):
    # border ruleset: 100 people in the city, everyone moves, closure from day 0
    tiny["inflows"] = []
    tiny["behaviour"] = {
        "move_chance": {
            "origin": 1,
            "city": 1,
            "border_post": 1,
            "between_posts": 1,
            "shelter": 1,
            "irregular_crossing": 1,
            "exit": 0,
        },
        "route_weight": {"road": 1, "irregular": 0, "flight": 0},
        "tolerance_days": 20,
        "divert_share": 0,
        "awareness": 0,
    }
    tiny["policies"] = [{"type": "close", "routes": ["strip-b"], "start": "2025-01-01"}]
    c = compile_scenario(build(tiny))
    r = border_simulate(c, 3)
    strip = c.place_ids.index("strip")
    stranded = r.state("stranded")[:, strip].sum(axis=1)
    assert stranded[2] == 100  # all 100 wait in the strip
    assert r.conservation_error() == 0

    # Flee-compatible ruleset: 100 people spawn at home on day 1, same corridor and closure
    root = make_case(
        tmp_path,
        days=12,
        locations=CORRIDOR,
        routes=ROUTES,
        closures=["country,Chile,Peru,0,12"],
        totals=["2025-01-01,0", "2025-01-02,100", "2025-03-01,100"],
        camps={"Onward": ["2025-01-01,0", "2025-03-01,5"]},
        settings=SETTINGS.replace("conflict_weight: 0.0", "conflict_weight: 1.0"),
    )
    for f in ("sim_period.csv",):
        (root / "input_csv" / f).write_text("StartDate,2025-01-01\nLength,12\n")
    fc = compile_flee(read_case(root))
    fr = flee_simulate(fc, 3)
    assert fr.conservation_error() == 0
    names = fc.names
    at_strip = fr.counts[:, names.index("Strip")]
    behind = fr.counts[:, [names.index(n) for n in ("Home", "City", "Post A")]].sum(axis=1)
    assert fr.counts[:, names.index("Onward")].max() == 0  # nobody crosses either way
    assert (at_strip[2:] < 100).all()  # nobody waits at the border as a group...
    assert (behind[2:] > 0).all()  # ...people are back up the road every day
    assert np.mean(at_strip[2:]) < 50
