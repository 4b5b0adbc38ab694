"""The cohort ruleset: Flee 3.1's rules on counts of exchangeable people, in numba.

Here: a day (``day``: the morning's departures, pending cohorts, the passes, the merge).
Its parts: ``cohortdraws`` (the draws, camps' fill, route weights and picks),
``cohortmove`` (departures and the day's passes over the links), ``cohortsolo`` (a person
travelling alone), ``cohortstate`` (the cohort arrays: pushed, rested, merged);
``cohortrun`` runs the days.

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
a scan that stopped at the pick mispredicted about once a draw). The other places' weights
are kept in the same form once worked out, until a place with a capacity gains or loses
someone (an epoch counted up then): the same draws, 1.1x faster (session 16). A person's
stay-or-go is one uniform draw every hop, forced or not, and one branch. A person's hops index their
arrays unsigned (numba tests a signed index for counting from the end at every access).
"""

from __future__ import annotations

from hito.flee.cohortdraws import _binom, _cm, _first_link, _static_weights, no_refcounts
from hito.flee.cohortmove import BATCHES, SLICES, SOLO, _depart, _passes
from hito.flee.cohortstate import R_GRID, _cell, _push, merge

# stages of a day (ds[0]); ds[1]: how much room the caller is to make
DAWN, LEAVE, SETUP, TRAVEL, DUSK = 0, 1, 2, 3, 4


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


@no_refcounts
def day(
    ds,
    rng,
    st,
    sc,
    pool,
    arr,
    pend,
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
):
    """One day (Flee's Ecosystem.evolve): departures from places, then travel on links.

    Ends with the cohorts on links merged (recent travel updated). Makes no array: when
    the cohorts need room it returns 1 (the caller makes room for ``ds[1]`` more cohorts
    and one more pending cohort), when the working arrays ``sc`` (``scratch``) must hold
    ``ds[1]`` cohorts it returns 2, and the caller calls again with the same ``ds`` to go
    on where it stopped; it returns 0 when the day is done. ``links`` (out_off .. link_open),
    ``paths`` (p_off .. p_link, then today's cumulative route weights, their sums, their
    stamps and the epoch: ``today_arrays``) and ``rules`` (buffer .. cells) are
    the tuples ``_travel`` reads.
    """
    out_off, _, link_dst, _, _, _, link_open = links
    p_off, p_end, p_base, p_hops, p_nh, p_link, cw, stot, dyn, epoch = paths
    buffer, wpow, max_speed, _, _, avoid_short, cells = rules
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
            today = (cw, stot, dyn, epoch)
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
