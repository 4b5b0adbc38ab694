"""The Python API for analysts: scenarios (`load_scenario`, `run`) and Flee cases (`run_flee`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hito.errors import Problem, not_one_of

if TYPE_CHECKING:
    from hito.ensemble.result import Ensemble
    from hito.flee.ensemble import FleeRuns
    from hito.flee.model import FleeCase
    from hito.scenario.model import Scenario


def load_scenario(ref: str | Path) -> Scenario:
    """A built-in scenario by name ("tacna-arica-2025") or a scenario file, validated.

    A file that does not validate raises `hito.errors.ScenarioError` listing every problem
    with its file, line and field.
    """
    from hito.scenario.load import load

    return load(ref)


def scenarios() -> dict[str, str]:
    """The built-in scenarios: name -> one-line description."""
    from hito.scenario.load import builtin_descriptions

    return builtin_descriptions()


def run(
    scenario: Scenario | str | Path,
    *,
    runs: int = 20,
    seed: int = 0,
    executor: Any = "serial",
    days: int | None = None,
    events: Iterable[str] = (),
    sampling: str = "lhs",
    keep_runs: int = 0,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Ensemble:
    """Run an ensemble of a scenario and return its reduced results (an `Ensemble`).

    `executor` is "serial" (this process), "local" (processes), "dask" or an executor object;
    `events` are texts like "all:stranded>500"; `keep_runs` keeps that many runs in full.
    The result is the same on any executor: run i always draws from `run_seed(seed, i)`.
    Read it with `.summary()`, `.fan(state, place)`, `.quantile_table()`, `.to_xarray()`.
    """
    from hito.ensemble.executors import SerialExecutor, make_executor
    from hito.ensemble.run import run_ensemble
    from hito.ensemble.sampling import METHODS
    from hito.ensemble.spec import EnsembleSpec, parse_event
    from hito.errors import InputError

    s = scenario if not isinstance(scenario, str | Path) else load_scenario(scenario)
    _check_ensemble_args(runs, seed, executor)
    if sampling not in METHODS:
        raise InputError(not_one_of("sampling", sampling, METHODS))
    if keep_runs < 0:
        raise InputError(
            Problem("keep_runs: got %(keep_runs)s, expected 0 or more", keep_runs=keep_runs)
        )
    spec = EnsembleSpec(
        s,
        days=days,
        seed=seed,
        runs=runs,
        sampling=sampling,  # type: ignore[arg-type]
        events=tuple(parse_event(e, s, where="events") for e in events),
        keep_runs=min(keep_runs, runs),
    )
    if executor == "serial":
        return run_ensemble(spec, executor=SerialExecutor(), progress=progress)
    if isinstance(executor, str):
        ex = make_executor(executor, workers=workers)
        try:
            return run_ensemble(spec, executor=ex, progress=progress)
        finally:
            ex.close()
    return run_ensemble(spec, executor=executor, progress=progress)


def _check_ensemble_args(runs: int, seed: int, executor: Any) -> None:
    """Refuse run counts, seeds and executor names no ensemble can use, naming the argument."""
    from hito.ensemble.executors import EXECUTORS
    from hito.errors import InputError

    _at_least_one("runs", runs)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(
            Problem("seed: got %(seed)s, expected a non-negative whole number", seed=repr(seed))
        )
    if isinstance(executor, str) and executor not in ("serial", *EXECUTORS):
        raise InputError(not_one_of("executor", executor, ("serial", *EXECUTORS)))


def _at_least_one(name: str, value: object) -> None:
    """Refuse a value that is not a whole number of at least 1, naming the argument."""
    from hito.errors import InputError

    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(
            Problem(
                "%(name)s: got %(value)s, expected a whole number of at least 1",
                name=name,
                value=repr(value),
            )
        )


def read_flee_case(path: str | Path, *, sort_dates: bool = False, strict: bool = False) -> FleeCase:
    """A Flee 3.1 case folder (or a file written by `hito flee import`), read as Flee 3.1 does.

    What Flee 3.1 runs with a quirk is read as it reads it, each quirk a warning with its file
    and line in `.warnings`; `strict=True` raises them as an `InputError` instead, as does
    anything Flee 3.1 cannot run either. `sort_dates` sorts the UNHCR series by date.
    """
    from hito.flee.case import open_case

    return open_case(path, sort_dates=sort_dates, strict=strict)


def run_flee(
    case: FleeCase | str | Path,
    *,
    runs: int = 10,
    seed: int = 0,
    ruleset: str = "agents",
    hasten: int | None = None,
    days: int | None = None,
    executor: Any = "serial",
    workers: int | None = None,
    all_settings: bool = False,
) -> FleeRuns:
    """Runs of a Flee case with Flee 3.1's rules; a `FleeRuns` with `.ard` and `.camp_table()`.

    `ruleset` is "agents" (one record a person, the reference) or "cohorts" (counts, much
    faster). Run i draws from `run_seed(seed, i)` on any executor ("serial", "local", "dask" or an
    executor object), as `hito flee run` does; `all_settings` also honours settings Flee 3.1
    does not read.
    """
    from hito.ensemble.executors import SerialExecutor
    from hito.flee.compile import compile_flee
    from hito.flee.ensemble import FleeRuns, compile_kernels, kernels_cached, run_flee_ensemble
    from hito.flee.rulesets import check_ruleset

    fc = case if not isinstance(case, str | Path) else read_flee_case(case)
    _check_ensemble_args(runs, seed, executor)
    check_ruleset(ruleset)
    for name, value in (("days", days), ("hasten", hasten)):
        if value is not None:
            _at_least_one(name, value)
    compiled = compile_flee(fc, hasten=hasten, days=days, flee31=not all_settings)
    if executor != "serial" and not kernels_cached(ruleset):  # else each worker compiles them
        compile_kernels(fc, ruleset, hasten=hasten, flee31=not all_settings)
    got = run_flee_ensemble(
        compiled,
        runs=runs,
        seed=seed,
        ruleset=ruleset,
        executor=SerialExecutor() if executor == "serial" else executor,
        workers=workers,
    )
    start = fc.scenario.start
    for _, result, _ in got:
        result.start = start
    return FleeRuns(fc.scenario.name, ruleset, seed, start, tuple(r for _, r, _ in got))
