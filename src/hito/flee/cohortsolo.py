"""The cohort ruleset's people travelling alone: one person's rest of the day, hop after hop.

Where people move on mid-day (``avoid_short_stints``), a cohort of up to ``SOLO`` people
that may leave its link today travels one person at a time (``hito.flee.cohortmove``'s
``_travel`` calls ``_solo`` for each), as Flee moves a person; ``hito.flee.cohorts`` says
why and how it is inlined.
"""

from __future__ import annotations

import numba
import numpy as np

from hito.flee.cohortdraws import (
    U0,
    U1,
    _cm,
    _cumulate,
    _first_link,
    _pick,
    _weights,
    _xo,
)
from hito.flee.cohortstate import BOUNCE, DONE, VF, _cell, _push, _rest


@numba.njit(cache=True, inline="always")
def _solo(
    rng,
    j,
    d,
    r,
    moved,
    fresh,
    bounce,
    walking,
    route,
    rlen,
    st,
    pend,
    arr,
    loc_num,
    vfill,
    mc,
    is_town,
    is_camp,
    capacity,
    links,
    paths,
    rules,
):
    """One person's rest of the day from link ``j``, hop after hop, as Flee moves a person.

    The same rules as ``_travel`` and ``_depart`` for one person (a uniform draw for each
    chance, one draw over the route weights), with no cohort made per hop: the person
    ends the day resting (pools, pending cohorts) or on a link, as a cohort of one marked
    ``DONE`` so that later waves of the day leave it. People a person passes see the camp
    counts as they are at that moment. Route weights that depend on the camps are kept
    per place (``today_arrays``) until a place with a capacity gains or loses someone
    (``epoch``): the same weights, worked out less often. A person is counted at a place
    only where the day ends there (``_arrive``): passing through, the count would go up
    and down again with nothing read in between (a place is never an end of its own
    paths), so it is left as it is and kept weights stay kept. The uniform generator's
    words stay in locals while the person travels (``_xo``), stored back at the end.
    """
    out_off, link_src, link_dst, link_dist, link_speed, link_walk, link_open = links
    p_off, p_end, p_base, p_hops, p_nh, p_link, cw, stot, dyn, epoch = paths
    buffer, wpow, max_speed, walk_speed, start_on_foot, avoid_short, cells = rules
    width = cw.shape[1]
    ws = rng[1]  # the uniform generator's words, kept in locals while the person travels
    s0, s1, s2, s3 = ws[0], ws[1], ws[2], ws[3]
    # a stint too short to stay, (r + moved / max_speed) / 2 < 1/2, without a division a hop
    short = (1.0 - r) * max_speed if avoid_short else -1.0
    # a path chosen today: the route left is p_hops[pick, at : at + rlen] (else ``route``);
    # indices unsigned where they are read every hop
    chosen, pick, at = False, U0, U0
    safe = False  # the path's end cannot be full today (chosen at a place not in ``dyn``)
    while True:
        k = np.uintp(j)
        speed = link_speed[k]
        if fresh == 1 and start_on_foot:
            speed = walk_speed
        if walking:
            speed = walk_speed
            walking = False
        elif link_walk[k] > 0.0:
            uw, s0, s1, s2, s3 = _xo(s0, s1, s2, s3)
            if uw < link_walk[k]:
                speed = walk_speed
        d += speed
        moved += speed
        if d <= link_dist[k]:  # the day ends on this link
            _spell(route, p_hops, chosen, pick, at, rlen)
            _push(st, j, route, rlen, fresh, d, r, moved, 0, 1)
            st[0][st[4][0] - 1, BOUNCE] = bounce
            st[0][st[4][0] - 1, VF] = DONE
            _put(ws, s0, s1, s2, s3)
            return
        moved += link_dist[k] - d
        if (not link_open[k]) or bounce == 1:  # closed under them: back to its start
            back = np.uintp(link_src[k])
            loc_num[back] += 1
            epoch[0] += capacity[back] >= 1
            _spell(route, p_hops, chosen, pick, at, rlen)
            _rest(back, 1, (r + moved / max_speed) / 2.0, 0, route, rlen, arr, pend, cells)
            _put(ws, s0, s1, s2, s3)
            return
        here = np.uintp(link_dst[k])
        # stay or go, with one branch on the draw: a draw every hop, forced or not
        u, s0, s1, s2, s3 = _xo(s0, s1, s2, s3)
        go = (moved < speed) & (((moved < short) & is_town[here]) | (u < mc[here]))
        if not go:
            _arrive(here, loc_num, capacity, epoch)
            _spell(route, p_hops, chosen, pick, at, rlen)
            _rest(here, 1, (r + moved / max_speed) / 2.0, 0, route, rlen, arr, pend, cells)
            _put(ws, s0, s1, s2, s3)
            return
        if rlen == 0:  # choose a route: one draw over the cumulative weights
            p0, p1 = np.uintp(p_off[here]), np.uintp(p_off[here + U1])
            if p1 == p0:
                _arrive(here, loc_num, capacity, epoch)
                arr[here, 0, _cell((r + moved / max_speed) / 2.0, cells)] += 1
                _put(ws, s0, s1, s2, s3)
                return
            stamp = dyn[here]
            safe = stamp == 0
            u, s0, s1, s2, s3 = _xo(s0, s1, s2, s3)
            if not safe and stamp != epoch[0]:  # as the camps are now: kept till they change
                row = cw[here]
                tot = _weights(p0, p1, p_end, p_base, loc_num, vfill, capacity, buffer, wpow, row)
                stot[here] = _cumulate(row, int(p1 - p0), width, tot)
                dyn[here] = epoch[0]
            pick = p0 + _pick(cw[here], width, u * stot[here])
            rlen, at, chosen = p_nh[pick], U0, True
        if chosen:
            j2 = p_link[pick, at]
            dest = np.uintp(p_hops[pick, at + np.uintp(rlen - 1)])
        else:
            j2 = _first_link(here, route[0], out_off, link_dst, link_open)
            dest = np.uintp(route[rlen - 1])
        if j2 < 0 or (
            not safe and is_camp[dest] and _cm(dest, loc_num, vfill, capacity, buffer) < 0.5
        ):  # they stay; the route is dropped
            _arrive(here, loc_num, capacity, epoch)
            arr[here, 0, _cell((r + moved / max_speed) / 2.0, cells)] += 1
            _put(ws, s0, s1, s2, s3)
            return
        if chosen:
            at += U1
        else:
            for h in range(rlen - 1):
                route[h] = route[h + 1]
        rlen -= 1
        j, d, fresh, bounce = j2, 0.0, 0, 0


@numba.njit(cache=True, inline="always")
def _arrive(here, loc_num, capacity, epoch):
    """A person stays at ``here``: counted there; weights kept near a camp go stale."""
    loc_num[here] += 1
    epoch[0] += capacity[here] >= 1


@numba.njit(cache=True, inline="always")
def _spell(route, p_hops, chosen, pick, at, rlen):
    """The route left of a path chosen today (``p_hops[pick, at:]``) written into ``route``."""
    if chosen:
        for h in range(np.uintp(rlen)):
            route[h] = p_hops[pick, at + h]


@numba.njit(cache=True, inline="always")
def _put(ws, s0, s1, s2, s3):
    """The uniform generator's words, kept in locals while a person travels, stored back."""
    ws[0], ws[1], ws[2], ws[3] = s0, s1, s2, s3
