"""Texts users read in a scenario: a name or a source, in one text or in Spanish and English."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from hito.domain import Strict


class Title(Strict):
    """What users read for a name, in Spanish and in English."""

    es: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The title in a language (English for any language other than Spanish)."""
        return self.es if lang == "es" else self.en


# A source as the file gives it: one text (any language, or keys of `sources:`), or {es, en}.
Source = Annotated[
    str | Title,
    Field(description="where it comes from: one text (or keys of `sources:`), or es and en"),
]


def in_language(text: str | Title | None, lang: str) -> str:
    """A text in a language: the one text when it is not given in both ('' for none)."""
    if text is None:
        return ""
    return text.get(lang) if isinstance(text, Title) else text
