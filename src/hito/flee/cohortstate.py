"""The cohort ruleset's arrays: cohorts on links and pending ones, pushed, rested and merged.

A link cohort is a row of ``ints`` (columns LINK .. VF), ``flts`` (D, R, MOVED), ``routes``
and ``cnts``; recent travel is kept on a grid of 1/R_GRID (``_cell``).
"""

from __future__ import annotations

import numba
import numpy as np

from hito.flee.cohortdraws import no_refcounts

R_GRID = 4.0
R_CELLS = 9  # recent travel 0 .. 2 in steps of 1/4
# link cohort columns
LINK, RLEN, FRESH, BOUNCE, WALK, VF = 0, 1, 2, 3, 4, 5
DONE = 2  # VF value of a cohort that has travelled today (pushed by ``_solo``)
D, R, MOVED = 0, 1, 2


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
