"""Domain errors raised by the core, each carrying one problem per line, said in any language."""

from __future__ import annotations

import errno
import json
from collections.abc import Sequence
from typing import Any

STRICT = False  # the tests set it: saying a message the catalogues lack is then an error


class Problem:
    """One problem: a message of the catalogues (English, named %(values)s) and its values.

    Written where the error is raised, said where it is shown: in the reader's language by
    `str()`, in any language by `say(lang)`. A value that is itself a Problem is said in the same
    language. scripts/i18n.sh extracts the messages (its keyword `Problem`). A message whose
    words follow a count ('1 entry', '3 entries') is a `Plural`.
    """

    __slots__ = ("message", "values")

    def __init__(self, message: str, **values: Any) -> None:
        self.message = message
        self.values = values

    def say(self, lang: str) -> str:
        """The problem in a language (its catalogue's words, the values as given)."""
        from hito.i18n import gettext

        if STRICT:
            from hito.i18n import catalogued

            assert catalogued(lang, self.message), f"not in the {lang} catalogue: {self.message!r}"
        text = gettext(lang, self.message)
        if not self.values:
            return text
        return text % {k: _said(v, lang) for k, v in self.values.items()}

    def __str__(self) -> str:
        from hito.i18n import reader_language

        return self.say(reader_language())

    def __repr__(self) -> str:
        return f"Problem({self.message!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Problem)
            and type(other) is type(self)
            and self.__getstate__() == other.__getstate__()
        )

    def __hash__(self) -> int:
        return hash(self.message)

    def __getstate__(self) -> tuple[Any, ...]:
        return self.message, self.values

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.message, self.values = state


class Plural(Problem):
    """A problem whose words follow a count: 'after 1 attempt', 'after 3 attempts'.

    `Plural(singular, plural, n, **values)`: each language says the form of its catalogue for the
    count n (Spanish has three) by ngettext; n is not a value of the message unless given as one
    (a value may be named n too: the count is positional).
    scripts/i18n.sh extracts it as a plural entry (its keyword `Plural:1,2`).
    """

    __slots__ = ("plural", "n")

    def __init__(self, singular: str, plural: str, n: int, /, **values: Any) -> None:
        super().__init__(singular, **values)
        self.plural = plural
        self.n = n

    def say(self, lang: str) -> str:
        """The problem in a language, in the form its catalogue has for the count."""
        from hito.i18n import catalogued, translations

        if STRICT:
            assert catalogued(lang, (self.message, 0)), f"not in the {lang} catalogue: {self!r}"
        text = translations(lang).ngettext(self.message, self.plural, self.n)
        return text % {k: _said(v, lang) for k, v in self.values.items()}

    def __repr__(self) -> str:
        return f"Plural({self.message!r}, {self.plural!r}, {self.n!r}, **{self.values!r})"

    def __getstate__(self) -> tuple[Any, ...]:
        return self.message, self.values, self.plural, self.n

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.message, self.values, self.plural, self.n = state


class Number(int):
    """A whole number in a message, written as the language groups digits (1.000.000 in es)."""


def _said(value: Any, lang: str) -> Any:
    """A value in a message, in a language: a Problem said, Problems joined by '; ', a Number."""
    if isinstance(value, Problem):
        return value.say(lang)
    if isinstance(value, Number):
        from hito.i18n import number

        return number(value, lang)
    if isinstance(value, list | tuple) and any(isinstance(v, Problem) for v in value):
        return "; ".join(say(v, lang) for v in value)
    return value


Said = Problem | str  # a text already in its final words (a file's own text, a value) is a str


def say(problem: Said, lang: str) -> str:
    """A problem, or a text already in its words, in a language."""
    return problem.say(lang) if isinstance(problem, Problem) else problem


def os_reason(exc: OSError, *, writing: bool = False) -> Said:
    """Why a file or folder could not be read or written, in the reader's words where common."""
    if isinstance(exc, FileNotFoundError):
        return (
            Problem("a folder or a file cannot be made there")
            if writing
            else Problem("no such file")
        )
    if isinstance(exc, IsADirectoryError):
        return Problem("it is a folder")
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return Problem("a file is where a folder should be")
    if isinstance(exc, PermissionError):
        return (
            Problem("not allowed to write there") if writing else Problem("not allowed to read it")
        )
    if exc.errno == errno.ENOSPC:
        return Problem("no space left on the disk")
    if exc.errno == errno.EROFS:
        return Problem("the disk is read-only")
    return exc.strerror or str(exc)


def not_one_of(option: str, value: object, choices: Sequence[str]) -> Problem:
    """Why a value is not one of the choices: 'OPTION: got VALUE, expected one of: A, B'."""
    return Problem(
        "%(option)s: got %(value)s, expected one of: %(choices)s",
        option=option,
        value=repr(value),
        choices=", ".join(choices),
    )


class HitoError(Exception):
    """Base of every error hito reports to a user without a traceback."""

    exit_code = 2

    def __init__(self, problems: Said | Sequence[Said]):
        """Problems, or lines already in their words (said in the reader's language)."""
        said = [problems] if isinstance(problems, Problem | str) else list(problems)
        self.said: list[Said] = said
        super().__init__(said)

    @property
    def problems(self) -> list[str]:
        """One line per problem, in the reader's language (hito.i18n.reader_language)."""
        from hito.i18n import reader_language

        return self.in_language(reader_language())

    def in_language(self, lang: str) -> list[str]:
        """One line per problem, in a language (a page's, or English for the API's machines)."""
        return [say(p, lang) for p in self.said]

    def __str__(self) -> str:
        return "\n".join(self.problems)


class ScenarioError(HitoError):
    """A scenario file that cannot be read or does not validate."""


class InputError(HitoError):
    """A bad argument or input file other than a scenario."""


class Invalid(ValueError):
    """A model validator's problems, said in the reader's language by hito.validation.

    Pydantic reports them as a value_error; a problem about a field has its path as value `path`.
    """

    def __init__(self, *problems: Problem) -> None:
        self.said = list(problems)
        super().__init__("\n".join(map(str, problems)))


def N_(message: str) -> str:  # noqa: N802 - gettext's name for a message marked, not translated
    """A message for the catalogues (scripts/i18n.sh extracts it), said later as a Problem."""
    return message


_KEPT = '{"said":'  # how a kept text begins (`keep`); any other stored text is kept as it was


def keep(said: Said | Sequence[Said]) -> str:
    """Problems as a text for a database column, to be said later in any language (`said_in`).

    Values that are not numbers, texts or problems are kept as their text.
    """
    items = [said] if isinstance(said, Problem | str) else list(said)
    return json.dumps({"said": [_data(p) for p in items]}, ensure_ascii=False, sort_keys=True)


def kept(text: str) -> list[Said] | None:
    """The problems in a text made by `keep`, or None for any other text (older rows)."""
    if not text.startswith(_KEPT):
        return None
    try:
        items = json.loads(text)["said"]
        return [_problem(p) for p in items]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def said_in(text: str, lang: str) -> str:
    """A stored text in a language: kept problems said in it, any other text as it is."""
    items = kept(text)
    return text if items is None else "; ".join(say(p, lang) for p in items)


def _data(value: Any) -> Any:
    """A problem, or a value in one, as JSON data: a problem is the only object."""
    if isinstance(value, Problem):
        data: dict[str, Any] = {
            "message": value.message,
            "values": {k: _data(v) for k, v in value.values.items()},
        }
        if isinstance(value, Plural):
            data |= {"plural": value.plural, "n": value.n}
        return data
    if isinstance(value, list | tuple):
        return [_data(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _problem(data: Any) -> Any:
    """`_data` read back: objects are problems again."""
    if isinstance(data, dict):
        message, values = data["message"], data["values"]
        if not isinstance(message, str) or not isinstance(values, dict):
            raise TypeError(data)
        values = {k: _problem(v) for k, v in values.items()}
        if "plural" not in data:
            return Problem(message, **values)
        plural, n = data["plural"], data["n"]
        if not isinstance(plural, str) or not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(data)
        return Plural(message, plural, n, **values)
    if isinstance(data, list):
        return [_problem(v) for v in data]
    return data
