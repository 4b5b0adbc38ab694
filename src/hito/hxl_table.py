"""An HXL-tagged CSV file read once: its columns by hashtag and its rows at their file lines."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from hito.errors import InputError, Number, Problem, Said, os_reason
from hito.textfile import decode_utf8

CSV_FILE = Problem('a CSV file in UTF-8 (a spreadsheet saves one as "CSV UTF-8")')

Tag = tuple[str, frozenset[str]]


def hashtag_key(tag: str) -> Tag:
    """An HXL hashtag as (base, attributes), lower-case, attributes in any order."""
    base, *attrs = tag.strip().lstrip("#").split("+")
    return "#" + base.lower(), frozenset(a.strip().lower() for a in attrs)


@dataclass(frozen=True)
class HxlRow:
    """One data row: the file line where its record starts, and its cells stripped."""

    line: int
    values: tuple[str, ...]

    def cell(self, column: int | None) -> str:
        """The text in a column ('' for no column, or a row too short to reach it)."""
        if column is None or column >= len(self.values):
            return ""
        return self.values[column]


@dataclass(frozen=True)
class HxlTable:
    """An HXL table: each column's hashtag, the hashtag row's line, the rows.

    Hashtags are in libhxl's lower-case form ('' for a column without one). Rows with no
    text in any cell are left out.
    """

    tags: tuple[str, ...]
    tags_line: int
    rows: tuple[HxlRow, ...]
    name: Said = ""  # the file's, for the messages

    @cached_property
    def index(self) -> dict[Tag, int]:
        """The first column of each hashtag (attributes in any order)."""
        out: dict[Tag, int] = {}
        for i, tag in enumerate(self.tags):
            if tag:
                out.setdefault(hashtag_key(tag), i)
        return out

    @cached_property
    def columns_of(self) -> dict[Tag, list[int]]:
        """Every column (counted from 1) of each hashtag."""
        out: dict[Tag, list[int]] = {}
        for i, tag in enumerate(self.tags):
            if tag:
                out.setdefault(hashtag_key(tag), []).append(i + 1)
        return out

    def column(self, tag: str) -> int | None:
        """The column of exactly this hashtag (attributes in any order), or None.

        Exact, never libhxl's tag pattern: see hito.hxl_cells.column for why. A hashtag read
        in two columns is an InputError at the hashtag row: which one holds the count?
        """
        key = hashtag_key(tag)
        where = self.columns_of.get(key, [])
        if len(where) > 1:
            raise InputError(
                Problem(
                    "%(name)s:%(line)s: hashtags: %(tag)s in columns %(columns)s; expected it "
                    "in one column (which one holds what hito reads?)",
                    name=self.name,
                    line=self.tags_line,
                    tag=self.tags[where[0] - 1],
                    columns=", ".join(map(str, where)),
                )
            )
        return self.index.get(key)

    def lacking(self, name: str, missing: list[Said], expected: Said) -> InputError:
        """The error of a file whose hashtag row lacks needed hashtags, at that row's line."""
        given = ", ".join(self.tags[i] for i in self.index.values()) or Problem("none given")
        return InputError(
            Problem(
                "%(name)s:%(tags_line)s: hashtags: got %(given)s, missing %(missing)s (expected "
                "%(expected)s)",
                name=name,
                tags_line=self.tags_line,
                given=given,
                missing=[Problem("%(problem)s", problem=m) for m in missing],  # joined by "; "
                expected=expected,
            )
        )


def read_file(path: str | Path, expected: Said) -> HxlTable:
    """An HXL CSV file in UTF-8; an InputError at the file when it cannot be one.

    `expected` says which hashtags the reader needs (the messages show it).
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            Problem(
                "%(name)s: cannot read the file (%(problem)s), expected a CSV file",
                name=name,
                problem=os_reason(exc),
            )
        ) from exc
    return read_bytes(data, name, expected)


def read_bytes(data: bytes, name: Said, expected: Said) -> HxlTable:
    """HXL CSV given as bytes (UTF-8, with or without a byte order mark), read as `read_file`."""
    text = decode_utf8(data, name, CSV_FILE)
    if "\x00" in text:
        raise InputError(
            Problem("%(name)s: binary content, expected a CSV file in UTF-8", name=name)
        )
    if not text.strip():
        raise InputError(
            Problem(
                "%(name)s: the file is empty, expected an HXL CSV file (%(expected)s)",
                name=name,
                expected=expected,
            )
        )
    # a lone CR ends a line (Excel for Mac's 'CSV' saves CR only): Python's csv refuses it in
    # an unquoted cell, in English; every line ends with LF or CRLF when read
    return _read_text(re.sub(r"\r(?!\n)", "\n", text), name, expected)


def _read_text(text: str, name: Said, expected: Said) -> HxlTable:
    """The table libhxl reads from the text as CSV (never JSON or Excel), at the file's lines.

    A cell of the hashtag row that is no hashtag refuses the file: libhxl would skip its column
    (a count read without its `+max`, say), saying so only in an English log line, which
    `_LibhxlSkips` keeps from the reader: hito's own message names the file, line and cell.
    """
    import hxl
    from hxl.input import CSVInput, HXLParseException

    _quiet_libhxl()
    options = hxl.InputOptions(allow_local=True, encoding="utf-8")
    try:
        source = CSVInput(io.BufferedReader(io.BytesIO(text.encode("utf-8"))), options)
        reader = hxl.data(source, options)
        tags = tuple(str(c.display_tag or "") for c in reader.columns)
        records = [(r.source_row_number, r.values) for r in reader]
    except HXLParseException as exc:
        raise InputError(
            Problem(
                "%(name)s: no HXL hashtag row in the first 25 rows, expected a row of hashtags "
                "under the header with %(expected)s",
                name=name,
                expected=expected,
            )
        ) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # Python's words, in English
            raise InputError(
                Problem(
                    "%(name)s: a cell longer than %(most)s characters; expected a CSV file of "
                    "short cells (a quote left open joins the rest of the file into one cell)",
                    name=name,
                    most=Number(csv.field_size_limit()),
                )
            ) from exc
        raise InputError(
            Problem("%(name)s: cannot read the file as CSV (%(exc)s)", name=name, exc=exc)
        ) from exc
    lines, tags_record, written = _record_lines(text, str(source.delimiter))
    tags_line = _line(lines, tags_record)
    malformed = [
        Problem(
            "%(name)s:%(line)s: hashtags: column %(column)s: got %(tag)s, expected an HXL "
            "hashtag such as #affected+max (after # and after each +, a letter then letters, "
            "digits or _) or an empty cell",
            name=name,
            line=tags_line,
            column=i + 1,
            tag=repr(cell.strip()),
        )
        for i, cell in enumerate(written)
        if cell.strip() and not (tags[i] if i < len(tags) else "")
    ]
    if malformed:
        raise InputError(malformed)
    rows = []
    for number, values in records:
        cells = tuple("" if v is None else str(v).strip() for v in values)
        if any(cells):
            rows.append(HxlRow(_line(lines, number), cells))
    return HxlTable(tags, tags_line, tuple(rows), name)


class _LibhxlSkips(logging.Filter):
    """Drops libhxl's log line 'Skipping column(s) with malformed hashtag specs' (in English).

    hito refuses such a file itself, in the reader's language (see `_read_text`); every other
    line libhxl logs passes.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "malformed hashtag specs" not in record.getMessage()


_SKIPS = _LibhxlSkips()
LIBHXL_LOGGERS = ("hxl.model", "hxl.REMOTE_ACCESS")  # logging, and structlog through logging


def _quiet_libhxl() -> None:
    """Put the filter on libhxl's two loggers of that line (once)."""
    for name in LIBHXL_LOGGERS:
        logger = logging.getLogger(name)
        if _SKIPS not in logger.filters:
            logger.addFilter(_SKIPS)


def _record_lines(text: str, delimiter: str) -> tuple[list[int], int, list[str]]:
    """Where each CSV record starts (its file line, 1-based), and the hashtag row: which record.

    And that row's cells as written. A quoted newline makes a record span lines; the hashtag
    row is the first record that libhxl's column parser takes for one, as libhxl finds it.
    """
    from hxl.model import Column

    lines: list[int] = []
    tags_record: int | None = None
    written: list[str] = []
    previous: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    try:
        for record in reader:
            if tags_record is None and Column.parse_list(record, previous) is not None:
                tags_record, written = len(lines), record
            previous = record
            lines.append(end + 1)
            end = reader.line_num
    except csv.Error:
        pass
    return lines, tags_record or 0, written


def _line(lines: list[int], record: int) -> int:
    """The file line of a record (its number + 1 past what the CSV reader reached)."""
    return lines[record] if record < len(lines) else record + 1
