"""Compile a Flee-flavoured Scenario into arrays: locations, links, UNHCR series, spawn schedule.

Follows Flee 3.1: ``flee/InputGeography.py`` (``StoreInputGeographyInEcosystem``: the first
location's country is home, conflict zones with a later conflict date start as towns, a
camp's population column is its capacity, populations divided by ``hasten``),
``flee/flee.py`` (``Location.__init__``: move chance per location type),
``flee/datamanager/DataTable.py`` (linear interpolation of dated counts, truncated to
integers) and ``flee/datamanager/handle_refugee_data.py`` (level-1 registration
corrections scale the counts before the correction date).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hito.errors import InputError, Problem
from hito.flee.csvread import add_tables, as_table, values
from hito.flee.model import FleeCase, FleeSection, FleeSettings
from hito.flee.spawning import conflict_by_day, conflict_spawns

# Settings present in case files that Flee 3.1 itself never reads (flee/SimulationSettings.py).
NOT_READ_BY_FLEE_31 = (
    "capacity_scaling",
    "sum_from_camps",
    "empty_camps_on_day0",
    "conflict_spawn_decay_interval",
)

# The move chance a location type Flee 3.1 does not know keeps: Ecosystem.addLocation's
# default (Location.__init__ sets none for it), so everyone leaves it each day
UNKNOWN_TYPE_MOVECHANCE = 1.0


@dataclass
class FleeCompiled:
    """Everything a run needs, as arrays; built once per (scenario, hasten)."""

    settings: FleeSettings
    days: int
    names: list[str]
    country: list[str]
    is_camp: np.ndarray
    is_idpcamp: np.ndarray
    is_town: np.ndarray
    is_marker: np.ndarray
    foreign: np.ndarray
    conflict: np.ndarray
    time_of_conflict: np.ndarray
    movechance: np.ndarray
    capacity: np.ndarray
    pop: np.ndarray
    link_src: np.ndarray
    link_dst: np.ndarray
    link_dist: np.ndarray
    link_speed: np.ndarray
    link_walk: np.ndarray
    out_off: np.ndarray
    out_links: np.ndarray
    camps: list[int]
    camp_names: list[str]
    data: np.ndarray
    raw_total: np.ndarray
    new_refs: np.ndarray
    debt: np.ndarray
    initial: np.ndarray
    conflict_names: list[int]
    conflict_values: np.ndarray
    closures: list[tuple[str, str, str, int, int]]
    hasten: int
    # (days, places) people leaving each conflict zone each day under conflict-driven
    # spawning; (0, places) when people follow the UNHCR totals
    spawn_at: np.ndarray
    ignored: list[str] = field(default_factory=list)
    flee31: bool = True  # as Flee 3.1 runs it (False: --all-settings)
    # hito.flee.schedule.Schedule: the days chance does not touch, worked out on first run
    schedule: Any = field(default=None, repr=False, compare=False)


def _forced(cell: Any) -> int:
    """A route's forced_redirection as Flee 3.1 reads it: int() of the cell, empty is 0."""
    text = str(cell or "").strip()
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else 0


def series_tables(fs: FleeSection, start: dt.date, hasten: int) -> dict[str, np.ndarray]:
    """Flee's data table per data_layout.csv name (the first row of a name; files summed).

    Level-1 registration corrections are applied (RefugeeTable.correctLevel1Registrations).
    """
    tables: dict[str, np.ndarray] = {}
    for row in fs.layout:
        if row.name in tables:
            continue
        tab = as_table(fs.series[row.files[0]].points, start, hasten)
        for f in row.files[1:]:
            tab = add_tables(tab, as_table(fs.series[f].points, start, hasten))
        tables[row.name] = tab
    for c in fs.corrections:
        tab = tables[c.name]
        d = (c.date - start).days
        hits = [i for i in np.nonzero(tab[:, 0].astype(np.int64) == d)[0] if i > 0]
        if not hits:
            raise InputError(
                Problem(
                    "registration_corrections.csv: %(name)s %(date)s: no later row of its series "
                    "on that date, expected one",
                    name=c.name,
                    date=c.date,
                )
            )
        for i in hits:
            if tab[i - 1, 1] == 0:
                raise InputError(
                    Problem(
                        "registration_corrections.csv: %(name)s %(date)s: the count before that "
                        "date is 0, so nothing can be scaled to it",
                        name=c.name,
                        date=c.date,
                    )
                )
            tab[:i, 1] *= tab[i, 1] / tab[i - 1, 1]
    return tables


def compile_flee(
    case: FleeCase, *, hasten: int | None = None, days: int | None = None, flee31: bool = True
) -> FleeCompiled:
    """Compile a Flee case into arrays for runs of either ruleset.

    ``flee31`` ignores the settings Flee 3.1 does not read (listed in ``ignored``), so that
    runs compare like for like with Flee 3.1; with ``flee31=False`` they are honoured.
    """
    scenario, fs = case.scenario, case.flee
    st = fs.settings
    mr, sr = st.move_rules, st.spawn_rules
    h = int(hasten or st.hasten)
    if h < 1:
        raise InputError(Problem("hasten must be at least 1, got %(h)s", h=h))
    horizon = int(days or scenario.days)
    if horizon > scenario.days:
        raise InputError(
            Problem(
                "--days: got %(horizon)s, expected at most %(days)s (the days of the case's "
                "period)",
                horizon=horizon,
                days=scenario.days,
            )
        )
    ignored = [k for k in NOT_READ_BY_FLEE_31 if flee31]
    places = scenario.places
    n = len(places)
    names = [p.name for p in places]
    index: dict[str, int] = {}  # a name given twice: conflicts reach its first row
    for i, nm in enumerate(names):
        index.setdefault(nm, i)
    country = [str(p.attributes.get("flee_country", p.country)) or "unknown" for p in places]
    home = country[0]
    is_camp = np.zeros(n, np.bool_)
    is_idp = np.zeros(n, np.bool_)
    is_town = np.zeros(n, np.bool_)
    is_marker = np.zeros(n, np.bool_)
    conflict = -np.ones(n)
    movechance = np.zeros(n)
    capacity = -np.ones(n, np.int64)
    pop = np.zeros(n, np.int64)
    cap_scale = 1.0 if flee31 else mr.capacity_scaling
    for i, p in enumerate(places):
        ltype = str(
            p.attributes.get(
                "flee_location_type",
                {"origin": "conflict_zone", "shelter": "camp"}.get(p.kind, "town"),
            )
        ).lower()
        cdate = str(p.attributes.get("conflict_date", "")).strip()
        if "conflict" in ltype and cdate and int(cdate) > 0:
            ltype = "town"
        raw_pop = p.capacity if "camp" in ltype else p.attributes.get("population", "")
        value = int(str(raw_pop)) // h if str(raw_pop or "").strip() else 0
        if "camp" in ltype:
            capacity[i] = int(value * cap_scale)
            is_camp[i] = True
            movechance[i] = mr.camp_movechance
            if "idp" in ltype:
                is_idp[i] = True
                movechance[i] = mr.idpcamp_movechance
        else:
            pop[i] = value
            if "conflict" in ltype:
                movechance[i] = mr.conflict_movechance
                conflict[i] = float(p.attributes.get("conflict_intensity", 1.0))
            elif "forward" in ltype or "marker" in ltype:
                movechance[i] = 1.0
                is_marker[i] = "marker" in ltype
            elif "default" in ltype or "town" in ltype:
                is_town[i] = True
                movechance[i] = mr.default_movechance
            else:  # a type Flee 3.1 does not know keeps Location's default move chance
                movechance[i] = UNKNOWN_TYPE_MOVECHANCE
        if movechance[i] < 0.005 and not is_camp[i]:  # Flee turns such places into camps
            is_camp[i], is_town[i] = True, False
    foreign = np.array([c != home for c in country])

    src, dst, dist, speed, walk = [], [], [], [], []
    pos = scenario.place_index()
    for r in scenario.routes:
        a, b = pos[r.from_], pos[r.to]
        sp = float(r.attributes.get("max_move_speed", mr.max_move_speed) or mr.max_move_speed)
        wp = float(r.attributes.get("walk_probability", 0.0) or 0.0)
        pairs = [(a, b), (b, a)] if r.two_way else [(a, b)]
        if _forced(r.attributes.get("forced_redirection")) == 1:
            pairs = pairs * 2  # Flee 3.1's ReadLinksFromCSV links such a row up twice
        for x, y in pairs:
            src.append(x)
            dst.append(y)
            dist.append(r.km)
            speed.append(sp)
            walk.append(wp)
    link_src = np.array(src, np.int64)
    order = np.argsort(link_src, kind="stable")
    out_off = np.zeros(n + 1, np.int64)
    np.add.at(out_off, link_src + 1, 1)
    out_off = np.cumsum(out_off)

    # UNHCR series (DataTable, RefugeeTable.ReadL1Corrections)
    tables = series_tables(fs, scenario.start, h)
    camps = [i for i in range(n) if is_camp[i]]
    camp_names = [names[i] for i in camps]
    missing = [nm for nm in camp_names if nm not in tables]
    if missing:
        raise InputError(
            [
                Problem("data_layout.csv: camp %(nm)s has no series, expected one", nm=repr(nm))
                for nm in missing
            ]
        )
    series = {nm: values(tab, horizon) for nm, tab in tables.items()}
    data = np.array([series[nm] for nm in camp_names], dtype=float).T.reshape(horizon, len(camps))
    use_camps = sr.sum_from_camps and not flee31
    if not use_camps and "total" not in tables:
        raise InputError(Problem("data_layout.csv: no 'total' row, expected one"))

    tot = data.sum(axis=1).astype(np.int64) if use_camps else series["total"]
    diff = np.concatenate([tot[:1], np.diff(tot)])
    raw_total = np.cumsum(diff).astype(float)
    new_refs = np.zeros(horizon, np.int64)
    debt_out = np.zeros(horizon, np.int64)
    debt = 0
    for t in range(horizon):  # flee/spawning.py spawn_daily_displaced (the refugee debt)
        new = int(diff[t]) - debt
        if sr.insert_day0 and t == 0:
            new = 0
        if new < 0:
            debt, new = -new, 0
        elif debt > 0:
            debt = 0
        new_refs[t] = new
        debt_out[t] = debt
    initial = np.zeros(n, np.int64)
    if sr.insert_day0 and not (sr.empty_camps_on_day0 and not flee31):
        for i, nm in zip(camps, camp_names, strict=True):
            initial[i] = series[nm][0]

    cnames = [nm for nm in fs.conflicts if nm in index]
    cmat = np.array(fs.conflict_matrix(cnames), dtype=float).reshape(fs.conflict_days, len(cnames))
    spawn_at = np.zeros((0, n), np.int64)
    if sr.conflict_driven_spawning is not None:  # people leave conflict zones at a rate
        by_day = conflict_by_day(conflict, [index[nm] for nm in cnames], cmat, horizon)
        spawn_at = conflict_spawns(
            sr.conflict_driven_spawning, by_day, pop, sr.take_from_population, names
        )
        new_refs, debt_out = spawn_at.sum(axis=1), np.zeros(horizon, np.int64)
        raw_total = np.zeros(horizon)  # Flee 3.1 keeps its raw UNHCR count at 0 then
    return FleeCompiled(
        settings=st,
        days=horizon,
        names=names,
        country=country,
        is_camp=is_camp,
        is_idpcamp=is_idp,
        is_town=is_town,
        is_marker=is_marker,
        foreign=foreign,
        conflict=conflict,
        time_of_conflict=-np.ones(n, np.int64),
        movechance=movechance,
        capacity=capacity,
        pop=pop,
        link_src=link_src[order],
        link_dst=np.array(dst, np.int64)[order],
        link_dist=np.array(dist, float)[order],
        link_speed=np.array(speed, float)[order],
        link_walk=np.array(walk, float)[order],
        out_off=out_off,
        out_links=np.arange(len(src), dtype=np.int64),
        camps=camps,
        camp_names=camp_names,
        data=data,
        raw_total=raw_total,
        new_refs=new_refs,
        debt=debt_out,
        initial=initial,
        conflict_names=[index[nm] for nm in cnames],
        conflict_values=cmat,
        closures=[(c.closure_type, c.name1, c.name2, c.start, c.end) for c in fs.closures],
        hasten=h,
        spawn_at=spawn_at,
        ignored=ignored,
        flee31=flee31,
    )
