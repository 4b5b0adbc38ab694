"""Flee runs through the ensemble executors: per-run seed streams, same results anywhere."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from cli_helpers import hito_here as hito
from flee_helpers import make_case
from hito.engine.seeds import run_seed
from hito.ensemble.executors import SerialExecutor
from hito.flee.case import read_case
from hito.flee.compile import compile_flee
from hito.flee.ensemble import run_flee_ensemble
from hito.flee.rulesets import RULESETS
from hito.flee.run import simulate

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

# two camps with room for fewer people than arrive, reached through a town, one across a
# border closed for the first days: capacity, closures and route choice all at work
LOCS = [
    "A,RegA,Land,1.0,1.0,conflict_zone,0,1000",
    "B,RegB,Land,1.1,1.1,town,,500",
    "E,RegE,Land,1.1,1.1,town,,500",
    "C,RegC,Land,1.2,1.2,camp,,60",
    "D,RegD,Abroad,1.3,1.3,camp,,200",
]
ROUTES = ["A,B,120,0", "B,C,90,0", "B,E,300,0", "E,D,450,0", "A,E,700,0"]
TOTALS = ["2020-01-01,0", "2020-01-02,100", "2020-01-20,300", "2020-02-10,300"]
CAMPS = {"C": ["2020-01-01,0", "2020-02-10,60"], "D": ["2020-01-01,0", "2020-02-10,150"]}


def case(tmp_path, settings_patch=None):
    from flee_helpers import SETTINGS

    st = SETTINGS.replace("default_movechance: 1.0", "default_movechance: 0.3")
    return make_case(
        tmp_path / "case",
        days=40,
        locations=LOCS,
        routes=ROUTES,
        totals=TOTALS,
        camps=CAMPS,
        closures=["country,Land,Abroad,0,8"],
        settings=st,
    )


def test_run_i_uses_the_ensemble_seed_stream_whatever_the_executor(tmp_path):
    c = compile_flee(read_case(case(tmp_path)))
    serial = run_flee_ensemble(c, runs=5, seed=7, ruleset="cohorts", executor=SerialExecutor())
    local = run_flee_ensemble(c, runs=5, seed=7, ruleset="cohorts", executor="local", workers=2)
    assert [r for r, _, _ in local] == [0, 1, 2, 3, 4]
    for (_, a, _), (_, b, _) in zip(serial, local, strict=True):
        assert np.array_equal(a.sim, b.sim) and a.conservation_error() == 0
    direct = simulate(c, run_seed(7, 3), ruleset="cohorts")
    assert np.array_equal(direct.sim, serial[3][1].sim)
    assert len({tuple(r.sim[-1]) for _, r, _ in serial}) > 1


@pytest.mark.parametrize("ruleset", ["agents", "cohorts"])
def test_a_run_shown_day_by_day_is_the_run_in_one_go(tmp_path, ruleset):
    # the cohort ruleset runs its days in one numba loop, in chunks when progress is shown
    c = compile_flee(read_case(case(tmp_path)))
    seen: list[int] = []
    shown = simulate(c, run_seed(3, 1), progress=seen.append, ruleset=ruleset)
    quiet = simulate(c, run_seed(3, 1), ruleset=ruleset)
    assert np.array_equal(shown.counts, quiet.counts) and shown.people == quiet.people
    assert seen[-1] == c.days - 1 and seen == sorted(seen)
    other = simulate(c, run_seed(3, 2), ruleset=ruleset)
    assert not np.array_equal(other.counts, quiet.counts)


def test_flee_run_on_dask_gives_the_local_result(tmp_path, monkeypatch, capsys):
    root = case(tmp_path)
    docs = []
    for ex in ("local", "dask"):
        code, _, err = hito(
            monkeypatch,
            capsys,
            "flee",
            "run",
            str(root),
            "--out",
            str(tmp_path / ex),
            "--runs",
            "4",
            "--executor",
            ex,
            "--workers",
            "2",
            "--ruleset",
            "cohorts",
        )
        assert code == 0, err
        docs.append(json.loads((tmp_path / ex / "validation.json").read_text()))
    assert docs[0]["ard_per_run"] == docs[1]["ard_per_run"]
    assert docs[1]["executor"] == "dask" and docs[1]["runs"] == 4


def test_import_then_run_gives_the_same_runs_as_the_case_folder(tmp_path, monkeypatch, capsys):
    root = case(tmp_path)
    code, _, err = hito(
        monkeypatch, capsys, "flee", "import", str(root), "--out", str(tmp_path / "case.yaml")
    )
    assert code == 0, err
    for src, out in ((root, "a"), (tmp_path / "case.yaml", "b")):
        code, _, err = hito(
            monkeypatch,
            capsys,
            "flee",
            "run",
            str(src),
            "--out",
            str(tmp_path / out),
            "--runs",
            "3",
            "--seed",
            "5",
            "--workers",
            "1",
        )
        assert code == 0, err
    a = json.loads((tmp_path / "a" / "validation.json").read_text())
    b = json.loads((tmp_path / "b" / "validation.json").read_text())
    assert a["ard_per_run"] == b["ard_per_run"]
    assert (tmp_path / "a" / "out.csv").read_bytes() == (tmp_path / "b" / "out.csv").read_bytes()


def test_a_first_run_says_it_compiles_the_kernels_once_and_runs_the_same(tmp_path):
    from cli_helpers import hito as hito_process

    src = case(tmp_path)
    cache = str(tmp_path / "numba")  # an empty cache: as after an install or an update
    said = "Compiling the agents ruleset's kernels: once after an install or an update"
    runs = []
    for k in range(2):
        out = tmp_path / f"o{k}"
        args = ("flee", "run", str(src), "--out", str(out), "--runs", "2", "--seed", "3")
        got = hito_process(*args, NUMBA_CACHE_DIR=cache, HITO_LANG="en")
        assert got.returncode == 0, got.stderr
        assert (said in got.stderr) == (k == 0), got.stderr
        runs.append(json.loads((out / "validation.json").read_text())["ard_per_run"])
    assert runs[0] == runs[1]


def test_each_rulesets_entry_kernel_is_a_numba_function_cached_on_disk():
    import importlib

    from hito.flee.ensemble import ENTRY

    assert set(ENTRY) == set(RULESETS)
    for entry in ENTRY.values():
        folder, name = entry.split("/")
        module, function = name.split(".")
        kernel = getattr(importlib.import_module(f"hito.{folder}.{module}"), function)
        assert type(kernel._cache).__name__ == "FunctionCache", entry


@pytest.mark.parametrize("ruleset", RULESETS)
def test_after_a_run_the_rulesets_kernels_are_found_in_the_cache(tmp_path, ruleset):
    from hito.flee.ensemble import kernels_cached

    simulate(compile_flee(read_case(case(tmp_path)), days=2), run_seed(0, 0), ruleset=ruleset)
    assert kernels_cached(ruleset)


def test_an_unknown_ruleset_is_refused(tmp_path, monkeypatch, capsys):
    code, _, err = hito(
        monkeypatch,
        capsys,
        "flee",
        "run",
        str(case(tmp_path)),
        "--out",
        str(tmp_path / "o"),
        "--ruleset",
        "people",
    )
    assert code == 2 and "ruleset: got 'people', expected one of: agents, cohorts" in err


@pytest.mark.parametrize("avoid_short", [True, False])
def test_both_rulesets_give_the_same_ard_distribution(tmp_path, avoid_short):
    root = case(tmp_path)
    if not avoid_short:
        sim = (
            (root / "simsetting.yml")
            .read_text()
            .replace("avoid_short_stints: True", "avoid_short_stints: False")
        )
        (root / "simsetting.yml").write_text(sim)
    c = compile_flee(read_case(root))
    ards = {
        rs: [simulate(c, run_seed(11, i), ruleset=rs).ard for i in range(40)]
        for rs in ("agents", "cohorts")
    }
    # two-sample tests over 40 seeds each: a real difference in the rules would show here
    assert stats.ks_2samp(ards["agents"], ards["cohorts"]).pvalue > 0.01
    assert stats.mannwhitneyu(ards["agents"], ards["cohorts"]).pvalue > 0.01


def test_both_rulesets_refill_a_full_camp_its_residents_leave_alike(tmp_path):
    # camp C (capacity 60) fills up and its residents leave now and then: a person
    # choosing in the morning sees C as the residents evolved before them left it. Cohorts
    # that drew camp leavers only after every town's choice kept C below the per-agent
    # counts (ARD and mean count p < 0.0001 over these seeds)
    root = case(tmp_path)
    sim = (root / "simsetting.yml").read_text()
    (root / "simsetting.yml").write_text(
        sim.replace("camp_movechance: 0.0", "camp_movechance: 0.1")
    )
    c = compile_flee(read_case(root))
    col = c.names.index("C")
    runs = {rs: [simulate(c, run_seed(13, i), ruleset=rs) for i in range(40)] for rs in RULESETS}
    for stat in (lambda r: r.ard, lambda r: float(r.counts[:, col].mean())):
        a, b = ([stat(r) for r in runs[rs]] for rs in RULESETS)
        assert stats.ks_2samp(a, b).pvalue > 0.01
        assert stats.mannwhitneyu(a, b).pvalue > 0.01


def test_a_script_without_its_main_guard_is_told_why_its_flee_workers_stopped(tmp_path):
    """hito.run_flee(..., executor="local") in a script with no `if __name__ == "__main__":`:
    each worker read the script again and stopped; the error said only that workers ended, as
    if out of memory (the hint was given for scenario ensembles only)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import hito

    folder = case(tmp_path)
    script = tmp_path / "flee_runs.py"
    script.write_text(
        "import hito\n"
        "from hito.ensemble.executors import LocalExecutor\n"
        "ex = LocalExecutor(processes=1, retries=0)\n"
        f"hito.run_flee({str(folder)!r}, runs=1, ruleset='cohorts', executor=ex)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(hito.__file__).parents[1]), "HITO_LANG": "en"}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode != 0
    assert "1 of 1 run failed after every retry (run 0); no partial result is written" in (
        done.stderr
    )
    assert "runs 0: the worker process running these runs ended" in done.stderr
    assert done.stderr.rstrip().endswith(
        f"every worker process stopped as it started: a worker reads the script {script} again "
        "when it starts, so the code that starts an ensemble there needs to be under `if "
        '__name__ == "__main__":` (as Python\'s multiprocessing asks), or use executor="serial"'
    )
