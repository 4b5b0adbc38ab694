"""Field reports: aggregate counts at a site by one agency, idempotent, never personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, Table, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hito.counts import Count
from hito.domain import site_day
from hito.errors import Problem
from hito.store import audit
from hito.store.actors import Actor, agency_country, newest_after, paginate_after, snapshot
from hito.store.coltypes import utcnow
from hito.store.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from hito.store.logrows import report_state
from hito.store.models import Agency, FieldReport, ReportCount, Site
from hito.store.report_checks import check_country, fingerprint, may_supersede, validate_report
from hito.store.text import text_problem

CountIn = Count  # the one definition of a count (hito.counts), validated when it is built

# called after each new report in the same transaction (the alerts module plugs in here)
AfterReport = Callable[[Session, Actor, FieldReport], None]


def _missing(session: Session, column: Any, value: object) -> bool:
    """Whether no row has this primary key (one indexed lookup, no ORM loading)."""
    return session.scalar(select(column).where(column == value)) is None


def create_report(
    session: Session,
    *,
    actor: Actor,
    site_id: str,
    observed_at: dt.datetime,
    counts: Sequence[CountIn],
    agency_id: int | None = None,
    idempotency_key: str | None = None,
    remark: str = "",
    after: AfterReport | None = None,
    loc: Sequence[str | int] = ("body",),
) -> tuple[FieldReport, bool]:
    """Store a report, or return the original one for a reused idempotency key.

    Returns (report, created). A key reused with different content is a ConflictError.
    `after` runs in the same transaction once a new report is stored (plan triggers).
    """
    agency = actor.agency_for_write(
        agency_id, Problem("post field reports"), country_of=agency_country(session)
    )
    if observed_at.tzinfo is None:
        observed_at = observed_at.replace(tzinfo=dt.UTC)
    found = check_country(session, actor, site_id)
    errs = validate_report(
        session,
        site_id=site_id,
        observed_at=observed_at,
        counts=counts,
        remark=remark,
        idempotency_key=idempotency_key,
        loc=loc,
        site_known=found,
    )
    if agency_id is not None and _missing(session, Agency.id, agency):
        errs.append({"loc": [*loc, "agency_id"], "msg": f"no agency with id {agency}"})
    if errs:
        raise InvalidError.of_fields(errs)
    fp = fingerprint(
        agency_id=agency, site_id=site_id, observed_at=observed_at, counts=counts, remark=remark
    )
    row = _insert(
        session,
        site_id=site_id,
        observed_at=observed_at,
        agency_id=agency,
        user_id=actor.user_id,
        idempotency_key=idempotency_key,
        fingerprint=fp,
        remark=remark,
        counts=counts,
    )
    if row is None:  # the key was used before (perhaps by a concurrent retry): the original
        old = _original(session, agency, idempotency_key, fp)
        if old is None:
            raise RuntimeError(f"idempotency key {idempotency_key!r} clashed but no report has it")
        return old, False
    audit.append(
        session,
        actor=actor.username,
        action="report.create",
        resource=f"report:{row.id}",
        after=report_state(row),
    )
    if after is not None:
        after(session, actor, row)
    return row, True


_REPORTS: Table = FieldReport.__table__  # type: ignore[assignment]  # mapped classes hold a Table
_COUNTS: Table = ReportCount.__table__  # type: ignore[assignment]  # mapped classes hold a Table
_COUNTRY = select(Site.country_code).where(Site.id == bindparam("id"))


def _insert(
    session: Session,
    *,
    counts: Sequence[CountIn],
    idempotency_key: str | None,
    **values: Any,
) -> FieldReport | None:
    """Insert a report and its counts; None if its idempotency key is taken.

    Its `day` is the local day at its site (`hito.domain.site_day`; one indexed read of the
    site's country).

    Core inserts with RETURNING instead of the unit of work; `ON CONFLICT DO NOTHING` on the
    key replaces a savepoint, and a concurrent insert of the same key waits for the first.
    The returned report is a detached copy of what was stored.
    """
    conn = session.connection()
    country = conn.execute(_COUNTRY, {"id": values["site_id"]}).scalar_one()
    values["day"] = site_day(country, values["observed_at"])
    values.setdefault("supersedes_id", None)
    values.setdefault("withdrawn", False)
    values.setdefault("reason", "")
    values.update(
        idempotency_key=idempotency_key,
        people=sum(c.people for c in counts),
        stranded=sum(c.stranded for c in counts),
        created_at=utcnow(),
    )
    dialect = conn.dialect.name
    if idempotency_key is not None and dialect in ("postgresql", "sqlite"):
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt: Any = make(_REPORTS).on_conflict_do_nothing(
            index_elements=["agency_id", "idempotency_key"]
        )
    else:
        stmt = insert(_REPORTS)
    report_id = conn.execute(stmt.values(**values).returning(_REPORTS.c.id)).scalar()
    if report_id is None:
        return None
    rows = [{"report_id": report_id, **c.row()} for c in counts]
    ids: Any = (
        conn.execute(
            insert(_COUNTS).returning(_COUNTS.c.id, sort_by_parameter_order=True), rows
        ).scalars()
        if rows
        else []
    )
    return FieldReport(
        id=report_id,
        **values,
        counts=[ReportCount(id=i, **r) for i, r in zip(ids, rows, strict=True)],
    )


def _original(session: Session, agency: int, key: str | None, fp: str) -> FieldReport | None:
    """The stored report of a reused key (None when the key is new); other content: conflict."""
    if key is None:
        return None
    old = session.scalar(
        select(FieldReport).where(
            FieldReport.agency_id == agency, FieldReport.idempotency_key == key
        )
    )
    if old is not None and old.fingerprint != fp:
        raise ConflictError(
            Problem(
                "idempotency key %(key)s was already used by report %(id)s with different content;"
                " use a new key for a new report",
                key=repr(key),
                id=old.id,
            )
        )
    return old


def report_dict(row: FieldReport) -> dict[str, object]:
    """A report with its counts as plain data."""
    data = snapshot(row)
    data["counts"] = [snapshot(c) for c in row.counts]
    return data


def _supersedable(session: Session, actor: Actor, report_id: int) -> FieldReport:
    """The report an actor may correct or withdraw now, or why not (403, 404, 409)."""
    actor.require_writer(Problem("correct or withdraw reports"))
    old = get_report(session, report_id=report_id)
    if not may_supersede(actor, old.agency_id, old.agency.country_code):
        if actor.role == "admin":
            raise ForbiddenError(
                Problem(
                    "report %(report_id)s belongs to agency %(report_agency)s of %(country)s; an "
                    "admin of %(own)s corrects or withdraws only the reports of agencies of "
                    "%(own)s",
                    report_id=report_id,
                    report_agency=old.agency_id,
                    country=old.agency.country_code,
                    own=actor.country_code,
                )
            )
        raise ForbiddenError(
            Problem(
                "report %(report_id)s belongs to agency %(report_agency)s; an editor corrects only "
                "their own agency's reports (agency %(own_agency)s)",
                report_id=report_id,
                report_agency=old.agency_id,
                own_agency=actor.agency_id,
            )
        )
    # a correction or a withdrawal is a new report at the site: an editor's (or a country
    # admin's) own country's or the strip (a report the operator made for their agency at the
    # other country's site stays)
    check_country(session, actor, old.site_id)
    newer = session.scalar(select(FieldReport.id).where(FieldReport.supersedes_id == report_id))
    if newer is not None:
        raise ConflictError(
            Problem(
                "report %(report_id)s was already superseded by report %(newer)s; correct that one",
                report_id=report_id,
                newer=newer,
            )
        )
    if old.withdrawn:  # as the dashboard says: a withdrawal is not a count to correct
        raise ConflictError(
            Problem(
                "report %(report_id)s withdraws report %(withdrawn)s: there is nothing to correct "
                "or withdraw; to count again, send a new report",
                report_id=report_id,
                withdrawn=old.supersedes_id,
            )
        )
    return old


def supersede_report(
    session: Session,
    *,
    actor: Actor,
    report_id: int,
    reason: str,
    counts: Sequence[CountIn] = (),
    observed_at: dt.datetime | None = None,
    remark: str = "",
    withdraw: bool = False,
    after: AfterReport | None = None,
) -> FieldReport:
    """Correct a report (new counts) or withdraw it: a new report that references the old one.

    The old report stays as it was. Only its agency's editors (or an admin of its country, or
    the operator) may do this, once per report (a second correction corrects the correction);
    `reason` is required.
    """
    old = _supersedable(session, actor, report_id)
    problem = text_problem(reason, max_length=500) if reason.strip() else "expected a reason"
    if problem:
        raise InvalidError.at(["body", "reason"], problem)
    when = observed_at or old.observed_at
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if withdraw:
        if counts:
            raise InvalidError.at(["body", "counts"], Problem("a withdrawal carries no counts"))
    else:
        errs = validate_report(
            session,
            site_id=old.site_id,
            observed_at=when,
            counts=counts,
            remark=remark,
            idempotency_key=None,
        )
        if errs:
            raise InvalidError.of_fields(errs)
    fp = fingerprint(
        agency_id=old.agency_id,
        site_id=old.site_id,
        observed_at=when,
        counts=counts,
        remark=remark,
    )
    try:
        with session.begin_nested():
            row = _insert(
                session,
                site_id=old.site_id,
                observed_at=when,
                agency_id=old.agency_id,
                user_id=actor.user_id,
                idempotency_key=None,
                fingerprint=fp,
                remark=remark,
                counts=counts,
                supersedes_id=old.id,
                withdrawn=withdraw,
                reason=reason.strip(),
            )
    except IntegrityError:  # a concurrent correction of the same report won
        raise ConflictError(
            Problem("report %(report_id)s was superseded meanwhile; reload it", report_id=report_id)
        ) from None
    assert row is not None
    action = "report.withdraw" if withdraw else "report.correct"
    audit.append(
        session,
        actor=actor.username,
        action=action,
        resource=f"report:{row.id}",
        after=report_state(row),
        note=f"supersedes report:{old.id}",
    )
    if after is not None:
        after(session, actor, row)
    return row


def get_report(session: Session, *, report_id: int) -> FieldReport:
    """One report, or NotFoundError."""
    row = session.get(FieldReport, report_id)
    if row is None:
        raise NotFoundError(Problem("no report with id %(report_id)s", report_id=report_id))
    return row


def report_query(
    *,
    site_id: str | None = None,
    country: str | None = None,
    agency_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    after: tuple[dt.datetime, int] | None = None,
) -> Select[Any]:
    """The filtered query of reports, newest observation first (then newest id).

    `after`: (observation time, id) of a report; only those after it in this order
    (`actors.newest_after`).
    """
    q = select(FieldReport)
    if after is not None:
        q = q.where(newest_after(FieldReport.observed_at, FieldReport.id, after))
    if site_id:
        q = q.where(FieldReport.site_id == site_id)
    if country:
        q = q.join(Site, Site.id == FieldReport.site_id).where(Site.country_code == country)
    if agency_id is not None:
        q = q.where(FieldReport.agency_id == agency_id)
    if since is not None:  # days are the sites' local days (FieldReport.day)
        q = q.where(FieldReport.day >= since)
    if until is not None:
        q = q.where(FieldReport.day <= until)
    return q.order_by(FieldReport.observed_at.desc(), FieldReport.id.desc())


def list_reports(
    session: Session,
    *,
    offset: int = 0,
    limit: int = 100,
    after_id: int | None = None,
    **filters: Any,
) -> tuple[list[FieldReport], int]:
    """A page of reports matching the filters of `report_query`, with the total count.

    `after_id`: the page starts after that report (the last one of the page before), not at
    an offset; the count is of every report matching the filters.
    """
    return paginate_after(
        session,
        report_query(**filters),
        at=FieldReport.observed_at,
        after_id=after_id,
        offset=offset,
        limit=limit,
        unknown=Problem("no report with id %(after)s to continue after", after=after_id),
    )


def _midnight(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


def daily_stranded(
    session: Session, *, site_ids: Sequence[str] | None = None, until: dt.date | None = None
) -> dict[str, dict[dt.date, int]]:
    """Per site and day, the day's figure of stranded people (`hito.store.figures`)."""
    from hito.store.figures import daily_stranded as figures

    return figures(session, site_ids=site_ids, until=until)
