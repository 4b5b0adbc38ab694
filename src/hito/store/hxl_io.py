"""Field reports as CSV with HXL hashtags: export, and import as one all-or-nothing transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hxl
from hxl.input import HXLParseException, HXLTagsNotFoundException
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hito import counts
from hito.counts import Count
from hito.store.actors import Actor
from hito.store.errors import InvalidError
from hito.store.models import Agency, FieldReport
from hito.store.reports import AfterReport, create_report, validate_report

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


def _key(tag: str) -> tuple[str, frozenset[str]]:
    base, *attrs = tag.lstrip("#").split("+")
    return "#" + base.lower(), frozenset(a.lower() for a in attrs)


@dataclass
class _Pending:
    line: int
    site_id: str
    observed_at: dt.datetime
    agency_code: str
    key: str | None
    remark: str
    counts: list[Count] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


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
    actor.require_writer("import field reports")
    try:
        source = hxl.data(io.BytesIO(data))
        columns = [_key(c.display_tag) if c.tag else None for c in source.columns]
        rows = list(source)
    except HXLTagsNotFoundException as exc:
        raise InvalidError(
            "no HXL hashtag row found: expected a row of hashtags such as "
            f"{', '.join(REQUIRED)} under the header"
        ) from exc
    except (HXLParseException, UnicodeDecodeError, csv.Error, ValueError) as exc:
        raise InvalidError(f"cannot read the file as HXL CSV: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - libhxl sniffs other formats (zip, JSON, Excel)
        kind = type(exc).__name__
        raise InvalidError(
            f"cannot read the file as HXL CSV (it looks like another format: {kind}); "
            "send comma-separated text with a row of HXL hashtags"
        ) from exc
    present = {c for c in columns if c is not None}
    missing = [t for t in REQUIRED if _key(t) not in present]
    if not {_key("#affected+total"), _key("#affected+total+min")} & present:
        missing.append("#affected+total")  # or a range: #affected+total+min and +max
    if missing:
        found = ", ".join(sorted(f"{b}{''.join('+' + a for a in sorted(at))}" for b, at in present))
        raise InvalidError(
            f"missing HXL hashtags: {', '.join(missing)} (found: {found or 'none'})",
            errors=[{"loc": ["file", "hashtags"], "msg": f"missing {t}"} for t in missing],
        )
    index = {c: i for i, c in enumerate(columns) if c is not None}
    agencies = {a.code: a.id for a in session.scalars(select(Agency))}
    own = next((code for code, i in agencies.items() if i == actor.agency_id), None)
    errs: list[dict[str, Any]] = []
    groups: dict[tuple[object, ...], _Pending] = {}

    def cell(values: list[str], tag: str) -> str:
        i = index.get(_key(tag))
        if i is None or i >= len(values) or values[i] is None:
            return ""
        return str(values[i]).strip()

    for row in rows:
        line = row.source_row_number + 1
        values = list(row.values)
        if not any(str(v or "").strip() for v in values):
            continue

        def bad(tag: str, msg: str, line: int = line) -> None:
            errs.append({"loc": ["file", "line", line, tag], "msg": msg})

        n_before = len(errs)
        try:
            when = _parse_time(cell(values, "#date"))
        except ValueError:
            bad("#date", f"expected a date or ISO 8601 time, got {cell(values, '#date')!r}")
            when = None
        doc_text = cell(values, "#indicator+documented").lower()
        if doc_text not in YES | NO:
            bad("#indicator+documented", f"expected yes or no, got {doc_text!r}")
        nums: dict[str, int] = {}
        for name, tag in COUNT_TAGS.items():
            text = cell(values, tag)
            if text == "":
                continue
            try:
                nums[name] = _int(text)
            except ValueError as exc:
                bad(tag, str(exc))
        if "people" not in nums and "people_low" not in nums and len(errs) == n_before:
            bad(
                "#affected+total",
                "expected the people counted (or a range in "
                "#affected+total+min and #affected+total+max)",
            )
        agency_code = cell(values, "#org+code") or (own or "")
        if agency_code not in agencies:
            bad(
                "#org+code",
                f"unknown agency {agency_code!r}"
                if agency_code
                else "an admin's import needs #org+code on every row",
            )
        elif actor.role == "editor" and agency_code != own:
            bad("#org+code", f"an editor of {own!r} may not import reports of {agency_code!r}")
        if len(errs) > n_before or when is None:
            continue
        count, problems = counts.build(
            {"nationality": cell(values, "#country+origin"), "documented": doc_text in YES, **nums}
        )
        for name, _code, _ctx, msg in problems:
            bad(FIELD_TAGS.get(name, "#affected+total"), msg)
        if count is None:
            continue
        site_id = cell(values, "#loc+code")
        key = cell(values, "#meta+key") or None
        gkey = (agency_code, key) if key else (agency_code, site_id, when)
        pending = groups.get(gkey)
        if pending is None:
            pending = groups[gkey] = _Pending(
                line, site_id, when, agency_code, key, cell(values, "#description+remark")
            )
        elif (pending.site_id, pending.observed_at) != (site_id, when):
            bad("#meta+key", f"key {key!r} is used on line {pending.line} for another site or time")
            continue
        pending.counts.append(count)
        pending.lines.append(line)
    for p in groups.values():
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
    if not rows:
        errs.append({"loc": ["file"], "msg": "no data rows under the hashtag row"})
    if errs:
        errs.sort(key=lambda e: e["loc"][2] if len(e["loc"]) > 2 else 0)
        raise InvalidError(
            [
                f"line {e['loc'][2]}: {e['loc'][3]}: {e['msg']}"
                if len(e["loc"]) > 3
                else str(e["msg"])
                for e in errs
            ],
            errors=errs,
        )
    out = []
    for p in groups.values():
        report, _ = create_report(
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
    return out
