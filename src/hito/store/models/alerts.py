"""The tables of plans, their alerts, who is told of them, and forecast runs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hito.store.coltypes import UTCDateTime, utcnow
from hito.store.models.base import Base


class StoredPlan(Base):
    """One version of a contingency plan, stored as its YAML text (`hito.plans.model.Plan`)."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("name", "version", name="uq_plan_name_version"),)


class Alert(Base):
    """A plan trigger met on observations: one per trigger episode, with the actions due."""

    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    plan_name: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(200))
    met_since: Mapped[dt.date] = mapped_column(Date)
    actions: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    agencies: Mapped[list[str]] = mapped_column(JSON)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("field_report.id"), nullable=True)
    severity: Mapped[str] = mapped_column(String(10), default="warning")
    sites: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("plan_name", "trigger", "met_since", name="uq_alert_episode"),
    )


FORECAST_STATES = ("queued", "running", "done", "failed")

FORECAST_UNFINISHED = FORECAST_STATES[:2]  # queued or running


class Forecast(Base):
    """A forecast run started from the service, computed in the background."""

    __tablename__ = "forecast"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    scenario: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    runs: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # when the process computing it last said it still holds it (hito.store.forecastrun)
    beat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ForecastRefresh(Base):
    """The refresh of the service's calibrated forecast: asked for by reports, done by one process.

    Every worker process of `hito serve --workers N` asks (`wanted` + 1) after its reports;
    the process holding the server's refresh lock computes and records the asks it covered
    (`done`; `hito.store.forecastrefresh`).
    """

    __tablename__ = "forecast_refresh"
    scenario: Mapped[str] = mapped_column(String(200), primary_key=True)
    wanted: Mapped[int] = mapped_column(Integer, default=0)  # asks so far
    done: Mapped[int] = mapped_column(Integer, default=0)  # the asks the last refresh covered


DELIVERY_STATES = ("pending", "sending", "sent", "failed", "stopped", "acknowledged")


class Subscription(Base):
    """Who is told of alerts, how (email or webhook), of which plans, sites and severities."""

    __tablename__ = "subscription"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100), default="")
    plans: Mapped[list[str]] = mapped_column(JSON, default=list)
    sites: Mapped[list[str]] = mapped_column(JSON, default=list)
    severities: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2), default="es")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """One alert to one subscriber: made once, sent by the worker, with its outcome."""

    __tablename__ = "delivery"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id"))
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    ack_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC of what it says, made when queued (`hito.store.deliverybytes`): checked before sending
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    subscription: Mapped[Subscription] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("alert_id", "subscription_id", name="uq_delivery_once"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )
