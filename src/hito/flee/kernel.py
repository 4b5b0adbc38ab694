"""Numba kernel of the Flee-compatible ruleset: one day of every agent, over per-agent arrays.

The rules are Flee 3.1's, read from ``flee/flee.py`` (``Person.evolve``,
``Person.take_next_step``, ``Person.check_dest_is_full_camp``, ``Person.finish_travel``,
``Ecosystem.evolve``) and ``flee/moving.py`` (``calculateLinkWeight``,
``getCapMultiplier``, ``normalizeWeights``, ``chooseFromWeights``):

* a resting agent leaves with its location's move chance (1 in a town when it arrived
  there part-way through a day with too short a stint, ``avoid_short_stints``);
* it picks a route among the candidate paths of its location (one hop per awareness level)
  with weight ``((weight_softening + score) / (softening + km) ** distance_power
  * capacity multiplier) ** weight_power``; equal weights when all are zero;
* it does not leave when its destination is a camp at least half-way past its buffer;
* on a link it advances ``max_move_speed`` km a day (walk speed on its first link with
  ``start_on_foot``); a link shorter than what is left of the day is finished and the agent
  may move on the same day; a link closed while it was on it sends it back to its start.

Agents are processed in the order they were created, all decisions first, then all travel,
as Flee does, so capacity multipliers see the same live counts.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, inline="always")
def cap_mult(loc, loc_num, capacity, buffer):
    """Flee's getCapMultiplier: 1 below the buffer, 0 at capacity, linear in between."""
    c = capacity[loc]
    if c < 1:
        return 1.0
    x = loc_num[loc]
    if x <= buffer * c:
        return 1.0
    if x >= c:
        return 0.0
    return 1.0 - (x - buffer * c) / (c * (1.0 - buffer))


@numba.njit(cache=True, inline="always")
def _go(
    i,
    t,
    rng,
    a_loc,
    a_trav,
    a_route,
    a_rlen,
    a_dlink,
    a_entry,
    loc_num,
    is_camp,
    capacity,
    out_off,
    link_dst,
    link_open,
    buffer,
    wpow,
    p_off,
    p_end,
    p_base,
    p_hops,
    p_nh,
    wbuf,
):
    """An agent that passed its move-chance draw: pick a route if it has none, then step."""
    here = a_loc[i]
    if a_rlen[i] == 0:
        p0, p1 = p_off[here], p_off[here + 1]
        if p1 == p0:
            return
        tot = 0.0
        for k in range(p0, p1):
            w = p_base[k] * cap_mult(p_end[k], loc_num, capacity, buffer)
            if wpow != 1.0:
                w = w**wpow
            wbuf[k - p0] = w
            tot += w
        u = rng.random()
        pick = p1 - 1
        if tot > 0.0:
            target = u * tot
            acc = 0.0
            for k in range(p0, p1):
                acc += wbuf[k - p0]
                if target < acc:
                    pick = k
                    break
        else:
            pick = p0 + min(int(u * (p1 - p0)), p1 - p0 - 1)
        for h in range(p_nh[pick]):
            a_route[i, h] = p_hops[pick, h]
        a_rlen[i] = p_nh[pick]
    # take_next_step
    nxt = a_route[i, 0]
    found = -1
    for j in range(out_off[here], out_off[here + 1]):
        if link_open[j] and link_dst[j] == nxt:
            found = j
            break
    if found < 0:
        a_rlen[i] = 0
        return
    dest = a_route[i, a_rlen[i] - 1]
    if is_camp[dest] and cap_mult(dest, loc_num, capacity, buffer) < 0.5:
        a_rlen[i] = 0
        return
    for h in range(a_rlen[i] - 1):
        a_route[i, h] = a_route[i, h + 1]
    a_rlen[i] -= 1
    loc_num[here] -= 1
    a_loc[i] = found
    a_trav[i] = 1
    a_dlink[i] = 0.0
    a_entry[i] = t


@numba.njit(cache=True, inline="always")
def geometric_day(rng, p):
    """Days until the first success of a daily draw with chance ``p`` (1 = the first day)."""
    if p >= 1.0:
        return 1
    if p <= 0.0:
        return 1 << 40
    g = np.floor(np.log1p(-rng.random()) / np.log1p(-p))
    return 1 + (int(g) if g < 1e12 else 1 << 40)


@numba.njit(cache=True)
def _day_flat(
    n,
    t,
    rng,
    a_loc,
    a_trav,
    a_route,
    a_rlen,
    a_dlink,
    a_moved,
    a_recent,
    a_places,
    a_entry,
    loc_num,
    a_wake,
    a_rday,
    mc,
    is_town,
    is_camp,
    capacity,
    out_off,
    link_dst,
    link_open,
    buffer,
    wpow,
    p_off,
    p_end,
    p_base,
    p_hops,
    p_nh,
    link_src,
    link_dist,
    link_speed,
    link_walk,
    link_closed_at,
    max_speed,
    walk_speed,
    start_on_foot,
    avoid_short,
):
    wbuf = np.empty(max(1, p_end.shape[0]))
    for i in range(n):  # Person.evolve for everyone at a place
        if a_wake[i] == t and not a_trav[i]:
            _go(
                i,
                t,
                rng,
                a_loc,
                a_trav,
                a_route,
                a_rlen,
                a_dlink,
                a_entry,
                loc_num,
                is_camp,
                capacity,
                out_off,
                link_dst,
                link_open,
                buffer,
                wpow,
                p_off,
                p_end,
                p_base,
                p_hops,
                p_nh,
                wbuf,
            )
            if not a_trav[i]:
                a_wake[i] = t + geometric_day(rng, mc[a_loc[i]])
    for i in range(n):  # Person.finish_travel for everyone on a link
        if not a_trav[i]:
            continue
        last = a_rday[i]
        recent = a_recent[i] * 0.5 ** (t - 1 - last) if last < t - 1 else a_recent[i]
        while a_trav[i]:
            j = a_loc[i]
            speed = link_speed[j]
            if a_places[i] == 1 and start_on_foot:
                speed = walk_speed
            if link_walk[j] > 0.0 and rng.random() < link_walk[j]:
                speed = walk_speed
            a_dlink[i] += speed
            a_moved[i] += speed
            if a_dlink[i] <= link_dist[j]:
                break
            a_places[i] += 1
            a_moved[i] += link_dist[j] - a_dlink[i]
            a_dlink[i] = 0.0
            a_trav[i] = 0
            if (not link_open[j]) or link_closed_at[j] > a_entry[i]:
                a_loc[i] = link_src[j]
                loc_num[link_src[j]] += 1
                break
            here = link_dst[j]
            a_loc[i] = here
            loc_num[here] += 1
            if a_moved[i] >= speed:
                break
            force = avoid_short and (recent + a_moved[i] / max_speed) / 2.0 < 0.5
            chance = 1.0 if (force and is_town[here]) else mc[here]
            if rng.random() < chance:
                _go(
                    i,
                    t,
                    rng,
                    a_loc,
                    a_trav,
                    a_route,
                    a_rlen,
                    a_dlink,
                    a_entry,
                    loc_num,
                    is_camp,
                    capacity,
                    out_off,
                    link_dst,
                    link_open,
                    buffer,
                    wpow,
                    p_off,
                    p_end,
                    p_base,
                    p_hops,
                    p_nh,
                    wbuf,
                )
        if not a_trav[i]:
            a_wake[i] = t + geometric_day(rng, mc[a_loc[i]])
        a_recent[i] = (recent + a_moved[i] / max_speed) / 2.0
        a_rday[i] = t
        a_moved[i] = 0.0


@numba.njit(cache=True)
def spawn(first, count, cum, rng, a_loc, loc_num):
    """Place ``count`` new agents from index ``first``, each at a location drawn from ``cum``.

    ``cum`` is the cumulative spawn weight per location (Flee's pick_spawn_locations).
    """
    total = cum[-1]
    for k in range(count):
        u = rng.random() * total
        loc = np.searchsorted(cum, u, side="right")
        if loc >= len(cum):
            loc = len(cum) - 1
        a_loc[first + k] = loc
        loc_num[loc] += 1


@numba.njit(cache=True)
def rewake(n, first_new, t, rng, changed, any_changed, a_loc, a_trav, a_wake, mc):
    """Draw the first day each resting agent passes its move-chance draw, from day ``t``.

    For agents created from ``first_new`` on, and (when ``any_changed``) for every resting
    agent at a location whose move chance changed today. A daily Bernoulli draw is
    memoryless, so drawing the day of the first success once is the same in distribution
    as drawing every day, and it lets a day skip the agents who stay.
    """
    start = 0 if any_changed else first_new
    for i in range(start, n):
        if a_trav[i]:
            continue
        if i >= first_new or changed[a_loc[i]]:
            a_wake[i] = t - 1 + geometric_day(rng, mc[a_loc[i]])


def day(n, t, rng, st, net, paths, link, move):
    """Advance agents 0..n-1 by one day (Flee's Ecosystem.evolve after spawning)."""
    (
        a_loc,
        a_trav,
        a_route,
        a_rlen,
        a_dlink,
        a_moved,
        a_recent,
        a_places,
        a_entry,
        loc_num,
        a_wake,
        a_rday,
    ) = st
    (mc, is_town, is_camp, capacity, out_off, link_dst, link_open, buffer, wpow) = net
    (p_off, p_end, p_base, p_hops, p_nh) = paths
    (link_src, _dst, link_dist, link_speed, link_walk, _open, link_closed_at) = link
    (max_speed, walk_speed, start_on_foot, avoid_short) = move
    _day_flat(
        n,
        t,
        rng,
        a_loc,
        a_trav,
        a_route,
        a_rlen,
        a_dlink,
        a_moved,
        a_recent,
        a_places,
        a_entry,
        loc_num,
        a_wake,
        a_rday,
        mc,
        is_town,
        is_camp,
        capacity,
        out_off,
        link_dst,
        link_open,
        float(buffer),
        float(wpow),
        p_off,
        p_end,
        p_base,
        p_hops,
        p_nh,
        link_src,
        link_dist,
        link_speed,
        link_walk,
        link_closed_at,
        float(max_speed),
        float(walk_speed),
        bool(start_on_foot),
        bool(avoid_short),
    )
