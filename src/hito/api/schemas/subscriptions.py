"""Schemas of alert subscriptions and of deliveries with their outcomes."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator

from hito.api.schemas.common import List, Name, Public, Request, RowId, SiteId
from hito.domain import Channel, Language, Severity
from hito.errors import said_in
from hito.store.deliveries import DeliveryView


class SubscriptionCreate(Request):
    """Who is told of which alerts, how and in which language (empty lists: everything)."""

    label: Name
    channel: Channel
    target: str = Field(
        min_length=3, max_length=500, description="an e-mail address, or an http(s) URL"
    )
    plans: list[str] = Field(default_factory=list, max_length=50)
    sites: list[SiteId] = Field(default_factory=list, max_length=100)
    severities: list[Severity] = Field(default_factory=list)
    language: Language = "es"
    for_user: bool = Field(default=True, description="true: for me; false: for an agency")
    agency_id: RowId | None = None


class SubscriptionPublic(Public):
    """A subscription (its webhook secret only in the answer that creates it)."""

    id: int
    label: str
    user_id: int | None
    agency_id: int | None
    channel: str
    target: str
    plans: list[str]
    sites: list[str]
    severities: list[str]
    language: str
    active: bool
    created_at: dt.datetime


class SubscriptionCreated(SubscriptionPublic):
    """A new subscription with its Standard Webhooks signing secret (shown this once)."""

    secret: str


SubscriptionList = List[SubscriptionPublic]


class DeliveryPublic(DeliveryView, Public):
    """One alert's delivery to one subscriber and its outcome."""

    @field_validator("last_error", mode="before")
    @classmethod
    def _in_english(cls, value: object) -> object:
        """Why it failed, in English (the API's language), from what the store kept."""
        return said_in(value, "en") if isinstance(value, str) else value


DeliveryList = List[DeliveryPublic]
