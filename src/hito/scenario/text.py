"""Texts users read in a scenario: a name or a source, in one text or in Spanish and English."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from hito.domain import Strict


class Title(Strict):
    """What users read for a name, in Spanish and in English."""

    es: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The title in a language (English for any language other than Spanish)."""
        return self.es if lang == "es" else self.en


def _form(v: Any) -> str | None:
    """Which form a text takes in the file: one text, or a mapping of es and en (else none)."""
    if isinstance(v, str):
        return TEXT_TAGS[0]
    return TEXT_TAGS[1] if isinstance(v, dict | Title) else None


# the forms' names, which pydantic puts in error locations (left out of the messages)
TEXT_TAGS = ("_one_text", "_es_en")

# A text users read, as the file gives it: one text (any language), or {es, en}.
Text = Annotated[
    Annotated[str, Tag(TEXT_TAGS[0])] | Annotated[Title, Tag(TEXT_TAGS[1])],
    Discriminator(
        _form, custom_error_type="text", custom_error_message="expected a text, or es and en"
    ),
]

# A source: one text (any language, or keys of `sources:`), or {es, en}.
Source = Annotated[
    Text,
    Field(description="where it comes from: one text (or keys of `sources:`), or es and en"),
]


def in_language(text: str | Title | None, lang: str) -> str:
    """A text in a language: the one text when it is not given in both ('' for none)."""
    if text is None:
        return ""
    return text.get(lang) if isinstance(text, Title) else text
