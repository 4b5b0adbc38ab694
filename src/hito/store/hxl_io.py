"""Field reports as CSV with HXL hashtags: export, and import as one all-or-nothing transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hxl
from hxl.input import HXLParseException, HXLTagsNotFoundException
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hito import counts
from hito.counts import Count
from hito.errors import Problem
from hito.hxl_table import hashtag_key
from hito.store.actors import Actor
from hito.store.errors import InvalidError
from hito.store.models import Agency, FieldReport
from hito.store.reports import AfterReport, create_report, supersede_report, validate_report

# (column header, HXL hashtag) of the exported file, one row per count
COLUMNS: list[tuple[str, str]] = [
    ("Observed at", "#date"),
    ("Site code", "#loc+code"),
    ("Site name", "#loc+name"),
    ("Country", "#country+code"),
    ("Nationality", "#country+origin"),
    ("Documented", "#indicator+documented"),
    ("People", "#affected+total"),
    ("People, at least", "#affected+total+min"),
    ("People, at most", "#affected+total+max"),
    ("Stranded", "#affected+stranded"),
    ("Girls 0-17", "#affected+f+children"),
    ("Women 18-59", "#affected+f+adults"),
    ("Women 60+", "#affected+f+elderly"),
    ("Boys 0-17", "#affected+m+children"),
    ("Men 18-59", "#affected+m+adults"),
    ("Men 60+", "#affected+m+elderly"),
    ("Pregnant or lactating", "#affected+f+pregnant_lactating"),
    ("With disabilities", "#affected+disabled"),
    ("Unaccompanied or separated children", "#affected+children+unaccompanied_separated"),
    ("Agency", "#org+code"),
    ("Report", "#meta+id"),
    ("Key", "#meta+key"),
    ("Remark", "#description+remark"),
    ("Status", "#status"),
    ("Superseded by", "#meta+superseded_by"),
    ("Supersedes", "#meta+supersedes"),
    ("Reason", "#description+reason"),
]
EXPORT_OPTIONS = (selectinload(FieldReport.superseded_by),)  # what export_lines reads
REQUIRED = ("#date", "#loc+code", "#country+origin", "#indicator+documented")
# the HXL hashtag of each number of a count (hito.counts.Count), with the standard attributes
COUNT_TAGS = {
    "people": "#affected+total",
    "people_low": "#affected+total+min",
    "people_high": "#affected+total+max",
    "stranded": "#affected+stranded",
    "f_children": "#affected+f+children",
    "f_adults": "#affected+f+adults",
    "f_older": "#affected+f+elderly",
    "m_children": "#affected+m+children",
    "m_adults": "#affected+m+adults",
    "m_older": "#affected+m+elderly",
    "pregnant_lactating": "#affected+f+pregnant_lactating",
    "disabilities": "#affected+disabled",
    "unaccompanied_separated": "#affected+children+unaccompanied_separated",
}
FIELD_TAGS = {
    "site_id": "#loc+code",
    "observed_at": "#date",
    "remark": "#description+remark",
    "idempotency_key": "#meta+key",
    "nationality": "#country+origin",
    "counts": "#affected+total",
    **COUNT_TAGS,
}
YES = {"yes", "y", "true", "1", "si", "sí"}
NO = {"no", "n", "false", "0"}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP: CSV injection


def safe_cell(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_csv(reports: Iterable[FieldReport]) -> str:
    """The reports as HXL CSV: a header row, a hashtag row, then one row per count."""
    return "".join(export_lines(reports))


def export_lines(reports: Iterable[FieldReport], *, rows_per_chunk: int = 500) -> Iterator[str]:
    """The HXL CSV in chunks of rows, for streaming (text cells neutralised, see `safe_cell`).

    Each report's `superseded_by` must be loaded (`EXPORT_OPTIONS`): its status is shown.
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([h for h, _ in COLUMNS])
    w.writerow([t for _, t in COLUMNS])
    n = 0
    for r in reports:
        for c in r.counts:
            n += 1
            if n % rows_per_chunk == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
            w.writerow(
                [
                    safe_cell(v)
                    for v in [
                        r.observed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        r.site_id,
                        r.site.name,
                        r.site.country_code,
                        c.nationality,
                        "yes" if c.documented else "no",
                        *("" if getattr(c, f) is None else getattr(c, f) for f in COUNT_TAGS),
                        r.agency.code,
                        r.id,
                        r.idempotency_key or "",
                        r.remark,
                        *_status(r),
                    ]
                ]
            )
    yield out.getvalue()


def _status(r: FieldReport) -> tuple[str, object, object, str]:
    """(status, superseded by, supersedes, reason): current, corrected or withdrawn.

    A report replaced by a correction is "corrected", by a withdrawal "withdrawn" (a
    withdrawal has no counts, so no row of its own), with the reason given for that; a
    current correction names the report it supersedes and its own reason.
    """
    newer = r.superseded_by
    if newer is None:
        supersedes = "" if r.supersedes_id is None else r.supersedes_id
        return "current", "", supersedes, r.reason
    supersedes = "" if r.supersedes_id is None else r.supersedes_id
    return "withdrawn" if newer.withdrawn else "corrected", newer.id, supersedes, newer.reason


@dataclass(frozen=True)
class _Status:
    """A row's #status columns: its report's id in the file, status, links and reason."""

    report: int | None = None  # #meta+id
    status: str = "current"
    superseded_by: int | None = None
    supersedes: int | None = None
    reason: str = ""


@dataclass
class _Pending:
    line: int
    site_id: str
    observed_at: dt.datetime
    agency_code: str
    key: str | None
    remark: str
    status: _Status = field(default_factory=_Status)
    counts: list[Count] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


STATUSES = ("current", "corrected", "withdrawn")
STATUS_TAGS = {
    "report": "#meta+id",
    "superseded_by": "#meta+superseded_by",
    "supersedes": "#meta+supersedes",
}


def _row_status(cell: Any, bad: Any) -> _Status | None:
    """A row's status columns (all optional), or None when one is wrong (reported by `bad`)."""
    status = cell("#status").lower() or "current"
    ok = status in STATUSES
    if not ok:
        bad("#status", f"expected one of {', '.join(STATUSES)}, got {status!r}")
    ids: dict[str, int | None] = {}
    for name, tag in STATUS_TAGS.items():
        text = cell(tag)
        ids[name] = int(text) if text.isdigit() and len(text) <= 18 else None
        if text and ids[name] is None:
            bad(tag, f"expected a report's number, got {text!r}")
            ok = False
    reason = cell("#description+reason").removeprefix("'")  # the export's formula guard
    return _Status(status=status, reason=reason, **ids) if ok else None


def _parse_time(text: str) -> dt.datetime:
    text = text.strip()
    if len(text) == 10:
        d = dt.date.fromisoformat(text)
        return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _int(text: str) -> int:
    text = text.strip()
    if not text.lstrip("-").isdigit():
        raise ValueError(f"expected a whole number, got {text!r}")
    return int(text)


def import_csv(
    session: Session, *, actor: Actor, data: bytes, after: AfterReport | None = None
) -> list[FieldReport]:
    """Import reports from HXL CSV in the caller's transaction; any bad row refuses them all.

    Rows with the same #meta+key (or, without keys, the same time, site and agency) form one
    report. Every problem is reported with its line number in the file; nothing is stored
    unless every row is good (the caller rolls back on error).
    """
    actor.require_writer(Problem("import field reports"))
    columns, rows = _read(data)
    agencies = {a.code: a.id for a in session.scalars(select(Agency))}
    job = _Import(
        index=_hashtag_index(columns),
        agencies=agencies,
        own=next((code for code, i in agencies.items() if i == actor.agency_id), None),
        actor=actor,
    )
    for row in rows:
        job.take(row)
    groups = list(job.groups.values())
    job.errs.extend(_report_problems(session, groups))
    job.errs.extend(_chain_problems(groups))
    if not rows:
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


Tag = tuple[str, frozenset[str]]


def _read(data: bytes) -> tuple[list[Tag | None], list[Any]]:
    """The file's hashtag columns and data rows, or an InvalidError saying why it is not HXL."""
    try:
        source = hxl.data(io.BytesIO(data))
        columns = [hashtag_key(c.display_tag) if c.tag else None for c in source.columns]
        return columns, list(source)
    except HXLTagsNotFoundException as exc:
        raise InvalidError(
            Problem(
                "no HXL hashtag row found: expected a row of hashtags such as %(required)s under "
                "the header",
                required=", ".join(REQUIRED),
            )
        ) from exc
    except (HXLParseException, UnicodeDecodeError, csv.Error, ValueError) as exc:
        raise InvalidError(Problem("cannot read the file as HXL CSV: %(exc)s", exc=exc)) from exc
    except Exception as exc:  # noqa: BLE001 - libhxl sniffs other formats (zip, JSON, Excel)
        kind = type(exc).__name__
        raise InvalidError(
            Problem(
                "cannot read the file as HXL CSV (it looks like another format: %(kind)s); send "
                "comma-separated text with a row of HXL hashtags",
                kind=kind,
            )
        ) from exc


def _hashtag_index(columns: list[Tag | None]) -> dict[Tag, int]:
    """Column of each hashtag; an InvalidError naming the required ones that are missing."""
    present = {c for c in columns if c is not None}
    missing = [t for t in REQUIRED if hashtag_key(t) not in present]
    if not {hashtag_key("#affected+total"), hashtag_key("#affected+total+min")} & present:
        missing.append("#affected+total")  # or a range: #affected+total+min and +max
    if missing:
        found = ", ".join(sorted(f"{b}{''.join('+' + a for a in sorted(at))}" for b, at in present))
        raise InvalidError(
            Problem(
                "missing HXL hashtags: %(missing)s (found: %(value)s)",
                missing=", ".join(missing),
                value=found or Problem("none given"),
            ),
            errors=[{"loc": ["file", "hashtags"], "msg": f"missing {t}"} for t in missing],
        )
    return {c: i for i, c in enumerate(columns) if c is not None}


@dataclass
class _Import:
    """One import's reading of its rows: the reports they form and every problem found."""

    index: dict[Tag, int]
    agencies: dict[str, int]
    own: str | None
    actor: Actor
    errs: list[dict[str, Any]] = field(default_factory=list)
    groups: dict[tuple[object, ...], _Pending] = field(default_factory=dict)

    def cell(self, values: list[str], tag: str) -> str:
        """The row's text under a hashtag ('' when the file has no such column)."""
        i = self.index.get(hashtag_key(tag))
        if i is None or i >= len(values) or values[i] is None:
            return ""
        return str(values[i]).strip()

    def take(self, row: Any) -> None:
        """Add one data row to its report, or note its problems at its line."""
        line = row.source_row_number + 1
        values = list(row.values)
        if not any(str(v or "").strip() for v in values):
            return

        def bad(tag: str, msg: str) -> None:
            self.errs.append({"loc": ["file", "line", line, tag], "msg": msg})

        n_before = len(self.errs)
        when = self._when(values, bad)
        doc_text = self.cell(values, "#indicator+documented").lower()
        if doc_text not in YES | NO:
            bad("#indicator+documented", f"expected yes or no, got {doc_text!r}")
        nums = self._numbers(values, bad, n_before)
        agency_code = self._agency(values, bad)
        if len(self.errs) > n_before or when is None:
            return
        count, problems = counts.build(
            {"nationality": self.cell(values, "#country+origin"), "documented": doc_text in YES}
            | nums
        )
        for name, _code, _ctx, msg in problems:
            bad(FIELD_TAGS.get(name, "#affected+total"), msg)
        if count is None:
            return
        status = _row_status(lambda tag, v=values: self.cell(v, tag), bad)
        if status is not None:
            self._group(line, values, when, agency_code, status, count, bad)

    def _when(self, values: list[str], bad: Callable[[str, str], None]) -> dt.datetime | None:
        try:
            return _parse_time(self.cell(values, "#date"))
        except ValueError:
            bad("#date", f"expected a date or ISO 8601 time, got {self.cell(values, '#date')!r}")
            return None

    def _numbers(
        self, values: list[str], bad: Callable[[str, str], None], n_before: int
    ) -> dict[str, int]:
        nums: dict[str, int] = {}
        for name, tag in COUNT_TAGS.items():
            text = self.cell(values, tag)
            if text == "":
                continue
            try:
                nums[name] = _int(text)
            except ValueError as exc:
                bad(tag, str(exc))
        if "people" not in nums and "people_low" not in nums and len(self.errs) == n_before:
            bad(
                "#affected+total",
                "expected the people counted (or a range in "
                "#affected+total+min and #affected+total+max)",
            )
        return nums

    def _agency(self, values: list[str], bad: Callable[[str, str], None]) -> str:
        code = self.cell(values, "#org+code") or (self.own or "")
        if code not in self.agencies:
            bad(
                "#org+code",
                f"unknown agency {code!r}"
                if code
                else "an admin's import needs #org+code on every row",
            )
        elif self.actor.role == "editor" and code != self.own:
            bad("#org+code", f"an editor of {self.own!r} may not import reports of {code!r}")
        return code

    def _group(
        self,
        line: int,
        values: list[str],
        when: dt.datetime,
        agency_code: str,
        status: _Status,
        count: Count,
        bad: Callable[[str, str], None],
    ) -> None:
        site_id = self.cell(values, "#loc+code")
        key = self.cell(values, "#meta+key") or None
        gkey = _group_key(agency_code, key, site_id, when, status.report)
        pending = self.groups.get(gkey)
        if pending is None:
            remark = self.cell(values, "#description+remark")
            pending = self.groups[gkey] = _Pending(
                line, site_id, when, agency_code, key, remark, status
            )
        elif (pending.site_id, pending.observed_at, pending.status) != (site_id, when, status):
            tag, name = ("#meta+key", f"key {key!r}") if key else ("#meta+id", "this report")
            bad(tag, f"line {pending.line} gives {name} another site, time or status")
            return
        pending.counts.append(count)
        pending.lines.append(line)


def _report_problems(session: Session, groups: list[_Pending]) -> list[dict[str, Any]]:
    """What the store's own checks find in each report the rows form, at the rows' lines."""
    errs = []
    for p in groups:
        for e in validate_report(
            session,
            site_id=p.site_id,
            observed_at=p.observed_at,
            counts=p.counts,
            remark=p.remark,
            idempotency_key=p.key,
            loc=(),
        ):
            loc = list(e["loc"])
            line = p.lines[loc[1]] if loc and loc[0] == "counts" and len(loc) > 1 else p.line
            tag = FIELD_TAGS.get(str(loc[-1]), str(loc[-1]))
            errs.append({"loc": ["file", "line", line, tag], "msg": e["msg"]})
    return errs


def _group_key(
    agency: str, key: str | None, site: str, when: dt.datetime, report: int | None
) -> tuple[object, ...]:
    """Rows of one report: one key, else one #meta+id (an export), else one time and site."""
    if key:
        return (agency, key)
    return (agency, "#meta+id", report) if report is not None else (agency, site, when)


def _in_file(groups: list[_Pending]) -> dict[int, _Pending]:
    return {p.status.report: p for p in groups if p.status.report is not None}


def _chain_problems(groups: list[_Pending]) -> list[dict[str, Any]]:
    """Corrections and withdrawals that the file cannot rebuild, each at its line and tag.

    A corrected report needs its correction in the file (the report whose #meta+supersedes
    names it), at the same site; a withdrawn one needs the reason it was withdrawn for.
    """
    by_id = _in_file(groups)
    errs: list[dict[str, Any]] = []

    def bad(p: _Pending, tag: str, msg: str) -> None:
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


def _in_a_loop(p: _Pending, by_id: dict[int, _Pending]) -> bool:
    """Whether following #meta+supersedes from `p` through the file comes back to it."""
    seen = {id(p)}
    at: _Pending | None = p
    while at is not None and at.status.supersedes is not None:
        at = by_id.get(at.status.supersedes)
        if at is not None and id(at) in seen:
            return True
        seen.add(id(at))
    return False


def _store(
    session: Session,
    actor: Actor,
    groups: list[_Pending],
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
    p: _Pending,
    successor: dict[int, _Pending],
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
