"""The cohort ruleset's draws: uniform and binomial draws, camps' fill, route weights and picks.

Shared by the day (``hito.flee.cohorts``) and its travel (``hito.flee.cohortmove``); the
module docstring of ``hito.flee.cohorts`` says why most are inlined and compiled without
reference counting.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

# numba's option to compile without reference counting (missing from its type stubs)
_NO_NRT: dict[str, Any] = {"_nrt": False}
no_refcounts = numba.njit(cache=True, **_NO_NRT)

SMALL = 16  # up to this many people, draws are made one person at a time
# unsigned 0 and 1: numba tests a signed index for counting from the end at every access
U0, U1 = np.uintp(0), np.uintp(1)


@numba.njit(cache=True, inline="always")
def _unif(s):
    """A uniform draw in [0, 1) by xoshiro256+ (Blackman and Vigna) on the four words ``s``.

    Inlined where it is drawn: numpy's generator costs a call through a pointer per draw,
    and most draws of a run are these (one or two a person and hop).
    """
    u, s[0], s[1], s[2], s[3] = _xo(s[0], s[1], s[2], s[3])
    return u


@numba.njit(cache=True, inline="always")
def _xo(s0, s1, s2, s3):
    """``_unif`` on the four words held in locals: the draw, then the words after it.

    A person's hops (``hito.flee.cohortsolo``) keep the words in locals between draws
    instead of storing them in their array and loading them again at the next draw.
    """
    out = s0 + s3
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
    return float(out >> np.uint64(11)) * (1.0 / 9007199254740992.0), s0, s1, s2, s3


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


@numba.njit(cache=True)
def today_arrays(places, width):
    """Today's cumulative route weights: a row of ``width`` per place, its scale, its stamp.

    ``_static_weights`` fills the rows of places whose weights hold all day (stamp 0); the
    other places' rows are worked out at a choice and kept while the camps stay as they
    were (stamp: the ``epoch`` they were worked out in, -1 before). The last array is the
    epoch, one word, counted up whenever a camp's count may have changed.
    """
    w = max(1, width)
    return np.zeros((places, w)), np.zeros(places), np.zeros(places, np.int64), np.ones(1, np.int64)


@no_refcounts
def _static_weights(loc_num, moving, p_off, p_end, p_base, capacity, buffer, wpow, today):
    """Cumulative route weights and their scale for places whose weights hold all day.

    A weight is the path's base weight times the capacity multiplier of its end, which is
    exactly 1 all day for an end with no capacity, or one that stays within its buffer even
    if all the ``moving`` people on links arrive there. A place with another end (``dyn``
    not 0) has its weights worked out at a choice, as the camps are then, and kept until a
    camp's count changes (``_solo``); a new epoch starts here, so none is kept from the day
    before. The sums are made in the same order as at a choice, so the draws are the same.
    """
    cw, stot, dyn, epoch = today
    epoch[0] += 1
    width = cw.shape[1]
    for x in range(p_off.shape[0] - 1):
        p0, p1 = p_off[x], p_off[x + 1]
        d = 0
        for q in range(p0, p1):
            e = p_end[q]
            if capacity[e] >= 1 and loc_num[e] + moving > buffer * capacity[e]:
                d = 1
        dyn[x] = -d
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
