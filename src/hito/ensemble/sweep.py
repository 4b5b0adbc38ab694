"""Policy sweeps: grids of scenario options (`PATH=V1,V2,...` each), each run as an ensemble.

A path addresses scenario fields with dots: `behaviour.tolerance_days`,
`routes.strip-hito-15.hazard` (list items by id), `policies[2].daily_quota` (by position),
`policies.corridor.daily_quota` (every policy of that type). When a scenario has no
corridor and a path asks for one, a corridor (quota 0) is added through each closed route
for the dates of its closure, so a quota sweep needs no scenario edit; other policy types
must already be in the scenario. A swept number is fixed (not sampled) in every run; the
other uncertain numbers are drawn from the same design in every option (common random
numbers), so options differ only by the policy.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from pydantic import BaseModel, ValidationError

from hito.ensemble.result import Ensemble
from hito.ensemble.run import run_ensemble
from hito.ensemble.spec import EnsembleSpec, Event
from hito.ensemble.syntax import VARY_FORM
from hito.ensemble.vary import Vary
from hito.errors import InputError, Problem, Said
from hito.scenario.model import Scenario
from hito.scenario.numbers import Num, Range
from hito.scenario.policies import POLICY_TYPES, Close, Corridor
from hito.scenario.text import Title
from hito.scenario.uncertain import uncertain
from hito.validation import pydantic_problem
from hito.yamlwords import value_kind

TABLE_FINALS = ("diverted", "harmed", "returned", "crossed")
_SEGMENT = re.compile(r"^(?P<name>[A-Za-z0-9_\-]*)(?P<index>(\[\d+\])*)$")


@dataclass(frozen=True)
class Option:
    """One point of the grid: its settings, its scenario and the Range values it pins."""

    settings: tuple[tuple[str, Any], ...]
    scenario: Scenario
    overrides: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """'daily_quota=50, tolerance_days=5'."""
        return ", ".join(f"{p.rsplit('.', 1)[-1]}={v}" for p, v in self.settings)


ADDED = Title(es="añadido por hito sweep", en="added by hito sweep")


def with_corridors(s: Scenario, varies: Sequence[Vary]) -> Scenario:
    """Add a zero-quota corridor through each closed route when a path needs one and none exist."""
    wants = any(v.path.split(".")[:2] == ["policies", "corridor"] for v in varies)
    if not wants or any(isinstance(p, Corridor) for p in s.policies):
        return s
    added = [
        Corridor(
            type="corridor",
            route=route,
            start=p.start,
            end=p.end,
            daily_quota=Num(value=0, source=ADDED),
            source=Title(
                es="añadido por hito sweep: un corredor por una ruta cerrada, en sus mismas fechas",
                en="added by hito sweep: a corridor through a closed route, for its dates",
            ),
        )
        for p in s.policies
        if isinstance(p, Close)
        for route in p.routes
    ]
    if not added:
        raise InputError(
            Problem(
                "--vary policies.corridor...: the scenario has no corridor and no closure to open "
                "one through; expected a scenario with a `close` or a `corridor` policy"
            )
        )
    return s.model_copy(update={"policies": [*s.policies, *added]})


def _segments(path: str) -> list[str]:
    out: list[str] = []
    for part in path.split("."):
        m = _SEGMENT.match(part)
        if not m or (not m["name"] and not m["index"]):
            raise InputError(
                Problem(
                    "--vary %(path)s: cannot read %(part)s; expected %(vary_syntax)s",
                    path=path,
                    part=repr(part),
                    vary_syntax=VARY_FORM,
                )
            )
        if m["name"]:
            out.append(m["name"])
        out.extend(re.findall(r"\[\d+\]", m["index"]))
    return out


def targets(s: Scenario, path: str) -> list[tuple[list[Any], Any]]:
    """Resolve a path to its fields: (key path into the scenario's dict, current value)."""
    current: list[tuple[list[Any], Any]] = [([], s)]
    for seg in _segments(path):
        nxt: list[tuple[list[Any], Any]] = []
        for keys, obj in current:
            nxt.extend(_step(keys, obj, seg, path))
        current = nxt
    return current


def _step(keys: list[Any], obj: Any, seg: str, path: str) -> list[tuple[list[Any], Any]]:
    """The fields one segment of a path addresses below `obj` (at `keys`)."""
    where: Said = _range_path(keys) or Problem("the scenario")
    if isinstance(obj, Range):
        raise InputError(
            Problem(
                "--vary %(path)s: %(where)s is a number; nothing below it to address",
                path=path,
                where=where,
            )
        )
    if isinstance(obj, BaseModel):
        fields = {(f.alias or n): n for n, f in type(obj).model_fields.items()}
        if seg not in fields:
            raise InputError(
                Problem(
                    "--vary %(path)s: unknown field %(seg)s of %(where)s (%(name)s), expected one "
                    "of: %(fields)s",
                    path=path,
                    seg=repr(seg),
                    where=where,
                    name=type(obj).__name__,
                    fields=", ".join(fields),
                )
            )
        return [([*keys, seg], getattr(obj, fields[seg]))]
    if isinstance(obj, list):
        return _step_list(keys, obj, seg, path, where)
    if isinstance(obj, dict):
        if seg not in {str(k) for k in obj}:
            raise InputError(
                Problem(
                    "--vary %(path)s: no key %(seg)s in %(where)s, expected one of: %(keys)s",
                    path=path,
                    seg=repr(seg),
                    where=where,
                    keys=", ".join(str(k) for k in obj),
                )
            )
        key = next(k for k in obj if str(k) == seg)
        return [([*keys, key], obj[key])]
    raise InputError(
        Problem(
            "--vary %(path)s: %(where)s is %(kind)s; nothing below it to address",
            path=path,
            where=where,
            kind=value_kind(obj),
        )
    )


def _step_list(
    keys: list[Any], obj: list[Any], seg: str, path: str, where: Said
) -> list[tuple[list[Any], Any]]:
    """The items of a list a segment addresses: [index], an id, or (policies) a policy type."""
    if seg.startswith("["):
        i = int(seg[1:-1])
        if i >= len(obj):
            raise InputError(
                Problem(
                    "--vary %(path)s: got index %(i)s, expected one below %(count)s (the number of "
                    "items in %(where)s)",
                    path=path,
                    where=where,
                    count=len(obj),
                    i=i,
                )
            )
        return [([*keys, i], obj[i])]
    ids = [getattr(x, "id", None) for x in obj]
    if seg in ids:
        return [([*keys, ids.index(seg)], obj[ids.index(seg)])]
    if keys == ["policies"] and seg in POLICY_TYPES:
        hits = [([*keys, i], p) for i, p in enumerate(obj) if p.type == seg]
        if not hits:
            raise InputError(
                Problem(
                    "--vary %(path)s: the scenario has no %(seg)s policy; add one to the scenario "
                    "file (only corridors are added, through closed routes)",
                    path=path,
                    seg=seg,
                )
            )
        return hits
    choices = [str(i) for i in ids if i] or ([*POLICY_TYPES] if keys == ["policies"] else [])
    if choices:
        raise InputError(
            Problem(
                "--vary %(path)s: no item %(seg)s in %(where)s, expected [index] or one of: "
                "%(choices)s",
                path=path,
                seg=repr(seg),
                where=where,
                choices=", ".join(choices),
            )
        )
    raise InputError(
        Problem(
            "--vary %(path)s: no item %(seg)s in %(where)s, expected [index]",
            path=path,
            seg=repr(seg),
            where=where,
        )
    )


def _range_path(keys: list[Any]) -> str:
    out = ""
    for k in keys:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


Resolved = list[tuple[Vary, list[tuple[list[Any], Any]]]]  # each vary with the fields it sets


def options(base: Scenario, varies: Sequence[Vary]) -> tuple[Scenario, list[Option]]:
    """The grid: every combination of values, each a validated scenario (errors: exit 2)."""
    if not varies:
        raise InputError(
            Problem("--vary: give at least one, expected %(vary_syntax)s", vary_syntax=VARY_FORM)
        )
    base = with_corridors(base, varies)
    resolved = [(v, targets(base, v.path)) for v in varies]
    for v, ts in resolved:
        for _keys, cur in ts:
            if isinstance(cur, BaseModel | list) and not isinstance(cur, Range):
                raise InputError(
                    Problem(
                        "--vary %(path)s: addresses a whole %(name)s, expected a field holding a "
                        "number, a date or a word",
                        path=v.path,
                        name=type(cur).__name__,
                    )
                )
    data = base.model_dump(by_alias=True)
    combos = itertools.product(*(v.values for v, _ in resolved))
    return base, [_option(data, resolved, combo) for combo in combos]


def _option(data: dict[str, Any], resolved: Resolved, combo: tuple[Any, ...]) -> Option:
    """One combination of values set into a copy of the scenario's data, validated."""
    d = copy.deepcopy(data)
    overrides: dict[str, float] = {}
    for (v, ts), value in zip(resolved, combo, strict=True):
        for keys, cur in ts:
            if not isinstance(cur, Range):
                _set(d, keys, value)
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(
                    Problem(
                        "--vary %(path)s: got %(value)s, expected a number",
                        path=v.path,
                        value=repr(value),
                    )
                )
            _set(d, keys, {"value": value, "source": f"hito sweep: {v.path}={value}"})
            overrides[_range_path(keys)] = float(value)
    try:
        s = Scenario.model_validate(d)
    except ValidationError as exc:
        shown = ", ".join(f"{v.path}={x}" for (v, _), x in zip(resolved, combo, strict=True))
        raise InputError(
            [
                Problem(
                    "--vary %(shown)s: %(problem)s (at %(field)s)",
                    shown=shown,
                    problem=pydantic_problem(e),
                    field=_range_path(list(e["loc"])),
                )
                for e in exc.errors()
            ]
        ) from None
    settings = tuple((v.path, x) for (v, _), x in zip(resolved, combo, strict=True))
    return Option(settings, s, overrides)


def _set(d: Any, keys: list[Any], value: Any) -> None:
    for k in keys[:-1]:
        d = d[k]
    d[keys[-1]] = value


@dataclass
class SweepResult:
    """Every option's ensemble, in grid order."""

    base: Scenario
    varies: list[Vary]
    options: list[Option]
    ensembles: list[Ensemble]

    def table(self) -> pl.DataFrame:
        """One row per option: its settings, then P10/P50/P90 of each figure, then events."""
        rows = []
        for opt, ens in zip(self.options, self.ensembles, strict=True):
            summ = ens.summary()
            row: dict[str, Any] = {"option": opt.label}
            for path, value in opt.settings:
                row[path] = str(value)
            row["runs"] = summ["runs"]
            figures = {
                "stranded_peak": summ["stranded_peak"],
                "stranded_person_days": summ["stranded_person_days"],
                **{name: summ["final"][name] for name in TABLE_FINALS},
            }
            for name, q in figures.items():
                for level in ("p10", "p50", "p90"):
                    row[f"{name}_{level}"] = q[level]
            for label, p in summ["events"].items():
                row[f"P({label})"] = p
            rows.append(row)
        return pl.DataFrame(rows)


def run_sweep(
    base: Scenario,
    varies: Sequence[Vary],
    *,
    runs: int,
    seed: int = 0,
    days: int | None = None,
    events: Sequence[Event] = (),
    executor: Any = "local",
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Run each option of the grid as an ensemble with the same seed and the same draws."""
    prepared, opts = options(base, varies)
    sample = tuple(uncertain(prepared))
    ensembles = []
    for opt in opts:
        spec = EnsembleSpec(
            opt.scenario,
            days=days,
            seed=seed,
            runs=runs,
            overrides=opt.overrides,
            sample=sample,
            events=tuple(events),
        )
        ens = run_ensemble(spec, executor=executor, progress=progress)
        ens.info["option"] = opt.label
        ensembles.append(ens)
    return SweepResult(prepared, list(varies), opts, ensembles)
