"""What a Dask failure says to a reader of Spanish: hito's words for the cause (Dask's own text is
English), exit code 2 for an address, no traceback."""

from __future__ import annotations

import dask
import pytest

from cli_helpers import hito_here
from ensemble_helpers import AlwaysDies, uncertain_tiny
from flee_helpers import make_case
from hito.ensemble.executors import DaskExecutor, EnsembleError, make_executor
from hito.ensemble.run import run_ensemble
from hito.ensemble.spec import EnsembleSpec
from hito.errors import InputError

NOT_AN_ADDRESS = (
    "error: --scheduler %s: no es la dirección de un planificador de Dask; se esperaba "
    "PROTOCOLO://SERVIDOR:PUERTO, p. ej. tcp://host:8786\n"
)


@pytest.mark.parametrize("address", ["notanaddress", "foo://x:1"])
def test_hito_run_with_a_bad_scheduler_address_says_so_in_spanish(monkeypatch, capsys, address):
    code, _, err = hito_here(
        monkeypatch,
        capsys,
        *("run", "tacna-arica-2025", "--runs", "2", "--executor", "dask"),
        *("--scheduler", address),
    )
    assert (code, err.splitlines()[-1] + "\n") == (2, NOT_AN_ADDRESS % address)
    assert "Traceback" not in err and "missing port" not in err and "unknown address" not in err


def test_flee_run_with_a_bad_scheduler_address_says_so_in_spanish(monkeypatch, capsys, tmp_path):
    root = make_case(tmp_path / "case")
    code, _, err = hito_here(
        monkeypatch,
        capsys,
        *("flee", "run", str(root), "--out", str(tmp_path / "out"), "--runs", "2"),
        *("--executor", "dask", "--scheduler", "foo://x:1"),
    )
    assert (code, err.strip() + "\n") == (2, NOT_AN_ADDRESS % "foo://x:1")


def test_an_unreachable_scheduler_is_said_in_spanish_without_dasks_text():
    ex = make_executor("dask", scheduler="tcp://127.0.0.1:9", workers=None)
    ex.timeout = 1
    with pytest.raises(InputError) as err:
        ex.client()
    assert err.value.problems == [
        "--scheduler tcp://127.0.0.1:9: ningún planificador de Dask respondió en esa dirección "
        "en 1 segundo; se esperaba la dirección de un `dask scheduler` en marcha, p. ej. "
        "tcp://host:8786"
    ]


def test_workers_dying_on_every_attempt_are_said_in_spanish():
    spec = EnsembleSpec(uncertain_tiny(), runs=2, seed=1, runner=AlwaysDies(0))
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        ex = DaskExecutor(processes=1)
        try:
            with pytest.raises(EnsembleError) as err:
                run_ensemble(spec, executor=ex, chunk_size=2)
        finally:
            ex.close()
    assert err.value.problems == [
        "2 de 2 simulaciones fallaron tras todos los reintentos (simulaciones 0-1); no se escribe "
        "ningún resultado parcial",
        "simulaciones 0-1: los procesos de trabajo de Dask que ejecutaban estas simulaciones se "
        "detuvieron en cada intento (terminó uno de ellos: por falta de memoria o porque alguien "
        "lo detuvo desde fuera)",
    ]


def test_a_local_worker_dying_on_every_attempt_is_said_in_spanish():
    """The local pool said 'BrokenProcessPool: a worker died', Python's English."""
    from hito.ensemble.executors import LocalExecutor

    spec = EnsembleSpec(uncertain_tiny(), runs=2, seed=1, runner=AlwaysDies(0))
    ex = LocalExecutor(processes=1, retries=1)
    try:
        with pytest.raises(EnsembleError) as err:
            run_ensemble(spec, executor=ex, chunk_size=2)
    finally:
        ex.close()
    assert err.value.problems[:2] == [
        "2 de 2 simulaciones fallaron tras todos los reintentos (simulaciones 0-1); no se escribe "
        "ningún resultado parcial",
        "simulaciones 0-1: el proceso de trabajo que ejecutaba estas simulaciones terminó (por "
        "falta de memoria o porque alguien lo detuvo desde fuera)",
    ]


def test_an_unexpected_error_in_a_run_keeps_its_text_only_as_a_detail():
    from ensemble_helpers import AlwaysFails
    from hito.ensemble.executors import LocalExecutor

    spec = EnsembleSpec(uncertain_tiny(), runs=2, seed=1, runner=AlwaysFails(0))
    ex = LocalExecutor(processes=1, retries=0)
    try:
        with pytest.raises(EnsembleError) as err:
            run_ensemble(spec, executor=ex, chunk_size=2)
    finally:
        ex.close()
    assert err.value.problems[1] == (
        "simulaciones 0-1: la simulación se detuvo por un error inesperado (detalle: "
        "RuntimeError: run 0 cannot be simulated)"
    )


@pytest.mark.parametrize("address", ["foo://x:1", "tcp://127.0.0.1:9"])
def test_a_scheduler_that_cannot_be_reached_leaves_dasks_config_as_it_was(address):
    """A failed Client used to leave `scheduler: dask.distributed` set for the whole process, so
    later xarray writes asked for a client that never came up."""
    before = dask.config.get("scheduler", None)
    ex = make_executor("dask", scheduler=address, workers=None)
    ex.timeout = 1
    with pytest.raises(InputError):
        ex.client()
    assert dask.config.get("scheduler", None) == before
