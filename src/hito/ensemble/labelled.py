"""An ensemble with named axes: xarray (quantile, day, place, group, state), NetCDF and Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hito.engine.compile import STATES
from hito.ensemble.reduce import LEVELS

if TYPE_CHECKING:
    import xarray as xr

    from hito.ensemble.result import Ensemble

# the order of the axes of every array: a day, a place, a group, a state of people
AXES = ("day", "place", "group", "state")


def to_xarray(ens: Ensemble) -> xr.Dataset:
    """The ensemble as an xarray Dataset with named axes.

    - `quantiles` [quantile, day, place, group, state]: people in each cell, P5..P95 over runs;
    - `quantiles_by_place` [quantile, day, place, state] and `quantiles_total`
      [quantile, day, state]: the quantiles of the sums (not sums of quantiles);
    - `kept` [run, day, place, group, state]: the runs kept in full (if any);
    - per-run figures on the axis `run`: stranded_peak, stranded_person_days, conservation_error.
    Coordinates: quantile ("p5".."p95", with its `level`), day (0..T-1, with its `date`),
    place, group and state ids.
    """
    import xarray as xr

    full, by_place, total = ens.cell_quantiles()  # [L, T, S, P, G], [L, T, S, P], [L, T, S]
    dates = np.array(ens.dates(), dtype="datetime64[ns]")
    coords: dict[str, Any] = {
        "quantile": list(LEVELS),
        "level": ("quantile", list(LEVELS.values())),
        "day": np.arange(ens.days),
        "date": ("day", dates),
        "place": list(ens.place_ids),
        "group": list(ens.group_ids),
        "state": list(STATES),
        "run": ens.runs.astype(np.int64),
    }
    data: dict[str, Any] = {
        "quantiles": (("quantile", *AXES), full.transpose(0, 1, 3, 4, 2)),
        "quantiles_by_place": (
            ("quantile", "day", "place", "state"),
            by_place.transpose(0, 1, 3, 2),
        ),
        "quantiles_total": (("quantile", "day", "state"), total),
    }
    for name in ("stranded_peak", "stranded_person_days", "conservation_error"):
        data[name] = (("run",), np.asarray(ens.scalars[name]))
    if ens.kept:
        kept = sorted(ens.kept)
        stack = np.stack([ens.kept[r] for r in kept]).transpose(0, 1, 3, 4, 2)  # [n, T, P, G, S]
        coords["kept_run"] = np.array(kept, dtype=np.int64)
        data["kept"] = (("kept_run", *AXES), stack)
    attrs = {
        "scenario": str(ens.info.get("scenario", "")),
        "seed": int(ens.info.get("seed", 0)),
        "runs": len(ens.runs),
        "start": ens.start.isoformat(),
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def to_netcdf(ens: Ensemble, path: str | Path) -> Path:
    """Write the Dataset of `to_xarray` as a NetCDF file (classic format, scipy's writer)."""
    ds = to_xarray(ens)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for name in ds.data_vars:  # the classic format has no 64-bit integers
        if ds[name].dtype == np.int64:
            ds[name] = ds[name].astype(np.int32)
    small = {c: ds[c].astype(np.int32) for c in ("day", "run", "kept_run") if c in ds.coords}
    ds = ds.assign_coords(small)
    ds.to_netcdf(path, engine="scipy")
    return path


def to_parquet(ens: Ensemble, path: str | Path) -> Path:
    """Write the long quantile table (day, date, place, group, state, p5..p95) as Parquet."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ens.quantile_table().write_parquet(path)
    return path
