"""Typer's usage errors (a mistyped option, a missing argument, a bad value) in any language."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from typer import TyperException

from hito import i18n
from hito.errors import Plural, Problem
from hito.validation import COUNTED, MESSAGES

# Typer's (0.29, its own copy of click) sentences; {name} marks a value, {message} a sentence of
# its own (matched again: Typer's, or pydantic's, which checks option values)
SENTENCES = (
    "No such option: {name}",
    "No such option: {name} (Possible options: {options})",
    "No such command {name}.",
    "No such command {name}. Did you mean {suggestions}?",  # Typer's suggestion of a near name
    "Missing command.",
    "Missing argument {name}.",
    "Missing option {name}.",
    "Missing parameter {name}.",
    "Missing parameter: {name}",
    "Got unexpected extra argument(s) ({args})",
    "Option {name} requires an argument.",
    "Option {name} requires {count} arguments.",
    "Option {name} does not take a value.",
    "Argument {name} takes {count} values.",
    "Invalid value for {param}: {message}",
    "Invalid value: {message}",
    "Value {value} is not a valid {kind}.",
    "{value} is not one of {choices}.",
    "{value} does not match the formats {formats}.",
    "Value must be an iterable.",
    "{count} values are required, but {given} given.",
    "File {path} does not exist.",
    "Directory {path} does not exist.",
    "Path {path} does not exist.",
    "File {path} is a directory.",
    "Directory {path} is a file.",
    "Path {path} is a file.",
    "Path {path} is a directory.",
    "File {path} is not readable.",
    "Directory {path} is not readable.",
    "Path {path} is not readable.",
    "File {path} is not writable.",
    "Directory {path} is not writable.",
    "Path {path} is not writable.",
)
_VALUE = re.compile(r"\{([a-z]+)\}")


def localize(command: Any, lang: str) -> None:
    """Say the usage errors of a command tree's root (so of every command under it) in a language.

    Typer writes them in English; each of its sentences is matched, its values kept, and said
    with the words of the language's catalogue.
    """
    for name in ("make_context", "invoke"):
        setattr(command, name, _saying(getattr(command, name), lang))


def said(sentence: str, lang: str) -> str:
    """One of Typer's sentences (or pydantic's) in a language; any other as it is."""
    for english, pattern in _patterns():
        if m := pattern.match(sentence):
            values = {k: said(v, lang) if k == "message" else v for k, v in m.groupdict().items()}
            return _put(i18n.gettext(lang, english), values)
    for message, pattern in _pydantic_patterns():
        if m := pattern.match(sentence):
            return Problem(message, **m.groupdict()).say(lang)
    for name, words in COUNTED.values():
        for form in (words.message, words.plural):
            m = _pattern(form, _NAMED).match(sentence)
            if m and m[name].isdigit():
                count = int(m[name])
                return Plural(words.message, words.plural, count, **m.groupdict()).say(lang)
    return sentence


def _put(words: str, values: dict[str, str]) -> str:
    """A sentence's words with its values put in place of their {names}."""
    return _VALUE.sub(lambda name: values[name[1]], words)


def _saying(method: Callable[..., Any], lang: str) -> Callable[..., Any]:
    """A command's method whose usage errors say themselves in a language."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except TyperException as exc:  # click's exceptions, as Typer vendors them
            text = said(exc.format_message(), lang)
            given = given_value(getattr(exc, "param", None), sys.argv[1:])
            if given is not None and "{message}" in _sentence_of(exc.format_message()):
                text += " " + Problem("(got %(value)s)", value=repr(given)).say(lang)
            exc.format_message = lambda: text  # type: ignore[method-assign]
            raise

    return call


def given_value(param: Any, argv: list[str]) -> str | None:
    """What the command line gave an option (its last use), or None: not an option, not given.

    Typer's sentence about a bad value says what was wrong with it, not what it was.
    """
    opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
    given = None
    for i, arg in enumerate(argv):
        for opt in opts:
            if arg == opt and i + 1 < len(argv):
                given = argv[i + 1]
            elif arg.startswith(opt + "="):
                given = arg[len(opt) + 1 :]
    return given


def _sentence_of(text: str) -> str:
    """The sentence of Typer's that a text is ('' for none)."""
    return next((english for english, pattern in _patterns() if pattern.match(text)), "")


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    # the longer sentences first: "No such option: {name} (Possible options: {options})" before
    # "No such option: {name}", which would match it too
    return [(s, _pattern(s, _VALUE)) for s in sorted(SENTENCES, key=len, reverse=True)]


_NAMED = re.compile(r"%\(([a-z_]+)\)s")  # a value of a catalogue message


@lru_cache(maxsize=1)
def _pydantic_patterns() -> list[tuple[str, re.Pattern[str]]]:
    # the longer first, as above: "Input should be greater than or equal to %(ge)s" before
    # "Input should be greater than %(gt)s", which would match it with gt "or equal to 1"
    return [(m, _pattern(m, _NAMED)) for m in sorted(MESSAGES.values(), key=len, reverse=True)]


def _pattern(sentence: str, value: re.Pattern[str]) -> re.Pattern[str]:
    """A regular expression matching a sentence, each value a named group."""
    parts, at = [], 0
    for m in value.finditer(sentence):
        parts += [re.escape(sentence[at : m.start()]), f"(?P<{m[1]}>.+?)"]
        at = m.end()
    return re.compile("^" + "".join(parts) + re.escape(sentence[at:]) + "$", re.DOTALL)
