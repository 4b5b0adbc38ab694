"""The cohort ruleset's travel: people choosing a route and a day's passes over the links.

``_depart`` sends people at a place onto the first link of the route they choose; the
day's passes (``_passes``) move the cohorts on links, a large one as a whole (``_travel``),
a small one a person at a time (``_solo``, in ``hito.flee.cohortsolo``); see
``hito.flee.cohorts`` for the approximations.
"""

from __future__ import annotations

import numba

from hito.flee.cohortdraws import (
    _binom,
    _choose,
    _cm,
    _first_full,
    _first_link,
    _unif,
    no_refcounts,
)
from hito.flee.cohortsolo import _solo
from hito.flee.cohortstate import (
    BOUNCE,
    DONE,
    FRESH,
    LINK,
    MOVED,
    RLEN,
    VF,
    WALK,
    D,
    R,
    _cell,
    _push,
    _rest,
)

SLICES = 4  # passes over the cohorts on links each day
BATCHES = 4  # sequential batches of people moving on mid-day
SOLO = 16  # cohorts of up to this many people that leave their link travel one person at a time
WHOLE = 4  # cohorts of up to this many people travel in one pass of the day, all together


@no_refcounts
def _depart(
    rng,
    here,
    k,
    r,
    fresh,
    moved,
    st,
    loc_num,
    vfill,
    is_camp,
    capacity,
    buffer,
    wpow,
    p_off,
    p_end,
    p_base,
    p_hops,
    p_nh,
    p_link,
    p_km,
    wbuf,
    split,
    reach,
    route_buf,
):
    """``k`` people at ``here`` with no route choose one and step onto its first link.

    Those whose choice is a camp at least half-way past its buffer stay; their number is
    returned (the caller decides where they rest). Room for ``BATCHES`` x the candidate
    paths of ``here`` new cohorts is made beforehand. People leaving in the morning
    (``reach < 0``) all choose before anyone arrives, as in Flee. People moving on
    mid-day (``reach``: the km they still go today) choose in BATCHES, one after
    another, and those bound for a camp they reach today count in ``vfill`` from then on:
    Flee finishes each person's day before the next person's, so later people see the
    camp fuller.
    """
    stay = 0
    p0 = p_off[here]
    parts = 1 if reach < 0.0 else min(k, BATCHES)
    left = k
    for part in range(parts):
        kk = left if part == parts - 1 else _binom(rng, left, 1.0 / (parts - part))
        left -= kk
        if kk == 0:
            continue
        _choose(
            rng, here, kk, p_off, p_end, p_base, loc_num, vfill, capacity, buffer, wpow, wbuf, split
        )
        for q in range(p0, p_off[here + 1]):
            m = split[q - p0]
            if m == 0:
                continue
            nh = p_nh[q]
            dest = p_hops[q, nh - 1]
            j = p_link[q, 0]
            if j < 0 or (is_camp[dest] and _cm(dest, loc_num, vfill, capacity, buffer) < 0.5):
                stay += m
                continue
            arrives_today = is_camp[dest] and capacity[dest] >= 1 and p_km[q] <= reach
            if (
                arrives_today
            ):  # they arrive one after another until the camp is half-way past its buffer
                room = max(0, _first_full(capacity[dest], buffer) - loc_num[dest] - vfill[dest])
                if m > room:
                    stay += m - room
                    m = room
                    if m == 0:
                        continue
            for h in range(nh - 1):
                route_buf[h] = p_hops[q, h + 1]
            _push(st, j, route_buf, nh - 1, fresh, 0.0, r, moved, 0, m)
            if arrives_today:
                st[0][st[4][0] - 1, VF] = 1
                vfill[dest] += m
            loc_num[here] -= m
    return stay


@no_refcounts
def _passes(
    pos,
    rem,
    n0,
    slices,
    room,
    rng,
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
    p_km,
    rules,
    wbuf,
    split,
    route_buf,
    reach,
):
    """The day's travel: SLICES passes, each a share of every cohort, each in waves.

    ``links``, ``paths`` and ``rules`` are the day's network, candidate paths (with
    today's route weights) and rules as ``_travel`` reads them (``hito.flee.cohorts.day``).

    Stops when the cohorts or pending cohorts need more room (returns 1); ``pos`` (pass,
    wave start, wave end, next cohort, stage) says where, so that the caller enlarges them
    and calls again. Returns 0 when the day is travelled. Cohorts emptied by travel stay
    until the day's end, when ``merge`` drops them and merges equal ones.
    """
    ints, flts, routes, cnts, size = st
    p_cnt, psize = pend[3], pend[4]
    s, lo, hi, i, stage = pos[0], pos[1], pos[2], pos[3], pos[4]
    avoid_short = rules[5]
    code = 0
    while s < slices and code == 0:
        if stage == 0:  # this pass's share of every cohort
            if size[0] + n0 > cnts.shape[0]:
                code = 1
                break
            lo = size[0]
            for k in range(n0):
                left = rem[k]
                if left == 0:
                    continue
                if s == slices - 1:
                    m = left
                elif left <= WHOLE and avoid_short:  # a few people: one after another
                    m = left if _unif(rng[1]) < 1.0 / (slices - s) else 0
                else:
                    m = _binom(rng, left, 1.0 / (slices - s))
                if m == 0:
                    continue
                rem[k] -= m
                _push(
                    st,
                    ints[k, LINK],
                    routes[k],
                    ints[k, RLEN],
                    ints[k, FRESH],
                    flts[k, D],
                    flts[k, R],
                    flts[k, MOVED],
                    ints[k, WALK],
                    m,
                )
                ints[size[0] - 1, BOUNCE] = ints[k, BOUNCE]
            stage = 1
        if stage == 1:  # the next wave: the cohorts added since the last one
            if lo >= size[0]:
                s += 1
                stage = 0
                continue
            hi = size[0]
            i = lo
            stage = 2
        if stage == 2:
            while i < hi:
                if size[0] + room > cnts.shape[0] or psize[0] + SOLO > p_cnt.shape[0]:
                    code = 1
                    break
                _travel(
                    i,
                    rng,
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
                    p_km,
                    rules,
                    wbuf,
                    split,
                    route_buf,
                    reach,
                )
                i += 1
            if code != 0:
                break
            lo = hi  # no merge between waves: it cost more than the steps it saved
            stage = 1
    pos[0], pos[1], pos[2], pos[3], pos[4] = s, lo, hi, i, stage
    return code


@numba.njit(cache=True, inline="always")
def _travel(
    i,
    rng,
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
    p_km,
    rules,
    wbuf,
    split,
    route_buf,
    reach,
):
    """One step of cohort ``i`` on its link; on arrival, rest or move on (a new cohort).

    ``reach`` (km) is passed on to ``_depart``: negative when no camp can fill up today.
    Room for ``BATCHES`` x the widest choice + 1 link cohorts and one pending cohort is
    made beforehand.
    """
    ints, flts, routes, cnts, _ = st
    out_off, link_src, link_dst, link_dist, link_speed, link_walk, link_open = links
    p_off, p_end, p_base, p_hops, p_nh, p_link, _, _, _, epoch = paths
    buffer, wpow, max_speed, walk_speed, start_on_foot, avoid_short, cells = rules
    cnt = cnts[i]
    if cnt == 0 or ints[i, VF] == DONE:
        return
    j = ints[i, LINK]
    if ints[i, VF] == 1:  # counted as arriving today at the end of its route: now it does
        epoch[0] += 1
        ints[i, VF] = 0
        vfill[link_dst[j] if ints[i, RLEN] == 0 else routes[i, ints[i, RLEN] - 1]] -= cnt
    r, moved = flts[i, R], flts[i, MOVED]
    fresh = ints[i, FRESH]
    speed = link_speed[j]
    if fresh == 1 and start_on_foot:
        speed = walk_speed
    walking = ints[i, WALK] == 1
    if (
        cnt <= SOLO
        and avoid_short
        and (link_walk[j] > 0.0 or flts[i, D] + (walk_speed if walking else speed) > link_dist[j])
    ):  # a few people who may leave their link today: each finishes the day in turn
        ints[i, WALK] = 0
        cnts[i] = 0
        rlen0 = ints[i, RLEN]
        for _ in range(cnt):
            for h in range(rlen0):
                route_buf[h] = routes[i, h]
            _solo(
                rng,
                j,
                flts[i, D],
                r,
                moved,
                fresh,
                ints[i, BOUNCE],
                walking,
                route_buf,
                rlen0,
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
        return
    epoch[0] += 1  # a cohort's step may change the camps: route weights kept today go stale
    if ints[i, WALK] == 1:
        speed = walk_speed
        ints[i, WALK] = 0
    elif link_walk[j] > 0.0:
        w = _binom(rng, cnt, link_walk[j])
        if w == cnt:
            speed = walk_speed
        elif w > 0:  # the walkers go on as their own cohort, later today
            rlen = ints[i, RLEN]
            _push(st, j, routes[i], rlen, fresh, flts[i, D], r, moved, 1, w)
            cnts[i] -= w
            cnt -= w
    d = flts[i, D] + speed
    moved += speed
    if d <= link_dist[j]:
        flts[i, D] = d
        flts[i, MOVED] = moved
        return
    moved += link_dist[j] - d
    rlen = ints[i, RLEN]
    for h in range(rlen):
        route_buf[h] = routes[i, h]
    cnts[i] = 0
    r_end = (r + moved / max_speed) / 2.0
    if (not link_open[j]) or ints[i, BOUNCE] == 1:  # closed under them: back to its start
        back = link_src[j]
        loc_num[back] += cnt
        _rest(back, cnt, r_end, 0, route_buf, rlen, arr, pend, cells)
        return
    here = link_dst[j]
    loc_num[here] += cnt
    if moved >= speed:
        _rest(here, cnt, r_end, 0, route_buf, rlen, arr, pend, cells)
        return
    force = avoid_short and (r + moved / max_speed) / 2.0 < 0.5
    chance = 1.0 if (force and is_town[here]) else mc[here]
    k = cnt if chance >= 1.0 else _binom(rng, cnt, chance)
    stay = cnt - k
    if k > 0 and rlen == 0:
        back = _depart(
            rng,
            here,
            k,
            r,
            0,
            moved,
            st,
            loc_num,
            vfill,
            is_camp,
            capacity,
            buffer,
            wpow,
            p_off,
            p_end,
            p_base,
            p_hops,
            p_nh,
            p_link,
            p_km,
            wbuf,
            split,
            reach,
            route_buf,
        )
        stay += back
    elif k > 0:
        dest = route_buf[rlen - 1]
        j2 = _first_link(here, route_buf[0], out_off, link_dst, link_open)
        if j2 < 0 or (is_camp[dest] and _cm(dest, loc_num, vfill, capacity, buffer) < 0.5):
            arr[here, 0, _cell(r_end, cells)] += k  # the route is dropped
        else:
            _push(st, j2, route_buf[1:], rlen - 1, 0, 0.0, r, moved, 0, k)
            loc_num[here] -= k
    if stay > 0:
        _rest(here, stay, r_end, 0, route_buf, rlen, arr, pend, cells)
