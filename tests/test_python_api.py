"""The Python API for analysts: `import hito` is light, docs/python.md runs as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hito
from hito.engine.compile import STATES
from hito.errors import InputError
from hito.testing import assert_ensembles_equal, tiny_scenario

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English

DOC = Path(__file__).resolve().parents[1] / "docs" / "python.md"


def test_import_hito_loads_no_model_and_no_heavy_library() -> None:
    probe = "import json, sys, hito; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    heavy = {"numba", "polars", "pyarrow", "pydantic", "xarray", "numpy", "hito.scenario.model"}
    assert loaded & heavy == set()


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="module 'hito' has no attribute 'simulate'"):
        _ = hito.simulate  # type: ignore[attr-defined]


@pytest.mark.parametrize("block", re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S))
def test_the_examples_of_docs_python_md_run(block: str) -> None:
    exec(compile(block, str(DOC), "exec"), {})


def test_to_xarray_labels_every_axis_with_the_ensemble_numbers() -> None:
    s = tiny_scenario(days=6)
    ens = hito.run(s, runs=3, seed=5, keep_runs=3)
    ds = ens.to_xarray()
    full, by_place, total = ens.cell_quantiles()  # [L, T, S, P, G]
    strip, undoc, stranded = 3, 0, STATES.index("stranded")
    cell = ds["quantiles"].sel(quantile="p50", day=4, place="strip", group="ven-undoc")
    assert float(cell.sel(state="stranded")) == full[3, 4, stranded, strip, undoc]
    assert np.array_equal(ds["quantiles_total"].values, total)
    assert list(ds["place"].values) == [p.id for p in s.places]
    assert list(ds["state"].values) == list(STATES)
    assert np.array_equal(
        ds["kept"].sel(kept_run=2).transpose("day", "state", "place", "group").values, ens.kept[2]
    )
    assert ds.attrs == {"scenario": "tiny", "seed": 5, "runs": 3, "start": "2025-01-01"}


def test_netcdf_and_parquet_read_back_the_same_numbers(tmp_path: Path) -> None:
    import polars as pl
    import xarray as xr

    ens = hito.run(tiny_scenario(days=5), runs=2, seed=1)
    with xr.open_dataset(ens.to_netcdf(tmp_path / "e.nc"), engine="scipy") as back:
        assert np.array_equal(back["quantiles"].values, ens.to_xarray()["quantiles"].values)
        assert list(back["place"].values) == list(ens.place_ids)
    table = pl.read_parquet(ens.to_parquet(tmp_path / "q.parquet"))
    assert table.height == ens.quantile_table().height


def test_the_same_runs_on_processes_give_the_same_ensemble() -> None:
    s = tiny_scenario(days=6)
    assert_ensembles_equal(
        hito.run(s, runs=4, seed=3), hito.run(s, runs=4, seed=3, executor="local", workers=2)
    )


def test_assert_ensembles_equal_names_what_differs() -> None:
    s = tiny_scenario(days=6)
    with pytest.raises(AssertionError, match="ensembles differ in runs"):
        assert_ensembles_equal(hito.run(s, runs=2, seed=1), hito.run(s, runs=3, seed=1))


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"runs": 0}, "runs: got 0, expected a whole number of at least 1"),
        ({"seed": -1}, "seed: got -1, expected a non-negative whole number"),
        ({"sampling": "sobol"}, "sampling: got 'sobol', expected one of"),
        ({"executor": "ray"}, "executor: got 'ray', expected one of: serial, local, dask"),
    ],
)
def test_bad_arguments_name_the_argument(kw: dict, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        hito.run(tiny_scenario(days=3), **kw)


def test_a_bad_event_names_the_argument_events_not_the_command_lines_option() -> None:
    """hito.run(events=[...]) was told about `--event`, an option a Python user never used."""
    s = tiny_scenario(days=3)
    with pytest.raises(InputError) as bad:
        hito.run(s, runs=1, events=["soon"])
    assert bad.value.problems == [
        "events 'soon': expected PLACE:STATE>NUMBER (on any day) or PLACE:STATE>NUMBER@YYYY-MM-DD "
        "(on that day), PLACE a place id or 'all'"
    ]
    with pytest.raises(InputError) as nowhere:
        hito.run(s, runs=1, events=["all:stranded>5", "camp:stranded>5"])
    assert nowhere.value.problems == [
        "events 'camp:stranded>5': unknown place 'camp', expected 'all' or one of: home, city, "
        "post-a, strip, post-b, onward, desert"
    ]
    with pytest.raises(InputError) as late:  # in the scenario, after the days asked for
        hito.run(s, runs=1, days=2, events=["all:stranded>5@2025-01-03"])
    assert late.value.problems == [
        "events all:stranded>5@2025-01-03: day 2 is after the last simulated day (1); expected a "
        "date within the run"
    ]


def test_a_scenario_by_name_or_path() -> None:
    assert "tacna-arica-2025" in hito.scenarios()
    assert hito.load_scenario("tacna-arica-2025").name
    with pytest.raises(hito.ScenarioError):
        hito.load_scenario("no-such-scenario")


def test_a_flee_case_says_its_quirks_and_strict_refuses_them(tmp_path: Path) -> None:
    from flee_helpers import make_case

    root = make_case(tmp_path / "case")
    (root / "input_csv" / "closures.csv").unlink()  # Flee 3.1 runs it: no closures
    case = hito.read_flee_case(root)
    assert [w.say("en") for w in case.warnings] == [
        "case/input_csv/closures.csv: warning: missing; read as no closures"
    ]
    with pytest.raises(InputError, match="closures.csv: missing; read as no closures"):
        hito.read_flee_case(root, strict=True)


def test_run_flee_gives_the_runs_of_hito_flee_run_on_any_executor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli_helpers import hito_here
    from flee_helpers import make_case

    root = make_case(tmp_path / "case", days=30)
    runs = hito.run_flee(root, runs=3, seed=4)
    assert len(runs.ard_per_run) == 3 and runs.ard == pytest.approx(np.mean(runs.ard_per_run))
    args = ("flee", "run", str(root), "--out", str(tmp_path / "o"), "--runs", "3", "--seed", "4")
    code, _, err = hito_here(monkeypatch, capsys, *args)
    assert code == 0, err
    said = json.loads((tmp_path / "o" / "validation.json").read_text())
    assert said["ard_per_run"] == runs.ard_per_run
    on_processes = hito.run_flee(root, runs=3, seed=4, executor="local", workers=2)
    assert on_processes.ard_per_run == runs.ard_per_run
    table = runs.camp_table()
    assert table.columns == ["run", "day", "date", "camp", "simulated", "observed"]
    assert table.height == 3 * 30 * 2  # runs x days x camps (C and D)
    first = table.filter((table["run"] == 0) & (table["camp"] == "C"))["simulated"].to_list()
    assert first == runs.results[0].sim[:, runs.results[0].camps.index("C")].tolist()


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"ruleset": "people"}, "ruleset: got 'people', expected one of: agents, cohorts"),
        ({"runs": 0}, "runs: got 0, expected a whole number of at least 1"),
        ({"executor": "ray"}, "executor: got 'ray', expected one of: serial, local, dask"),
    ],
)
def test_run_flee_names_a_bad_argument(tmp_path: Path, kw: dict, message: str) -> None:
    from flee_helpers import make_case

    with pytest.raises(InputError, match=re.escape(message)):
        hito.run_flee(make_case(tmp_path / "case"), **kw)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"days": 0}, "days: got 0, expected a whole number of at least 1"),
        ({"days": -3}, "days: got -3, expected a whole number of at least 1"),
        ({"hasten": 0}, "hasten: got 0, expected a whole number of at least 1"),
        ({"hasten": 2.5}, "hasten: got 2.5, expected a whole number of at least 1"),
    ],
)
def test_run_flee_refuses_days_and_hasten_below_one(tmp_path: Path, kw: dict, message: str) -> None:
    from flee_helpers import make_case

    with pytest.raises(InputError, match=re.escape(message)):
        hito.run_flee(make_case(tmp_path / "case"), **kw)
