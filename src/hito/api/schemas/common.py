"""Shared schema pieces: strict request base, safe text, codes, and the list envelope."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from hito.domain import ID_MAX_LENGTH, ID_PATTERN, Ident
from hito.store.text import check_text

T = TypeVar("T")


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused (aggregates only, no personal data)."""

    model_config = ConfigDict(extra="forbid")


class Public(BaseModel):
    """Base of responses, read from table rows."""

    model_config = ConfigDict(from_attributes=True)


class List(BaseModel, Generic[T]):
    """A page of items and the total number matching the filters."""

    data: list[T]
    count: int


def safe_text(max_length: int) -> object:
    """A validator applying the text policy (no markup, no SQL syntax) with a length limit."""
    return AfterValidator(lambda v: check_text(v, max_length=max_length))


Name = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), safe_text(200)
]
Remark = Annotated[str, Field(max_length=500), safe_text(500)]
Code = Annotated[str, Field(pattern=ID_PATTERN, max_length=40, examples=["pdi-arica"])]
SiteId = Annotated[Ident, Field(examples=["concordia-strip"])]
SiteIdPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]  # /sites/{site_id}
Offset = Annotated[int, Field(ge=0, le=10_000_000)]
Limit = Annotated[int, Field(ge=1, le=1000)]
