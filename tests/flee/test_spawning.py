"""Conflict zones by day and Flee 3.1's conflict-driven spawning, on tiny hand-built cases."""

from __future__ import annotations

import numpy as np
import pytest

from flee_helpers import SETTINGS, make_case
from hito.errors import InputError
from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.model import FleeConflictSpawning
from hito.flee.run import candidate_paths, simulate
from hito.flee.spawning import conflict_by_day, conflict_events, conflict_spawns

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

NAMES = ["A", "B"]


def driven(mode: str, rate: float, take: bool = True) -> str:
    return SETTINGS.replace(
        "spawn_rules:\n",
        "spawn_rules:\n"
        f"  take_from_population: {take}\n"
        "  conflict_driven_spawning:\n"
        f"    spawn_mode: {mode}\n"
        f"    displaced_per_conflict_day: {rate}\n",
    )


def test_a_zone_starts_on_its_first_value_and_ends_only_when_a_one_drops_to_zero():
    cvals = np.array([[0.0, 0.5], [0.5, 0.0], [0.8, 0.0], [0.0, 1.0], [0.0, 0.0]])
    starts, ends = conflict_events(cvals)
    assert starts.tolist() == [[False, True], [True, False], [False, False], [False, True],
                               [False, False]]  # fmt: skip
    assert ends[:, 1].tolist() == [False, False, False, False, True]  # 1 -> 0 ends it
    assert not ends[:, 0].any()  # 0.8 -> 0 does not end a zone in Flee 3.1
    by_day = conflict_by_day(-np.ones(2), [0, 1], cvals, 6)
    assert by_day[:, 0].tolist() == [-1, 0.5, 0.5, 0.5, 0.5, 0.5]  # keeps its first intensity
    assert by_day[:, 1].tolist() == [0.5, 0.5, 0.5, 1.0, -1, -1]


def test_pop_ratio_takes_people_from_the_population_it_reads_the_next_day():
    rule = FleeConflictSpawning(spawn_mode="pop_ratio", displaced_per_conflict_day=0.01)
    conflict = np.array([[0.5, -1.0]] * 3)
    got = conflict_spawns(rule, conflict, np.array([1000, 500]), True, NAMES)
    # int(0.01 * 1000 * 0.5) = 5; then int(0.01 * 995 * 0.5) = 4; int(0.01 * 991 * 0.5) = 4
    assert got.tolist() == [[5, 0], [4, 0], [4, 0]]
    same = conflict_spawns(rule, conflict, np.array([1000, 500]), False, NAMES)
    assert same[:, 0].tolist() == [5, 5, 5]


def test_constant_mode_reads_the_rate_as_a_whole_number_like_flee():
    rule = FleeConflictSpawning(spawn_mode="constant", displaced_per_conflict_day=7.9)
    got = conflict_spawns(rule, np.array([[0.5, 0.0]]), np.array([100, 100]), False, NAMES)
    assert got.tolist() == [[3, 0]]  # int(7.9) = 7; int(7 * 0.5) = 3; intensity 0: nobody
    assert FleeConflictSpawning().rate() == 500.0
    assert FleeConflictSpawning(spawn_mode="pop_ratio").rate() == 0.01


def test_more_people_than_a_zone_holds_stops_like_flee():
    rule = FleeConflictSpawning(spawn_mode="constant", displaced_per_conflict_day=30)
    with pytest.raises(InputError, match=r"on day 1 30 people would leave 'A', which has 20"):
        conflict_spawns(rule, np.array([[1.0, -1.0]] * 2), np.array([50, 9]), True, NAMES)


@pytest.mark.parametrize("ruleset", ["agents", "cohorts"])
def test_both_rulesets_spawn_exactly_the_conflict_driven_counts(tmp_path, ruleset):
    root = make_case(tmp_path, days=12, settings=driven("pop_ratio", 0.002))
    c = compile_flee(read_case(root))
    a = c.names.index("A")
    # A: 1000 people, intensity 1: int(2.0) = 2 a day, then int(0.002 * 998) = 1 from day 1
    assert c.spawn_at[:, a].tolist() == [2] + [1] * 11
    assert c.spawn_at.sum() == c.new_refs.sum() == 13
    assert not c.raw_total.any()  # Flee's raw UNHCR count stays 0 under this rule
    r = simulate(c, 4, ruleset=ruleset)
    assert r.conservation_error() == 0
    assert r.agents.tolist() == np.cumsum(c.spawn_at.sum(axis=1)).tolist()


def test_reading_conflict_driven_spawning_warns_that_flee_ard_divides_by_one(tmp_path):
    case = read_case(make_case(tmp_path, settings=driven("constant", 5)))
    said = [w for w in map(str, case.warnings) if "raw UNHCR count at 0" in w]
    assert len(said) == 1 and "simsetting.yml:3: warning:" in said[0]  # the key's line
    rule = case.flee.settings.spawn_rules.conflict_driven_spawning
    assert rule is not None and rule.rate() == 5.0


def test_poisson_spawning_is_refused_as_flee_fails_on_it(tmp_path):
    with pytest.raises(InputError, match="simsetting.yml.*spawn_mode"):
        read_case(make_case(tmp_path, settings=driven("Poisson", 5)))


def test_awareness_zero_is_refused_not_run_as_one(tmp_path):
    settings = SETTINGS.replace("awareness_level: 1", "awareness_level: 0")
    with pytest.raises(InputError) as err:
        read_case(make_case(tmp_path, settings=settings))
    assert len(err.value.problems) == 1 and "a link drawn at random" in err.value.problems[0]
    assert "simsetting.yml:11:" in str(err.value.problems[0])  # the line of awareness_level


def chain(root, towns: str, awareness: int):
    """A conflict zone A, then the towns one after another 10 km apart, then camp Z."""
    locations = ["A,RegA,Land,1.0,1.0,conflict_zone,0,1000"]
    locations += [f"{x},R{x},Land,1.{i},1.{i},town,,100" for i, x in enumerate(towns)]
    locations.append("Z,RegZ,Land,2.0,2.0,camp,,100")
    routes = [f"{x},{y},10,0" for x, y in zip("A" + towns, towns + "Z", strict=True)]
    settings = SETTINGS.replace("awareness_level: 1", f"awareness_level: {awareness}")
    camps = {"Z": ["2020-01-01,0"]}
    root = make_case(root, locations=locations, routes=routes, camps=camps, settings=settings)
    return read_case(root)


def test_awareness_five_follows_paths_five_places_deep(tmp_path):
    c = compile_flee(chain(tmp_path, "BCDEF", 5))
    off, end, km, hops, nh = candidate_paths(c, np.ones(len(c.link_src), bool))
    a = c.names.index("A")
    assert sorted(nh[off[a] : off[a + 1]].tolist()) == [1, 2, 3, 4, 5]  # B .. F, not Z


def test_awareness_past_the_longest_path_hito_holds_is_refused_not_cut_short(tmp_path):
    case = chain(tmp_path, "BCDEFGHIJK", 10)
    with pytest.raises(InputError, match=r"awareness_level 10: the path A → B → .* past 8 hops"):
        simulate(compile_flee(case), 1)


def test_conflict_driven_spawning_survives_writing_the_case_back(tmp_path):
    from hito.flee.write import write_case

    case = read_case(make_case(tmp_path / "in", settings=driven("pop_ratio", 0.002)))
    write_case(case, tmp_path / "out")
    again = read_case(tmp_path / "out")
    assert again.flee.settings.spawn_rules == case.flee.settings.spawn_rules
    assert compile_flee(again).spawn_at.tolist() == compile_flee(case).spawn_at.tolist()
