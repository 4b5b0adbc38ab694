"""The text policy of every free-text field: short, printable, and no markup or SQL syntax."""

from __future__ import annotations

import unicodedata

FORBIDDEN_CHARS = "<>;=`{}\\|$"
FORBIDDEN_SEQUENCES = ("--", "/*", "*/", "&#", "%3c", "%3e", "javascript:")


def text_problem(value: str, *, max_length: int) -> str | None:
    """Why a text is refused (None when it is fine).

    Letters of any script, digits, spaces and ordinary punctuation are accepted; markup,
    statement separators and comment markers are not, so an injection attempt is refused
    with a precise message instead of being stored.
    """
    if len(value) > max_length:
        return f"expected at most {max_length} characters, got {len(value)}"
    for i, ch in enumerate(value):
        if ch in FORBIDDEN_CHARS:
            return f"character {ch!r} at position {i} is not allowed in text fields"
        if unicodedata.category(ch)[0] == "C" and ch not in "\t":
            return f"control character U+{ord(ch):04X} at position {i} is not allowed"
    low = value.lower()
    for seq in FORBIDDEN_SEQUENCES:
        at = low.find(seq)
        if at >= 0:
            return f"{seq!r} at position {at} is not allowed in text fields"
    return None


def check_text(value: str, *, max_length: int = 500) -> str:
    """Return the text unchanged, or raise ValueError with the problem (for pydantic)."""
    problem = text_problem(value, max_length=max_length)
    if problem:
        raise ValueError(problem)
    return value
