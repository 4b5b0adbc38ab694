"""The tables of places: sites, their status history, shelters and their occupancy."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hito.store.coltypes import UTCDateTime, utcnow
from hito.store.models.base import Base


class Site(Base):
    """A place where people are counted: a border post, the strip, a shelter, a crossing."""

    __tablename__ = "site"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    country_code: Mapped[str] = mapped_column(ForeignKey("country.code"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    scenario: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SiteStatusChange(Base):
    """One entry of a site's status history (a crossing opened, closed, militarized)."""

    __tablename__ = "site_status_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    effective_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    remark: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShelterUpdate(Base):
    """A shelter's occupancy and capacity at a time, by one agency."""

    __tablename__ = "shelter_update"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    occupancy: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Shelter(Base):
    """A shelter's registry entry: room in people and m², water points, toilets, status."""

    __tablename__ = "shelter"
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), primary_key=True)
    capacity_people: Mapped[int] = mapped_column(Integer)
    area_m2: Mapped[float] = mapped_column(Float)
    water_points: Mapped[int] = mapped_column(Integer, default=0)
    toilets: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="open")
    operator: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    site: Mapped[Site] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(
            "capacity_people >= 0 and area_m2 >= 0 and water_points >= 0 and toilets >= 0",
            name="nonnegative",
        ),
    )
