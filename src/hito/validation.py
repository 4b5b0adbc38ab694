"""Pydantic's validation errors in the catalogues' words: one Problem per error type, its ctx."""

from __future__ import annotations

from typing import Any

from hito.domain import PATTERN_WORDS
from hito.errors import N_, Invalid, Plural, Problem, Said

# pydantic's message for each error type it reports on hito's documents, in the catalogues' words;
# the values are the error's ctx (https://docs.pydantic.dev/latest/errors/validation_errors/)
MESSAGES: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "finite_number": N_("Input should be a finite number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "string_type": N_("Input should be a valid string"),
    "string_pattern_mismatch": N_("String should match pattern '%(pattern)s'"),
    "list_type": N_("Input should be a valid list"),
    "tuple_type": N_("Input should be a valid tuple"),
    "set_type": N_("Input should be a valid set"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of %(class_name)s"),
    "model_attributes_type": N_(
        "Input should be a valid dictionary or object to extract fields from"
    ),
    "date_type": N_("Input should be a valid date"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD, %(error)s"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, %(error)s"),
    "date_from_datetime_inexact": N_(
        "Datetimes provided to dates should have zero time - e.g. be exact dates"
    ),
    "datetime_type": N_("Input should be a valid datetime"),
    "datetime_parsing": N_("Input should be a valid datetime, %(error)s"),
    "datetime_from_date_parsing": N_("Input should be a valid datetime or date, %(error)s"),
    "timezone_aware": N_("Input should have timezone info"),
    "timezone_naive": N_("Input should not have timezone info"),
    "greater_than": N_("Input should be greater than %(gt)s"),
    "greater_than_equal": N_("Input should be greater than or equal to %(ge)s"),
    "less_than": N_("Input should be less than %(lt)s"),
    "less_than_equal": N_("Input should be less than or equal to %(le)s"),
    "multiple_of": N_("Input should be a multiple of %(multiple_of)s"),
    "literal_error": N_("Input should be %(expected)s"),
    "enum": N_("Input should be %(expected)s"),
    "union_tag_invalid": N_(
        "Input tag '%(tag)s' found using %(discriminator)s does not match any of "
        "the expected tags: %(expected_tags)s"
    ),
    "union_tag_not_found": N_("Unable to extract tag using discriminator %(discriminator)s"),
    "none_required": N_("Input should be None"),
    "url_type": N_("URL input should be a string or URL"),
    "url_parsing": N_("Input should be a valid URL, %(error)s"),
    "value_error": N_("Value error, %(error)s"),
    "assertion_error": N_("Assertion failed, %(error)s"),
    "text": N_("expected a text, or es and en"),  # hito.scenario.text's own error type
}
# the error types whose words follow a count: the ctx value counted, the words of each form (said
# as a Plural of that count)
COUNTED: dict[str, tuple[str, Plural]] = {
    "string_too_short": (
        "min_length",
        Plural(
            "String should have at least %(min_length)s character",
            "String should have at least %(min_length)s characters",
            0,
        ),
    ),
    "string_too_long": (
        "max_length",
        Plural(
            "String should have at most %(max_length)s character",
            "String should have at most %(max_length)s characters",
            0,
        ),
    ),
    "too_short": (
        "min_length",
        Plural(
            "Should have at least %(min_length)s item after validation, not %(actual_length)s",
            "Should have at least %(min_length)s items after validation, not %(actual_length)s",
            0,
        ),
    ),
    "too_long": (
        "max_length",
        Plural(
            "Should have at most %(max_length)s item after validation, not %(actual_length)s",
            "Should have at most %(max_length)s items after validation, not %(actual_length)s",
            0,
        ),
    ),
}
# the dates' and times' parser's words (pydantic's ctx error of date_parsing and the like)
DATE_REASONS: dict[str, str] = {
    "input is too short": N_("input is too short"),
    "input is too long": N_("input is too long"),
    "invalid character in year": N_("invalid character in year"),
    "invalid character in month": N_("invalid character in month"),
    "invalid character in day": N_("invalid character in day"),
    "invalid date separator, expected `-`": N_("invalid date separator, expected `-`"),
    "month value is outside expected range of 1-12": N_(
        "month value is outside expected range of 1-12"
    ),
    "day value is outside expected range": N_("day value is outside expected range"),
    "unexpected extra characters at the end of the input": N_(
        "unexpected extra characters at the end of the input"
    ),
    "invalid character in hour": N_("invalid character in hour"),
    "invalid character in minute": N_("invalid character in minute"),
    "invalid time separator, expected `:`": N_("invalid time separator, expected `:`"),
    "invalid timezone sign": N_("invalid timezone sign"),
}


def pydantic_problem(err: Any) -> Said:
    """One pydantic error (an item of ValidationError.errors()) in the catalogues' words.

    An error type not listed keeps pydantic's English message.
    """
    kind = err["type"]
    if kind == "value_error" and (own := invalid_problems(err)):
        return Problem("%(problems)s", problems=own) if len(own) > 1 else own[0]
    pattern = (err.get("ctx") or {}).get("pattern")
    if kind == "string_pattern_mismatch" and pattern in PATTERN_WORDS:
        return Problem("expected %(what)s", what=Problem(PATTERN_WORDS[pattern]))
    counted = COUNTED.get(kind)
    message = counted[1].message if counted else MESSAGES.get(kind)
    if message is None:
        return str(err["msg"])
    ctx = dict(err.get("ctx") or {})
    if "error" in ctx:
        ctx["error"] = _reason(ctx["error"])
    if "expected" in ctx:
        ctx["expected"] = _choices(str(ctx["expected"]))
    ctx.setdefault("actual_length", "?")
    for k, v in ctx.items():  # pydantic writes a bound of 0.0 as 0
        if isinstance(v, float) and v.is_integer():
            ctx[k] = int(v)
    values = {k: v for k, v in ctx.items() if f"%({k})s" in message}
    if counted:
        name, words = counted
        return Plural(words.message, words.plural, int(values[name]), **values)
    return Problem(message, **values)


def invalid_problems(err: Any) -> list[Problem]:
    """A validator's own problems (it raised hito.errors.Invalid); none for any other error."""
    error = (err.get("ctx") or {}).get("error")
    return list(error.said) if err["type"] == "value_error" and isinstance(error, Invalid) else []


def about(problem: Said) -> str:
    """The field path a problem is about: its `path` value, or a text's part before ': '."""
    if isinstance(problem, Problem):
        return str(problem.values.get("path", ""))
    return problem.split(": ", 1)[0] if ": " in problem else ""


def _reason(error: Any) -> Said:
    """The ctx error of a parsing error: the parser's words, catalogued when known."""
    text = str(error)
    return Problem(DATE_REASONS[text]) if text in DATE_REASONS else text


def _choices(expected: str) -> Said:
    """Pydantic's "'a', 'b' or 'c'" with the language's word for 'or'."""
    head, sep, last = expected.rpartition(" or ")
    return Problem("%(some)s or %(last)s", some=head, last=last) if sep else expected
