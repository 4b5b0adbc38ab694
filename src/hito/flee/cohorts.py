"""The cohort ruleset: Flee 3.1's rules on counts of exchangeable people, in numba.

People resting at a place with no route left are exchangeable except for two things the
rules read: whether they have arrived anywhere yet (``start_on_foot``) and their recent
travel (``avoid_short_stints``), kept on a grid of 1/16 (``R_GRID``; one cell when the
setting is off). So a place holds counts ``pool[place, fresh, recent]``; a day's leavers
are a binomial draw with the move chance, split over candidate routes by a multinomial draw
with the same weights as the per-agent ruleset (``hito.flee.kernel``). People on a link
differ by (link, distance done, route left, recent travel, fresh, sent back): a cohort
each, merged at the end of the day when equal. People resting with a route still to go
(awareness above 1) are kept as separate cohorts. A run costs the number of cohorts, not
of people once cohorts hold more than a few people each. Halving of recent travel on a
day of rest moves a grid cell to half its value (odd cells split by a fair binomial draw).
Flee moves one person at a time, so camps filling up during a day are seen part-filled by
later people; cohorts approximate that order by travelling in SLICES passes and by
choosing in BATCHES when moving on mid-day. The grids and these passes are the
approximations; their effect is measured against the per-agent ruleset.
"""

from __future__ import annotations

import numba
import numpy as np

R_GRID = 16.0
R_CELLS = 33  # recent travel 0 .. 2 in steps of 1/16
SLICES = 4  # passes over the cohorts on links each day
# link cohort columns
LINK, RLEN, FRESH, BOUNCE, WALK, VF = 0, 1, 2, 3, 4, 5
BATCHES = 4  # sequential batches of people moving on mid-day
MOVED_GRID = 64.0  # distance moved today, in 1/64 of a day's travel, once moving on
D, R, MOVED = 0, 1, 2


@numba.njit(cache=True, inline="always")
def _cm(loc, loc_num, vfill, capacity, buffer):
    """Capacity multiplier counting people who will arrive at a camp later today."""
    c = capacity[loc]
    if c < 1:
        return 1.0
    x = loc_num[loc] + vfill[loc]
    if x <= buffer * c:
        return 1.0
    if x >= c:
        return 0.0
    return 1.0 - (x - buffer * c) / (c * (1.0 - buffer))


@numba.njit(cache=True)
def _first_full(c, buffer):
    """The fewest people at which a camp of capacity ``c`` refuses newcomers.

    That is, its multiplier is below one half, computed in floating point exactly as the
    multiplier itself is.
    """
    x = int(np.floor(c * (buffer + 0.5 * (1.0 - buffer)))) + 1
    while x > 0 and 1.0 - (x - 1 - buffer * c) / (c * (1.0 - buffer)) < 0.5:
        x -= 1
    while 1.0 - (x - buffer * c) / (c * (1.0 - buffer)) >= 0.5:
        x += 1
    return x


@numba.njit(cache=True)
def _cell(r, cells):
    if cells == 1:
        return 0
    b = int(r * R_GRID + 0.5)
    return min(max(b, 0), cells - 1)


@numba.njit(cache=True)
def _push(st, link, route, rlen, fresh, d, r, moved, walk, cnt):
    """Append a link cohort; grows the arrays when full (returns the state)."""
    ints, flts, routes, cnts, n = st
    if n >= cnts.shape[0]:
        m = 2 * cnts.shape[0]
        ints2 = np.zeros((m, ints.shape[1]), np.int64)  # noqa: E501
        flts2 = np.zeros((m, 3))
        routes2 = np.zeros((m, routes.shape[1]), np.int64)
        cnts2 = np.zeros(m, np.int64)
        ints2[:n], flts2[:n], routes2[:n], cnts2[:n] = ints[:n], flts[:n], routes[:n], cnts[:n]
        ints, flts, routes, cnts = ints2, flts2, routes2, cnts2
    ints[n, LINK], ints[n, RLEN], ints[n, FRESH], ints[n, BOUNCE], ints[n, WALK] = (
        link,
        rlen,
        fresh,
        0,
        walk,
    )
    ints[n, VF] = 0
    flts[n, D], flts[n, R], flts[n, MOVED] = d, r, moved
    for h in range(rlen):
        routes[n, h] = route[h]
    cnts[n] = cnt
    return ints, flts, routes, cnts, n + 1


@numba.njit(cache=True)
def _rest(here, cnt, r, fresh, route, rlen, arr, pend, cells):
    """People who end the day at a place: into the pool, or a pending cohort with a route."""
    if rlen == 0:
        arr[here, fresh, _cell(r, cells)] += cnt
        return pend
    p_int, p_flt, p_route, p_cnt, pn = pend
    if pn >= p_cnt.shape[0]:
        m = max(16, 2 * p_cnt.shape[0])
        a, b, c, d = (
            np.zeros((m, 4), np.int64),
            np.zeros(m),
            np.zeros((m, p_route.shape[1]), np.int64),
            np.zeros(m, np.int64),
        )
        a[:pn], b[:pn], c[:pn], d[:pn] = p_int[:pn], p_flt[:pn], p_route[:pn], p_cnt[:pn]
        p_int, p_flt, p_route, p_cnt = a, b, c, d
    p_int[pn, 0], p_int[pn, 1], p_int[pn, 2], p_int[pn, 3] = here, rlen, fresh, 1
    p_flt[pn] = r
    for h in range(rlen):
        p_route[pn, h] = route[h]
    p_cnt[pn] = cnt
    return p_int, p_flt, p_route, p_cnt, pn + 1


@numba.njit(cache=True)
def _first_link(here, nxt, out_off, link_dst, link_open):
    for j in range(out_off[here], out_off[here + 1]):
        if link_open[j] and link_dst[j] == nxt:
            return j
    return -1


@numba.njit(cache=True)
def _choose(rng, here, k, p_off, p_end, p_base, loc_num, vfill, capacity, buffer, wpow, wbuf, out):
    """Split ``k`` people over the candidate paths of ``here`` (multinomial); counts in out."""
    p0, p1 = p_off[here], p_off[here + 1]
    tot = 0.0
    for q in range(p0, p1):
        w = p_base[q] * _cm(p_end[q], loc_num, vfill, capacity, buffer)
        if wpow != 1.0:
            w = w**wpow
        wbuf[q - p0] = w
        tot += w
    left = k
    for q in range(p0, p1):
        out[q - p0] = 0
    if tot <= 0.0:  # equal chances when every weight is zero
        for q in range(p0, p1):
            rest = p1 - q
            m = left if rest == 1 else rng.binomial(left, 1.0 / rest)
            out[q - p0] = m
            left -= m
        return
    for q in range(p0, p1):
        w = wbuf[q - p0]
        if left == 0:
            break
        if w >= tot or q == p1 - 1:
            out[q - p0] = left
            left = 0
            break
        m = rng.binomial(left, min(1.0, w / tot)) if w > 0.0 else 0
        out[q - p0] = m
        left -= m
        tot -= w


@numba.njit(cache=True)
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
    p_km,
    wbuf,
    split,
    reach,
    route_buf,
):
    """``k`` people at ``here`` with no route choose one and step onto its first link.

    Those whose choice is a camp at least half-way past its buffer stay; they are returned
    (the caller decides where they rest). People leaving in the morning (``reach < 0``) all
    choose before anyone arrives, as in Flee. People moving on mid-day (``reach``: the km
    they still go today) choose in BATCHES, one after another, and those bound for a camp
    they reach today count in ``vfill`` from then on: Flee finishes each person's day
    before the next person's, so later people see the camp fuller.
    """
    stay = 0
    p0 = p_off[here]
    parts = 1 if reach < 0.0 else min(k, BATCHES)
    left = k
    for part in range(parts):
        kk = left if part == parts - 1 else rng.binomial(left, 1.0 / (parts - part))
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
            j = _first_link(here, p_hops[q, 0], out_off, link_dst, link_open)
            if j < 0 or (is_camp[dest] and _cm(dest, loc_num, vfill, capacity, buffer) < 0.5):
                stay += m
                continue
            today = is_camp[dest] and capacity[dest] >= 1 and p_km[q] <= reach
            if today:  # they arrive one after another until the camp is half-way past its buffer
                room = max(0, _first_full(capacity[dest], buffer) - loc_num[dest] - vfill[dest])
                if m > room:
                    stay += m - room
                    m = room
                    if m == 0:
                        continue
            for h in range(nh - 1):
                route_buf[h] = p_hops[q, h + 1]
            st = _push(st, j, route_buf, nh - 1, fresh, 0.0, r, moved, 0, m)
            if today:
                st[0][st[4] - 1, VF] = 1
                vfill[dest] += m
            loc_num[here] -= m
    return st, stay


@numba.njit(cache=True)
def day(
    t,
    rng,
    st,
    pool,
    arr,
    pend,
    loc_num,
    vfill,
    cells,
    mc,
    is_town,
    is_camp,
    capacity,
    out_off,
    link_src,
    link_dst,
    link_dist,
    link_speed,
    link_walk,
    link_open,
    buffer,
    wpow,
    p_off,
    p_end,
    p_base,
    p_hops,
    p_nh,
    p_km,
    max_speed,
    walk_speed,
    start_on_foot,
    avoid_short,
):
    """One day (Flee's Ecosystem.evolve): departures from places, then travel on links."""
    n = loc_num.shape[0]
    width = 1
    for x in range(n):
        width = max(width, p_off[x + 1] - p_off[x])
    wbuf = np.empty(width)
    split = np.zeros(width, np.int64)
    route_buf = np.zeros(p_hops.shape[1], np.int64)
    # the morning: a day of rest halves recent travel; yesterday's arrivals join the pools
    if cells > 1:
        for x in range(n):
            for f in range(2):
                for b in range(1, cells):
                    c = pool[x, f, b]
                    if c == 0:
                        continue
                    pool[x, f, b] = 0
                    if b % 2 == 0:
                        pool[x, f, b // 2] += c
                    else:
                        up = rng.binomial(c, 0.5)
                        pool[x, f, b // 2 + 1] += up
                        pool[x, f, b // 2] += c - up
    pool += arr
    arr[:] = 0
    p_int, p_flt, p_route, p_cnt, pn = pend
    for e in range(pn):
        if p_int[e, 3]:
            p_int[e, 3] = 0
        else:
            p_flt[e] *= 0.5
    # departures (Person.evolve for everyone at a place)
    for x in range(n):
        if p_off[x + 1] == p_off[x]:
            continue
        for f in range(2):
            for b in range(cells):
                c = pool[x, f, b]
                if c == 0:
                    continue
                k = c if mc[x] >= 1.0 else rng.binomial(c, mc[x])
                if k == 0:
                    continue
                st, stay = _depart(
                    rng,
                    x,
                    k,
                    b / R_GRID,
                    f,
                    0.0,
                    st,
                    loc_num,
                    vfill,
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
                    p_km,
                    wbuf,
                    split,
                    -1.0,
                    route_buf,
                )
                pool[x, f, b] -= k - stay
    for e in range(pn):  # resting people with a route still to go
        c = p_cnt[e]
        x = p_int[e, 0]
        if c == 0:
            continue
        k = c if mc[x] >= 1.0 else rng.binomial(c, mc[x])
        if k == 0:
            continue
        rlen = p_int[e, 1]
        dest = p_route[e, rlen - 1]
        j = _first_link(x, p_route[e, 0], out_off, link_dst, link_open)
        p_cnt[e] -= k
        if j < 0 or (is_camp[dest] and _cm(dest, loc_num, vfill, capacity, buffer) < 0.5):
            pool[x, p_int[e, 2], _cell(p_flt[e], cells)] += k  # the route is dropped
            continue
        st = _push(st, j, p_route[e, 1:], rlen - 1, p_int[e, 2], 0.0, p_flt[e], 0.0, 0, k)
        loc_num[x] -= k
    pend = (p_int, p_flt, p_route, p_cnt, pn)
    # travel (Person.finish_travel for everyone on a link). Flee finishes each person's
    # day before the next person's, so people arriving early fill camps that later ones
    # weigh: the cohorts travel in SLICES passes, each a share of every cohort, and within
    # a pass in waves (the people who move on after arriving form the next wave).
    n0 = st[4]
    rem = st[3][:n0].copy()
    st[3][:n0] = 0
    # the order only matters when a camp may pass its buffer today: if even everyone on a
    # link arriving there would not, every capacity multiplier stays 1 all day
    tight = False
    moving = rem.sum()
    for x in range(n):
        if is_camp[x] and capacity[x] >= 1 and loc_num[x] + moving > buffer * capacity[x]:
            tight = True
    slices = SLICES if tight else 1
    reach = max_speed if tight else -1.0
    for s in range(slices):
        lo = st[4]
        for i in range(n0):
            left = rem[i]
            if left == 0:
                continue
            m = left if s == slices - 1 else rng.binomial(left, 1.0 / (slices - s))
            if m == 0:
                continue
            rem[i] -= m
            ints, flts, routes, cnts, _ = st
            st = _push(
                st,
                ints[i, LINK],
                routes[i],
                ints[i, RLEN],
                ints[i, FRESH],
                flts[i, D],
                flts[i, R],
                flts[i, MOVED],
                ints[i, WALK],
                m,
            )
            st[0][st[4] - 1, BOUNCE] = ints[i, BOUNCE]
        while lo < st[4]:
            hi = st[4]
            for i in range(lo, hi):
                st, pend = _travel(
                    i,
                    t,
                    rng,
                    st,
                    pend,
                    arr,
                    loc_num,
                    vfill,
                    cells,
                    mc,
                    is_town,
                    is_camp,
                    capacity,
                    out_off,
                    link_src,
                    link_dst,
                    link_dist,
                    link_speed,
                    link_walk,
                    link_open,
                    buffer,
                    wpow,
                    p_off,
                    p_end,
                    p_base,
                    p_hops,
                    p_nh,
                    p_km,
                    max_speed,
                    walk_speed,
                    start_on_foot,
                    avoid_short,
                    wbuf,
                    split,
                    route_buf,
                    reach,
                )
            st = merge(st, hi, False, cells, max_speed)
            lo = hi
    return st, pend


@numba.njit(cache=True)
def _travel(
    i,
    t,
    rng,
    st,
    pend,
    arr,
    loc_num,
    vfill,
    cells,
    mc,
    is_town,
    is_camp,
    capacity,
    out_off,
    link_src,
    link_dst,
    link_dist,
    link_speed,
    link_walk,
    link_open,
    buffer,
    wpow,
    p_off,
    p_end,
    p_base,
    p_hops,
    p_nh,
    p_km,
    max_speed,
    walk_speed,
    start_on_foot,
    avoid_short,
    wbuf,
    split,
    route_buf,
    reach,
):
    """One step of cohort ``i`` on its link; on arrival, rest or move on (a new cohort).

    ``reach`` (km) is passed on to ``_depart``: negative when no camp can fill up today.
    """
    ints, flts, routes, cnts, _ = st
    cnt = cnts[i]
    if cnt == 0:
        return st, pend
    j = ints[i, LINK]
    if ints[i, VF] == 1:  # counted as arriving today at the end of its route: now it does
        ints[i, VF] = 0
        vfill[link_dst[j] if ints[i, RLEN] == 0 else routes[i, ints[i, RLEN] - 1]] -= cnt
    r, moved = flts[i, R], flts[i, MOVED]
    fresh = ints[i, FRESH]
    speed = link_speed[j]
    if fresh == 1 and start_on_foot:
        speed = walk_speed
    if ints[i, WALK] == 1:
        speed = walk_speed
        ints[i, WALK] = 0
    elif link_walk[j] > 0.0:
        w = rng.binomial(cnt, link_walk[j])
        if w == cnt:
            speed = walk_speed
        elif w > 0:  # the walkers go on as their own cohort, later today
            rlen = ints[i, RLEN]
            st = _push(st, j, routes[i], rlen, fresh, flts[i, D], r, moved, 1, w)
            ints, flts, routes, cnts, _ = st
            cnts[i] -= w
            cnt -= w
    d = flts[i, D] + speed
    moved += speed
    if d <= link_dist[j]:
        flts[i, D] = d
        flts[i, MOVED] = moved
        return st, pend
    moved += link_dist[j] - d
    rlen = ints[i, RLEN]
    for h in range(rlen):
        route_buf[h] = routes[i, h]
    cnts[i] = 0
    r_end = (r + moved / max_speed) / 2.0
    if (not link_open[j]) or ints[i, BOUNCE] == 1:  # closed under them: back to its start
        back = link_src[j]
        loc_num[back] += cnt
        pend = _rest(back, cnt, r_end, 0, route_buf, rlen, arr, pend, cells)
        return st, pend
    here = link_dst[j]
    loc_num[here] += cnt
    if moved >= speed:
        pend = _rest(here, cnt, r_end, 0, route_buf, rlen, arr, pend, cells)
        return st, pend
    force = avoid_short and (r + moved / max_speed) / 2.0 < 0.5
    chance = 1.0 if (force and is_town[here]) else mc[here]
    k = cnt if chance >= 1.0 else rng.binomial(cnt, chance)
    stay = cnt - k
    if k > 0 and rlen == 0:
        # moved today, on a grid of 1/64 of a day's travel, so that chains merge
        mq = np.floor(moved * MOVED_GRID / max_speed + 0.5) * max_speed / MOVED_GRID
        st, back = _depart(
            rng,
            here,
            k,
            r,
            0,
            mq,
            st,
            loc_num,
            vfill,
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
            st = _push(st, j2, route_buf[1:], rlen - 1, 0, 0.0, r, moved, 0, k)
            loc_num[here] -= k
    if stay > 0:
        pend = _rest(here, stay, r_end, 0, route_buf, rlen, arr, pend, cells)
    return st, pend


@numba.njit(cache=True)
def merge(st, lo, end, cells, max_speed):
    """Drop empty cohorts from ``lo`` on and merge equal ones.

    Equal: same link, distance done, recent travel, distance moved today, route left,
    fresh, sent back, walking, counted as arriving today. At the end of the day (``end``)
    recent travel is updated first and put on the grid.
    """
    ints, flts, routes, cnts, n = st
    keep = lo
    for i in range(lo, n):
        if cnts[i] == 0:
            continue
        if end:
            r = (flts[i, R] + flts[i, MOVED] / max_speed) / 2.0
            flts[i, R] = _cell(r, cells) / R_GRID if cells > 1 else 0.0
            flts[i, MOVED] = 0.0
        flts[keep] = flts[i]
        ints[keep] = ints[i]
        routes[keep] = routes[i]
        cnts[keep] = cnts[i]
        keep += 1
    m = keep - lo
    if m < 2:
        return ints, flts, routes, cnts, keep
    key = np.empty(m, np.float64)
    for a in range(m):
        i = lo + a
        key[a] = ints[i, LINK] * 1e7 + flts[i, D] * 7.0 + flts[i, R] * 1e-1 + flts[i, MOVED]
    order = np.argsort(key)
    ints2, flts2 = ints[lo:keep].copy(), flts[lo:keep].copy()
    routes2, cnts2 = routes[lo:keep].copy(), cnts[lo:keep].copy()
    out = lo
    for a in range(m):
        i = order[a]
        b = out - 1
        merged = False
        while b >= lo and key[order[a]] - 1e-9 <= _key(ints, flts, b):
            same = (
                ints[b, LINK] == ints2[i, LINK]
                and flts[b, D] == flts2[i, D]
                and flts[b, R] == flts2[i, R]
                and flts[b, MOVED] == flts2[i, MOVED]
            )
            for c in range(1, 6):
                same = same and ints[b, c] == ints2[i, c]
            if same:
                for h in range(ints2[i, RLEN]):
                    if routes[b, h] != routes2[i, h]:
                        same = False
                        break
            if same:
                cnts[b] += cnts2[i]
                merged = True
                break
            b -= 1
        if not merged:
            ints[out], flts[out], routes[out], cnts[out] = ints2[i], flts2[i], routes2[i], cnts2[i]
            out += 1
    return ints, flts, routes, cnts, out


@numba.njit(cache=True, inline="always")
def _key(ints, flts, b):
    return ints[b, LINK] * 1e7 + flts[b, D] * 7.0 + flts[b, R] * 1e-1 + flts[b, MOVED]


def end_of_day(st: tuple, cells: int, max_speed: float) -> tuple:
    """Close the day on links: recent travel updated, empty cohorts dropped, equal ones merged."""
    return merge(st, 0, True, cells, max_speed)
