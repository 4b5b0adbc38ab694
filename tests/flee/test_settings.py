"""simsetting.yml keys Flee 3.1 never reads, and speeds no one arrives at, are warnings."""

from __future__ import annotations

import numpy as np
import pytest

from flee_helpers import SETTINGS, make_case
from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.run import simulate


@pytest.mark.usefixtures("english_reader")
def test_a_misspelt_setting_is_a_warning_naming_the_setting_it_resembles(tmp_path):
    # Flee 3.1 fetches keys by name and passes over the rest: the typo keeps the default
    settings = SETTINGS.replace("max_move_speed: 400.0", "max_move_sped: 200.0").replace(
        "optimisations:", "optimizations:"
    )
    case = read_case(make_case(tmp_path / "case", settings=settings))
    assert list(map(str, case.warnings)) == [
        "case/simsetting.yml:5: warning: move_rules.max_move_sped: neither Flee 3.1 nor hito "
        "reads this setting, so it changes nothing; did you mean move_rules.max_move_speed?",
        "case/simsetting.yml:16: warning: optimizations: neither Flee 3.1 nor hito reads this "
        "setting, so it changes nothing; did you mean optimisations?",
    ]
    assert compile_flee(case).settings.move_rules.max_move_speed == 360.0  # Flee's default


def test_keys_flee_31_or_hito_reads_and_log_levels_are_not_warned_of(tmp_path):
    # the shared cases carry log_levels.granularity (a later Flee's) and hito's own
    # capacity_scaling, sum_from_camps, empty_camps_on_day0, conflict_spawn_decay_interval
    settings = SETTINGS.replace(
        "move_rules:\n",
        "move_rules:\n  capacity_scaling: 1.0\n  use_v1_rules: False\n  home_distance_power: 0.5\n",
    ).replace(
        "spawn_rules:\n",
        "spawn_rules:\n  sum_from_camps: False\n  empty_camps_on_day0: False\n"
        "  conflict_spawn_decay_interval: 30\n  camps_are_sicks: False\n",
    )
    settings = "log_levels:\n  granularity: location\n  agent: 0\nnumber_of_steps: 20\n" + settings
    assert read_case(make_case(tmp_path, settings=settings)).warnings == ()


@pytest.mark.usefixtures("english_reader")
def test_a_misspelt_setting_with_nothing_near_says_only_that_it_changes_nothing(tmp_path):
    settings = SETTINGS.replace("move_rules:\n", "move_rules:\n  zzz: 1\n")
    (w,) = read_case(make_case(tmp_path / "case", settings=settings)).warnings
    assert str(w) == (
        "case/simsetting.yml:5: warning: move_rules.zzz: neither Flee 3.1 nor hito reads this "
        "setting, so it changes nothing"
    )


@pytest.mark.parametrize("ruleset", ["agents", "cohorts"])
@pytest.mark.usefixtures("english_reader")
def test_a_negative_speed_is_a_warning_and_no_one_reaches_the_end_of_a_route(tmp_path, ruleset):
    # Flee 3.1 adds the speed to the km each traveller has gone: at -400 they never arrive
    settings = SETTINGS.replace("max_move_speed: 400.0", "max_move_speed: -400")
    case = read_case(make_case(tmp_path / "case", settings=settings))
    assert list(map(str, case.warnings)) == [
        "case/simsetting.yml:5: warning: move_rules.max_move_speed -400.0: a negative speed; "
        "people on a route at that speed never reach its end (Flee 3.1 adds it to the km they "
        "have gone each day), and so in hito"
    ]
    r = simulate(compile_flee(case), 1, ruleset=ruleset)
    assert r.agents[-1] == 10 and r.on_links[-1] == 10
    assert r.conservation_error() == 0
    assert np.all(r.sim == 0)
