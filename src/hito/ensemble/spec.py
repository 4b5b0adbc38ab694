"""What an ensemble is: a picklable spec of scenario, horizon, seed, runs and the per-run model."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from hito.domain import ID_CHARS, MAX_DAYS
from hito.engine.compile import STATES, Compiled
from hito.engine.run import RunResult, simulate
from hito.ensemble.sampling import METHODS, Method
from hito.ensemble.syntax import EVENT_FORM
from hito.errors import N_, InputError, Problem, not_one_of
from hito.scenario.model import Scenario
from hito.scenario.numbers import Range
from hito.scenario.uncertain import ranges, uncertain

Extras = Mapping[str, float]
RunOutcome = RunResult | tuple[RunResult, Extras]


class Runner(Protocol):
    """The per-run model: one future of a compiled scenario (must pickle).

    A module-level function or an instance of a module-level class; it may return the
    RunResult alone or with a mapping of extra per-run numbers (cost, triggers fired).
    """

    def __call__(
        self, scenario: Scenario, compiled: Compiled, seed: np.random.SeedSequence
    ) -> RunOutcome:
        """Simulate one run."""
        ...


def border_run(scenario: Scenario, compiled: Compiled, seed: np.random.SeedSequence) -> RunResult:
    """The default per-run model: hito's border ruleset, open loop."""
    return simulate(compiled, seed)


@dataclass(frozen=True)
class Event:
    """'STATE at PLACE above X (on DAY | on any day)': its probability is a share of runs."""

    state: str
    above: float
    place: str | None = None  # None: every place summed
    day: int | None = None  # None: on any day
    text: str = ""  # as written by the user
    # where it was written, for messages: "--event" (the command line), "events" (Python)
    where: str = field(default="events", compare=False)

    @property
    def label(self) -> str:
        """The event as written on the command line."""
        if self.text:
            return self.text
        when = "" if self.day is None else f"@day{self.day}"
        return f"{self.place or 'all'}:{self.state}>{self.above:g}{when}"

    def occurred(self, states: np.ndarray, place_ids: tuple[str, ...]) -> bool:
        """True when the event happened in a run's [day, state, place, group] array."""
        people = states[:, STATES.index(self.state)]
        if self.place is None:
            series = people.sum(axis=(1, 2))
        else:
            series = people[:, place_ids.index(self.place)].sum(axis=1)
        if self.day is None:
            return bool((series > self.above).any())
        return bool(self.day < len(series) and series[self.day] > self.above)


_EVENT = re.compile(
    rf"^(?P<place>{ID_CHARS}):(?P<state>[a-z_]+)>(?P<x>[0-9.]+)"
    r"(?:@(?P<date>[^@]*))?$"  # a date's own mistakes are said by the date's message
)


def parse_event(text: str, s: Scenario, *, where: str = "--event") -> Event:
    """Read an event such as `concordia-strip:stranded>500@2026-01-15` (no date: any day).

    `where` names what the text was given as, first in every message about it: the option
    `--event` on the command line, the argument `events` of `hito.run`.
    """
    m = _EVENT.match(text.strip())
    if not m:
        raise InputError(
            Problem(
                "%(where)s %(text)s: expected %(event_syntax)s",
                where=where,
                text=repr(text),
                event_syntax=EVENT_FORM,
            )
        )
    place = m["place"]
    places = [p.id for p in s.places]
    if place != "all" and place not in places:
        raise InputError(
            Problem(
                "%(where)s %(text)s: unknown place %(place)s, expected 'all' or one of: %(places)s",
                where=where,
                text=repr(text),
                place=repr(place),
                places=", ".join(places),
            )
        )
    if m["state"] not in STATES:
        raise InputError(
            Problem(
                "%(where)s %(text)s: unknown state %(state)s, expected one of: %(states)s",
                where=where,
                text=repr(text),
                state=repr(m["state"]),
                states=", ".join(STATES),
            )
        )
    try:
        above = float(m["x"])
    except ValueError:
        raise InputError(
            Problem(
                "%(where)s %(text)s: %(x)s is not a number",
                where=where,
                text=repr(text),
                x=repr(m["x"]),
            )
        ) from None
    day = None
    if m["date"] is not None:
        try:
            day = s.day_of(dt.date.fromisoformat(m["date"]))
        except ValueError:
            raise InputError(
                Problem(
                    "%(where)s %(text)s: got %(date)s, expected a date as YYYY-MM-DD that exists",
                    where=where,
                    text=repr(text),
                    date=repr(m["date"]),
                )
            ) from None
        if not 0 <= day < s.days:
            raise InputError(
                Problem(
                    "%(where)s %(text)s: %(date)s is outside the scenario, expected %(start)s "
                    "to %(date_of)s",
                    where=where,
                    text=repr(text),
                    date=m["date"],
                    start=s.start,
                    date_of=s.date_of(s.days - 1),
                )
            )
    return Event(m["state"], above, None if place == "all" else place, day, text.strip(), where)


@dataclass(frozen=True)
class EnsembleSpec:
    """Everything a worker needs to run any run of the ensemble; small and picklable.

    Run number i uses the generator `run_seed(seed, i)` and row i of the sampling design
    (over `sample` paths, default every uncertain number of the scenario); `overrides` pin
    values by Range path after sampling. `runner` is the per-run model (default: the border
    ruleset); `keep_runs` asks for the full daily states of runs 0..keep_runs-1.
    """

    scenario: Scenario
    days: int | None = None
    seed: int = 0
    runs: int = 100
    overrides: Mapping[str, float] = field(default_factory=dict)
    sampling: Method = "lhs"
    sample: tuple[str, ...] | None = None
    runner: Callable[..., RunOutcome] = border_run
    events: tuple[Event, ...] = ()
    keep_runs: int = 0

    def __post_init__(self) -> None:
        problems = self._number_problems() + self._name_problems()
        if problems:
            raise InputError(problems)

    def _number_problems(self) -> list[Problem]:
        """Runs, days, seed, sampling and kept runs outside what they may be."""
        problems: list[Problem] = []
        if self.runs < 1:
            problems.append(Problem("runs: got %(runs)s, expected at least 1", runs=self.runs))
        if self.days is not None and not 1 <= self.days <= MAX_DAYS:
            problems.append(
                Problem(
                    "days: got %(days)s, expected between 1 and %(most)s",
                    days=self.days,
                    most=MAX_DAYS,
                )
            )
        if self.seed < 0:
            problems.append(
                Problem("seed: got %(seed)s, expected a non-negative whole number", seed=self.seed)
            )
        if self.sampling not in METHODS:
            problems.append(not_one_of("sampling", self.sampling, METHODS))
        if self.keep_runs < 0:
            problems.append(
                Problem(
                    "keep_runs: got %(keep_runs)s, expected 0 or more", keep_runs=self.keep_runs
                )
            )
        return problems

    def _name_problems(self) -> list[Problem]:
        """Events after the last day; pinned or sampled paths the scenario does not have."""
        problems: list[Problem] = [
            Problem(
                "%(where)s %(event)s: day %(day)s is after the last simulated day (%(last)s); "
                "expected a date within the run",
                where=e.where,
                event=e.label,
                day=e.day,
                last=self.horizon - 1,
            )
            for e in self.events
            if e.day is not None and e.day >= self.horizon
        ]
        known = ranges(self.scenario)
        for path in [*self.overrides, *(self.sample or ())]:
            if path not in known:
                near = difflib.get_close_matches(path, list(known), n=3, cutoff=0.85)
                message = (
                    N_("%(path)s: no such number in the scenario; did you mean %(near)s?")
                    if near
                    else N_("%(path)s: no such number in the scenario")
                )
                problems.append(Problem(message, path=path, near=", ".join(near)))
        return problems

    @property
    def horizon(self) -> int:
        """Days simulated."""
        return self.scenario.days if self.days is None else self.days

    def sampled(self) -> dict[str, Range]:
        """The ranges drawn per run (pinned ones excluded)."""
        every = ranges(self.scenario)
        chosen = (
            uncertain(self.scenario) if self.sample is None else {p: every[p] for p in self.sample}
        )
        return {p: r for p, r in chosen.items() if p not in self.overrides}

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly description (for summary files)."""
        name = getattr(self.runner, "__qualname__", type(self.runner).__name__)
        return {
            "scenario": self.scenario.name,
            "days": self.horizon,
            "seed": self.seed,
            "runs": self.runs,
            "sampling": self.sampling,
            "overrides": dict(self.overrides),
            "runner": f"{getattr(self.runner, '__module__', '')}.{name}",
            "events": [e.label for e in self.events],
        }
