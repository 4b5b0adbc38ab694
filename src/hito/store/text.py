"""The rule of every free-text field: at most so many characters, and no control characters.

Markup and SQL syntax are accepted as text: bound parameters store them as they are and the
templates' autoescaping shows them as text, so "12 niños; 30 adultos" or "temp < 5 C" pass.
"""

from __future__ import annotations

import unicodedata

from hito.errors import Problem

# tab and line breaks (a textarea sends them), and the joiners that emoji and scripts use
ALLOWED_CONTROLS = "\t\n\r\u200c\u200d"


def text_said(value: str, *, max_length: int) -> Problem | None:
    """Why a text is refused (None when it is fine), in any language: too long, or a control."""
    if len(value) > max_length:
        return Problem(
            "expected at most %(most)s characters, got %(got)s", most=max_length, got=len(value)
        )
    for i, ch in enumerate(value):
        if unicodedata.category(ch)[0] == "C" and ch not in ALLOWED_CONTROLS:
            return Problem(
                "control character %(code)s at position %(at)s is not allowed",
                code=f"U+{ord(ch):04X}",
                at=i,
            )
    return None


def text_problem(value: str, *, max_length: int) -> str | None:
    """Why a text is refused (None when it is fine), in English as the API says it."""
    problem = text_said(value, max_length=max_length)
    return None if problem is None else problem.say("en")


def check_text(value: str, *, max_length: int = 500) -> str:
    """Return the text unchanged, or raise ValueError with the problem (for pydantic)."""
    problem = text_problem(value, max_length=max_length)
    if problem:
        raise ValueError(problem)
    return value
