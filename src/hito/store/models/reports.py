"""The tables of field reports: their counts by group, and the SMS that send them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from hito.store.coltypes import UTCDateTime, utcnow
from hito.store.models.base import Base
from hito.store.models.people import Agency
from hito.store.models.sites import Site


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
