"""Field counts of stranded people, read from HXL CSV, for calibration and backtests."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hito.errors import InputError, Invalid, Problem, Said

# rows of these #meta+kind values are not counts of the stranded stock; any other text
# (blank, "count", or a free description such as "camp size") is read as a count
NOT_COUNTS = frozenset({"flow", "event"})
SITE_TAGS = ("#loc+code", "#loc+name")
RANGE_TAGS = (
    ("#affected+min", "#affected+max"),
    ("#affected+stranded+min", "#affected+stranded+max"),
)
SINGLE_TAGS = ("#affected+stranded", "#affected+total")
EXPECTED = (
    "#date; #loc+name or #loc+code; #affected+min and/or #affected+max "
    "(or #affected+stranded+min/+max, or one #affected+stranded or #affected+total)"
)


@dataclass(frozen=True)
class Observation:
    """One count of the people stranded at a place on a day: a range, maybe open."""

    date: dt.date
    place: str
    low: float
    high: float | None
    line: int
    site: str
    source: str

    @property
    def point(self) -> float | None:
        """The middle of the range, or None when it has no upper bound."""
        return None if self.high is None else (self.low + self.high) / 2


@dataclass(frozen=True)
class Observations:
    """The counts of a record, sorted by (date, place, line), and the rows left out."""

    items: tuple[Observation, ...]
    skipped: tuple[Problem, ...] = ()

    def until(self, as_of: dt.date) -> Observations:
        """Only the counts dated on or before `as_of`."""
        return Observations(tuple(o for o in self.items if o.date <= as_of), self.skipped)

    def dates(self) -> list[dt.date]:
        """The distinct dates with counts, in order."""
        return sorted({o.date for o in self.items})

    def on(self, date: dt.date) -> tuple[Observation, ...]:
        """The counts of one day."""
        return tuple(o for o in self.items if o.date == date)


def not_counted(site: str) -> Problem:
    """Why a row of a known site that is not a stranded-count site is left out."""
    return Problem("site %(site)s is not a site where stranded people are counted", site=repr(site))


def sort_key(o: Observation) -> tuple[dt.date, str, int]:
    """The order of `Observations.items`."""
    return (o.date, o.place, o.line)


def normalize(name: str) -> str:
    """A site name for comparison: Unicode NFC, case folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@dataclass(frozen=True)
class SiteMap:
    """Site names as written (or place ids) to place ids; None for sites that are not counted."""

    sites: Mapping[str, str | None]
    _index: dict[str, str | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str | None] = {}
        for name, place in self.sites.items():
            key = normalize(name)
            if key in index and index[key] != place:
                raise Invalid(
                    Problem(
                        "site %(name)s is mapped to both %(index)s and %(place)s",
                        name=repr(name),
                        index=repr(index[key]),
                        place=repr(place),
                    )
                )
            index[key] = place
        for place in self.sites.values():
            if place is not None:
                index.setdefault(normalize(place), place)
        object.__setattr__(self, "_index", index)

    def knows(self, name: str) -> bool:
        """Whether this site name (or place id) is in the map."""
        return normalize(name) in self._index

    def place(self, name: str) -> str | None:
        """The place id of a known site, None when it is not a stranded-count site."""
        return self._index[normalize(name)]

    def unknown(self, name: str) -> Problem:
        """What is wrong with an unknown site name: a close match and the known names."""
        known = sorted(set(self.sites) | {p for p in self.sites.values() if p is not None})
        close = difflib.get_close_matches(
            normalize(name), [normalize(k) for k in known], n=1, cutoff=0.6
        )
        choices: Said = ", ".join(known) or Problem("none given")
        if close:
            match = next(k for k in known if normalize(k) == close[0])
            return Problem(
                "got unknown site %(name)s (did you mean %(match)s?), expected one of: %(known)s",
                name=repr(name),
                match=repr(match),
                known=choices,
            )
        return Problem(
            "got unknown site %(name)s, expected one of: %(known)s", name=repr(name), known=choices
        )


@dataclass
class _Row:
    line: int
    date: dt.date
    site: str
    place: str
    low: float
    high: float | None
    source: str
    report: str


def read_observations(
    path: str | Path,
    sites: Mapping[str, str | None],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Observations:
    """The counts of an HXL CSV file (the shared timeline, or the service's report export).

    Rows of kind flow or event, rows with no number, rows of sites mapped to None and rows
    dated outside [start, end] are left out, one line each in `skipped`. Every bad row is an
    InputError listing all problems as `FILE:LINE: COLUMN: what was given, what was expected`.
    Rows sharing a #meta+id (one stored report) at one site make one count: their sum.
    """
    name = str(path)
    site_map = SiteMap(sites)
    text = _read_text(Path(path), name)
    reader, delimiter = _hxl_reader(text, name)
    lines = _record_lines(text, delimiter)
    columns = _columns(reader, text, delimiter, lines, name)
    errors: list[Problem] = []
    skipped: list[Problem] = []
    rows: list[_Row] = []
    for hrow in reader:
        values = ["" if v is None else str(v).strip() for v in hrow.values]
        if not any(values):
            continue
        index = hrow.source_row_number
        line = lines[index] if index < len(lines) else index + 1
        row = columns.parse(values, line, f"{name}:{line}", site_map, start, end, errors, skipped)
        if row is not None:
            rows.append(row)
    if errors:
        raise InputError(errors)
    items = sorted(_merge_reports(rows), key=sort_key)
    return Observations(tuple(items), tuple(skipped))


def _read_text(path: Path, name: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = exc.strerror or str(exc)
        raise InputError(
            Problem(
                "%(name)s: cannot read the file (%(problem)s), expected a CSV file",
                name=name,
                problem=problem,
            )
        ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(
                "%(name)s: byte %(start)s is not UTF-8 text, expected a CSV file in UTF-8",
                name=name,
                start=exc.start,
            )
        ) from exc
    if "\x00" in text:
        raise InputError(
            Problem("%(name)s: binary content, expected a CSV file in UTF-8", name=name)
        )
    if not text.strip():
        raise InputError(
            Problem(
                "%(name)s: the file is empty, expected an HXL CSV file (%(expected)s)",
                name=name,
                expected=EXPECTED,
            )
        )
    return text


def _hxl_reader(text: str, name: str) -> tuple[Any, str]:
    """The libhxl reader of the text as CSV (never JSON or Excel), and its delimiter."""
    import hxl
    from hxl.input import CSVInput, HXLParseException

    options = hxl.InputOptions(allow_local=True, encoding="utf-8")
    try:
        source = CSVInput(io.BufferedReader(io.BytesIO(text.encode("utf-8"))), options)
        reader = hxl.data(source, options)
        reader.columns  # noqa: B018 - finds the hashtag row now
    except HXLParseException as exc:
        raise InputError(
            Problem(
                "%(name)s: no HXL hashtag row in the first 25 rows, expected a row of hashtags "
                "under the header with %(expected)s",
                name=name,
                expected=EXPECTED,
            )
        ) from exc
    except csv.Error as exc:
        raise InputError(
            Problem("%(name)s: cannot read the file as CSV (%(exc)s)", name=name, exc=exc)
        ) from exc
    return reader, str(source.delimiter)


def _record_lines(text: str, delimiter: str) -> list[int]:
    """The 1-based file line where each CSV record starts (quoted newlines span lines)."""
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    try:
        for _ in reader:
            out.append(end + 1)
            end = reader.line_num
    except csv.Error:
        pass
    return out


def hashtag_key(tag: str) -> tuple[str, frozenset[str]]:
    """An HXL hashtag as (base, attributes), lower-case, attributes in any order."""
    base, *attrs = tag.strip().lstrip("#").split("+")
    return "#" + base.lower(), frozenset(a.strip().lower() for a in attrs)


@dataclass
class _Columns:
    """Where each needed value is in a row, by hashtag."""

    date: tuple[int, str]
    sites: list[tuple[int, str]]
    low: tuple[int, str] | None
    high: tuple[int, str] | None
    single: tuple[int, str] | None
    kind: int | None
    source: int | None
    report: int | None
    org: int | None

    def parse(
        self,
        values: list[str],
        line: int,
        where: str,
        site_map: SiteMap,
        start: dt.date | None,
        end: dt.date | None,
        errors: list[Problem],
        skipped: list[Problem],
    ) -> _Row | None:
        """One row as a count, or None when it is left out or bad (noted in the lists)."""

        def cell(i: int | None) -> str:
            return values[i] if i is not None and i < len(values) else ""

        kind = cell(self.kind)
        if kind.casefold() in NOT_COUNTS:
            skipped.append(
                Problem(
                    "%(where)s: kind %(kind)s is not a count of stranded people",
                    where=where,
                    kind=repr(kind),
                )
            )
            return None
        numbers = [c for c in (self.low, self.high, self.single) if c is not None]
        if not any(cell(i) for i, _ in numbers):
            skipped.append(
                Problem(
                    "%(where)s: no number in %(values)s",
                    where=where,
                    values=", ".join((t for _, t in numbers)),
                )
            )
            return None
        n_errors = len(errors)
        date, outside = self._date(cell(self.date[0]), where, start, end, errors, skipped)
        if outside:
            return None
        site, place = self._place(cell, where, site_map, errors)
        low, high = self._range(cell, where, errors)
        if len(errors) > n_errors or date is None:
            return None
        if place is None:
            skipped.append(
                Problem("%(where)s: %(not_counted)s", where=where, not_counted=not_counted(site))
            )
            return None
        report = cell(self.report)
        org = cell(self.org)
        source = cell(self.source) or (
            f"report {report}" + (f" ({org})" if org else "") if report else where
        )
        return _Row(line, date, site, place, low or 0.0, high, source, report)

    def _date(
        self,
        text: str,
        where: str,
        start: dt.date | None,
        end: dt.date | None,
        errors: list[Problem],
        skipped: list[Problem],
    ) -> tuple[dt.date | None, bool]:
        """The row's date (None when bad, an error noted) and whether it is outside the window."""
        date = _date(text)
        if date is None:
            errors.append(
                Problem(
                    "%(where)s: %(date)s: got %(text)s, expected a date as YYYY-MM-DD",
                    where=where,
                    date=self.date[1],
                    text=repr(text),
                )
            )
        elif (start is not None and date < start) or (end is not None and date > end):
            skipped.append(
                Problem(
                    "%(where)s: dated %(date)s, outside %(value)s to %(value2)s",
                    where=where,
                    date=date,
                    value=start or Problem("the start"),
                    value2=end or Problem("the end"),
                )
            )
            return date, True
        return date, False

    def _place(
        self,
        cell: Callable[[int | None], str],
        where: str,
        site_map: SiteMap,
        errors: list[Problem],
    ) -> tuple[str, str | None]:
        """The site as written and its place id (None when unknown or not counted)."""
        given = [(cell(i), t) for i, t in self.sites if cell(i)]
        site, site_tag = given[0] if given else ("", self.sites[0][1])
        if not site:
            errors.append(
                Problem(
                    "%(where)s: %(site_tag)s: got an empty site, expected a site name",
                    where=where,
                    site_tag=site_tag,
                )
            )
        elif not site_map.knows(site):
            errors.append(
                Problem(
                    "%(where)s: %(site_tag)s: %(unknown)s",
                    where=where,
                    site_tag=site_tag,
                    unknown=site_map.unknown(site),
                )
            )
        else:
            return site, site_map.place(site)
        return site, None

    def _range(
        self, cell: Callable[[int | None], str], where: str, errors: list[Problem]
    ) -> tuple[float | None, float | None]:
        """The count's low and high (equal for a single number); bad ones noted as errors."""
        if self.single is not None:
            value = _number(cell(self.single[0]), self.single[1], where, errors)
            return value, value
        low = _number(cell(self.low[0]), self.low[1], where, errors) if self.low else None
        high = _number(cell(self.high[0]), self.high[1], where, errors) if self.high else None
        if low is not None and high is not None and low > high and self.low and self.high:
            errors.append(
                Problem(
                    "%(where)s: %(low)s: got %(fmt)s above %(high)s %(fmt2)s, expected a low no "
                    "higher than the high",
                    where=where,
                    low=self.low[1],
                    fmt=_fmt(low),
                    high=self.high[1],
                    fmt2=_fmt(high),
                )
            )
        return low, high


def _columns(reader: Any, text: str, delimiter: str, lines: list[int], name: str) -> _Columns:
    """Find the needed columns by hashtag, or an InputError naming the missing ones."""
    found: dict[tuple[str, frozenset[str]], tuple[int, str]] = {}
    for i, col in enumerate(reader.columns):
        if col.tag:
            found.setdefault(hashtag_key(col.display_tag), (i, str(col.display_tag)))

    def get(tag: str) -> tuple[int, str] | None:
        return found.get(hashtag_key(tag))

    missing: list[Said] = []
    date = get("#date")
    if date is None:
        missing.append("#date")
    sites = [c for c in (get(t) for t in SITE_TAGS) if c is not None]
    if not sites:
        missing.append(Problem("#loc+name or #loc+code"))
    low, high, single = _count_columns(get)
    if not (low or high or single):
        missing.append(
            Problem("a count: #affected+min/+max, #affected+stranded or #affected+total")
        )
    if missing or date is None:
        given = ", ".join(t for _, t in found.values()) or Problem("none given")
        raise InputError(
            Problem(
                "%(name)s:%(tags_line)s: hashtags: got %(given)s, missing %(missing)s (expected "
                "%(expected)s)",
                name=name,
                tags_line=_tags_line(text, delimiter, lines),
                given=given,
                missing=missing,
                expected=EXPECTED,
            )
        )
    return _Columns(
        date=date,
        sites=sites,
        low=low,
        high=high,
        single=single,
        kind=_index(get("#meta+kind")),
        source=_index(get("#meta+source")),
        report=_index(get("#meta+id")),
        org=_index(get("#org+code")),
    )


Col = tuple[int, str]


def _count_columns(
    get: Callable[[str], Col | None],
) -> tuple[Col | None, Col | None, Col | None]:
    """The count's columns: a low and high pair (the first tags that exist) or else one number."""
    for lo, hi in RANGE_TAGS:
        low, high = get(lo), get(hi)
        if low or high:
            return low, high, None
    return None, None, next((c for c in (get(t) for t in SINGLE_TAGS) if c is not None), None)


def _tags_line(text: str, delimiter: str, lines: list[int]) -> int:
    """The file line of the hashtag row (1 when none is found)."""
    import hxl

    previous: list[str] = []
    for n, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
        if hxl.model.Column.parse_list(record, previous) is not None:
            return lines[n] if n < len(lines) else n + 1
        previous = record
    return 1


def _index(col: tuple[int, str] | None) -> int | None:
    return None if col is None else col[0]


def _date(text: str) -> dt.date | None:
    """A YYYY-MM-DD date, or the UTC date of an ISO 8601 time; None when it is neither."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) > 10 and text[10] in "T ":
            t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return (t.astimezone(dt.UTC) if t.tzinfo else t).date()
    except ValueError:
        return None
    return None


def _number(text: str, tag: str, where: str, errors: list[Problem]) -> float | None:
    """A count of 0 or more, None when blank; a problem line when it is not one."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors.append(
            Problem(
                "%(where)s: %(tag)s: got %(text)s, expected a number",
                where=where,
                tag=tag,
                text=repr(text),
            )
        )
        return None
    if not math.isfinite(value):
        errors.append(
            Problem(
                "%(where)s: %(tag)s: got %(text)s, expected a finite number",
                where=where,
                tag=tag,
                text=repr(text),
            )
        )
        return None
    if value < 0:
        errors.append(
            Problem(
                "%(where)s: %(tag)s: got %(text)s, expected a count of 0 or more",
                where=where,
                tag=tag,
                text=text,
            )
        )
        return None
    return value


def _fmt(x: float) -> str:
    return str(int(x)) if x.is_integer() else str(x)


def _merge_reports(rows: list[_Row]) -> list[Observation]:
    """One count per row, but the rows of one stored report (#meta+id) at a site summed."""
    out: list[Observation] = []
    groups: dict[tuple[str, str, dt.date], list[_Row]] = {}
    for r in rows:
        if r.report:
            groups.setdefault((r.report, r.place, r.date), []).append(r)
        else:
            out.append(Observation(r.date, r.place, r.low, r.high, r.line, r.site, r.source))
    for members in groups.values():
        first = members[0]
        highs = [m.high for m in members]
        high = None if any(h is None for h in highs) else sum(h for h in highs if h is not None)
        low = sum(m.low for m in members)
        out.append(
            Observation(first.date, first.place, low, high, first.line, first.site, first.source)
        )
    return out
