"""What the log records of the store's rows: a digest of each row's state, kind by kind.

The kinds: reports (with their counts), users, sites, agencies, plans, alerts, shelters,
shelter updates and subscriptions. Each kind
has a fixed, versioned list of fields (never "all columns", so a column added later does not
change old digests). An entry's `after_digest` is the digest of its
resource's row right after the change; `check_rows` recomputes every row's digest and
compares it with the latest entry that recorded its state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from hito.domain import site_day

REPORT_FIELDS = (
    "id", "site_id", "observed_at", "agency_id", "user_id", "idempotency_key", "fingerprint",
    "remark", "people", "stranded", "supersedes_id", "withdrawn", "reason", "created_at",
)  # fmt: skip
COUNT_FIELDS = (
    "nationality", "documented", "people", "stranded", "people_low", "people_high",
    "f_children", "f_adults", "f_older", "m_children", "m_adults", "m_older",
    "pregnant_lactating", "disabilities", "unaccompanied_separated",
)  # fmt: skip
USER_FIELDS = ("id", "username", "role", "agency_id", "active")
SITE_FIELDS = ("id", "name", "kind", "country_code", "lat", "lon", "capacity", "status", "scenario")
# an agency's country decides where its editors may write: moving it is moving them
AGENCY_FIELDS = ("id", "code", "name", "country_code", "created_at")
# a plan's text is what its alerts and their messages say; an alert, what was sent and to whom
PLAN_FIELDS = ("id", "name", "version", "text", "active", "user_id", "created_at")
ALERT_FIELDS = (
    "id", "plan_id", "plan_name", "trigger", "met_since", "actions", "agencies", "report_id",
    "severity", "sites", "created_at",
)  # fmt: skip
# a shelter's room and its counts decide its free places, which both countries' plans read
SHELTER_FIELDS = (
    "site_id", "capacity_people", "area_m2", "water_points", "toilets", "status", "operator",
    "updated_at",
)  # fmt: skip
SHELTER_UPDATE_FIELDS = (
    "id", "site_id", "observed_at", "occupancy", "capacity", "agency_id", "user_id", "created_at",
)  # fmt: skip
# who is told of alerts, where and of what; the target and the sealed secret enter as their
# SHA-256 (the secret's, unknown to a reader of the log, keeps a guessed address unconfirmable)
SUBSCRIPTION_FIELDS = (
    "id", "label", "user_id", "agency_id", "channel", "plans", "sites", "severities",
    "language", "active", "created_at",
)  # fmt: skip
# entries on a resource that record something else than its row's state (not compared with it)
NOT_ROW_STATE = frozenset({"alert.acknowledge"})


_PLAIN = frozenset({str, int, bool, float, type(None)})


def canonical(value: Any) -> Any:
    """Plain JSON values: datetimes as UTC ISO 8601 to the microsecond, dates as ISO."""
    kind = type(value)  # the exact built-in types first (the same result, found sooner)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {str(k): canonical(v) for k, v in value.items()}
    if kind is list:
        return [canonical(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def digest(value: Any) -> str | None:
    """SHA-256 of a value's canonical JSON (None stays None)."""
    if value is None:
        return None
    raw = json.dumps(canonical(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def _pick(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    if isinstance(row, Mapping):
        return {f: row[f] for f in fields}
    return {f: getattr(row, f) for f in fields}


def report_state(row: Any, counts: list[Any] | None = None) -> dict[str, Any]:
    """A report's recorded state: its fields and its counts (in id order)."""
    data = _pick(row, REPORT_FIELDS)
    rows = counts if counts is not None else list(row.counts)
    data["counts"] = [_pick(c, COUNT_FIELDS) for c in rows]
    return data


def user_state(row: Any) -> dict[str, Any]:
    """A user's recorded state; the password hash enters only as its SHA-256."""
    data = _pick(row, USER_FIELDS)
    ph = row["password_hash"] if isinstance(row, Mapping) else row.password_hash
    data["password"] = hashlib.sha256(str(ph).encode()).hexdigest()
    return data


def site_state(row: Any) -> dict[str, Any]:
    """A site's recorded state."""
    return _pick(row, SITE_FIELDS)


def agency_state(row: Any) -> dict[str, Any]:
    """An agency's recorded state (what `agency.create` has logged since 0003: every column)."""
    return _pick(row, AGENCY_FIELDS)


def plan_state(row: Any) -> dict[str, Any]:
    """A stored plan version's recorded state (what `plan.create` has logged since 0003)."""
    return _pick(row, PLAN_FIELDS)


def alert_state(row: Any) -> dict[str, Any]:
    """An alert's recorded state (what `alert.create` has logged since 0003)."""
    return _pick(row, ALERT_FIELDS)


def shelter_state(row: Any) -> dict[str, Any]:
    """A shelter's registry entry as recorded (what `shelter.register` has logged since 0003)."""
    return _pick(row, SHELTER_FIELDS)


def shelter_update_state(row: Any) -> dict[str, Any]:
    """A shelter update's recorded state (its occupancy and capacity at a time, by whom)."""
    return _pick(row, SHELTER_UPDATE_FIELDS)


def subscription_state(row: Any) -> dict[str, Any]:
    """A subscription's recorded state; its target and sealed secret only as their SHA-256."""
    data = _pick(row, SUBSCRIPTION_FIELDS)
    for f in ("target", "secret"):
        v = row[f] if isinstance(row, Mapping) else getattr(row, f)
        data[f] = hashlib.sha256(str(v).encode()).hexdigest()
    return data


def shelter_subscription_digests(conn: Any) -> Iterator[tuple[str, str]]:
    """(resource, digest) of every shelter, shelter update and subscription row (plain SQL)."""
    from sqlalchemy import text

    for r in conn.execute(text(f"SELECT {', '.join(SHELTER_FIELDS)} FROM shelter")).mappings():
        row = _typed(dict(r), ("updated_at",), ())
        row["area_m2"] = float(row["area_m2"])
        yield f"shelter:{row['site_id']}", str(digest(shelter_state(row)))
    cols = ", ".join(SHELTER_UPDATE_FIELDS)
    for r in conn.execute(text(f"SELECT {cols} FROM shelter_update")).mappings():
        row = _typed(dict(r), ("observed_at", "created_at"), ())
        yield f"shelter_update:{row['id']}", str(digest(shelter_update_state(row)))
    for row in subscription_rows(conn):
        yield f"subscription:{row['id']}", str(digest(subscription_state(row)))


def subscription_rows(conn: Any) -> Iterator[dict[str, Any]]:
    """Every subscription row with its target and sealed secret, as Python values (plain SQL)."""
    from sqlalchemy import text

    cols = ", ".join(SUBSCRIPTION_FIELDS)
    for r in conn.execute(text(f"SELECT {cols}, target, secret FROM subscription")).mappings():
        row = _typed(dict(r), ("created_at",), ("active",))
        for k in ("plans", "sites", "severities"):  # JSON: SQLite gives its text
            if isinstance(row[k], str):
                row[k] = json.loads(row[k])
        yield row


def plan_alert_digests(conn: Any) -> Iterator[tuple[str, str]]:
    """(resource, digest) of every plan and alert row, read with plain SQL."""
    from sqlalchemy import text

    for r in conn.execute(text(f"SELECT {', '.join(PLAN_FIELDS)} FROM plan")).mappings():
        row = _typed(dict(r), ("created_at",), ("active",))
        yield f"plan:{row['id']}", str(digest(plan_state(row)))
    cols = ", ".join(f'"{f}"' if f == "trigger" else f for f in ALERT_FIELDS)
    for r in conn.execute(text(f"SELECT {cols} FROM alert")).mappings():
        row = _typed(dict(r), ("created_at",), ())
        for k in ("actions", "agencies", "sites"):  # JSON: SQLite gives its text
            if isinstance(row[k], str):
                row[k] = json.loads(row[k])
        if isinstance(row["met_since"], str):
            row["met_since"] = dt.date.fromisoformat(row["met_since"])
        yield f"alert:{row['id']}", str(digest(alert_state(row)))


def agency_digests(conn: Any) -> Iterator[tuple[str, str]]:
    """(resource, digest) of every agency row, read with plain SQL."""
    from sqlalchemy import text

    for r in conn.execute(text(f"SELECT {', '.join(AGENCY_FIELDS)} FROM agency")).mappings():
        row = _typed(dict(r), ("created_at",), ())
        yield f"agency:{row['id']}", str(digest(agency_state(row)))


def current_digests(conn: Any) -> Iterator[tuple[str, str]]:
    """(resource, digest) of every row of the kinds the log checks, read with plain SQL."""
    from sqlalchemy import inspect, text

    counts: dict[int, list[dict[str, Any]]] = {}
    count_cols = ", ".join(COUNT_FIELDS)
    for r in conn.execute(
        text(f"SELECT report_id, {count_cols} FROM report_count ORDER BY report_id, id")
    ).mappings():
        c = dict(r)
        c["documented"] = bool(c["documented"])
        counts.setdefault(int(c["report_id"]), []).append(c)
    # a report's day is derived (the local day at its site), not recorded: a day that is not
    # the one of its time and site was moved behind the log's back, and enters its state
    # (before migration 0006, which 0003 runs this under, there is no day)
    days = any(c["name"] == "day" for c in inspect(conn).get_columns("field_report"))
    cols = ", ".join(f"r.{f}" for f in REPORT_FIELDS)
    extra = ", r.day, s.country_code" if days else ""
    for r in conn.execute(
        text(f"SELECT {cols}{extra} FROM field_report r LEFT JOIN site s ON s.id = r.site_id")
    ).mappings():
        row = _typed(dict(r), ("observed_at", "created_at"), ("withdrawn",))
        state = report_state(row, counts.get(int(row["id"]), []))
        if days:
            day = row["day"]
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
            if day != site_day(row["country_code"] or "", row["observed_at"]):
                state["day"] = day
        yield f"report:{row['id']}", str(digest(state))
    for r in conn.execute(
        text(f"SELECT {', '.join(USER_FIELDS)}, password_hash FROM user_account")
    ).mappings():
        row = _typed(dict(r), (), ("active",))
        yield f"user:{row['id']}", str(digest(user_state(row)))
    for r in conn.execute(text(f"SELECT {', '.join(SITE_FIELDS)} FROM site")).mappings():
        yield f"site:{r['id']}", str(digest(site_state(dict(r))))
    yield from agency_digests(conn)
    yield from plan_alert_digests(conn)
    yield from shelter_subscription_digests(conn)


def _typed(row: dict[str, Any], times: tuple[str, ...], bools: tuple[str, ...]) -> dict[str, Any]:
    """Datetimes and booleans as Python values (SQLite returns text and integers)."""
    for k in times:
        v = row[k]
        if isinstance(v, str):
            v = dt.datetime.fromisoformat(v)
        if isinstance(v, dt.datetime) and v.tzinfo is None:
            v = v.replace(tzinfo=dt.UTC)
        row[k] = v
    for k in bools:
        if row[k] is not None:
            row[k] = bool(row[k])
    return row
