"""Properties of `from_observed`: every observed person is placed once, split fairly."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import build
from hito.scenario.observed import from_observed
from hito.testing import tiny_dict

PLACES = ("city", "post-a", "strip", "post-b", "desert")


@st.composite
def scenario_and_counts(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    """The tiny corridor with 1-4 undocumented groups of any inflow, and counts at places."""
    d = tiny_dict()
    d["groups"] = [{"id": "ven-doc", "nationality": "VEN", "documented": True}]
    d["inflows"] = [{"origin": "home", "group": "ven-doc", "per_day": 10}]
    d["population"] = []
    rates = draw(st.lists(st.integers(0, 50), min_size=1, max_size=4))
    for k, rate in enumerate(rates):
        d["groups"].append({"id": f"g{k}", "nationality": "VEN", "documented": False})
        if rate:
            d["inflows"].append({"origin": "home", "group": f"g{k}", "per_day": rate})
    counts = draw(st.dictionaries(st.sampled_from(PLACES), st.integers(0, 100_000), max_size=5))
    return build(d), rates, counts


@settings(max_examples=120, deadline=None)
@given(scenario_and_counts(), st.integers(1, 60))
def test_counts_split_into_whole_people_in_proportion_to_the_inflows(case, days) -> None:  # type: ignore[no-untyped-def]
    s, rates, counts = case
    as_of = dt.date(2025, 1, 5)
    r = from_observed(s, as_of, counts, days=days)
    assert (r.start, r.days) == (as_of, days)
    total = sum(rates)
    share = {f"g{k}": (rate / total if total else 1 / len(rates)) for k, rate in enumerate(rates)}
    for place, n in counts.items():
        here = {p.group: p.people.value for p in r.population if p.place == place}
        assert sum(here.values()) == n  # nobody lost or added
        for g, w in share.items():
            assert abs(here.get(g, 0) - n * w) < 1  # largest remainders: within one person
    assert all(p.stranded and p.group != "ven-doc" and p.people.value > 0 for p in r.population)
    assert {p.place for p in r.population} <= set(counts)
