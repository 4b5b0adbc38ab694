"""An ensemble's outputs: quantiles per cell, figures per run, draws, and the kept full runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from hito.engine.compile import STATES
from hito.ensemble.reduce import LEVELS, Layout
from hito.ensemble.sampling import Design

FINAL_STATES = ("crossed", "returned", "diverted", "harmed", "exited")
ALL = "all"  # the place or group label of totals in the quantile table


@dataclass
class Ensemble:
    """The reduced result of many runs (identical for the same spec on any executor)."""

    info: dict[str, Any]  # the spec's description
    place_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    start: dt.date
    layout: Layout
    runs: np.ndarray  # [n] run numbers
    draws: Design  # rows in the order of `runs`
    quantiles: np.ndarray  # [len(LEVELS), cells]
    scalars: dict[str, np.ndarray]  # name -> [n, ...] in the order of `runs`
    kept: dict[int, np.ndarray]  # run number -> [T, S, P, G]
    stats: dict[str, Any] = field(default_factory=dict)  # executor, chunks, bytes, seconds

    @property
    def days(self) -> int:
        """Days simulated."""
        return self.layout.days

    def dates(self) -> list[dt.date]:
        """Calendar date of every day."""
        return [self.start + dt.timedelta(days=d) for d in range(self.days)]

    def cell_quantiles(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """([L, T, S, P, G], [L, T, S, P] summed over groups, [L, T, S] summed over all)."""
        return self.layout.split(self.quantiles)

    def fan(self, state: str = "stranded", place: str | None = None) -> np.ndarray:
        """[3, T] P10/P50/P90 of a state at a place (None: all places), groups summed."""
        _, by_place, total = self.cell_quantiles()
        rows = [list(LEVELS).index(k) for k in ("p10", "p50", "p90")]
        row = STATES.index(state)
        if place is None:
            return total[rows, :, row]
        return by_place[rows, :, row, self.place_ids.index(place)]

    def event_probabilities(self) -> dict[str, float]:
        """Share of runs in which each event happened."""
        ev = self.scalars["events"]
        labels = self.info.get("events", [])
        return {lab: float(ev[:, j].mean()) for j, lab in enumerate(labels)}

    def summary(self) -> dict[str, Any]:
        """summary.json: the same keys as a plain `hito run`, with P5..P95 and events."""
        sc = self.scalars
        out: dict[str, Any] = {
            "scenario": self.info["scenario"],
            "seed": self.info["seed"],
            "runs": int(len(self.runs)),
            "days": self.days,
            "start": self.start.isoformat(),
            "end": self.dates()[-1].isoformat(),
            "conservation_error": int(sc["conservation_error"].max(initial=0)),
            "stranded_peak": levels(sc["stranded_peak"]),
            "stranded_peak_day": levels(sc["stranded_peak_day"]),
            "stranded_person_days": levels(sc["stranded_person_days"]),
            "final": {name: levels(sc["final"][:, STATES.index(name)]) for name in FINAL_STATES},
            "places": {
                pid: {
                    "stranded_peak": levels(sc["place_stranded_peak"][:, i]),
                    "stranded_person_days": levels(sc["place_stranded_person_days"][:, i]),
                }
                for i, pid in enumerate(self.place_ids)
            },
            "events": self.event_probabilities(),
            "extras": {
                k.removeprefix("extra."): levels(v) for k, v in sc.items() if k.startswith("extra.")
            },
            "ensemble": {**self.info, **self.stats},
        }
        return out

    def quantile_table(self) -> pl.DataFrame:
        """Long table: day, date, place, group, state, p5..p95 (totals under place/group 'all')."""
        full, by_place, total = self.cell_quantiles()
        T, S, P, G = full.shape[1:]
        frames = []
        for arr, places, groups in (
            (full, self.place_ids, self.group_ids),
            (by_place[..., None], self.place_ids, (ALL,)),
            (total[..., None, None], (ALL,), (ALL,)),
        ):
            shape = arr.shape[1:]
            idx = np.indices(shape).reshape(4, -1)
            cols: dict[str, Any] = {
                "day": idx[0].astype(np.int32),
                "date": np.datetime64(self.start) + idx[0].astype("timedelta64[D]"),
                "place": np.array(places)[idx[2]],
                "group": np.array(groups)[idx[3]],
                "state": np.array(STATES)[idx[1]],
            }
            for k, name in enumerate(LEVELS):
                cols[name] = arr[k].reshape(-1)
            frames.append(pl.DataFrame(cols))
        return pl.concat(frames).with_columns(
            pl.col("date").cast(pl.Date), pl.col(["place", "group", "state"]).cast(pl.Categorical)
        )

    def runs_table(self) -> pl.DataFrame:
        """One row per run: its figures, its events and every value it drew."""
        sc = self.scalars
        cols: dict[str, Any] = {
            "run": self.runs.astype(np.int64),
            "stranded_peak": sc["stranded_peak"],
            "stranded_peak_day": sc["stranded_peak_day"],
            "stranded_person_days": sc["stranded_person_days"],
        }
        for name in FINAL_STATES:
            cols[name] = sc["final"][:, STATES.index(name)]
        cols["conservation_error"] = sc["conservation_error"]
        for j, lab in enumerate(self.info.get("events", [])):
            cols[f"event:{lab}"] = sc["events"][:, j]
        for k, v in sc.items():
            if k.startswith("extra."):
                cols[k] = v
        for j, path in enumerate(self.draws.paths):
            cols[f"draw:{path}"] = self.draws.values[:, j]
        return pl.DataFrame(cols)

    def to_xarray(self) -> Any:
        """An xarray Dataset with named axes (quantile, day, place, group, state): see labelled."""
        from hito.ensemble.labelled import to_xarray

        return to_xarray(self)

    def to_netcdf(self, path: Any) -> Any:
        """Write `to_xarray()` as a NetCDF file; returns its path."""
        from hito.ensemble.labelled import to_netcdf

        return to_netcdf(self, path)

    def to_parquet(self, path: Any) -> Any:
        """Write the long quantile table as a Parquet file; returns its path."""
        from hito.ensemble.labelled import to_parquet

        return to_parquet(self, path)

    def daily_frames(self, runs_per_frame: int = 10) -> Any:
        """The kept runs as long daily tables (run, day, date, place, group, state, people)."""
        kept = sorted(self.kept)
        for k in range(0, len(kept), runs_per_frame):
            batch = kept[k : k + runs_per_frame]
            stack = np.stack([self.kept[r] for r in batch])
            n, T, S, P, G = stack.shape
            idx = np.indices((n, T, S, P, G)).reshape(5, -1)
            yield pl.DataFrame(
                {
                    "run": np.array(batch, dtype=np.int32)[idx[0]],
                    "day": idx[1].astype(np.int32),
                    "date": np.datetime64(self.start) + idx[1].astype("timedelta64[D]"),
                    "place": np.array(self.place_ids)[idx[3]],
                    "group": np.array(self.group_ids)[idx[4]],
                    "state": np.array(STATES)[idx[2]],
                    "people": stack.reshape(-1).astype(np.int64),
                }
            ).with_columns(
                pl.col("date").cast(pl.Date),
                pl.col(["place", "group", "state"]).cast(pl.Categorical),
            )


SUMMARY_LEVELS = ("p10", "p50", "p90")  # summary.json keeps the keys `hito run` always had


def levels(values: np.ndarray, names: tuple[str, ...] = SUMMARY_LEVELS) -> dict[str, float]:
    """Quantiles (default P10/P50/P90) of per-run values, exact over every run."""
    v = np.quantile(np.asarray(values, dtype=float), [LEVELS[k] for k in names])
    return {k: float(x) for k, x in zip(names, v, strict=True)}
