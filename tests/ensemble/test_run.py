"""run_ensemble: the same seed gives the same result on any executor and chunking; failures
are retried or reported, never silently dropped."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from ensemble_helpers import AlwaysFails, DiesOnce, WithExtras
from hito.engine.compile import STATES, compile_scenario
from hito.engine.run import simulate
from hito.engine.seeds import run_seed
from hito.ensemble.executors import EnsembleError, LocalExecutor, SerialExecutor
from hito.ensemble.reduce import LEVELS
from hito.ensemble.run import run_ensemble
from hito.ensemble.sampling import design
from hito.ensemble.spec import EnsembleSpec, Event, parse_event
from hito.errors import InputError
from hito.testing import assert_ensembles_equal, uncertain_tiny

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

Q = list(LEVELS.values())


@pytest.fixture(scope="module")
def spec():
    s = uncertain_tiny()
    return EnsembleSpec(
        s, runs=9, seed=4, keep_runs=9, events=(Event("stranded", 50, "strip"), Event("harmed", 0))
    )


@pytest.fixture(scope="module")
def pool():
    ex = LocalExecutor(processes=2)
    yield ex
    ex.close()


def test_the_spec_pickles(spec):
    assert pickle.loads(pickle.dumps(spec)) == spec


def test_chunking_does_not_change_anything(spec):
    ref = run_ensemble(spec, executor=SerialExecutor(), chunk_size=9)
    for size in (1, 2, 4):
        assert_ensembles_equal(ref, run_ensemble(spec, executor=SerialExecutor(), chunk_size=size))


def test_local_processes_give_the_serial_result(spec, pool):
    ref = run_ensemble(spec, executor=SerialExecutor())
    assert_ensembles_equal(ref, run_ensemble(spec, executor=pool, chunk_size=2))


def test_each_run_is_the_engine_run_with_its_own_draws_and_quantiles_are_exact(spec):
    ens = run_ensemble(spec, executor=SerialExecutor(), chunk_size=4)
    d = design(spec.sampled(), spec.runs, spec.seed)
    states = []
    for i in range(spec.runs):
        c = compile_scenario(spec.scenario, d.draws(i))
        r = simulate(c, run_seed(spec.seed, i))
        assert np.array_equal(ens.kept[i], r.states)
        assert r.conservation_error() == 0
        states.append(r.states)
    stack = np.stack(states).astype(float)
    assert stack.max() < 512  # below 512 every bucket is one person wide
    full, by_place, total = ens.cell_quantiles()
    assert np.array_equal(full, np.quantile(stack, Q, axis=0))
    assert np.array_equal(by_place, np.quantile(stack.sum(axis=4), Q, axis=0))
    assert np.array_equal(total, np.quantile(stack.sum(axis=(3, 4)), Q, axis=0))
    strip = stack[:, :, STATES.index("stranded"), 3].sum(axis=2)
    assert ens.scalars["events"][:, 0].tolist() == (strip > 50).any(axis=1).tolist()
    assert ens.scalars["conservation_error"].tolist() == [0] * 9
    assert np.array_equal(ens.draws.values, d.values)
    table = ens.runs_table()
    assert (
        table["draw:inflows[0].per_day"].to_list()
        == d.values[:, d.paths.index("inflows[0].per_day")].tolist()
    )


def test_a_subset_of_runs_is_the_same_runs_as_in_the_whole(spec):
    whole = run_ensemble(spec, executor=SerialExecutor())
    part = run_ensemble(spec, [7, 2], executor=SerialExecutor())
    assert part.runs.tolist() == [7, 2]
    assert np.array_equal(part.kept[7], whole.kept[7])
    assert part.scalars["stranded_peak"].tolist() == [
        whole.scalars["stranded_peak"][7],
        whole.scalars["stranded_peak"][2],
    ]
    with pytest.raises(InputError, match="expected distinct run numbers from 0 to 8"):
        run_ensemble(spec, [3, 9], executor=SerialExecutor())


def test_a_dead_worker_is_replaced_and_its_runs_are_run_again(spec, pool, tmp_path):
    ref = run_ensemble(spec, executor=SerialExecutor())
    dying = EnsembleSpec(
        spec.scenario,
        runs=9,
        seed=4,
        keep_runs=9,
        events=spec.events,
        runner=DiesOnce(5, str(tmp_path / "died")),
    )
    ens = run_ensemble(dying, executor=pool, chunk_size=2)
    assert (tmp_path / "died").read_text() == "died"
    assert_ensembles_equal(ref, ens)


def test_runs_that_fail_every_time_are_named_and_no_result_is_returned(spec, pool):
    failing = EnsembleSpec(spec.scenario, runs=9, seed=4, runner=AlwaysFails(6))
    pool.retries = 1
    try:
        with pytest.raises(EnsembleError) as err:
            run_ensemble(failing, executor=pool, chunk_size=3)
    finally:
        pool.retries = 2
    assert err.value.problems[0].startswith("3 of 9 runs failed after every retry (runs 6-8)")
    assert err.value.problems[1] == (
        "runs 6-8: the simulation stopped on an unexpected error (detail: RuntimeError: run 6 "
        "cannot be simulated)"
    )
    assert err.value.in_language("es")[0] == (
        "3 de 9 simulaciones fallaron tras todos los reintentos (simulaciones 6-8); no se escribe "
        "ningún resultado parcial"
    )


def test_the_one_run_of_an_ensemble_that_fails_is_said_in_the_singular(spec, pool):
    failing = EnsembleSpec(spec.scenario, runs=1, seed=4, runner=AlwaysFails(0))
    pool.retries = 1
    try:
        with pytest.raises(EnsembleError) as err:
            run_ensemble(failing, executor=pool, chunk_size=1)
    finally:
        pool.retries = 2
    assert err.value.in_language("en")[0] == (
        "1 of 1 run failed after every retry (run 0); no partial result is written"
    )
    assert err.value.in_language("es")[0] == (
        "1 de 1 simulación falló tras todos los reintentos (simulación 0); no se escribe ningún "
        "resultado parcial"
    )


def test_a_runner_may_report_extra_numbers_per_run(spec):
    s = EnsembleSpec(spec.scenario, runs=4, seed=1, runner=WithExtras())
    ens = run_ensemble(s, executor=SerialExecutor())
    assert ens.scalars["extra.cost"].tolist() == ens.scalars["stranded_person_days"].tolist()
    assert set(ens.summary()["extras"]["cost"]) == {"p10", "p50", "p90"}


def test_bad_specs_and_events_say_what_was_given_and_what_is_accepted(spec):
    s = spec.scenario
    with pytest.raises(InputError) as err:
        EnsembleSpec(s, runs=0, overrides={"behaviour.tolerance_day": 3})
    assert err.value.problems == [
        "runs: got 0, expected at least 1",
        "behaviour.tolerance_day: no such number in the scenario; "
        "did you mean behaviour.tolerance_days?",
    ]
    assert parse_event("strip:stranded>50@2025-01-05", s) == Event(
        "stranded", 50, "strip", 4, "strip:stranded>50@2025-01-05"
    )
    with pytest.raises(InputError, match="unknown place 'nowhere', expected 'all' or one of"):
        parse_event("nowhere:stranded>5", s)
    with pytest.raises(InputError, match="unknown state 'lost', expected one of: present"):
        parse_event("all:lost>5", s)
    with pytest.raises(InputError, match="2026-01-05 is outside the scenario, expected 2025-01-01"):
        parse_event("all:stranded>5@2026-01-05", s)
    with pytest.raises(InputError) as no_day:
        parse_event("all:stranded>5@2025-02-30", s)
    assert no_day.value.problems == [
        "--event 'all:stranded>5@2025-02-30': got '2025-02-30', expected a date as YYYY-MM-DD "
        "that exists"
    ]
    for written in ("15/01/2025", "", "2025-1-5"):  # the date's own message, not the syntax's
        with pytest.raises(InputError) as bad_day:
            parse_event(f"all:stranded>5@{written}", s)
        assert bad_day.value.problems == [
            f"--event 'all:stranded>5@{written}': got {written!r}, expected a date as "
            "YYYY-MM-DD that exists"
        ]
    late = parse_event("all:stranded>5@2025-01-10", s)
    with pytest.raises(InputError, match=r"day 9 is after the last simulated day \(4\)"):
        EnsembleSpec(s, days=5, events=(late,))


def test_a_script_without_its_main_guard_is_told_why_its_workers_stopped(tmp_path):
    """hito.run(..., executor="local") in a script with no `if __name__ == "__main__":`: each
    worker read the script again and stopped; the error said only BrokenProcessPool."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "forecast.py"
    script.write_text(
        "import hito\n"
        "from hito.ensemble.executors import LocalExecutor\n"
        "from hito.testing import tiny_scenario\n"
        "ex = LocalExecutor(processes=1, retries=0)\n"
        "hito.run(tiny_scenario(days=3), runs=1, executor=ex)\n"
    )
    src = str(Path(hito_file()).parents[1])
    env = {**os.environ, "PYTHONPATH": src, "HITO_LANG": "en"}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode != 0
    assert done.stderr.rstrip().endswith(
        f"every worker process stopped as it started: a worker reads the script {script} again "
        "when it starts, so the code that starts an ensemble there needs to be under `if "
        '__name__ == "__main__":` (as Python\'s multiprocessing asks), or use executor="serial"'
    )


def hito_file() -> str:
    import hito

    return hito.__file__


def test_a_pool_that_breaks_under_hitos_own_command_gets_no_script_hint(monkeypatch):
    import sys
    import types
    from concurrent.futures.process import BrokenProcessPool

    from hito.ensemble.executors import task_failed, unguarded_script

    broken = {0: task_failed(BrokenProcessPool("a worker died"))}
    main = types.ModuleType("__main__")
    main.__file__ = "/venv/bin/hito"
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert unguarded_script(broken) is None
    main.__file__ = "/home/me/forecast.py"
    assert unguarded_script(broken) is not None
    assert unguarded_script({0: task_failed(RuntimeError("boom"))}) is None
