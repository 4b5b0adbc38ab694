"""Dead ends: where every onward road is closed for a group, or leads only to dead ends."""

from __future__ import annotations

import numpy as np


def lookahead(
    open_: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    irregular: np.ndarray,
    is_exit: np.ndarray,
    serves: np.ndarray,
    P: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Which places are dead ends for a group (all onward roads closed or leading to dead ends).

    Computed once per distinct pattern of open routes (policies change rarely), and kept for the
    next run of the same network: ensemble runs differ in drawn numbers, not in closures.
    """
    key = b"|".join(
        a.tobytes() for a in (np.array(open_.shape), open_, src, dst, irregular, is_exit, serves)
    )
    if key not in _LOOKAHEAD_CACHE:
        if len(_LOOKAHEAD_CACHE) >= 32:
            _LOOKAHEAD_CACHE.pop(next(iter(_LOOKAHEAD_CACHE)))
        _LOOKAHEAD_CACHE[key] = _lookahead_uncached(open_, src, dst, irregular, is_exit, serves, P)
    ba, pb = _LOOKAHEAD_CACHE[key]
    return ba.copy(), pb.copy()


_LOOKAHEAD_CACHE: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}


def _lookahead_uncached(
    open_: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    irregular: np.ndarray,
    is_exit: np.ndarray,
    serves: np.ndarray,
    P: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The dead-end arrays of `lookahead`, computed day by day (patterns repeat)."""
    T, R, G = open_.shape
    blocked_ahead = np.zeros((T, R, G), dtype=bool)
    place_blocked = np.zeros((T, P, G), dtype=bool)
    roads = ~irregular
    has_road = np.zeros(P, dtype=bool)
    has_road[src[roads]] = True
    cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
    for t in range(T):
        key = open_[t].tobytes()
        if key not in cache:
            pb = np.zeros((P, G), dtype=bool)
            for _ in range(P + 1):  # least fixed point
                dead_route = ~open_[t] | pb[dst]  # [R, G]
                new = np.ones((P, G), dtype=bool)
                for k in np.flatnonzero(roads):
                    new[src[k]] &= dead_route[k]
                new[~has_road] = False
                new[is_exit] = False
                if (new == pb).all():
                    break
                pb = new
            for s_ in np.flatnonzero(serves.any(axis=1)):
                pb[s_] = pb[serves[s_]].all(axis=0)
            ba = ~open_[t] | pb[dst]
            cache[key] = (ba, pb)
        blocked_ahead[t], place_blocked[t] = cache[key]
    return blocked_ahead, place_blocked
