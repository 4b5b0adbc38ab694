"""Schemas of countries."""

from __future__ import annotations

from hito.api.schemas.common import List, Name, Public, Request
from hito.domain import CountryCode


class CountryCreate(Request):
    """A new country."""

    code: CountryCode
    name: Name


class CountryPublic(Public):
    """A country."""

    code: str
    name: str


CountryList = List[CountryPublic]
