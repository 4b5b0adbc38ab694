"""The tables of the service (SQLAlchemy 2 typed declarative models)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from hito.store.coltypes import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("admin", "editor", "viewer")
FORECAST_STATES = ("queued", "running", "done", "failed")
FORECAST_UNFINISHED = FORECAST_STATES[:2]  # queued or running


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)


class Country(Base):
    """A country taking part (ISO 3166-1 alpha-3)."""

    __tablename__ = "country"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Agency(Base):
    """An agency or humanitarian partner of one country."""

    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country_code: Mapped[str] = mapped_column(ForeignKey("country.code"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    """A person who signs in: an admin, an editor of one agency, or a viewer."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    # HMAC of (id, password_hash) with the service's secret (`hito.store.logsecret`): a hash
    # put there with SQL does not sign anyone in
    password_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)
    role: Mapped[str] = mapped_column(String(10))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    agency: Mapped[Agency | None] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("role in ('admin', 'editor', 'viewer')", name="role"),)


class Token(Base):
    """A bearer token, stored only as its SHA-256, with an expiry and an optional revocation."""

    __tablename__ = "token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


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


class FieldReport(Base):
    """An aggregate count at a site at a time by one agency; never a person's data."""

    __tablename__ = "field_report"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"))
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # the local calendar day at the site when counted (`hito.domain.site_day` of the site's
    # country and observed_at): the day whose figures, triggers and observations it joins
    day: Mapped[dt.date] = mapped_column(Date)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    remark: Mapped[str] = mapped_column(String(500), default="")
    people: Mapped[int] = mapped_column(Integer)
    stranded: Mapped[int] = mapped_column(Integer)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("field_report.id"), nullable=True, unique=True
    )
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    counts: Mapped[list[ReportCount]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        order_by="ReportCount.id",
        lazy="selectin",
    )
    site: Mapped[Site] = relationship(lazy="joined")
    agency: Mapped[Agency] = relationship(lazy="joined")
    # the correction or withdrawal that replaced this report, if any (loaded on request)
    superseded_by: Mapped[FieldReport | None] = relationship(
        primaryjoin="FieldReport.id == remote(foreign(FieldReport.supersedes_id))",
        uselist=False,
        viewonly=True,
    )

    __table_args__ = (
        UniqueConstraint("agency_id", "idempotency_key", name="uq_field_report_key"),
        Index("ix_field_report_site_observed", "site_id", "observed_at"),
        Index("ix_field_report_site_day", "site_id", "day"),
    )

    @property
    def at_least(self) -> bool:
        """Whether its people and stranded are lower bounds: one of its counts is open-ended.

        "More than 100" (`hito.counts.Count.open_ended`): the people were not all counted, so
        neither were the stranded among them.
        """
        return any(c.people_low is not None and c.people_high is None for c in self.counts)


class ReportCount(Base):
    """One group's count inside a field report (the columns of `hito.counts.Count`)."""

    __tablename__ = "report_count"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("field_report.id", ondelete="CASCADE"), index=True
    )
    nationality: Mapped[str] = mapped_column(String(3))
    documented: Mapped[bool] = mapped_column(Boolean)
    people: Mapped[int] = mapped_column(Integer)
    stranded: Mapped[int] = mapped_column(Integer, default=0)
    people_low: Mapped[int | None] = mapped_column(Integer, nullable=True)
    people_high: Mapped[int | None] = mapped_column(Integer, nullable=True)
    f_children: Mapped[int | None] = mapped_column(Integer, nullable=True)
    f_adults: Mapped[int | None] = mapped_column(Integer, nullable=True)
    f_older: Mapped[int | None] = mapped_column(Integer, nullable=True)
    m_children: Mapped[int | None] = mapped_column(Integer, nullable=True)
    m_adults: Mapped[int | None] = mapped_column(Integer, nullable=True)
    m_older: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pregnant_lactating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    disabilities: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unaccompanied_separated: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report: Mapped[FieldReport] = relationship(back_populates="counts")

    __table_args__ = (
        CheckConstraint("people >= 0", name="people_nonnegative"),
        CheckConstraint("stranded >= 0 and stranded <= people", name="stranded_within_people"),
    )


def open_ended(report_id: Any) -> ColumnElement[bool]:
    """In SQL, `FieldReport.at_least` of the report whose id is `report_id` (a column)."""
    return (
        select(ReportCount.id)
        .where(
            ReportCount.report_id == report_id,
            ReportCount.people_low.is_not(None),
            ReportCount.people_high.is_(None),
        )
        .exists()
    )


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


class LogLeaf(Base):
    """One sequenced entry of the transparency log: leaf `idx` of the Merkle tree."""

    __tablename__ = "log_leaf"
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(120))
    before_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    after_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    leaf_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_log_leaf_resource", "resource", "idx"),
        Index("ix_log_leaf_leaf_hash", "leaf_hash"),  # a replayed pending entry is refused
    )


class LogPending(Base):
    """An entry written with its change, waiting to be sequenced into the tree."""

    __tablename__ = "log_pending"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(120))
    before_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    after_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    # HMAC of the entry's bytes with the service's secret (`hito.store.logsecret`): the
    # sequencer signs no entry whose MAC is wrong or missing
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class LogRejected(Base):
    """A pending entry the sequencer refused (its MAC wrong or missing), kept for investigators."""

    __tablename__ = "log_rejected"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    pending_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(120))
    before_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    after_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)
    entry_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the entry's bytes
    rejected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    leaf_idx: Mapped[int] = mapped_column(BigInteger)  # the `log.rejected` entry saying so


class LogHead(Base):
    """A signed tree head: the tree's size and root, signed with the log's Ed25519 key."""

    __tablename__ = "log_head"
    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[int] = mapped_column(BigInteger)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))
    frontier: Mapped[list[str]] = mapped_column(JSON)


class LoginThrottle(Base):
    """Failed sign-ins counted per key (an address, an account, an account from an address)."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


DELIVERY_STATES = ("pending", "sending", "sent", "failed", "stopped", "acknowledged")


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
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    subscription: Mapped[Subscription] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("alert_id", "subscription_id", name="uq_delivery_once"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )


class SmsSender(Base):
    """A phone number registered to send field reports by SMS for one agency."""

    __tablename__ = "sms_sender"
    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    label: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(2), default="es")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SmsMessage(Base):
    """One inbound SMS, stored once by its gateway's id, with the answer it got."""

    __tablename__ = "sms_message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gateway: Mapped[str] = mapped_column(String(20))
    gateway_id: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(String(10))
    reply: Mapped[str] = mapped_column(String(500))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("field_report.id"), nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("gateway", "gateway_id", name="uq_sms_message_gateway_id"),)
