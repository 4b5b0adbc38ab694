"""Field reports imported from HXL CSV as one all-or-nothing transaction in the caller's session."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.errors import InputError, Problem
from hito.hxl_table import HxlTable, read_bytes
from hito.store.actors import Actor
from hito.store.errors import ForbiddenError, InvalidError
from hito.store.hxl_rows import EXPECTED, FIELD_TAGS, PendingReport, RowReader, check_hashtags
from hito.store.models import Agency, FieldReport, Site
from hito.store.report_checks import check_country, validate_report
from hito.store.reports import AfterReport, create_report, supersede_report


def import_csv(
    session: Session, *, actor: Actor, data: bytes, after: AfterReport | None = None
) -> list[FieldReport]:
    """Import reports from HXL CSV in the caller's transaction; any bad row refuses them all.

    Rows with the same #meta+key (or, without keys, the same time, site and agency) form one
    report. Every problem is reported with its line number in the file; nothing is stored
    unless every row is good (the caller rolls back on error).
    """
    actor.require_writer(Problem("import field reports"))
    table = _read(data)
    check_hashtags(table)
    rows = list(session.scalars(select(Agency)))
    agencies = {a.code: a.id for a in rows}
    job = RowReader(
        table=table,
        agencies=agencies,
        countries={a.code: a.country_code for a in rows},
        site_countries={i: c for i, c in session.execute(select(Site.id, Site.country_code))},
        own=next((code for code, i in agencies.items() if i == actor.agency_id), None),
        actor=actor,
    )
    for row in table.rows:
        job.take(row)
    groups = list(job.groups.values())
    job.errs.extend(_report_problems(session, groups, actor))
    job.errs.extend(_chain_problems(groups))
    if not table.rows:
        job.errs.append({"loc": ["file"], "msg": "no data rows under the hashtag row"})
    if job.errs:
        errs = sorted(job.errs, key=lambda e: e["loc"][2] if len(e["loc"]) > 2 else 0)
        raise InvalidError(
            [
                Problem(
                    "line %(line)s: %(column)s: %(problem)s",
                    line=e["loc"][2],
                    column=e["loc"][3],
                    problem=e["msg"],
                )
                if len(e["loc"]) > 3
                else Problem("%(problem)s", problem=e["msg"])  # the API's words: English
                for e in errs
            ],
            errors=errs,
        )
    return _store(session, actor, groups, agencies, after)


def _read(data: bytes) -> HxlTable:
    """The file as HXL CSV, or an InvalidError saying why it cannot be read as one."""
    try:
        return read_bytes(data, Problem("the uploaded file"), EXPECTED)
    except InputError as exc:
        raise InvalidError(exc.said) from exc


def _report_problems(
    session: Session, groups: list[PendingReport], actor: Actor
) -> list[dict[str, Any]]:
    """What the store's own checks find in each report the rows form, at the rows' lines.

    A row at a site of the other country (for an editor) is one of them, at its #loc+code.
    """
    errs = []
    for p in groups:
        try:
            check_country(session, actor, p.site_id)
        except ForbiddenError as exc:
            for said in exc.in_language("en"):
                errs.append({"loc": ["file", "line", p.line, "#loc+code"], "msg": said})
        for e in validate_report(
            session,
            site_id=p.site_id,
            observed_at=p.observed_at,
            counts=p.counts,
            remark=p.remark,
            idempotency_key=p.key,
            loc=(),
            count_name=partial(_line_of, p),
        ):
            loc = list(e["loc"])
            line = p.lines[loc[1]] if loc and loc[0] == "counts" and len(loc) > 1 else p.line
            # a whole count (a group given twice): its group's columns, not its index
            last = GROUP_TAGS if isinstance(loc[-1], int) else str(loc[-1])
            tag = FIELD_TAGS.get(last, last)
            errs.append({"loc": ["file", "line", line, tag], "msg": e["msg"]})
    return errs


def _line_of(p: PendingReport, count: int) -> str:
    """Another count of a report, named by its line: 'line 4'."""
    return f"line {p.lines[count]}"


# the columns that say a count's group
GROUP_TAGS = "#country+origin, #indicator+documented"


def _in_file(groups: list[PendingReport]) -> dict[int, PendingReport]:
    return {p.status.report: p for p in groups if p.status.report is not None}


def _chain_problems(groups: list[PendingReport]) -> list[dict[str, Any]]:
    """Corrections and withdrawals that the file cannot rebuild, each at its line and tag.

    A corrected report needs its correction in the file (the report whose #meta+supersedes
    names it), at the same site; a withdrawn one needs the reason it was withdrawn for.
    """
    by_id = _in_file(groups)
    errs: list[dict[str, Any]] = []

    def bad(p: PendingReport, tag: str, msg: str) -> None:
        errs.append({"loc": ["file", "line", p.line, tag], "msg": msg})

    for p in groups:
        st = p.status
        newer = by_id.get(st.superseded_by) if st.superseded_by is not None else None
        if st.status == "corrected" and (newer is None or newer.status.supersedes != st.report):
            bad(
                p,
                "#status",
                f"report {st.report} was corrected by report {st.superseded_by or '?'}, "
                "which is not in the file: export the correction too, or import only "
                "the rows whose #status is current",
            )
        elif newer is not None and newer.site_id != p.site_id:
            bad(newer, "#loc+code", f"a correction of report {st.report} is at its site")
        if st.status == "withdrawn" and not st.reason:
            bad(p, "#description+reason", "a withdrawn report needs the reason it was withdrawn")
        older = by_id.get(st.supersedes) if st.supersedes is not None else None
        if older is not None and older.status.superseded_by != st.report:
            bad(
                p,
                "#meta+supersedes",
                f"report {st.supersedes} (line {older.line}) is not superseded by this one",
            )
        elif _in_a_loop(p, by_id):
            bad(p, "#meta+supersedes", "the reports of the file supersede one another in a loop")
    return errs


def _in_a_loop(p: PendingReport, by_id: dict[int, PendingReport]) -> bool:
    """Whether following #meta+supersedes from `p` through the file comes back to it."""
    seen = {id(p)}
    at: PendingReport | None = p
    while at is not None and at.status.supersedes is not None:
        at = by_id.get(at.status.supersedes)
        if at is not None and id(at) in seen:
            return True
        seen.add(id(at))
    return False


def _store(
    session: Session,
    actor: Actor,
    groups: list[PendingReport],
    agencies: dict[str, int],
    after: AfterReport | None,
) -> list[FieldReport]:
    """Store the file's reports; corrections as corrections of the report before them.

    A report whose #meta+supersedes names a report of the file is stored as its correction
    (with its reason), right after it; a withdrawn report is then withdrawn with its
    reason. A report the file corrects that was already stored (the same key imported
    before) keeps what it has: its corrections are not stored twice.
    """
    by_id = _in_file(groups)
    successor = {
        p.status.supersedes: p
        for p in groups
        if p.status.supersedes is not None and p.status.supersedes in by_id
    }
    out = []
    for p in groups:
        if p.status.supersedes in by_id:
            continue  # stored after the report it corrects
        report, created = create_report(
            session,
            actor=actor,
            site_id=p.site_id,
            observed_at=p.observed_at,
            counts=p.counts,
            agency_id=agencies[p.agency_code] if actor.role == "admin" else None,
            idempotency_key=p.key,
            remark=p.remark,
            after=after,
            loc=("file", "line", p.line),
        )
        out.append(report)
        if created:
            out.extend(_followers(session, actor, report, p, successor, after))
    return out


def _followers(
    session: Session,
    actor: Actor,
    report: FieldReport,
    p: PendingReport,
    successor: dict[int, PendingReport],
    after: AfterReport | None,
) -> list[FieldReport]:
    """The corrections after a stored report in the file, in order; then its withdrawal.

    The corrections are returned (they have rows in the file), not the withdrawal.
    """
    stored = []
    while p.status.report is not None and (newer := successor.get(p.status.report)) is not None:
        report = supersede_report(
            session,
            actor=actor,
            report_id=report.id,
            reason=newer.status.reason,
            counts=newer.counts,
            observed_at=newer.observed_at,
            remark=newer.remark,
            after=after,
        )
        stored.append(report)
        p = newer
    if p.status.status == "withdrawn":
        supersede_report(
            session,
            actor=actor,
            report_id=report.id,
            reason=p.status.reason,
            withdraw=True,
            after=after,
        )
    return stored
