"""Report intake: posted reports stored in batches, one transaction and one commit per batch.

`store_batch` does for many reports what `hito.store.reports.create_report` does for one,
with the same checks, messages and stored rows, in a fixed number of statements whatever
the batch's size: the bearer tokens (one statement; a token is checked in the transaction
that stores its report), the sites and the agencies named (one each), the reports (one
multi-row insert, `ON CONFLICT DO NOTHING` on the idempotency key), their counts and their
log entries (one each), the originals of reused keys (one, only when there are some).
A report refused by its own checks fails alone. Two reports of one batch with one
idempotency key are one report: the first is stored, the second answered as its retry.

The after-report hook (plan triggers) runs once per day in the batch (the local day at its
site), with the batch's last report of that day: the batch's reports count as arriving
together, as concurrent posts do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, select, tuple_
from sqlalchemy.orm import Session

from hito.counts import Count
from hito.domain import site_day
from hito.errors import Problem
from hito.store import audit, bulk, figures, report_checks, reports, tokens
from hito.store.actors import Actor
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.errors import AuthError, ConflictError, InvalidError, StoreError
from hito.store.groupcommit import GroupCommit
from hito.store.logrows import report_state
from hito.store.models import Agency, FieldReport, ReportCount, Site

# the batch's reads, built once (a statement made per batch costs more CPU than its round trip)
_SITES = select(Site.id, Site.country_code, Site.kind).where(
    Site.id.in_(bindparam("ids", expanding=True))
)
_AGENCIES = select(Agency.id, Agency.country_code).where(
    Agency.id.in_(bindparam("ids", expanding=True))
)
_REPORTS: Table = FieldReport.__table__  # type: ignore[assignment]  # mapped classes hold a Table
_COUNTS: Table = ReportCount.__table__  # type: ignore[assignment]
Outcome = tuple[
    "FieldReport | Stored", bool
]  # the report, and whether it was created (not a retry)


@dataclass(frozen=True)
class Submission:
    """A report as posted, with the bearer token that posted it (checked when it is stored)."""

    token: str
    site_id: str
    observed_at: dt.datetime
    counts: Sequence[Count]
    agency_id: int | None = None
    idempotency_key: str | None = None
    remark: str = ""


@dataclass(frozen=True, slots=True)
class Stored:
    """A report just stored, as its row reads (`counts`: its counts' values, in id order)."""

    id: int
    site_id: str
    observed_at: dt.datetime
    day: dt.date
    agency_id: int
    user_id: int | None
    idempotency_key: str | None
    fingerprint: str
    remark: str
    people: int
    stranded: int
    supersedes_id: int | None
    withdrawn: bool
    reason: str
    created_at: dt.datetime
    counts: list[dict[str, Any]]

    @property
    def at_least(self) -> bool:
        """As `FieldReport.at_least`: one of its counts is open-ended (a low with no high)."""
        return any(c["people_low"] is not None and c["people_high"] is None for c in self.counts)


@dataclass
class _Checked:
    index: int
    actor: Actor
    agency: int
    observed_at: dt.datetime
    day: dt.date  # the local day at the site (hito.domain.site_day)
    fingerprint: str


def store_one(session: Session, item: Submission, *, after: Any = None) -> Outcome:
    """One report in its own transaction: `tokens.authenticate`, then `create_report`."""
    actor = tokens.authenticate(session, token=item.token)
    return reports.create_report(
        session,
        actor=actor,
        site_id=item.site_id,
        observed_at=item.observed_at,
        counts=item.counts,
        agency_id=item.agency_id,
        idempotency_key=item.idempotency_key,
        remark=item.remark,
        after=after,
    )


def store_batch(
    session: Session, items: Sequence[Submission], *, after: Any = None
) -> list[Outcome | StoreError]:
    """Store a batch of reports in the session's transaction; one outcome per item."""
    out: list[Outcome | StoreError | None] = [None] * len(items)
    digests = [tokens.token_digest(session, i.token) for i in items]
    actors = tokens.actors_for(session, digests)
    conn = session.connection()  # Core statements: no ORM work for plain reads
    sites = {r.id: r for r in conn.execute(_SITES, {"ids": sorted({i.site_id for i in items})})}
    named = sorted({i.agency_id for i in items if i.agency_id is not None})
    agencies: dict[int, str] = (
        {r.id: r.country_code for r in conn.execute(_AGENCIES, {"ids": named})} if named else {}
    )
    checked: list[_Checked] = []
    for n, item in enumerate(items):
        try:
            checked.append(_check(session, n, item, actors[digests[n]], sites, agencies))
        except StoreError as exc:
            out[n] = exc
    # one idempotency key twice in the batch: the first is stored, the others are its retries
    first: dict[tuple[int, str], _Checked] = {}
    new: list[_Checked] = []
    for c in checked:
        key = items[c.index].idempotency_key
        if key is None or (c.agency, key) not in first:
            new.append(c)
            if key is not None:
                first[(c.agency, key)] = c
    stored = _insert(session, items, new)
    for c in new:
        if c.index in stored:
            out[c.index] = (stored[c.index], True)
    _log_and_hook(session, [(c.actor, stored[c.index]) for c in new if c.index in stored], after)
    retried = [c for c in checked if out[c.index] is None]
    if retried:
        by_key: dict[tuple[int, str | None], Any] = {
            (r.agency_id, r.idempotency_key): r
            for c in new
            if (r := stored.get(c.index)) is not None and r.idempotency_key is not None
        }
        missing = {(c.agency, items[c.index].idempotency_key) for c in retried} - set(by_key)
        by_key.update(_originals(session, missing))
        for c in retried:
            out[c.index] = _replay(by_key, c, items[c.index].idempotency_key)
    assert all(o is not None for o in out)
    return out  # type: ignore[return-value]  # every item has its outcome (checked above)


def _check(
    session: Session,
    n: int,
    item: Submission,
    actor: Actor | AuthError,
    sites: dict[str, Any],
    agencies: dict[int, str],
) -> _Checked:
    """`create_report`'s checks, in its order, over what the batch read."""
    if isinstance(actor, AuthError):
        raise actor
    agency = actor.agency_for_write(
        item.agency_id, Problem("post field reports"), country_of=agencies.get
    )
    observed_at = item.observed_at
    if observed_at.tzinfo is None:
        observed_at = observed_at.replace(tzinfo=dt.UTC)
    found = report_checks.country_rule(actor, item.site_id, sites.get(item.site_id))
    errs = report_checks.validate_report(
        session,
        site_id=item.site_id,
        observed_at=observed_at,
        counts=item.counts,
        remark=item.remark,
        idempotency_key=item.idempotency_key,
        site_known=found,
    )
    if item.agency_id is not None and agency not in agencies:
        errs.append({"loc": ["body", "agency_id"], "msg": f"no agency with id {agency}"})
    if errs:
        raise InvalidError.of_fields(errs)
    fp = report_checks.fingerprint(
        agency_id=agency,
        site_id=item.site_id,
        observed_at=observed_at,
        counts=item.counts,
        remark=item.remark,
    )
    day = site_day(sites[item.site_id].country_code, observed_at)
    return _Checked(n, actor, agency, observed_at, day, fp)


def _insert(
    session: Session, items: Sequence[Submission], new: list[_Checked]
) -> dict[int, Stored]:
    """Insert the reports and their counts; the stored report of each item (not: key taken)."""
    if not new:
        return {}
    conn = session.connection()
    now = utcnow()
    values: list[dict[str, Any]] = []
    for c in new:
        item = items[c.index]
        values.append(
            {
                "site_id": item.site_id,
                "observed_at": c.observed_at,
                "day": c.day,
                "agency_id": c.agency,
                "user_id": c.actor.user_id,
                "idempotency_key": item.idempotency_key,
                "fingerprint": c.fingerprint,
                "remark": item.remark,
                "people": sum(x.people for x in item.counts),
                "stranded": sum(x.stranded for x in item.counts),
                "supersedes_id": None,
                "withdrawn": False,
                "reason": "",
                "created_at": now,
            }
        )
    got = bulk.insert_returning(
        conn,
        _REPORTS,
        values,
        ["id", "agency_id", "idempotency_key", "user_id", "fingerprint"],
        skip_conflicts_on=["agency_id", "idempotency_key"],
    )
    by_key: dict[tuple[int, str], int] = {}
    by_content: dict[tuple[int, int | None, str], list[int]] = defaultdict(list)
    for rid, agency, key, user, fp in sorted(got):
        if key is not None:
            by_key[(agency, key)] = rid
        else:  # no key: reports of identical content and author are interchangeable
            by_content[(agency, user, fp)].append(rid)
    ids: dict[int, int] = {}
    for c in new:
        key = items[c.index].idempotency_key
        rid = (
            by_key.get((c.agency, key))
            if key is not None
            else by_content[(c.agency, c.actor.user_id, c.fingerprint)].pop(0)
        )
        if rid is not None:
            ids[c.index] = rid
    rows = [
        {"report_id": ids[c.index], **x.row()}
        for c in new
        if c.index in ids
        for x in items[c.index].counts
    ]
    # one group once per report (validated), so (report, group) names a count's row
    count_ids = {
        (rid, nat, doc): cid
        for cid, rid, nat, doc in bulk.insert_returning(
            conn, _COUNTS, rows, ["id", "report_id", "nationality", "documented"]
        )
    }
    counts: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for r in rows:
        rid = r["report_id"]
        counts[rid].append((count_ids[(rid, r["nationality"], r["documented"])], r))
    return {
        c.index: Stored(id=ids[c.index], counts=[r for _, r in sorted(counts[ids[c.index]])], **v)
        for c, v in zip(new, values, strict=True)
        if c.index in ids
    }


def _log_and_hook(session: Session, created: list[tuple[Actor, Stored]], after: Any) -> None:
    """One log entry per new report (in id order); the hook once per day (the sites' local)."""
    created.sort(key=lambda ar: ar[1].id)
    audit.append_many(
        session,
        [
            {
                "actor": actor.username,
                "action": "report.create",
                "resource": f"report:{row.id}",
                "after": report_state(row),
            }
            for actor, row in created
        ],
    )
    if after is None:
        return
    last: dict[dt.date, tuple[Actor, Stored]] = {}
    for actor, row in created:
        last[row.day] = (actor, row)
    with figures.reports_settled(session):  # the batch's reports are all written by now
        for actor, row in last.values():
            after(session, actor, row)


def _originals(
    session: Session, keys: set[tuple[int, str | None]]
) -> dict[tuple[int, str | None], FieldReport]:
    """The stored reports of reused idempotency keys (one statement)."""
    if not keys:
        return {}
    rows = session.scalars(
        select(FieldReport).where(
            tuple_(FieldReport.agency_id, FieldReport.idempotency_key).in_(sorted(keys))
        )
    )
    return {(r.agency_id, r.idempotency_key): r for r in rows}


def _replay(
    by_key: dict[tuple[int, str | None], Any], c: _Checked, key: str | None
) -> Outcome | StoreError:
    """A retry's answer: the original report, or a conflict when its content differs."""
    old = by_key.get((c.agency, key))
    if old is None:  # cannot happen: the key clashed, so a report holds it
        return ConflictError(
            Problem("idempotency key %(key)s clashed but no report has it; retry", key=repr(key))
        )
    if old.fingerprint != c.fingerprint:
        return ConflictError(
            Problem(
                "idempotency key %(key)s was already used by report %(id)s with different content;"
                " use a new key for a new report",
                key=repr(key),
                id=old.id,
            )
        )
    return old, False


def report_intake(
    db: Database, *, after: Any = None, max_batch: int = 200
) -> GroupCommit[Submission]:
    """The group-commit writer of posted reports (started and stopped by the server)."""
    return GroupCommit(
        db,
        batch=lambda session, items: store_batch(session, items, after=after),
        single=lambda session, item: store_one(session, item, after=after),
        max_batch=max_batch,
        name="hito-report-intake",
    )
