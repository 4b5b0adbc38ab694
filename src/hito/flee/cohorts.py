"""The cohort ruleset: Flee 3.1's rules on counts of exchangeable people, in numba.

People resting at a place with no route left are exchangeable except for two things the
rules read: whether they have arrived anywhere yet (``start_on_foot``) and their recent
travel (``avoid_short_stints``), kept on a grid of 1/4 (``R_GRID``; one cell when the
setting is off). The rules read recent travel only through a threshold (a stop at a town
is forced while recent travel + today's km / max_move_speed < 1) and its own update, so
the grid only moves that threshold for people near it, while each cell's leavers leave as
cohorts of their own: on ssudan2014 a grid of 1/16 kept about 13 cells a place, and 1/4
makes half as many cohorts in a run, runs 1.16x-1.27x faster (burundi2015, mali2012,
ssudan2014) and gives the same ARD distributions over 30 seeds; 1/2 moved them
(docs/flee-benchmark.md, session 9). So a place holds counts ``pool[place, fresh,
recent]``; a day's leavers are a binomial draw with the move chance, split over candidate
routes by a multinomial draw with the same weights as the per-agent ruleset
(``hito.flee.kernel``). People on a link
differ by (link, distance done, route left, recent travel, fresh, sent back): a cohort
each, merged at the end of the day when equal. People resting with a route still to go
(awareness above 1) are kept as separate cohorts. A run costs the number of cohorts, not
of people once cohorts hold more than a few people each. Halving of recent travel on a
day of rest moves a grid cell to half its value (odd cells split by a fair binomial draw).
Flee moves one person at a time, so camps filling up during a day are seen part-filled by
later people; cohorts approximate that order by travelling in SLICES passes, by
choosing in BATCHES when moving on mid-day and by drawing the people who leave camps in
the morning half before and half after everyone else's choice. The grid, these passes and
halves are the approximations; their effect is measured against the per-agent ruleset.
Where people move on mid-day (``avoid_short_stints``), cohorts split into ones and twos
within a hop or two, so there a cohort of up to SOLO people that may leave its link today
travels one person at a time (``_solo``), each person's whole day before the next
person's, as Flee does: one person's hops in one loop cost far less than a cohort made per
hop (without the setting, cohorts stay large and this path is not taken). A cohort of up
to WHOLE people goes whole in one of the day's passes (a larger one is split over them).

The functions run for every cohort allocate nothing and are compiled without numba's
reference counting (``_nrt=False``): every array they touch is owned by a caller for the
whole call, and counting references to each array argument (an atomic add and subtract
per array per call) was most of a cohort step's cost. Only ``reserve`` and ``scratch``
make arrays; ``day`` stops and says how much room it needs, and ``cohortrun`` makes it.
A cohort's step (``_travel``) and a person's day (``_solo``) are inlined into the day's
passes: numba passes each array as five to nine words, so a call with ~40 arrays cost
more than the hops it made; the network, paths and rules go to them as three tuples
(numba inlines no call with more than about 30 arguments). ``rng`` is a pair: numpy's
generator for binomial draws and the four words of an inlined xoshiro256+ (``_unif``)
for the uniform draws, one or two a person and hop, seeded from the generator at the start
of a run, so the same seed gives the same run. Route weights that cannot change during a
day (no camp near its buffer among a place's path ends) are worked out once a day
(``_static_weights``), as cumulative bounds in a row padded to the widest choice, and a
draw picks a path by counting the bounds at or below it (``_pick``: no branch on the draw;
a scan that stopped at the pick mispredicted about once a draw). A person's stay-or-go is
one uniform draw every hop, forced or not, and one branch. A person's hops index their
arrays unsigned (numba tests a signed index for counting from the end at every access).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

# numba's option to compile without reference counting (missing from its type stubs)
_NO_NRT: dict[str, Any] = {"_nrt": False}
no_refcounts = numba.njit(cache=True, **_NO_NRT)

R_GRID = 4.0
R_CELLS = 9  # recent travel 0 .. 2 in steps of 1/4
SLICES = 4  # passes over the cohorts on links each day
# link cohort columns
LINK, RLEN, FRESH, BOUNCE, WALK, VF = 0, 1, 2, 3, 4, 5
BATCHES = 4  # sequential batches of people moving on mid-day
SMALL = 16  # up to this many people, draws are made one person at a time
SOLO = 16  # cohorts of up to this many people that leave their link travel one person at a time
WHOLE = 4  # cohorts of up to this many people travel in one pass of the day, all together
DONE = 2  # VF value of a cohort that has travelled today (pushed by ``_solo``)
D, R, MOVED = 0, 1, 2
# unsigned 0 and 1: numba tests a signed index for counting from the end at every access
U0, U1 = np.uintp(0), np.uintp(1)


@numba.njit(cache=True, inline="always")
def _unif(s):
    """A uniform draw in [0, 1) by xoshiro256+ (Blackman and Vigna) on the four words ``s``.

    Inlined where it is drawn: numpy's generator costs a call through a pointer per draw,
    and most draws of a run are these (one or two a person and hop).
    """
    s0, s1, s2, s3 = s[0], s[1], s[2], s[3]
    out = s0 + s3
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
    s[0], s[1], s[2], s[3] = s0, s1, s2, s3
    return float(out >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True, inline="always")
def _binom(rng, n, p):
    """A binomial draw; for a few people, one uniform draw each (cheaper, same law)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if n <= SMALL:
        k = 0
        for _ in range(n):
            if _unif(rng[1]) < p:
                k += 1
        return k
    return rng[0].binomial(n, p)


@numba.njit(cache=True, inline="always")
def _cm(loc, loc_num, vfill, capacity, buffer):
    """Capacity multiplier counting people who will arrive at a camp later today."""
    at = np.uintp(loc)  # unsigned: no test for an index from the end
    c = capacity[at]
    if c < 1:
        return 1.0
    x = loc_num[at] + vfill[at]
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


@numba.njit(cache=True, inline="always")
def _cell(r, cells):
    if cells == 1:
        return 0
    b = int(r * R_GRID + 0.5)
    return min(max(b, 0), cells - 1)


@numba.njit(cache=True, inline="always")
def _push(st, link, route, rlen, fresh, d, r, moved, walk, cnt):
    """Append a link cohort (room is made beforehand: ``reserve``)."""
    ints, flts, routes, cnts, size = st
    n = size[0]
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
    size[0] = n + 1


@numba.njit(cache=True)
def reserve(st, more):
    """The same cohorts in arrays with room for ``more`` others (new arrays when full)."""
    ints, flts, routes, cnts, size = st
    n = size[0]
    if n + more <= cnts.shape[0]:
        return st
    m = max(2 * cnts.shape[0], n + more)
    ints2 = np.zeros((m,) + ints.shape[1:], np.int64)
    flts2 = np.zeros((m,) + flts.shape[1:])
    routes2 = np.zeros((m,) + routes.shape[1:], np.int64)
    cnts2 = np.zeros(m, np.int64)
    ints2[:n], flts2[:n], routes2[:n], cnts2[:n] = ints[:n], flts[:n], routes[:n], cnts[:n]
    return ints2, flts2, routes2, cnts2, size


@numba.njit(cache=True, inline="always")
def _rest(here, cnt, r, fresh, route, rlen, arr, pend, cells):
    """People who end the day at a place: into the pool, or a pending cohort with a route."""
    if rlen == 0:
        arr[here, fresh, _cell(r, cells)] += cnt
        return
    p_int, p_flt, p_route, p_cnt, psize = pend
    pn = psize[0]
    p_int[pn, 0], p_int[pn, 1], p_int[pn, 2], p_int[pn, 3] = here, rlen, fresh, 1
    p_flt[pn] = r
    for h in range(rlen):
        p_route[pn, h] = route[h]
    p_cnt[pn] = cnt
    psize[0] = pn + 1


@numba.njit(cache=True, inline="always")
def _first_link(here, nxt, out_off, link_dst, link_open):
    x = np.uintp(here)
    for j in range(np.uintp(out_off[x]), np.uintp(out_off[x + U1])):
        if link_open[j] and link_dst[j] == nxt:
            return np.int64(j)
    return -1


@numba.njit(cache=True, inline="always")
def _weights(p0, p1, p_end, p_base, loc_num, vfill, capacity, buffer, wpow, wbuf):
    """Route weights of paths p0..p1 as the camps are now (into wbuf from 0); their sum."""
    tot = 0.0
    for q in range(p0, p1):
        w = p_base[q] * _cm(p_end[q], loc_num, vfill, capacity, buffer)
        if wpow != 1.0:
            w = w**wpow
        wbuf[q - p0] = w
        tot += w
    return tot


@numba.njit(cache=True, inline="always")
def _choose(rng, here, k, p_off, p_end, p_base, loc_num, vfill, capacity, buffer, wpow, wbuf, out):
    """Split ``k`` people over the candidate paths of ``here`` (multinomial); counts in out."""
    p0, p1 = p_off[here], p_off[here + 1]
    tot = _weights(p0, p1, p_end, p_base, loc_num, vfill, capacity, buffer, wpow, wbuf)
    left = k
    for q in range(p0, p1):
        out[q - p0] = 0
    if tot <= 0.0:  # equal chances when every weight is zero
        for q in range(p0, p1):
            rest = p1 - q
            m = left if rest == 1 else _binom(rng, left, 1.0 / rest)
            out[q - p0] = m
            left -= m
        return
    if left <= SMALL:  # one draw per person over the cumulative weights
        width = wbuf.shape[0]
        tot = _cumulate(wbuf, p1 - p0, width, tot)
        for _ in range(left):
            out[_pick(wbuf, width, _unif(rng[1]) * tot)] += 1
        return
    for q in range(p0, p1):
        w = wbuf[q - p0]
        if left == 0:
            break
        if w >= tot or q == p1 - 1:
            out[q - p0] = left
            left = 0
            break
        m = _binom(rng, left, min(1.0, w / tot)) if w > 0.0 else 0
        out[q - p0] = m
        left -= m
        tot -= w


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
            _push(st, j, route_buf, nh - 1, fresh, 0.0, r, moved, 0, m)
            if today:
                st[0][st[4][0] - 1, VF] = 1
                vfill[dest] += m
            loc_num[here] -= m
    return stay


@no_refcounts
def _morning(
    rng,
    st,
    pool,
    loc_num,
    vfill,
    cells,
    mc,
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
    p_link,
    p_km,
    wbuf,
    split,
    route_buf,
):
    """Departures from the pools (Person.evolve for everyone at a place with no route).

    Flee evolves people one at a time, so a person choosing a route sees the camps as the
    people evolved before them left them: a camp at the count where it refuses newcomers
    takes them again once one resident has left. People leaving camps are drawn in two
    halves, one before everyone else's choice and one after (each leaver comes before or
    after a given chooser as a fair coin says), not all after the towns in place order.
    """
    n = loc_num.shape[0]
    for xx in range(3 * n):
        x = xx % n
        phase = xx // n  # 0: camps' first half, 1: other places, 2: camps' second half
        if (phase == 1) == bool(is_camp[x]) or p_off[x + 1] == p_off[x]:
            continue
        p = mc[x]
        if phase != 1:
            half = min(p, 1.0) / 2.0
            p = half if phase == 0 else half / (1.0 - half)
        for f in range(2):
            for b in range(cells):
                c = pool[x, f, b]
                if c == 0:
                    continue
                k = _binom(rng, c, p)
                if k == 0:
                    continue
                stay = _depart(
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
                    p_link,
                    p_km,
                    wbuf,
                    split,
                    -1.0,
                    route_buf,
                )
                pool[x, f, b] -= k - stay


# stages of a day (ds[0]); ds[1]: how much room the caller is to make
DAWN, LEAVE, SETUP, TRAVEL, DUSK = 0, 1, 2, 3, 4


@no_refcounts
def day(
    ds,
    t,
    rng,
    st,
    sc,
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
    p_link,
    p_km,
    today,
    max_speed,
    walk_speed,
    start_on_foot,
    avoid_short,
):
    """One day (Flee's Ecosystem.evolve): departures from places, then travel on links.

    Ends with the cohorts on links merged (recent travel updated). Makes no array: when
    the cohorts need room it returns 1 (the caller makes room for ``ds[1]`` more cohorts
    and one more pending cohort), when the working arrays ``sc`` (``scratch``) must hold
    ``ds[1]`` cohorts it returns 2, and the caller calls again with the same ``ds`` to go
    on where it stopped; it returns 0 when the day is done.
    """
    n = loc_num.shape[0]
    width = 1
    for x in range(n):
        width = max(width, p_off[x + 1] - p_off[x])
    room = BATCHES * width + SOLO + 1  # the most cohorts one departure or one step adds
    wbuf, split, route_buf, pos = sc[6], sc[7], sc[8], sc[9]
    ints, flts, routes, cnts, size = st
    p_int, p_flt, p_route, p_cnt, psize = pend
    pn = psize[0]
    if ds[0] == DAWN:
        # a day of rest halves recent travel; yesterday's arrivals join the pools
        _dawn(rng, pool, arr, pend, cells)
        busy = 0
        for x in range(n):
            if p_off[x + 1] > p_off[x]:
                for f in range(2):
                    for b in range(cells):
                        if pool[x, f, b] > 0:
                            busy += 1
        ds[0] = LEAVE
        if size[0] + busy * room + pn > cnts.shape[0]:
            ds[1] = busy * room + pn
            return 1
    if ds[0] == LEAVE:  # departures (Person.evolve for everyone at a place)
        _morning(
            rng,
            st,
            pool,
            loc_num,
            vfill,
            cells,
            mc,
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
            p_link,
            p_km,
            wbuf,
            split,
            route_buf,
        )
        _pending(
            rng,
            st,
            pend,
            pool,
            loc_num,
            vfill,
            cells,
            mc,
            is_camp,
            capacity,
            out_off,
            link_dst,
            link_open,
            buffer,
        )
        ds[0] = SETUP
        if sc[5].shape[0] < size[0]:
            ds[1] = size[0]
            return 2
    if ds[0] == SETUP:
        # travel (Person.finish_travel for everyone on a link). Flee finishes each
        # person's day before the next person's, so people arriving early fill camps that
        # later ones weigh: the cohorts travel in SLICES passes, each a share of every
        # cohort, and within a pass in waves (the people who move on after arriving form
        # the next wave).
        n0 = size[0]
        rem = sc[5]  # what is left of each cohort for the passes to come
        moving = 0
        for k in range(n0):
            rem[k] = cnts[k]
            moving += cnts[k]
            cnts[k] = 0
        # the order only matters when a camp may pass its buffer today: if even everyone
        # on a link arriving there would not, every capacity multiplier stays 1 all day
        tight = 0
        for x in range(n):
            if is_camp[x] and capacity[x] >= 1 and loc_num[x] + moving > buffer * capacity[x]:
                tight = 1
        ds[2], ds[3] = n0, tight
        if avoid_short:  # read only by people travelling one at a time (``_solo``)
            _static_weights(loc_num, moving, p_off, p_end, p_base, capacity, buffer, wpow, today)
        for k in range(5):
            pos[k] = 0  # where the passes stopped for want of room
        ds[0] = TRAVEL
    if ds[0] == TRAVEL:
        n0, tight = ds[2], ds[3]
        slices = SLICES if tight else 1
        reach = max_speed if tight else -1.0
        code = _passes(
            pos,
            sc[5],
            n0,
            slices,
            room,
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
            p_link,
            p_km,
            today,
            max_speed,
            walk_speed,
            start_on_foot,
            avoid_short,
            wbuf,
            split,
            route_buf,
            reach,
        )
        if code != 0:
            ds[1] = max(room, n0)
            return 1
        ds[0] = DUSK
    if sc[1].shape[0] < cnts.shape[0]:
        ds[1] = cnts.shape[0]
        return 2
    merge(st, sc, 0, True, cells, max_speed)
    ds[0] = DAWN
    return 0


@no_refcounts
def _dawn(rng, pool, arr, pend, cells):
    """A day of rest halves recent travel (pools and pending cohorts); arrivals join."""
    n = pool.shape[0]
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
                        up = _binom(rng, c, 0.5)
                        pool[x, f, b // 2 + 1] += up
                        pool[x, f, b // 2] += c - up
    for x in range(n):
        for f in range(2):
            for b in range(cells):
                pool[x, f, b] += arr[x, f, b]
                arr[x, f, b] = 0
    p_int, p_flt = pend[0], pend[1]
    for e in range(pend[4][0]):
        if p_int[e, 3]:
            p_int[e, 3] = 0
        else:
            p_flt[e] *= 0.5


@no_refcounts
def _pending(
    rng,
    st,
    pend,
    pool,
    loc_num,
    vfill,
    cells,
    mc,
    is_camp,
    capacity,
    out_off,
    link_dst,
    link_open,
    buffer,
):
    """Resting people with a route still to go leave (room made beforehand)."""
    p_int, p_flt, p_route, p_cnt, psize = pend
    for e in range(psize[0]):
        c = p_cnt[e]
        x = p_int[e, 0]
        if c == 0:
            continue
        k = c if mc[x] >= 1.0 else _binom(rng, c, mc[x])
        if k == 0:
            continue
        rlen = p_int[e, 1]
        dest = p_route[e, rlen - 1]
        j = _first_link(x, p_route[e, 0], out_off, link_dst, link_open)
        p_cnt[e] -= k
        if j < 0 or (is_camp[dest] and _cm(dest, loc_num, vfill, capacity, buffer) < 0.5):
            pool[x, p_int[e, 2], _cell(p_flt[e], cells)] += k  # the route is dropped
            continue
        _push(st, j, p_route[e, 1:], rlen - 1, p_int[e, 2], 0.0, p_flt[e], 0.0, 0, k)
        loc_num[x] -= k


@no_refcounts
def _passes(
    pos,
    rem,
    n0,
    slices,
    room,
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
    p_link,
    p_km,
    today,
    max_speed,
    walk_speed,
    start_on_foot,
    avoid_short,
    wbuf,
    split,
    route_buf,
    reach,
):
    """The day's travel: SLICES passes, each a share of every cohort, each in waves.

    Stops when the cohorts or pending cohorts need more room (returns 1); ``pos`` (pass,
    wave start, wave end, next cohort, stage) says where, so that the caller enlarges them
    and calls again. Returns 0 when the day is travelled. Cohorts emptied by travel stay
    until the day's end, when ``merge`` drops them and merges equal ones.
    """
    ints, flts, routes, cnts, size = st
    p_cnt, psize = pend[3], pend[4]
    s, lo, hi, i, stage = pos[0], pos[1], pos[2], pos[3], pos[4]
    links = (out_off, link_src, link_dst, link_dist, link_speed, link_walk, link_open)
    paths = (p_off, p_end, p_base, p_hops, p_nh, p_link, today[0], today[1], today[2])
    rules = (buffer, wpow, max_speed, walk_speed, start_on_foot, avoid_short, cells)
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
    p_off, p_end, p_base, p_hops, p_nh, p_link, _, _, _ = paths
    buffer, wpow, max_speed, walk_speed, start_on_foot, avoid_short, cells = rules
    cnt = cnts[i]
    if cnt == 0 or ints[i, VF] == DONE:
        return
    j = ints[i, LINK]
    if ints[i, VF] == 1:  # counted as arriving today at the end of its route: now it does
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
                wbuf,
            )
        return
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
    wbuf,
):
    """One person's rest of the day from link ``j``, hop after hop, as Flee moves a person.

    The same rules as ``_travel`` and ``_depart`` for one person (a uniform draw for each
    chance, one draw over the route weights), with no cohort made per hop: the person
    ends the day resting (pools, pending cohorts) or on a link, as a cohort of one marked
    ``DONE`` so that later waves of the day leave it. People a person passes see the camp
    counts as they are at that moment, including the person's own arrival.
    """
    out_off, link_src, link_dst, link_dist, link_speed, link_walk, link_open = links
    p_off, p_end, p_base, p_hops, p_nh, p_link, cw, stot, dyn = paths
    buffer, wpow, max_speed, walk_speed, start_on_foot, avoid_short, cells = rules
    width = cw.shape[1]
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
        elif link_walk[k] > 0.0 and _unif(rng[1]) < link_walk[k]:
            speed = walk_speed
        d += speed
        moved += speed
        if d <= link_dist[k]:  # the day ends on this link
            _spell(route, p_hops, chosen, pick, at, rlen)
            _push(st, j, route, rlen, fresh, d, r, moved, 0, 1)
            st[0][st[4][0] - 1, BOUNCE] = bounce
            st[0][st[4][0] - 1, VF] = DONE
            return
        moved += link_dist[k] - d
        if (not link_open[k]) or bounce == 1:  # closed under them: back to its start
            back = np.uintp(link_src[k])
            loc_num[back] += 1
            _spell(route, p_hops, chosen, pick, at, rlen)
            _rest(back, 1, (r + moved / max_speed) / 2.0, 0, route, rlen, arr, pend, cells)
            return
        here = np.uintp(link_dst[k])
        loc_num[here] += 1
        # stay or go, with one branch on the draw: a draw every hop, forced or not
        u = _unif(rng[1])
        go = (moved < speed) & (((moved < short) & is_town[here]) | (u < mc[here]))
        if not go:
            _spell(route, p_hops, chosen, pick, at, rlen)
            _rest(here, 1, (r + moved / max_speed) / 2.0, 0, route, rlen, arr, pend, cells)
            return
        if rlen == 0:  # choose a route: one draw over the cumulative weights
            p0, p1 = np.uintp(p_off[here]), np.uintp(p_off[here + U1])
            if p1 == p0:
                arr[here, 0, _cell((r + moved / max_speed) / 2.0, cells)] += 1
                return
            safe = not dyn[here]
            u = _unif(rng[1])
            if safe:  # the day's weights
                pick = p0 + _pick(cw[here], width, u * stot[here])
            else:  # weights as the camps are now
                tot = _weights(p0, p1, p_end, p_base, loc_num, vfill, capacity, buffer, wpow, wbuf)
                tot = _cumulate(wbuf, int(p1 - p0), wbuf.shape[0], tot)
                pick = p0 + _pick(wbuf, wbuf.shape[0], u * tot)
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
            arr[here, 0, _cell((r + moved / max_speed) / 2.0, cells)] += 1
            return
        if chosen:
            at += U1
        else:
            for h in range(rlen - 1):
                route[h] = route[h + 1]
        rlen -= 1
        loc_num[here] -= 1
        j, d, fresh, bounce = j2, 0.0, 0, 0


@numba.njit(cache=True, inline="always")
def _spell(route, p_hops, chosen, pick, at, rlen):
    """The route left of a path chosen today (``p_hops[pick, at:]``) written into ``route``."""
    if chosen:
        for h in range(np.uintp(rlen)):
            route[h] = p_hops[pick, at + h]


@numba.njit(cache=True)
def today_arrays(places, width):
    """Today's cumulative route weights where they cannot change during the day.

    ``_static_weights`` fills them: a row of ``width`` per place, its sum, and which
    places are left to work out at each choice.
    """
    w = max(1, width)
    return np.zeros((places, w)), np.zeros(places), np.zeros(places, np.int64)


@numba.njit(cache=True, inline="always")
def _cumulate(wrow, m, width, tot):
    """Weights ``wrow[:m]`` made cumulative for a draw by counting (``_pick``); their scale.

    The bound of every path from the last one with a positive weight on is infinite, so
    that a draw never picks a path of weight zero, even where rounding puts it at the sum.
    With every weight zero, the bounds are 1, 2, ..., m - 1 over a scale of m: equal
    chances.
    """
    if tot <= 0.0:
        for q in range(width):
            wrow[q] = q + 1.0 if q < m - 1 else np.inf
        return float(m)
    last = 0
    acc = 0.0
    for q in range(m):
        acc += wrow[q]
        if wrow[q] > 0.0:
            last = q
        wrow[q] = acc
    for q in range(last, width):
        wrow[q] = np.inf
    return tot


@numba.njit(cache=True, inline="always")
def _pick(wrow, width, u):
    """The path whose cumulative bound is the first above ``u``: bounds at or below it, counted.

    A count over the whole padded row, with no branch on the draw (a scan that stops at
    the pick mispredicts once a draw).
    """
    c = 0
    for q in range(width):
        c += wrow[q] <= u
    return np.uintp(c)


@no_refcounts
def _static_weights(loc_num, moving, p_off, p_end, p_base, capacity, buffer, wpow, today):
    """Cumulative route weights and their scale for places whose weights hold all day.

    A weight is the path's base weight times the capacity multiplier of its end, which is
    exactly 1 all day for an end with no capacity, or one that stays within its buffer even
    if all the ``moving`` people on links arrive there. A place with another end (``dyn``)
    has its weights worked out at each choice, as the camps fill. The sums are made in the
    same order as at a choice, so the draws are the same.
    """
    cw, stot, dyn = today
    width = cw.shape[1]
    for x in range(p_off.shape[0] - 1):
        p0, p1 = p_off[x], p_off[x + 1]
        d = 0
        for q in range(p0, p1):
            e = p_end[q]
            if capacity[e] >= 1 and loc_num[e] + moving > buffer * capacity[e]:
                d = 1
        dyn[x] = d
        if d == 1 or p1 == p0:
            continue
        tot = 0.0
        for q in range(p0, p1):
            w = p_base[q]
            if wpow != 1.0:
                w = w**wpow
            cw[x, q - p0] = w
            tot += w
        stot[x] = _cumulate(cw[x], p1 - p0, width, tot)


@numba.njit(cache=True)
def scratch(cap, hops, width):
    """Working arrays: for ``merge`` of up to ``cap`` cohorts, then for a day's choices.

    The last four: weights and counts of up to ``width`` candidate paths, a route, and
    where the day's passes stopped.
    """
    return (
        np.zeros(cap),
        np.zeros(cap, np.int64),
        np.zeros((cap, 6), np.int64),
        np.zeros((cap, 3)),
        np.zeros((cap, hops), np.int64),
        np.zeros(cap, np.int64),
        np.zeros(max(1, width)),
        np.zeros(max(1, width), np.int64),
        np.zeros(hops, np.int64),
        np.zeros(5, np.int64),
    )


@numba.njit(cache=True, inline="always")
def _copy(src_i, src_f, src_r, src_c, a, dst_i, dst_f, dst_r, dst_c, b):
    """Cohort row ``a`` of the first arrays into row ``b`` of the others."""
    for c in range(src_i.shape[1]):
        dst_i[b, c] = src_i[a, c]
    for c in range(src_f.shape[1]):
        dst_f[b, c] = src_f[a, c]
    for c in range(src_i[a, RLEN]):
        dst_r[b, c] = src_r[a, c]
    dst_c[b] = src_c[a]


@no_refcounts
def merge(st, sc, lo, end, cells, max_speed):
    """Drop empty cohorts from ``lo`` on and merge equal ones (``sc``: ``scratch`` as large).

    Equal: same link, distance done, recent travel, distance moved today, route left,
    fresh, sent back, walking, counted as arriving today. At the end of the day (``end``)
    recent travel is updated first and put on the grid.
    """
    ints, flts, routes, cnts, size = st
    key, order, ints2, flts2, routes2, cnts2 = sc[0], sc[1], sc[2], sc[3], sc[4], sc[5]
    n = size[0]
    keep = lo
    for i in range(lo, n):
        if cnts[i] == 0:
            continue
        if end:
            ints[i, VF] = 0
            r = (flts[i, R] + flts[i, MOVED] / max_speed) / 2.0
            flts[i, R] = _cell(r, cells) / R_GRID if cells > 1 else 0.0
            flts[i, MOVED] = 0.0
        if keep != i:
            _copy(ints, flts, routes, cnts, i, ints, flts, routes, cnts, keep)
        keep += 1
    m = keep - lo
    size[0] = keep
    if m < 2:
        return
    for a in range(m):
        i = lo + a
        key[a] = _key(ints, flts, i)
        order[a] = a
        _copy(ints, flts, routes, cnts, i, ints2, flts2, routes2, cnts2, a)
    gap = 1  # shell sort of the order by key (no allocation)
    while gap < m // 3:
        gap = 3 * gap + 1
    while gap >= 1:
        for a in range(gap, m):
            v = order[a]
            b = a
            while b >= gap and key[order[b - gap]] > key[v]:
                order[b] = order[b - gap]
                b -= gap
            order[b] = v
        gap //= 3
    out = lo
    for a in range(m):
        i = order[a]
        b = out - 1
        merged = False
        while b >= lo and key[i] - 1e-9 <= _key(ints, flts, b):
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
            _copy(ints2, flts2, routes2, cnts2, i, ints, flts, routes, cnts, out)
            out += 1
    size[0] = out


@numba.njit(cache=True, inline="always")
def _key(ints, flts, b):
    return ints[b, LINK] * 1e7 + flts[b, D] * 7.0 + flts[b, R] * 1e-1 + flts[b, MOVED]
