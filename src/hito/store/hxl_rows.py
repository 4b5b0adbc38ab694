"""The rows of an imported HXL file read into the reports they form, each problem at its line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hito import counts
from hito.counts import Count
from hito.domain import on_site_clock
from hito.errors import Problem
from hito.hxl_cells import parse_count
from hito.hxl_table import HxlRow, HxlTable, hashtag_key
from hito.store.actors import Actor
from hito.store.errors import InvalidError
from hito.store.hxl_export import COUNT_TAGS

REQUIRED = ("#date", "#loc+code", "#country+origin", "#indicator+documented")
EXPECTED = ", ".join((*REQUIRED, "#affected+total"))  # or #affected+total+min (and +max)
# columns about a person, not a count (HXL's #contact and #respondee, +phone and +email on any
# hashtag, +name on a hashtag of people; #loc+name and #org+name name places and agencies):
# hito stores aggregates only, so a file holding one is refused, not read
PERSONAL_BASES = frozenset({"#contact", "#respondee"})
PEOPLE_BASES = frozenset({"#affected", "#inneed", "#targeted", "#reached", "#beneficiary"})
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


@dataclass(frozen=True)
class RowStatus:
    """A row's #status columns: its report's id in the file, status, links and reason."""

    report: int | None = None  # #meta+id
    status: str = "current"
    superseded_by: int | None = None
    supersedes: int | None = None
    reason: str = ""


@dataclass
class PendingReport:
    """A report the rows of the file form: its first line, what it says, its rows' counts."""

    line: int
    site_id: str
    observed_at: dt.datetime
    agency_code: str
    key: str | None
    remark: str
    status: RowStatus = field(default_factory=RowStatus)
    counts: list[Count] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


STATUSES = ("current", "corrected", "withdrawn")
STATUS_TAGS = {
    "report": "#meta+id",
    "superseded_by": "#meta+superseded_by",
    "supersedes": "#meta+supersedes",
}


def _row_status(cell: Any, bad: Any) -> RowStatus | None:
    """A row's status columns (all optional), or None when one is wrong (reported by `bad`)."""
    status = cell("#status").lower() or "current"
    ok = status in STATUSES
    if not ok:
        bad("#status", f"expected one of {', '.join(STATUSES)}, got {status!r}")
    ids: dict[str, int | None] = {}
    for name, tag in STATUS_TAGS.items():
        text = cell(tag)
        ids[name] = (
            int(text) if text.isdecimal() and len(text) <= 18 else None
        )  # not ²: int() fails
        if text and ids[name] is None:
            bad(tag, f"expected a report's number, got {text!r}")
            ok = False
    reason = cell("#description+reason").removeprefix("'")  # the export's formula guard
    return RowStatus(status=status, reason=reason, **ids) if ok else None


def _parse_time(text: str, country: str | None) -> dt.datetime:
    """A cell's moment: a time with its offset as written, else on its site's clock.

    A date (its midnight) or a time without an offset is read on the clock of its site's
    country (UTC when the site is unknown), so the count is of the day written at the site
    (`hito.domain.site_day`).
    """
    text = text.strip()
    if len(text) == 10:
        d = dt.date.fromisoformat(text)
        t = dt.datetime(d.year, d.month, d.day)
    else:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is not None:
        return t
    return on_site_clock(country, t) if country else t.replace(tzinfo=dt.UTC)


def _int(text: str) -> int:
    """A cell's count, read as every reader of counts reads it (`hxl_cells.parse_count`).

    1200, 1,200, 1.200 and 1 200 are all twelve hundred; a negative number is left to the
    count's own range check, which names the range.
    """
    text = text.strip()
    value = parse_count(text.removeprefix("-"))
    if isinstance(value, str) or value is None:
        raise ValueError(f"expected a whole number (such as 1200, 1,200 or 1.200), got {text!r}")
    return -int(value) if text.startswith("-") else int(value)


def check_hashtags(table: HxlTable) -> None:
    """An InvalidError naming the required hashtags the file lacks, or its columns of persons."""
    personal = [
        f"{base}{''.join('+' + a for a in sorted(attrs))}"
        for base, attrs in table.index
        if base in PERSONAL_BASES
        or attrs & {"phone", "email"}
        or ("name" in attrs and base in PEOPLE_BASES)
    ]
    if personal:
        raise InvalidError(
            Problem(
                "columns about persons: %(tags)s; expected counts only (hito stores no name, "
                "phone or e-mail): remove the columns and import the file again",
                tags=", ".join(sorted(personal)),
            ),
            errors=[{"loc": ["file", "hashtags"], "msg": f"personal data: {t}"} for t in personal],
        )
    present = set(table.index)
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


@dataclass
class RowReader:
    """One import's reading of its rows: the reports they form and every problem found."""

    table: HxlTable
    agencies: dict[str, int]
    countries: dict[str, str]  # each agency's country, by its code
    site_countries: dict[str, str]  # each site's country, by its id
    own: str | None
    actor: Actor
    errs: list[dict[str, Any]] = field(default_factory=list)
    groups: dict[tuple[object, ...], PendingReport] = field(default_factory=dict)

    def cell(self, row: HxlRow, tag: str) -> str:
        """The row's text under a hashtag ('' when the file has no such column)."""
        return row.cell(self.table.column(tag))

    def take(self, row: HxlRow) -> None:
        """Add one data row to its report, or note its problems at its line."""
        line = row.line

        def bad(tag: str, msg: str) -> None:
            self.errs.append({"loc": ["file", "line", line, tag], "msg": msg})

        n_before = len(self.errs)
        when = self._when(row, bad)
        doc_text = self.cell(row, "#indicator+documented").lower()
        if doc_text not in YES | NO:
            bad("#indicator+documented", f"expected yes or no, got {doc_text!r}")
        nums = self._numbers(row, bad, n_before)
        agency_code = self._agency(row, bad)
        if len(self.errs) > n_before or when is None:
            return
        count, problems = counts.build(
            {"nationality": self.cell(row, "#country+origin"), "documented": doc_text in YES} | nums
        )
        for name, _code, _ctx, msg in problems:
            bad(FIELD_TAGS.get(name, "#affected+total"), msg)
        if count is None:
            return
        status = _row_status(lambda tag: self.cell(row, tag), bad)
        if status is not None:
            self._group(row, when, agency_code, status, count, bad)

    def _when(self, row: HxlRow, bad: Callable[[str, str], None]) -> dt.datetime | None:
        try:
            site = self.site_countries.get(self.cell(row, "#loc+code"))
            return _parse_time(self.cell(row, "#date"), site)
        except ValueError:
            bad("#date", f"expected a date or ISO 8601 time, got {self.cell(row, '#date')!r}")
            return None

    def _numbers(
        self, row: HxlRow, bad: Callable[[str, str], None], n_before: int
    ) -> dict[str, int]:
        nums: dict[str, int] = {}
        for name, tag in COUNT_TAGS.items():
            text = self.cell(row, tag)
            if text == "":
                continue
            try:
                nums[name] = _int(text)
            except ValueError as exc:
                bad(tag, str(exc))
        given = {"people", "people_low", "people_high"} & nums.keys()
        if not given and len(self.errs) == n_before:  # a max alone: the count names its min
            bad(
                "#affected+total",
                "expected the people counted (or a range in #affected+total+min and "
                "#affected+total+max; a +min with an empty +max for more than that many)",
            )
        return nums

    def _agency(self, row: HxlRow, bad: Callable[[str, str], None]) -> str:
        code = self.cell(row, "#org+code") or (self.own or "")
        if code not in self.agencies:
            bad(
                "#org+code",
                f"unknown agency {code!r}"
                if code
                else "an admin's import needs #org+code on every row",
            )
        elif self.actor.role == "editor" and code != self.own:
            bad("#org+code", f"an editor of {self.own!r} may not import reports of {code!r}")
        elif self.actor.role == "admin" and not self.actor.may_act_in(self.countries[code]):
            bad(
                "#org+code",
                f"agency {code!r} is of {self.countries[code]}; an admin of "
                f"{self.actor.country_code} imports only the reports of agencies of "
                f"{self.actor.country_code}",
            )
        return code

    def _group(
        self,
        row: HxlRow,
        when: dt.datetime,
        agency_code: str,
        status: RowStatus,
        count: Count,
        bad: Callable[[str, str], None],
    ) -> None:
        site_id = self.cell(row, "#loc+code")
        key = self.cell(row, "#meta+key") or None
        gkey = _group_key(agency_code, key, site_id, when, status.report)
        pending = self.groups.get(gkey)
        if pending is None:
            remark = self.cell(row, "#description+remark")
            pending = self.groups[gkey] = PendingReport(
                row.line, site_id, when, agency_code, key, remark, status
            )
        elif (pending.site_id, pending.observed_at, pending.status) != (site_id, when, status):
            tag, name = ("#meta+key", f"key {key!r}") if key else ("#meta+id", "this report")
            bad(tag, f"line {pending.line} gives {name} another site, time or status")
            return
        pending.counts.append(count)
        pending.lines.append(row.line)


def _group_key(
    agency: str, key: str | None, site: str, when: dt.datetime, report: int | None
) -> tuple[object, ...]:
    """Rows of one report: one key, else one #meta+id (an export), else one time and site."""
    if key:
        return (agency, key)
    return (agency, "#meta+id", report) if report is not None else (agency, site, when)
