"""The cohort ruleset's whole run in one numba loop: every day, spawning to moving.

The day is the one ``hito.flee.run`` describes (Flee 3.1's ``runscripts/run.py``):
spawn weights from the conflict zones in force, today's new people drawn over them
(multinomial, as successive binomial draws), people on links closed today turned back,
route weights and move chances, then the cohorts move (``hito.flee.cohorts.day``) and the
cohorts on links are merged. What does not depend on chance comes from the case's
``Schedule``, worked out before the run; the loop itself does not go back to Python, so a
day costs its cohorts and nothing else.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from hito.flee import cohortdraws, cohorts, cohortstate
from hito.flee.cohortmove import SOLO
from hito.flee.compile import FleeCompiled
from hito.flee.schedule import (
    MAX_HOPS,
    Schedule,
    decay,
    move_chances,
    route_weights,
    spawn_weights,
)


@cohortdraws.no_refcounts
def _place(today, pool, loc_num, got):
    """``today[x]`` new people resting at each place ``x``; counts per place in got."""
    for x in range(today.shape[0]):
        got[x] = today[x]
        pool[x, 1, 0] += today[x]
        loc_num[x] += today[x]


@cohortdraws.no_refcounts
def _spawn(rng, new, weights, pool, loc_num, got):
    """A multinomial draw of ``new`` people over places by weight; counts per place in got."""
    n = weights.shape[0]
    tot = 0.0
    for x in range(n):
        got[x] = 0
    for x in range(n):
        tot += weights[x]
    left = new
    for x in range(n):
        w = weights[x]
        if left == 0 or w <= 0.0:
            continue
        m = left if w >= tot else rng.binomial(left, min(1.0, w / tot))
        got[x] = m
        left -= m
        tot -= w
    if left > 0:  # rounding left a few: to the last place with weight
        for x in range(n - 1, -1, -1):
            if weights[x] > 0.0:
                got[x] += left
                break
    for x in range(n):
        pool[x, 1, 0] += got[x]
        loc_num[x] += got[x]


@cohortdraws.no_refcounts
def _compact_pending(pend):
    """Drop emptied pending cohorts once they are more than half of them."""
    p_int, p_flt, p_route, p_cnt, psize = pend
    pn = psize[0]
    live = 0
    for e in range(pn):
        if p_cnt[e] != 0:
            live += 1
    if pn <= 64 or live >= pn // 2:
        return
    k = 0
    for e in range(pn):
        if p_cnt[e] != 0:
            for h in range(p_int.shape[1]):
                p_int[k, h] = p_int[e, h]
            for h in range(p_route.shape[1]):
                p_route[k, h] = p_route[e, h]
            p_flt[k], p_cnt[k] = p_flt[e], p_cnt[e]
            k += 1
    psize[0] = k


@numba.njit(cache=True)
def _path_links(p_off, p_hops, p_nh, out_off, link_dst, link_open):
    """The link each hop of each candidate path goes on (-1: none open), per set of paths.

    Hop 0 leaves the place whose path it is, hop h > 0 the path's place h - 1: the first
    open link there to the hop's place, which is what a person following the path takes.
    """
    p_link = np.full((max(1, p_hops.shape[0]), p_hops.shape[1]), -1, np.int64)
    for v in range(p_off.shape[0]):
        for x in range(p_off.shape[1] - 1):
            for q in range(p_off[v, x], p_off[v, x + 1]):
                at = x
                for h in range(p_nh[q]):
                    p_link[q, h] = cohortdraws._first_link(
                        at, p_hops[q, h], out_off, link_dst, link_open[v]
                    )
                    at = p_hops[q, h]
    return p_link


@cohortdraws.no_refcounts
def _decay_moved(last, conflict, toc, t, table, interval):
    """Whether a conflict zone's decay on day ``t`` differs from ``last`` (updated in place)."""
    moved = False
    for x in range(last.shape[0]):
        if conflict[x] > 0:
            d = decay(t - toc[x], table, interval)
            if d != last[x]:
                last[x] = d
                moved = True
    return moved


@numba.njit(cache=True)
def run_days(t0, t1, rng, sched, net, settings, body, out):
    """Days t0..t1-1 of one run; returns (link cohorts, pending cohorts, error day or -1)."""
    (changed, closure_day, pre, post, paths_at, closed_today) = sched[:6]
    (conflict, is_camp, is_town, movechance, toc, link_open) = sched[6:12]
    (p_off, p_end, p_km, p_hops, p_nh) = sched[12:]
    (capacity, foreign, out_off, link_src, link_dst, link_dist, link_speed, link_walk) = net[:8]
    (new_refs, spawn_at, table, interval) = net[8:]
    (route_s, buffer, wpow, pop_base, pop_scale, take_pop) = settings[:6]
    (max_speed, walk_speed, start_on_foot, avoid_short, cells) = settings[6:]
    (st, pend, pool, arr, loc_num, vfill, pop, weights, base, mc, count, words) = body
    draws = (rng, words)  # binomial draws from numpy's generator, uniforms inlined
    (counts, agents, on_links) = out
    decaying = table.shape[0] > 0
    width = int(np.max(p_off[:, 1:] - p_off[:, :-1])) if p_off.size else 1
    sc = cohortstate.scratch(st[3].shape[0], st[2].shape[1], width)
    ds = np.zeros(4, np.int64)  # where cohorts.day stopped for want of room
    got = np.zeros(weights.shape[0], np.int64)  # people spawned today per place
    p_link = _path_links(p_off, p_hops, p_nh, out_off, link_dst, link_open)
    today = cohortdraws.today_arrays(weights.shape[0], width)
    rules = (buffer, wpow, max_speed, walk_speed, start_on_foot, avoid_short, cells)
    # the decay each conflict zone's weights were last worked out with (-1: not yet)
    spawn_decay = np.full(weights.shape[0], -1.0)
    route_decay = np.full(weights.shape[0], -1.0)
    for t in range(t0, t1):
        a, b = pre[t], post[t]
        t_w = t if (changed[t] or t == 0) else t - 1
        dirty = t == 0 or changed[t] or closure_day[t] or (decaying and take_pop)
        # on other days spawn and route weights change only where a zone's decay moves
        # (every ``interval`` days), and move chances not at all: the same floats
        s_moved = decaying and _decay_moved(spawn_decay, conflict[a], toc[a], t_w, table, interval)
        r_moved = decaying and _decay_moved(route_decay, conflict[b], toc[b], t, table, interval)
        if dirty or s_moved:
            spawn_weights(weights, pop, conflict[a], toc[a], t_w, table, interval)
        new = new_refs[t]
        if new > 0:
            if spawn_at.shape[0] > 0:  # conflict-driven: so many people at each zone
                _place(spawn_at[t], pool, loc_num, got)
            else:
                tot = 0.0
                for x in range(weights.shape[0]):
                    tot += weights[x]
                if tot <= 0.0:
                    return st, pend, t
                _spawn(rng, new, weights, pool, loc_num, got)
            count[0] += new
            if take_pop:
                for x in range(pop.shape[0]):
                    if conflict[a, x] > 0:
                        pop[x] = max(pop[x] - got[x], 0)
                spawn_weights(weights, pop, conflict[a], toc[a], t, table, interval)
                dirty = True
        if closure_day[t]:  # people on links closed today go back when they reach the end
            ints, n = st[0], st[4][0]
            for i in range(n):
                if closed_today[t, ints[i, cohortstate.LINK]]:
                    ints[i, cohortstate.BOUNCE] = 1
        v = paths_at[t]
        offs = p_off[v]
        if dirty or r_moved:  # route weights change only with the above
            route_weights(
                base[offs[0] : offs[-1]],
                offs[0],
                offs[-1],
                p_end,
                p_km,
                conflict[b],
                toc[b],
                is_camp[b],
                foreign,
                t,
                table,
                interval,
                route_s,
            )
        if dirty:  # move chances change only with the zones, closures and population
            move_chances(mc, movechance[b], pop, capacity, pop_base, pop_scale)
        town_b, camp_b = is_town[b], is_camp[b]
        links = (out_off, link_src, link_dst, link_dist, link_speed, link_walk, link_open[v])
        paths = (offs, p_end, base, p_hops, p_nh, p_link, today[0], today[1], today[2], today[3])
        while True:
            code = cohorts.day(
                ds,
                draws,
                st,
                sc,
                pool,
                arr,
                pend,
                loc_num,
                vfill,
                mc,
                town_b,
                camp_b,
                capacity,
                links,
                paths,
                p_km,
                rules,
            )
            if code == 0:
                break
            if code == 1:
                st = cohortstate.reserve(st, ds[1])
                pend = cohortstate.reserve(pend, SOLO)
            else:
                sc = cohortstate.scratch(max(ds[1], st[3].shape[0]), st[2].shape[1], width)
        _compact_pending(pend)
        counts[t] = loc_num
        agents[t] = count[0]
        moving = 0
        for i in range(st[4][0]):
            moving += st[3][i]
        on_links[t] = moving
    return st, pend, -1


def _words(rng: np.random.Generator) -> np.ndarray:
    """The state of the run's inlined uniform generator, drawn from its own generator."""
    w = rng.integers(0, np.iinfo(np.uint64).max, size=4, dtype=np.uint64, endpoint=True)
    if not w.any():
        w[0] = 1
    return w


def run(c: FleeCompiled, sch: Schedule, rng: np.random.Generator, progress=None) -> tuple:
    """One run of the cohort ruleset; returns (counts, people, on links, people per day).

    ``progress(t)`` is called after every 32nd day and the last one when given. Returns
    the error day (>= 0) instead when people are to spawn with no conflict zone to come
    from.
    """
    mr, sr = c.settings.move_rules, c.settings.spawn_rules
    from hito.flee.schedule import decay_table, route_settings

    n = len(c.names)
    cells = cohortstate.R_CELLS if mr.avoid_short_stints else 1
    pool = np.zeros((n, 2, cells), np.int64)
    pool[:, 1, 0] = c.initial
    cap = 256
    st = (
        np.zeros((cap, 6), np.int64),
        np.zeros((cap, 3)),
        np.zeros((cap, MAX_HOPS), np.int64),
        np.zeros(cap, np.int64),
        np.zeros(1, np.int64),  # how many
    )
    pend = (
        np.zeros((16, 4), np.int64),
        np.zeros(16),
        np.zeros((16, MAX_HOPS), np.int64),
        np.zeros(16, np.int64),
        np.zeros(1, np.int64),
    )
    table, interval = decay_table(c)
    sched = (
        sch.changed,
        sch.closure_day,
        sch.pre,
        sch.post,
        sch.paths_at,
        sch.closed_today,
        sch.conflict,
        sch.is_camp,
        sch.is_town,
        sch.movechance,
        sch.toc,
        sch.link_open,
        sch.p_off,
        sch.p_end,
        sch.p_km,
        sch.p_hops,
        sch.p_nh,
    )
    net = (
        c.capacity.astype(np.int64),
        c.foreign.astype(np.bool_),
        c.out_off.astype(np.int64),
        c.link_src.astype(np.int64),
        c.link_dst.astype(np.int64),
        c.link_dist.astype(float),
        c.link_speed.astype(float),
        c.link_walk.astype(float),
        c.new_refs.astype(np.int64),
        c.spawn_at.astype(np.int64),
        table,
        interval,
    )
    settings = (
        route_settings(c),
        float(mr.capacity_buffer),
        float(mr.weight_power),
        float(mr.movechance_pop_base),
        float(mr.movechance_pop_scale_factor),
        bool(sr.take_from_population),
        float(mr.max_move_speed),
        float(mr.max_walk_speed),
        bool(mr.start_on_foot),
        bool(mr.avoid_short_stints),
        cells,
    )
    loc_num = c.initial.astype(np.int64).copy()
    body: list[Any] = [
        st,
        pend,
        pool,
        np.zeros_like(pool),
        loc_num,
        np.zeros_like(loc_num),
        c.pop.astype(np.int64).copy(),
        np.zeros(n),
        np.zeros(max(1, len(sch.p_end))),
        np.zeros(n),
        np.array([int(c.initial.sum())], np.int64),
        _words(rng),
    ]
    counts = np.zeros((c.days, n), np.int64)
    agents = np.zeros(c.days, np.int64)
    on_links = np.zeros(c.days, np.int64)
    step = c.days if progress is None else 32
    for t0 in range(0, c.days, step):
        t1 = min(c.days, t0 + step)
        body[0], body[1], err = run_days(
            t0, t1, rng, sched, net, settings, tuple(body), (counts, agents, on_links)
        )
        if err >= 0:
            return err
        if progress is not None:
            progress(t1 - 1)
    return counts, int(body[10][0]), on_links, agents
