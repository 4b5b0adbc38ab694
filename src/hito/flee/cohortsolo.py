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
    chosen,
    pick,
    at,
    safe,
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
            _arrive(here, 1, loc_num, capacity, epoch)
            _spell(route, p_hops, chosen, pick, at, rlen)
            _rest(here, 1, (r + moved / max_speed) / 2.0, 0, route, rlen, arr, pend, cells)
            _put(ws, s0, s1, s2, s3)
            return
        if rlen == 0:  # choose a route: one draw over the cumulative weights
            p0, p1 = np.uintp(p_off[here]), np.uintp(p_off[here + U1])
            if p1 == p0:
                _arrive(here, 1, loc_num, capacity, epoch)
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
            _arrive(here, 1, loc_num, capacity, epoch)
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
def _arrive(here, m, loc_num, capacity, epoch):
    """``m`` people stay at ``here``: counted there; weights kept near a camp go stale."""
    loc_num[here] += m
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


@numba.njit(cache=True, inline="always")
def _group(
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
    m,
    grp,
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
    """``m`` people alike on link ``j`` travel the rest of the day together while alike."""
    out_off, link_src, link_dst, link_dist, link_speed, link_walk, link_open = links
    p_off, p_end, p_base, p_hops, p_nh, p_link, cw, stot, dyn, epoch = paths
    buffer, wpow, max_speed, walk_speed, start_on_foot, avoid_short, cells = rules
    gi, gf, obuf, tally = grp
    width = cw.shape[1]
    ws = rng[1]
    s0, s1, s2, s3 = ws[0], ws[1], ws[2], ws[3]
    short = (1.0 - r) * max_speed if avoid_short else -1.0
    chosen, pick, at, ro = False, U0, U0, U0
    safe = False
    top = 0
    while True:
        if m == 1:  # one person: the rest of the day alone
            _put(ws, s0, s1, s2, s3)
            if not chosen:
                for h in range(np.uintp(rlen)):
                    obuf[h] = route[ro + h]
            _solo(
                rng,
                j,
                d,
                r,
                moved,
                fresh,
                bounce,
                walking,
                obuf,
                rlen,
                chosen,
                pick,
                at,
                safe,
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
            )
            s0, s1, s2, s3 = ws[0], ws[1], ws[2], ws[3]
            ended = True
        else:
            k = np.uintp(j)
            speed = link_speed[k]
            if fresh == 1 and start_on_foot:
                speed = walk_speed
            if walking:
                speed = walk_speed
                walking = False
            elif link_walk[k] > 0.0:
                w = 0
                for _ in range(m):
                    uw, s0, s1, s2, s3 = _xo(s0, s1, s2, s3)
                    w += uw < link_walk[k]
                if w == m:
                    speed = walk_speed
                elif w > 0:  # the walkers: a group of their own, on foot this hop
                    _keep(
                        gi,
                        gf,
                        top,
                        j,
                        fresh,
                        bounce,
                        1,
                        chosen,
                        pick,
                        at,
                        ro,
                        rlen,
                        safe,
                        w,
                        d,
                        moved,
                    )
                    top += 1
                    m -= w
            d += speed
            moved += speed
            ended = True
            if d <= link_dist[k]:  # the day ends on this link
                _left(obuf, route, ro, p_hops, chosen, pick, at, rlen)
                _push(st, j, obuf, rlen, fresh, d, r, moved, 0, m)
                st[0][st[4][0] - 1, BOUNCE] = bounce
                st[0][st[4][0] - 1, VF] = DONE
            else:
                moved += link_dist[k] - d
                r_end = (r + moved / max_speed) / 2.0
                if (not link_open[k]) or bounce == 1:  # closed under them: back to its start
                    back = np.uintp(link_src[k])
                    loc_num[back] += m
                    epoch[0] += capacity[back] >= 1
                    _left(obuf, route, ro, p_hops, chosen, pick, at, rlen)
                    _rest(back, m, r_end, 0, obuf, rlen, arr, pend, cells)
                else:
                    here = np.uintp(link_dst[k])
                    # stay or go: a draw a person, forced or not
                    if moved >= speed:
                        go = 0
                    elif ((moved < short) & is_town[here]) or mc[here] >= 1.0:
                        go = m
                    else:  # a draw a person
                        go = 0
                        for _ in range(m):
                            u, s0, s1, s2, s3 = _xo(s0, s1, s2, s3)
                            go += u < mc[here]
                    if go < m:
                        _arrive(here, m - go, loc_num, capacity, epoch)
                        _left(obuf, route, ro, p_hops, chosen, pick, at, rlen)
                        _rest(here, m - go, r_end, 0, obuf, rlen, arr, pend, cells)
                        m = go
                    if m > 0 and rlen == 0:  # choose a route: one draw a person
                        p0, p1 = np.uintp(p_off[here]), np.uintp(p_off[here + U1])
                        if p1 == p0:
                            _arrive(here, m, loc_num, capacity, epoch)
                            arr[here, 0, _cell(r_end, cells)] += m
                        else:
                            stamp = dyn[here]
                            safe = stamp == 0
                            if not safe and stamp != epoch[0]:
                                row = cw[here]
                                tot = _weights(
                                    p0,
                                    p1,
                                    p_end,
                                    p_base,
                                    loc_num,
                                    vfill,
                                    capacity,
                                    buffer,
                                    wpow,
                                    row,
                                )
                                stot[here] = _cumulate(row, int(p1 - p0), width, tot)
                                dyn[here] = epoch[0]
                            for q in range(p1 - p0):
                                tally[q] = 0
                            for _ in range(m):
                                u, s0, s1, s2, s3 = _xo(s0, s1, s2, s3)
                                tally[_pick(cw[here], width, u * stot[here])] += 1
                            # each path's people: go on, or stay where the path's end is full
                            first = True
                            for q in range(p1 - p0):
                                n = tally[q]
                                if n == 0:
                                    continue
                                qq = p0 + np.uintp(q)
                                nh = p_nh[qq]
                                dest = np.uintp(p_hops[qq, np.uintp(nh - 1)])
                                j2 = p_link[qq, 0]
                                if j2 < 0 or (
                                    not safe
                                    and is_camp[dest]
                                    and _cm(dest, loc_num, vfill, capacity, buffer) < 0.5
                                ):
                                    _arrive(here, n, loc_num, capacity, epoch)
                                    arr[here, 0, _cell(r_end, cells)] += n
                                elif first:
                                    first = False
                                    ended = False
                                    j, d, fresh, bounce, m = j2, 0.0, 0, 0, n
                                    chosen, pick, at, rlen = True, qq, U1, nh - 1
                                else:
                                    _keep(
                                        gi,
                                        gf,
                                        top,
                                        j2,
                                        0,
                                        0,
                                        0,
                                        True,
                                        qq,
                                        U1,
                                        U0,
                                        nh - 1,
                                        safe,
                                        n,
                                        0.0,
                                        moved,
                                    )
                                    top += 1
                    elif m > 0:  # a route still to go: together
                        if chosen:
                            j2 = p_link[pick, at]
                            dest = np.uintp(p_hops[pick, at + np.uintp(rlen - 1)])
                        else:
                            j2 = _first_link(here, route[ro], out_off, link_dst, link_open)
                            dest = np.uintp(route[ro + np.uintp(rlen - 1)])
                        if j2 < 0 or (
                            not safe
                            and is_camp[dest]
                            and _cm(dest, loc_num, vfill, capacity, buffer) < 0.5
                        ):  # they stay; the route is dropped
                            _arrive(here, m, loc_num, capacity, epoch)
                            arr[here, 0, _cell(r_end, cells)] += m
                        else:
                            if chosen:
                                at += U1
                            else:
                                ro += U1
                            rlen -= 1
                            j, d, fresh, bounce = j2, 0.0, 0, 0
                            ended = False
        if ended:
            if top == 0:
                _put(ws, s0, s1, s2, s3)
                return
            top -= 1
            j, fresh, bounce, walking = gi[top, 0], gi[top, 1], gi[top, 2], gi[top, 3] == 1
            chosen, pick, at, ro = (
                gi[top, 4] == 1,
                np.uintp(gi[top, 5]),
                np.uintp(gi[top, 6]),
                np.uintp(gi[top, 7]),
            )
            rlen, safe, m = gi[top, 8], gi[top, 9] == 1, gi[top, 10]
            d, moved = gf[top, 0], gf[top, 1]


@numba.njit(cache=True, inline="always")
def _keep(gi, gf, top, j, fresh, bounce, walking, chosen, pick, at, ro, rlen, safe, m, d, moved):
    """A group that parted from the one travelling, kept to travel after it."""
    gi[top, 0], gi[top, 1], gi[top, 2], gi[top, 3] = j, fresh, bounce, walking
    gi[top, 4], gi[top, 5] = np.int64(chosen), np.int64(pick)
    gi[top, 6], gi[top, 7] = np.int64(at), np.int64(ro)
    gi[top, 8], gi[top, 9], gi[top, 10] = rlen, np.int64(safe), m
    gf[top, 0], gf[top, 1] = d, moved


@numba.njit(cache=True, inline="always")
def _left(out, route, ro, p_hops, chosen, pick, at, rlen):
    """The route left into ``out``: ``p_hops[pick, at:]`` if chosen today, else ``route[ro:]``."""
    for h in range(np.uintp(rlen)):
        out[h] = p_hops[pick, at + h] if chosen else route[ro + h]
