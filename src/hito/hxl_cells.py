"""A field count's cells in an HXL row read as a count, a reported range, a date and a site.

The one reading behind both readers of field counts, `hito.forecast.count_rows` (`hito
calibrate`, `hito backtest`) and `hito.plans.check` (`hito plans check`); what a count means
to each (kinds, indicators, how a range becomes one number) stays with them. Every problem is
said as `FILE:LINE: #column: got ..., expected ...` and collected, so a file's problems are
reported at once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hito.counts import MAX_PEOPLE
from hito.errors import Number, Problem
from hito.hxl_table import HxlRow, HxlTable

Column = tuple[int, str]  # a column's index and its hashtag as the file writes it
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # how a date begins: never 20251130 nor 2025-W48-7

# digits grouped by thousands with one mark throughout: 1,200 / 1.200 / 1 200 (also a no-break
# or narrow no-break space, as a spreadsheet in Spanish or French writes them)
THOUSANDS = re.compile(r"[1-9]\d{0,2}([,. \u00a0\u202f])\d{3}(?:\1\d{3})*")
PLAIN = re.compile(r"\d+(?:\.\d*)?|\.\d+")  # digits with a decimal point or none
# a decimal comma, as a spreadsheet in Spanish writes 60,0: before one or two digits (1,200 groups
# thousands), or after thousands grouped with points (1.200,0)
DECIMAL_COMMA = re.compile(r"(\d+),(\d{1,2})|([1-9]\d{0,2}(?:\.\d{3})+),(\d+)")


MOST_PROBLEMS = 100  # a file's problems said at once: past them, the reading stops


def stopped(problems: list[Problem], where: str) -> bool:
    """Whether a file has had as many problems as are said at once; if so, says where it stopped.

    A wrong file (another table, a column shifted) has a problem on every row: 50,000 rows made
    100,000 lines on the terminal and took most of a minute.
    """
    if len(problems) < MOST_PROBLEMS:
        return False
    problems.append(
        Problem(
            "%(where)s: reading stopped here after %(n)s problems, the most said at once (fix "
            "these, and reading again says the rest)",
            where=where,
            n=len(problems),
        )
    )
    return True


def column(table: HxlTable, tag: str) -> Column | None:
    """The column of exactly this hashtag (attributes in any order, any case), or None.

    Exact, never libhxl's tag pattern (`#affected+stranded` matching every column whose hashtag
    has those attributes and more). A DTM or HDX file carries the parts of a count beside it,
    `#affected+stranded+f+adult`, `#affected+stranded+m+children`, and a pattern takes the first
    of them for the whole: the count of adult women read as the people stranded, without a word.
    Exactly `#affected+stranded` is the column its writer meant as the count; a file that has
    only the parts is refused naming the hashtags it has, and the reader can tag the total.
    """
    i = table.column(tag)
    return None if i is None else (i, table.tags[i])


def parse_count(text: str) -> float | str | None:
    """A count of 0 or more written in a cell, None when blank, or what is wrong with it.

    Digits, with the thousands marked or not: 1200, 1,200, 1.200 or 1 200 (a mark followed by
    exactly three digits groups thousands: a count is a whole number, so 1.200 is twelve
    hundred in the Spanish way of writing it, and 1,200 in the English). A whole number with a
    zero decimal part, as a spreadsheet writes one (60.0, or 60,0 and 1.200,0 in Spanish), is that
    number. Refused, by what is wrong: "number" (any other text), "finite" (nan, inf),
    "negative", "whole" (a fraction such as 12.5 or 12,5). 1e3 and 1_000, which Python's float()
    reads, are "number" too.
    `RowReading.count` says it at its row and column.
    """
    if not text:
        return None
    digits = text.removeprefix("-").strip()
    if THOUSANDS.fullmatch(digits):
        value = float(re.sub(r"\D", "", digits))
    elif m := DECIMAL_COMMA.fullmatch(digits):
        whole, fraction = (m[1], m[2]) if m[1] else (m[3].replace(".", ""), m[4])
        value = float(f"{whole}.{fraction}")
    else:
        try:
            value = float(digits)
        except ValueError:
            return "number"
        if not math.isfinite(value):
            return "finite"
        if not PLAIN.fullmatch(digits):  # float() also reads 1e3, 1_000 and +5
            return "number"
    if text.startswith("-") and value != 0:
        return "negative"
    return value if value.is_integer() else "whole"


def parse_date(text: str) -> dt.date | None:
    """A YYYY-MM-DD date, or the date of an ISO 8601 time as written; None when neither.

    The service's export writes each count's time on its site's clock with its offset
    (2025-12-01T20:00:00-05:00): the date written is the local day at the site, the day the
    service counts it on (`hito.domain.site_day`). A time another clock wrote is dated at its
    site by its reader (`parse_instant`). A file's own dates are days.
    """
    if not DAY.match(text):
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) > 10 and text[10] in "T ":
            t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return t.date()
    except ValueError:
        return None
    return None


def parse_instant(text: str) -> dt.datetime | None:
    """An ISO 8601 time with its UTC offset (or Z): a moment on the writer's clock; else None.

    Its day as written is the writer's; a count's day is the local day at its site
    (`hito.domain.site_day` of this moment), which differs when the writer's clock is not the
    site's (2025-12-01T22:00-05:00 in Lima is already 2 December in Chile).
    """
    if not DAY.match(text) or len(text) <= 10 or text[10] not in "T ":
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def day_month_year(text: str) -> str | None:
    """A date as a spreadsheet in Spanish writes it (30/11/2025), in ISO; None if it is not."""
    m = _DMY.fullmatch(text.strip())
    if m is None:
        return None
    try:
        return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    except ValueError:
        return None


@dataclass
class RowReading:
    """One row being read: each cell's value, and each problem found noted in `problems`."""

    row: HxlRow
    where: str  # FILE:LINE
    problems: list[Problem]

    def text(self, col: Column | None) -> str:
        """The text in a column ('' for no column)."""
        return self.row.cell(None if col is None else col[0])

    def count(self, col: Column | None) -> float | None:
        """A count (`parse_count`); None when blank, or bad (noted)."""
        text = self.text(col)
        value = parse_count(text)
        if not isinstance(value, str) and (value is None or value <= MAX_PEOPLE):
            return value
        said = {"where": self.where, "tag": col[1] if col else "", "text": repr(text)}
        if not isinstance(value, str):
            problem = Problem(
                "%(where)s: %(tag)s: got %(text)s, expected at most %(most)s people at one site "
                "(more is a typing slip, not a count)",
                most=Number(MAX_PEOPLE),
                **said,
            )
        elif value == "negative":
            problem = Problem(
                "%(where)s: %(tag)s: got %(text)s, expected a count of 0 or more", **said
            )
        elif value == "whole":
            problem = Problem("%(where)s: %(tag)s: got %(text)s, expected a whole number", **said)
        elif value == "finite":
            problem = Problem("%(where)s: %(tag)s: got %(text)s, expected a finite number", **said)
        else:
            problem = _not_a_number(text, said)
        self.problems.append(problem)
        return None

    def reported(
        self, low: Column | None, high: Column | None, single: Column | None = None
    ) -> tuple[float | None, float | None]:
        """A reported range: its low and high, either None when not given.

        "More than 100" has no high, "up to 400" no low. The ends come from the `low` and `high`
        columns when the row has text in either, else from the `single` column (low and high
        equal). A low above the high is a problem.
        """
        if not (self.text(low) or self.text(high)) and single is not None:
            value = self.count(single)
            return value, value
        lo, hi = self.count(low), self.count(high)
        if lo is not None and hi is not None and lo > hi and low and high:
            self.problems.append(
                Problem(
                    "%(where)s: %(low_tag)s: got %(low)s above %(high_tag)s %(high)s, expected a "
                    "low no higher than the high",
                    where=self.where,
                    low_tag=low[1],
                    low=_fmt(lo),
                    high_tag=high[1],
                    high=_fmt(hi),
                )
            )
        return lo, hi

    def replaced(self, status: Column | None, by: Column | None) -> Problem | None:
        """Why a row of the service's export no longer counts (#status), or None when it does.

        A report corrected by a later one, or withdrawn, stays in the export beside what
        replaced it; its count would stand twice, or after its withdrawal. A status other than
        the export's (current, corrected, withdrawn, or empty) is a problem, noted.
        """
        said = self.text(status).casefold()
        if said == "corrected":
            return Problem(
                "%(where)s: #status corrected: report %(by)s corrects it and counts instead",
                where=self.where,
                by=self.text(by) or "?",
            )
        if said == "withdrawn":
            return Problem(
                "%(where)s: #status withdrawn: a withdrawn report counts no more", where=self.where
            )
        if said not in ("", "current"):
            self.problems.append(
                Problem(
                    "%(where)s: %(tag)s: got %(text)s, expected current, corrected or withdrawn "
                    "(as the service's export writes them) or an empty cell",
                    where=self.where,
                    tag=status[1] if status else "#status",
                    text=repr(self.text(status)),
                )
            )
        return None

    def date(self, col: Column) -> dt.date | None:
        """The row's date (`parse_date`); None when bad (noted)."""
        text = self.text(col)
        date = parse_date(text)
        if date is None and DAY.match(text) and len(text) == 10:  # the form, of no day
            self.problems.append(
                Problem(
                    "%(where)s: %(date)s: got %(text)s, expected a date as YYYY-MM-DD that exists",
                    where=self.where,
                    date=col[1],
                    text=repr(text),
                )
            )
        elif date is None and (iso := day_month_year(text)) is not None:
            self.problems.append(
                Problem(
                    "%(where)s: %(date)s: got %(text)s, expected a date as YYYY-MM-DD "
                    "(%(iso)s, if it is day/month/year)",
                    where=self.where,
                    date=col[1],
                    text=repr(text),
                    iso=iso,
                )
            )
        elif date is None:
            self.problems.append(
                Problem(
                    "%(where)s: %(date)s: got %(text)s, expected a date as YYYY-MM-DD",
                    where=self.where,
                    date=col[1],
                    text=repr(text),
                )
            )
        return date

    def site(self, cols: Sequence[Column]) -> tuple[str, str]:
        """The first site the row gives in these columns, and that column's hashtag.

        An empty site is a problem (noted), returned as ''.
        """
        given = [(self.text(c), c[1]) for c in cols if self.text(c)]
        if given:
            return given[0]
        self.problems.append(
            Problem(
                "%(where)s: %(site_tag)s: got an empty site, expected a site name",
                where=self.where,
                site_tag=cols[0][1],
            )
        )
        return "", cols[0][1]


# what a field team writes in one cell for more than one number: a range, an open range, about
_N = r"(\d+(?:[.,\u00a0\u202f ]\d{3})*)"  # a count as parse_count reads it, thousands marked or not
_RANGE = re.compile(rf"(?:entre |between )?{_N} *(?:-|–|—|a|al|to|y|and) *{_N}")
_MORE = re.compile(
    rf"(?:m[aá]s de|more than|over|above|at least|al menos|>=?|\+) *{_N}|{_N} *(?:\+|o m[aá]s|"
    r"or more|y m[aá]s|and more)"
)
_UP_TO = re.compile(rf"(?:hasta|up to|menos de|fewer than|less than|under|<=?) *{_N}")
_ABOUT = re.compile(
    rf"(?:~|≈|aprox\.?|aproximadamente|approx\.?|about|around|unos|unas|cerca de|"
    rf"alrededor de) *{_N}"
)


def _not_a_number(text: str, said: dict[str, str]) -> Problem:
    """Why a cell's text is no number; for a range or an estimate, where its numbers go."""
    typed = " ".join(text.casefold().split())
    if (m := _RANGE.fullmatch(typed)) and _counts(m[1], m[2]):
        return Problem(
            "%(where)s: %(tag)s: got %(text)s, expected one number: a range goes in two columns, "
            "%(low)s in a +min column and %(high)s in a +max column (such as #affected+min and "
            "#affected+max)",
            low=m[1],
            high=m[2],
            **said,
        )
    if (m := _MORE.fullmatch(typed)) and _counts(n := m[1] or m[2]):
        return Problem(
            "%(where)s: %(tag)s: got %(text)s, expected one number: more than %(n)s is %(n)s in a "
            "+min column (such as #affected+min) with the +max column left empty",
            n=n,
            **said,
        )
    if (m := _UP_TO.fullmatch(typed)) and _counts(m[1]):
        return Problem(
            "%(where)s: %(tag)s: got %(text)s, expected one number: up to %(n)s is %(n)s in a "
            "+max column (such as #affected+max) with the +min column left empty",
            n=m[1],
            **said,
        )
    if (m := _ABOUT.fullmatch(typed)) and _counts(m[1]):
        return Problem(
            "%(where)s: %(tag)s: got %(text)s, expected a number: about %(n)s is written %(n)s, "
            "or as a range in a +min and a +max column",
            n=m[1],
            **said,
        )
    return Problem(
        "%(where)s: %(tag)s: got %(text)s, expected a number (such as 1200, 1,200 or 1.200)",
        **said,
    )


def _counts(*texts: str) -> bool:
    """Whether each text is a count parse_count reads."""
    return all(isinstance(parse_count(t), float) for t in texts)


def _fmt(x: float) -> str:
    return str(int(x)) if x.is_integer() else str(x)
