"""Schemas of agencies."""

from __future__ import annotations

import datetime as dt

from hito.api.schemas.common import Code, List, Name, Public, Request
from hito.domain import CountryCode


class AgencyCreate(Request):
    """A new agency of a country."""

    code: Code
    name: Name
    country_code: CountryCode


class AgencyPublic(Public):
    """An agency."""

    id: int
    code: str
    name: str
    country_code: str
    created_at: dt.datetime


AgencyList = List[AgencyPublic]
