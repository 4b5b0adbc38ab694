"""The days of a Flee case that chance does not touch: conflict zones, closures, routes.

Conflict zones start and end on the days ``conflicts.csv`` says
(``InputGeography.AddNewConflictZones``: a zone starts when its intensity rises from 0 and
ends when it falls from exactly 1) and closures on the days ``closures.csv`` says
(``Ecosystem.enact_border_closures``). Neither depends on where people are, so both are
worked out once per case, before any run: each day names the state of the places after
the day's conflict changes (``pre``: what spawning sees) and after its closures (``post``:
what moving sees), and the open links and candidate paths (``paths_at``). A state is kept
once for as long as it lasts. The weights a day derives from them (spawn weights, route
weights, move chances) are numba functions shared by both rulesets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from hito.errors import InputError, Problem
from hito.flee.compile import FleeCompiled
from hito.flee.names import one_letter
from hito.flee.spawning import conflict_events

MAX_HOPS = 8  # the most places on one candidate path; the one definition for both rulesets


def candidate_paths(c: FleeCompiled, link_open: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every path an agent weighs at each location (flee/moving.py calculateLinkWeight).

    One hop per awareness level, never back to a place already on the path; markers add
    no candidate of their own and do not use up a level. Returns (offsets, first link,
    end, km, hops, number of hops), offsets by location.
    """
    aw = max(1, c.settings.move_rules.awareness_level)
    n = len(c.names)
    rows: list[list[tuple[int, float, list[int]]]] = [[] for _ in range(n)]

    def walk(j: int, prior: float, seen: list[int], step: int, hops: list[int], out: list) -> None:
        end = int(c.link_dst[j])
        km = prior + float(c.link_dist[j])
        path = hops + [end]
        if c.is_marker[end]:
            step -= 1
        else:
            out.append((end, km, path))
        if aw > step:
            for k in range(c.out_off[end], c.out_off[end + 1]):
                if link_open[k] and int(c.link_dst[k]) not in seen:
                    if len(path) >= MAX_HOPS:
                        _too_long(c, seen + [end], aw)
                    walk(k, km, seen + [end], step + 1, path, out)

    for here in range(n):
        for j in range(c.out_off[here], c.out_off[here + 1]):
            if link_open[j]:
                walk(j, 0.0, [here], 1, [], rows[here])
    off = np.zeros(n + 1, np.int64)
    off[1:] = np.cumsum([len(r) for r in rows])
    total = int(off[-1])
    end = np.zeros(total, np.int64)
    km = np.zeros(total)
    hops = np.zeros((max(total, 1), MAX_HOPS), np.int64)
    nh = np.zeros(total, np.int64)
    k = 0
    for r in rows:
        for e, d, path in r:
            end[k], km[k], nh[k] = e, d, len(path)
            hops[k, : len(path)] = path
            k += 1
    return off, end, km, hops, nh


def _too_long(c: FleeCompiled, seen: list[int], aw: int) -> None:
    via = " → ".join(c.names[i] for i in seen)
    raise InputError(
        Problem(
            "move_rules.awareness_level %(aw)s: the path %(via)s goes on past %(max_hops)s hops "
            "(markers do not use up a level), expected paths of at most %(max_hops)s hops",
            aw=aw,
            via=via,
            max_hops=MAX_HOPS,
        )
    )


@dataclass
class Schedule:
    """Per day: which state of the places and which candidate paths are in force."""

    changed: np.ndarray  # a conflict zone started or ended today
    closure_day: np.ndarray  # a closure starts or ends today
    pre: np.ndarray  # state index after today's conflict changes
    post: np.ndarray  # state index after today's closures
    paths_at: np.ndarray  # paths index after today's closures
    closed_today: np.ndarray  # (days, links): links closed today (people on them turn back)
    conflict: np.ndarray  # (states, places)
    is_camp: np.ndarray
    is_town: np.ndarray
    movechance: np.ndarray
    toc: np.ndarray  # time of conflict
    link_open: np.ndarray  # (paths, links)
    p_off: np.ndarray  # (paths, places + 1), into the arrays below (all paths one after another)
    p_end: np.ndarray
    p_km: np.ndarray
    p_hops: np.ndarray
    p_nh: np.ndarray

    def paths(self, v: int) -> tuple[np.ndarray, ...]:
        """Candidate paths of paths index ``v`` as ``candidate_paths`` gives them."""
        a, b = int(self.p_off[v, 0]), int(self.p_off[v, -1])
        return (
            self.p_off[v] - a,
            self.p_end[a:b],
            self.p_km[a:b],
            self.p_hops[a : max(b, a + 1)],
            self.p_nh[a:b],
        )

    def state(self, v: int) -> dict[str, np.ndarray]:
        """The places' state of index ``v`` (copies)."""
        return {
            "conflict": self.conflict[v].copy(),
            "is_camp": self.is_camp[v].copy(),
            "is_town": self.is_town[v].copy(),
            "movechance": self.movechance[v].copy(),
        }


def _last(names: list[str], name: str) -> int:
    """The last place of a name, as Flee's closures find it (_convert_location_name_to_index)."""
    return len(names) - 1 - names[::-1].index(name)


def _close(c: FleeCompiled, kind: str, a: str, b: str, st: dict, close: bool) -> np.ndarray:
    """Apply a closure or reopening (Ecosystem.enact_border_closures); the links it flips."""
    mr = c.settings.move_rules
    link_open = st["link_open"]
    none = np.zeros(len(c.link_src), np.bool_)
    if kind in ("camp", "idpcamp"):
        i = _last(c.names, a)
        st["conflict"][i] = -1.0
        if close:  # Location.close_camp: becomes a town
            st["is_camp"][i], st["is_town"][i] = False, True
            st["movechance"][i] = mr.default_movechance
        else:  # Location.open_camp
            st["is_camp"][i], st["is_town"][i] = True, False
            idp = kind == "idpcamp"
            st["movechance"][i] = mr.idpcamp_movechance if idp else mr.camp_movechance
        return none
    if kind == "remove_forced_redirection":
        return none  # forced redirection does not change movement in Flee 3.1
    src, dst = c.link_src, c.link_dst
    if kind == "country":
        ca = np.array([x == a for x in c.country])
        cb = np.array([x == b for x in c.country])
        sel = (ca[src] & cb[dst]) | (cb[src] & ca[dst])
    elif kind == "location":
        i = _last(c.names, a)
        sel = (src == i) | (dst == i)
    elif c.flee31:  # link, as Flee 3.1 finds it: see one_letter
        i = _last(c.names, b)
        named = np.array([one_letter(a) and x == a for x in c.names], np.bool_)
        sel = (src == i) & named[dst]
    else:  # link: both directions, as Flee's documentation means
        i, k = _last(c.names, a), _last(c.names, b)
        sel = ((src == i) & (dst == k)) | ((src == k) & (dst == i))
    target = sel & (link_open if close else ~link_open)
    link_open[target] = not close
    return target


def schedule_of(c: FleeCompiled) -> Schedule:
    """The case's schedule, worked out on first use and kept with the compiled case."""
    if c.schedule is None:
        c.schedule = plan(c)
    return c.schedule


def plan(c: FleeCompiled) -> Schedule:
    """Walk the case's days once: conflict zones, closures and candidate paths per day."""
    mr = c.settings.move_rules
    days, nl = c.days, len(c.link_src)
    st = {
        "conflict": c.conflict.astype(float),
        "is_camp": c.is_camp.astype(np.bool_),
        "is_town": c.is_town.astype(np.bool_),
        "movechance": c.movechance.astype(float),
        "toc": c.time_of_conflict.astype(np.int64),
        "link_open": np.ones(nl, np.bool_),
    }
    keys = ("conflict", "is_camp", "is_town", "movechance", "toc")
    states: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    opens: list[np.ndarray] = []
    paths: list[tuple[np.ndarray, ...]] = []

    def snap() -> int:
        last = len(states["toc"]) - 1
        if last < 0 or any(not np.array_equal(states[k][last], st[k]) for k in keys):
            for k in keys:
                states[k].append(st[k].copy())
            return last + 1
        return last

    def snap_paths() -> int:
        if not opens or not np.array_equal(opens[-1], st["link_open"]):
            opens.append(st["link_open"].copy())
            paths.append(candidate_paths(c, st["link_open"]))
        return len(opens) - 1

    cvals = c.conflict_values
    conf = np.array(c.conflict_names, np.int64)
    starts, ends = conflict_events(cvals)
    changed = np.asarray(starts.any(axis=1) | ends.any(axis=1))[:days]
    changed = np.concatenate([changed, np.zeros(max(0, days - len(changed)), np.bool_)])
    closure_days = {d for *_, start, end in c.closures for d in (start, end)}
    closure_day = np.array([t in closure_days for t in range(days)], np.bool_)
    pre = np.zeros(days, np.int64)
    post = np.zeros(days, np.int64)
    paths_at = np.zeros(days, np.int64)
    closed_today = np.zeros((days, nl), np.bool_)
    for t in range(days):
        if changed[t]:
            on, off = conf[starts[t]], conf[ends[t]]
            st["movechance"][on] = mr.conflict_movechance
            st["conflict"][on] = cvals[t, starts[t]]
            st["is_town"][on] = False
            st["toc"][on] = t
            st["movechance"][off] = mr.default_movechance
            st["conflict"][off] = -1.0
            st["is_town"][off] = True
        pre[t] = snap() if (changed[t] or t == 0) else post[t - 1]
        post[t], paths_at[t] = pre[t], paths_at[t - 1] if t else snap_paths()
        if closure_day[t]:
            for kind, a, b, start, end in c.closures:
                if t == start:
                    closed_today[t] |= _close(c, kind, a, b, st, True)
                if t == end:
                    _close(c, kind, a, b, st, False)
            post[t], paths_at[t] = snap(), snap_paths()
    sizes = [len(p[1]) for p in paths]
    base = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return Schedule(
        changed=changed,
        closure_day=closure_day,
        pre=pre,
        post=post,
        paths_at=paths_at,
        closed_today=closed_today,
        **{k: np.array(v) for k, v in states.items()},
        link_open=np.array(opens),
        p_off=np.array([p[0] + b for p, b in zip(paths, base[:-1], strict=True)]),
        p_end=np.concatenate([p[1] for p in paths]),
        p_km=np.concatenate([p[2] for p in paths]),
        # one spare row at the end, so that no slice of it is empty
        p_hops=np.concatenate(
            [p[3][:s] for p, s in zip(paths, sizes, strict=True)] + [paths[0][3][:1] * 0]
        ),
        p_nh=np.concatenate([p[4] for p in paths]),
    )


@numba.njit(cache=True)
def decay(elapsed, table, interval):
    """Flee's SimulationSettings.get_conflict_decay (an empty table: no decay)."""
    if table.shape[0] == 0:
        return 1.0
    idx = min(int(np.trunc(elapsed / interval)), table.shape[0] - 1)
    return table[max(idx, 0)]


@numba.njit(cache=True)
def spawn_weights(out, pop, conflict, toc, t, table, interval):
    """Flee's spawn weight per place: population x intensity x decay in conflict zones."""
    for x in range(out.shape[0]):
        c = conflict[x]
        out[x] = pop[x] * c * decay(t - toc[x], table, interval) if c > 0 else 0.0


@numba.njit(cache=True)
def route_weights(
    out, p0, p1, p_end, p_km, conflict, toc, is_camp, foreign, t, table, interval, mr
):
    """Flee's route weight (without capacity) of candidate paths p0..p1 (flee/scoring.py)."""
    foreign_w, camp_w, conflict_w, w_soft, soft, dpow = mr
    for q in range(p0, p1):
        e = p_end[q]
        s = 1.0
        if foreign[e]:
            s *= foreign_w
        if is_camp[e]:
            s *= camp_w
        if conflict[e] > 0:
            s *= conflict_w ** (decay(t - toc[e], table, interval) * conflict[e])
        out[q - p0] = (w_soft + s) / (soft + p_km[q]) ** dpow


@numba.njit(cache=True)
def move_chances(out, movechance, pop, capacity, pop_base, pop_scale):
    """Move chance per place, scaled by population (movechance_pop_scale_factor)."""
    for x in range(out.shape[0]):
        out[x] = movechance[x] * (float(max(pop[x], capacity[x])) / pop_base) ** pop_scale


def decay_table(c: FleeCompiled) -> tuple[np.ndarray, float]:
    """The conflict decay table and interval as the numba functions take them."""
    sr = c.settings.spawn_rules
    if not sr.conflict_spawn_decay:
        return np.zeros(0), 1.0
    interval = (
        30 if "conflict_spawn_decay_interval" in c.ignored else sr.conflict_spawn_decay_interval
    )
    return np.asarray(sr.conflict_spawn_decay, dtype=float), float(interval)


def route_settings(c: FleeCompiled) -> tuple[float, ...]:
    """The move rules route weights read, as a tuple of floats."""
    mr = c.settings.move_rules
    return (
        float(mr.foreign_weight),
        float(mr.camp_weight),
        float(mr.conflict_weight),
        float(mr.weight_softening),
        float(mr.softening),
        float(mr.distance_power),
    )
