"""The compiled daily step of the border ruleset: counts by place, group and days on a route."""

from __future__ import annotations

import numba
import numpy as np

# State rows written per day, in the order of compile.STATES (tests/engine/test_states.py
# holds them together; the numbers stay literal here so numba caches them with this file).
PRESENT, STRANDED, IN_TRANSIT, CROSSED, RETURNED, DIVERTED, HARMED, EXITED = range(8)


@numba.njit(cache=True)
def _share(take, counts):  # pragma: no cover - compiled
    """Split `take` people over `counts` in proportion, largest remainders first (exact)."""
    n = counts.shape[0]
    out = np.zeros(n, dtype=np.int64)
    total = counts.sum()
    if total <= 0 or take <= 0:
        return out
    if take >= total:
        return counts.copy()
    rem = np.zeros(n)
    given = 0
    for i in range(n):
        exact = take * counts[i] / total
        out[i] = int(exact)
        rem[i] = exact - out[i]
        given += out[i]
    order = np.argsort(-rem, kind="mergesort")
    j = 0
    while given < take:
        i = order[j % n]
        if out[i] < counts[i]:
            out[i] += 1
            given += 1
        j += 1
    return out


@numba.njit(cache=True)
def _depart(rng, t, r, g, n, hazard, rharm, rdays, transit, harmed):  # pragma: no cover
    """Put n people on route r today; the route's hazard harms some of them on the way."""
    h = hazard[t, r]
    if h > 0.0:
        hurt = rng.binomial(n, min(h, 1.0))
        harmed[rharm[r], g] += hurt
        n -= hurt
    transit[r, g, rdays[r] - 1] += n


@numba.njit(cache=True)
def simulate_kernel(  # noqa: C901  pragma: no cover - compiled
    rng,
    t0,
    t1,
    move_chance,
    is_exit,
    is_irregular_place,
    serves,
    out_start,
    out_order,
    rfrom,
    rto,
    rdays,
    rirreg,
    rcross,
    rharm,
    open_,
    blocked_ahead,
    place_blocked,
    weight,
    hazard,
    quota,
    fl_route,
    fl_seats,
    fl_pickup,
    capacity,
    inflow,
    back_place,
    turn_back,
    readmit,
    leak,
    clear_chance,
    clear_share,
    clear_complete,
    tr_from,
    tr_to,
    tr_share,
    free,
    stranded,
    transit,
    crossed,
    returned,
    diverted,
    harmed,
    exited,
    arrived_total,
    awareness,
    giveup,
    divert_share,
    shelter_seek,
    arrival_cv,
    out,
    arrivals,
):
    """Run days t0..t1-1 on the state arrays (changed in place), writing each day into `out`.

    `out` is [day, state, place, group]; `arrivals[day]` gets the cumulative new arrivals.
    """
    P, G = free.shape
    R = rfrom.shape[0]
    D = transit.shape[2]
    arrived = arrived_total[0]
    is_shelter = np.zeros(P, dtype=np.bool_)
    for s in range(P):
        for p in range(P):
            if serves[s, p]:
                is_shelter[s] = True

    for t in range(t0, t1):
        # 1. People on the road arrive.
        for r in range(R):
            q = rto[r]
            for g in range(G):
                n = transit[r, g, 0]
                for k in range(D - 1):
                    transit[r, g, k] = transit[r, g, k + 1]
                transit[r, g, D - 1] = 0
                if n == 0:
                    continue
                if is_exit[q]:
                    exited[q, g] += n
                else:
                    free[q, g] += n
                if rcross[r]:
                    crossed[q, g] += n

        # 2. New departures from the origins; people travel in groups and on rumours, so a
        #    day's departures vary beyond chance: a gamma multiplier per origin and day.
        for p in range(P):
            mult = 1.0
            if arrival_cv > 0.0:
                lam_all = 0.0
                for g in range(G):
                    lam_all += inflow[t, p, g]
                if lam_all > 0.0:
                    k = 1.0 / (arrival_cv * arrival_cv)
                    mult = rng.gamma(k, 1.0 / k)
            for g in range(G):
                lam = inflow[t, p, g] * mult
                if lam > 0.0:
                    n = rng.poisson(lam)
                    free[p, g] += n
                    arrived += n

        # 3. The stranded: released, let through a corridor, flown home, transferred, taken back
        #    or walking back, leaking through with smugglers, giving up, sheltered.
        for p in range(P):
            for g in range(G):
                if stranded[p, g] > 0 and not place_blocked[t, p, g]:
                    free[p, g] += stranded[p, g]
                    stranded[p, g] = 0

        for r in range(R):
            qt = quota[t, r]
            if qt <= 0:
                continue
            p0 = rfrom[r]
            counts = np.zeros(P * G, dtype=np.int64)
            for p in range(P):
                if p == p0 or serves[p, p0]:
                    for g in range(G):
                        if not open_[t, r, g]:
                            counts[p * G + g] = stranded[p, g]
            take = _share(qt, counts)
            for i in range(P * G):
                if take[i] > 0:
                    p, g = i // G, i % G
                    stranded[p, g] -= take[i]
                    _depart(rng, t, r, g, take[i], hazard, rharm, rdays, transit, harmed)

        for f in range(fl_route.shape[0]):
            seats = fl_seats[t, f]
            if seats <= 0:
                continue
            counts = np.zeros(P * G, dtype=np.int64)
            for p in range(P):
                if fl_pickup[f, p]:
                    for g in range(G):
                        counts[p * G + g] = stranded[p, g]
            take = _share(seats, counts)
            q = rto[fl_route[f]]
            for i in range(P * G):
                if take[i] > 0:
                    p, g = i // G, i % G
                    stranded[p, g] -= take[i]
                    exited[q, g] += take[i]

        for k in range(tr_to.shape[0]):
            share = tr_share[t, k]
            if share <= 0.0:
                continue
            q = tr_to[k]
            for p in range(P):
                if not tr_from[k, p]:
                    continue
                for g in range(G):
                    S = stranded[p, g]
                    if S == 0:
                        continue
                    n = S if share >= 1.0 else rng.binomial(S, share)
                    stranded[p, g] -= n
                    if is_shelter[q]:
                        stranded[q, g] += n
                    else:
                        free[q, g] += n

        for p in range(P):
            tb = turn_back[t, p]
            lk = leak[t, p]
            if tb <= 0.0 and lk <= 0.0:
                continue
            for g in range(G):
                S = stranded[p, g]
                if S > 0 and tb > 0.0:
                    n = S if tb >= 1.0 else rng.binomial(S, tb)
                    stranded[p, g] -= n
                    S -= n
                    if back_place[p] >= 0:
                        free[back_place[p], g] += n
                    else:
                        returned[p, g] += n
                if S == 0 or lk <= 0.0:
                    continue
                for j in range(out_start[p], out_start[p + 1]):
                    r = out_order[j]
                    if rirreg[r] or open_[t, r, g]:
                        continue
                    n = S if lk >= 1.0 else rng.binomial(S, lk)
                    if n > 0:
                        stranded[p, g] -= n
                        _depart(rng, t, r, g, n, hazard, rharm, rdays, transit, harmed)
                    break

        for p in range(P):
            for g in range(G):
                S = stranded[p, g]
                if S == 0:
                    continue
                k = rng.binomial(S, giveup)
                if k == 0:
                    continue
                stranded[p, g] -= k
                wsum = 0.0
                for j in range(out_start[p], out_start[p + 1]):
                    r = out_order[j]
                    if rirreg[r] and open_[t, r, g]:
                        wsum += weight[t, r]
                div = rng.binomial(k, divert_share) if wsum > 0.0 else 0
                returned[p, g] += k - div
                if div > 0:
                    diverted[p, g] += div
                    left = div
                    for j in range(out_start[p], out_start[p + 1]):
                        r = out_order[j]
                        if not (rirreg[r] and open_[t, r, g]) or weight[t, r] <= 0.0:
                            continue
                        n = rng.binomial(left, min(1.0, weight[t, r] / wsum)) if wsum > 0 else left
                        wsum -= weight[t, r]
                        if wsum <= 1e-12:
                            n = left
                        left -= n
                        if n > 0:
                            _depart(rng, t, r, g, n, hazard, rharm, rdays, transit, harmed)

        for s in range(P):
            if not is_shelter[s]:
                continue
            room = capacity[t, s]
            if room < 0:
                room = 1 << 62
            else:
                for g in range(G):
                    room -= free[s, g] + stranded[s, g]
            for p in range(P):
                if not serves[s, p]:
                    continue
                for g in range(G):
                    if room <= 0:
                        break
                    if stranded[p, g] == 0:
                        continue
                    n = min(rng.binomial(stranded[p, g], shelter_seek), room)
                    stranded[p, g] -= n
                    stranded[s, g] += n
                    room -= n

        # 4. Free people move: choose a route by weight; a closed route strands them here.
        for p in range(P):
            mc = move_chance[p]
            if is_exit[p] or mc <= 0.0:
                continue
            for g in range(G):
                F = free[p, g]
                if F == 0:
                    continue
                wsum = 0.0
                for j in range(out_start[p], out_start[p + 1]):
                    r = out_order[j]
                    w = weight[t, r]
                    if blocked_ahead[t, r, g]:
                        w *= 1.0 - awareness
                    wsum += w
                if wsum <= 0.0:
                    continue
                m = rng.binomial(F, mc) if mc < 1.0 else F
                if m == 0:
                    continue
                free[p, g] -= m
                left = m
                for j in range(out_start[p], out_start[p + 1]):
                    if left == 0:
                        break
                    r = out_order[j]
                    w = weight[t, r]
                    if blocked_ahead[t, r, g]:
                        w *= 1.0 - awareness
                    if w <= 0.0:
                        continue
                    if wsum - w <= 1e-12 * wsum:
                        n = left
                    else:
                        n = rng.binomial(left, min(1.0, w / wsum))
                    wsum -= w
                    left -= n
                    if n == 0:
                        continue
                    if not open_[t, r, g]:
                        stranded[p, g] += n
                        continue
                    if rirreg[r] and not is_irregular_place[p]:
                        diverted[p, g] += n
                    _depart(rng, t, r, g, n, hazard, rharm, rdays, transit, harmed)
                free[p, g] += left

        # 5. Readmission: at the end of the day the country people were leaving takes back a
        #    share of everyone at the place, stranded or not (those who arrived today, those
        #    who did not try to move on); on a day of unannounced clearances that happens with
        #    its daily chance, and a complete clearance leaves nobody.
        for p in range(P):
            ra = readmit[t, p]
            cc = clear_chance[t, p]
            if cc > 0.0 and rng.random() < cc:
                if clear_complete[t, p] > 0.0 and rng.random() < clear_complete[t, p]:
                    ra = 1.0
                else:
                    ra = 1.0 - (1.0 - ra) * (1.0 - clear_share[t, p])
            if ra <= 0.0:
                continue
            for g in range(G):
                S = stranded[p, g]
                if S > 0:
                    n = S if ra >= 1.0 else rng.binomial(S, ra)
                    stranded[p, g] -= n
                    returned[p, g] += n
                F = free[p, g]
                if F > 0:
                    n = F if ra >= 1.0 else rng.binomial(F, ra)
                    free[p, g] -= n
                    returned[p, g] += n

        # 6. Record the day.
        for p in range(P):
            for g in range(G):
                out[t, PRESENT, p, g] = free[p, g] + stranded[p, g]
                out[t, STRANDED, p, g] = stranded[p, g]
                out[t, IN_TRANSIT, p, g] = 0
                out[t, CROSSED, p, g] = crossed[p, g]
                out[t, RETURNED, p, g] = returned[p, g]
                out[t, DIVERTED, p, g] = diverted[p, g]
                out[t, HARMED, p, g] = harmed[p, g]
                out[t, EXITED, p, g] = exited[p, g]
        for r in range(R):
            for g in range(G):
                for k in range(D):
                    out[t, IN_TRANSIT, rto[r], g] += transit[r, g, k]
        arrivals[t] = arrived
    arrived_total[0] = arrived
