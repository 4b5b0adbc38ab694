"""PyYAML's reasons for refusing a text, and what a value read is, in the catalogues' words."""

from __future__ import annotations

import datetime as dt
import re

from hito.errors import N_, Problem, Said

# PyYAML's names of what it found, in words
_TOKENS: dict[str, str] = {
    "'?'": N_("a new key"),
    "'<block mapping start>'": N_("a new key"),
    "'<block sequence start>'": N_("a list"),
    "'<block entry>'": N_("a list item ('- ')"),
    "'<scalar>'": N_("a value"),
    "'<stream end>'": N_("the end of the file"),
    "'<block end>'": N_("the end of a block"),
}
_TAB = "'\\t'"

# (PyYAML's problem as a regular expression, the catalogues' message with its named groups)
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (
            r"found character (?P<char>.+) that cannot start any token",
            N_("the character %(char)s cannot start a value (put the value in quotes)"),
        ),
        (
            r"expected ',' or '(?P<close>[\]}])', but got (?P<got>.+)",
            N_("expected ',' or '%(close)s' to go on or close the brackets, found %(got)s"),
        ),
        (
            r"mapping values are not allowed here",
            N_(
                "a ':' is not allowed here (a value holding ': ' needs quotes, or the "
                "indentation is off)"
            ),
        ),
        (r"could not find expected ':'", N_("a key without its ':'")),
        (
            r"expected <block end>, but found (?P<got>.+)",
            N_("the indentation does not match the lines above (found %(got)s)"),
        ),
        (
            r"found unexpected end of stream",
            N_("the file ends before a quote or a bracket is closed"),
        ),
        (
            r"found unknown escape character '(?P<char>.)'",
            N_("unknown escape \\%(char)s inside double quotes (use single quotes)"),
        ),
        (
            r"found undefined alias '(?P<char>[^']*)'",
            N_("an alias *%(char)s with no anchor before it"),
        ),
        (
            r"but found another document",
            N_("the file holds a second document (a line '---' in the middle)"),
        ),
        (
            r"expected a comment or a line break, but found (?P<got>.+)",
            N_("expected a comment or the end of the line, found %(got)s"),
        ),
        (
            r"expected the node content, but found (?P<got>.+)",
            N_("expected a value, found %(got)s"),
        ),
    )
)


def yaml_reason(problem: str) -> Said:
    """PyYAML's problem in the catalogues' words, else as PyYAML says it."""
    if problem == f"found character {_TAB} that cannot start any token":
        return Problem("a tab: YAML indents with spaces")
    for pattern, message in _REASONS:
        if m := pattern.fullmatch(problem):
            values = {k: _token(v) for k, v in m.groupdict().items()}
            return Problem(message, **values)
    return problem


def _token(text: str) -> Said:
    word = _TOKENS.get(text)
    return Problem(word) if word else text


# what a YAML or JSON value is, in words (not Python's type names: "NoneType", "str")
_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (type(None), N_("nothing (empty, or null)")),
    (bool, N_("true or false")),
    ((int, float), N_("a number")),
    (str, N_("a text")),
    (list, N_("a list")),
    (dict, N_("a mapping (key: value)")),
    ((dt.date, dt.datetime), N_("a date")),
)


def value_kind(value: object) -> Said:
    """What a value read from YAML or JSON is, in words: 'a list', 'a text', 'nothing'..."""
    for kinds, word in _KINDS:
        if isinstance(value, kinds):
            return Problem(word)
    return type(value).__name__
