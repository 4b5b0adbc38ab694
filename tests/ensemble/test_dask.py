"""The dask executor on a real LocalCluster: the same seed gives the same quantiles as local,
and a worker that dies mid-ensemble costs no run."""

from __future__ import annotations

import numpy as np
import pytest

from ensemble_helpers import AlwaysFails, DiesOnce
from hito.ensemble.executors import DaskExecutor, EnsembleError, LocalExecutor, make_executor
from hito.ensemble.run import run_ensemble
from hito.ensemble.spec import EnsembleSpec, Event
from hito.errors import InputError
from hito.testing import assert_ensembles_equal, uncertain_tiny

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


@pytest.fixture(scope="module")
def cluster():
    ex = DaskExecutor(processes=2)
    ex.client()
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def spec():
    return EnsembleSpec(
        uncertain_tiny(), runs=12, seed=9, keep_runs=2, events=(Event("stranded", 40, "strip"),)
    )


def test_same_seed_same_quantiles_on_local_and_dask(cluster, spec):
    local = LocalExecutor(processes=2)
    try:
        a = run_ensemble(spec, executor=local, chunk_size=5)
    finally:
        local.close()
    b = run_ensemble(spec, executor=cluster, chunk_size=2)
    assert b.stats["executor"] == "dask" and b.stats["workers"] == 2
    assert_ensembles_equal(a, b)
    assert a.summary()["stranded_peak"] == b.summary()["stranded_peak"]


def test_a_worker_dying_mid_ensemble_is_retried_by_the_scheduler(cluster, spec, tmp_path):
    ref = run_ensemble(spec, executor=cluster)
    dying = EnsembleSpec(
        spec.scenario,
        runs=12,
        seed=9,
        keep_runs=2,
        events=spec.events,
        runner=DiesOnce(4, str(tmp_path / "died")),
    )
    ens = run_ensemble(dying, executor=cluster, chunk_size=3)
    assert (tmp_path / "died").exists()
    assert len(ens.runs) == 12
    assert np.array_equal(ref.quantiles, ens.quantiles)


def test_runs_failing_on_dask_are_reported(cluster, spec):
    failing = EnsembleSpec(spec.scenario, runs=12, seed=9, runner=AlwaysFails(0))
    cluster.retries = 1
    try:
        with pytest.raises(EnsembleError) as err:
            run_ensemble(failing, executor=cluster, chunk_size=4)
    finally:
        cluster.retries = 2
    assert err.value.problems[0].startswith("4 of 12 runs failed after every retry (runs 0-3)")


def test_an_unreachable_scheduler_is_a_clear_input_error():
    ex = make_executor("dask", scheduler="tcp://127.0.0.1:9", workers=None)
    ex.timeout = 2
    with pytest.raises(
        InputError,
        match=r"--scheduler tcp://127.0.0.1:9: no Dask scheduler answered there within 2 "
        r"seconds; expected the address of a running",
    ):
        ex.client()
    with pytest.raises(InputError, match="executor: got 'ray', expected one of: local, dask"):
        make_executor("ray")
