"""Failed sign-ins counted atomically per address, per account, and per account from an address.

(And any other work counted per key in a window: `count`, e.g. the situation report's PDFs
of one user, `hito.web.sitrep_limit`.)

Each attempt is counted as a failure *before* its password is checked, by one
`INSERT … ON CONFLICT DO UPDATE … RETURNING` per key (atomic on SQLite and PostgreSQL
alike), so concurrent guesses cannot check more passwords than the limit; a success
clears the account's counters afterwards and takes its own count back from the address's.
Keys hold a SHA-256 of the name typed, never the name, and an unknown name is counted like a
known one (no enumeration).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, case, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hito.store.models import LoginThrottle

_T: Table = LoginThrottle.__table__  # type: ignore[assignment]  # mapped classes hold a Table


@dataclass(frozen=True)
class Limits:
    """Failures allowed in a window, per key; a key over its limit waits until its window ends.

    `pair`: to one account from one address; `address`: from one address to any account;
    `account`: to one account from anywhere.
    """

    pair: int = 5
    address: int = 30
    account: int = 100
    window: dt.timedelta = dt.timedelta(minutes=5)


def counted_address(address: str) -> str:
    """The address a limit counts: an IPv6 one by its /64 network, an IPv4-mapped one as IPv4.

    One host, or one phone on a mobile network, is given a whole /64 and may pick any address
    in it for each attempt: counted one by one, each guess would come from a new address.
    Anything that is not an IP address (a test client's name) is counted as given.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def keys(username: str, address: str) -> dict[str, str]:
    """The three keys of an attempt (name and address hashed together with a label)."""
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    addr = hashlib.sha256(counted_address(address).encode()).hexdigest()[:32]
    return {"pair": f"p:{name}:{addr}", "address": f"a:{addr}", "account": f"u:{name}"}


def reserve(
    session: Session, *, username: str, address: str, limits: Limits, now: dt.datetime
) -> int | None:
    """Count this attempt on every key; the seconds to wait if one is over its limit, else None."""
    waits = [
        count(session, key=key, limit=getattr(limits, kind), window=limits.window, now=now)
        for kind, key in keys(username, address).items()
    ]
    return max((w for w in waits if w is not None), default=None)


def count(
    session: Session, *, key: str, limit: int, window: dt.timedelta, now: dt.datetime
) -> int | None:
    """Count one more on `key` in its window; the seconds until the window ends when over `limit`.

    One `INSERT … ON CONFLICT DO UPDATE … RETURNING` (atomic on SQLite and PostgreSQL): a key
    whose window has passed starts a new one at 1.
    """
    conn = session.connection()
    make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    cutoff = now - window
    base: Any = make(_T).values(key=key, failures=1, window_start=now, locked_until=None)
    expired = _T.c.window_start < cutoff
    stmt = base.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "failures": case((expired, 1), else_=_T.c.failures + 1),
            "window_start": case((expired, now), else_=_T.c.window_start),
        },
    ).returning(_T.c.failures, _T.c.window_start)
    failures, start = conn.execute(stmt).one()
    if failures <= limit:
        return None
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.UTC)
    return int((start + window - now).total_seconds()) + 1


def just_locked(session: Session, *, username: str, address: str, limits: Limits) -> bool:
    """Whether this failure was the one that reached the account-from-address limit."""
    key = keys(username, address)["pair"]
    row = session.get(LoginThrottle, key)
    return row is not None and row.failures == limits.pair


def clear(session: Session, *, username: str, address: str) -> None:
    """After a success: forget the account's failures; the address's count loses this attempt.

    An attempt is counted before its password is checked (`reserve`): a success takes back its
    own count from the address, not the failures before it, so officials signing in behind
    one address (an office, a carrier's shared address) are not locked out by their own
    sign-ins, and a valid account does not wipe the failures of guesses made from there.
    """
    k = keys(username, address)
    session.execute(delete(_T).where(_T.c.key.in_([k["pair"], k["account"]])))
    session.execute(
        update(_T)
        .where(_T.c.key == k["address"], _T.c.failures > 0)
        .values(failures=_T.c.failures - 1)
    )
