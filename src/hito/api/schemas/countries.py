"""Schemas of countries."""

from __future__ import annotations

from hito.api.schemas.common import CountryCode, List, Name, Public, Request


class CountryCreate(Request):
    """A new country."""

    code: CountryCode
    name: Name


class CountryPublic(Public):
    """A country."""

    code: str
    name: str


CountryList = List[CountryPublic]
