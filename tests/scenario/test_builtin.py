"""Built-in scenarios are smoke-tested for a few days with a fixed seed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from hito.engine.compile import compile_scenario
from hito.engine.run import simulate
from hito.engine.seeds import run_seed
from hito.scenario.load import builtin_names, load


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_runs_conserves_and_strands_people(name):
    s = load(name)
    c = compile_scenario(s, days=30)
    runs = [simulate(c, run_seed(1, i)) for i in range(3)]
    for r in runs:
        assert r.conservation_error() == 0
    strip = c.place_ids.index("concordia-strip")
    assert all(r.state("stranded")[:, strip].sum() > 0 for r in runs)
    assert np.array_equal(runs[0].states, simulate(c, run_seed(1, 0)).states)


def test_2025_extension_keeps_the_crossing_closed_into_march():
    s = load("tacna-arica-2025")
    c = compile_scenario(s)
    route = c.route_ids.index("strip-santa-rosa")
    undocumented = c.group_ids.index("ven-undocumented")
    documented = c.group_ids.index("ven-documented")
    assert not c.open_[s.day_of(s.start.replace(year=2026, month=3, day=1)), route, undocumented]
    assert c.open_[:, route, documented].all()
    assert c.open_[s.day_of(s.start.replace(year=2026, month=3, day=29)), route, undocumented]


@pytest.mark.parametrize("name", builtin_names())
def test_no_clearance_on_record_is_known_before_its_day(name):
    # the record's clearances of the strip (its `clearances-record` source): none was announced
    # the day before, so a forecast issued earlier must not hold it
    s = load(name)
    dated = [p for p in s.policies if p.type in ("readmit", "transfer")]
    assert dated
    assert [p.known_from for p in dated] == [p.start for p in dated]
    for p in dated:
        before = s.known_on(p.start - dt.timedelta(days=1))
        assert p not in before.policies


@pytest.mark.parametrize("name", ["tacna-arica-2023", "tacna-arica-2025"])
def test_the_description_is_true_of_a_run_that_is_not_calibrated(name):
    """The run report prints it above bands that may rest on no count: it may not say they do."""
    s = load(name)
    es, en = s.described("es"), s.described("en")
    assert "calibrado con los conteos:" not in es and "calibrated on the counts:" not in en
    assert "Sus números salen de lo publicado (véanse las fuentes)." in es
    assert "Its numbers come from the published record (see the sources)." in en
    assert "Lo que reproduce una vez calibrado con los conteos de campo" in es
    assert "What it reproduces once calibrated on the field counts" in en
