"""Field-ready: counts by sex and age, shelters, subscriptions and deliveries, SMS reports.

Counts that were one row per sex and age band become counts with a breakdown: a row of
sex f or m and a known age band holds its people in the matching breakdown column and 0 in
the other five (its breakdown still adds up to its people); rows of sex x or without a band
stay total-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BREAKDOWN = ("f_children", "f_adults", "f_older", "m_children", "m_adults", "m_older")
NEW_COUNT_COLUMNS = (
    "people_low",
    "people_high",
    *BREAKDOWN,
    "pregnant_lactating",
    "disabilities",
    "unaccompanied_separated",
)
BANDS = {"0-4": "children", "5-17": "children", "18-59": "adults", "60+": "older"}


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("report_count") as b:
        for name in NEW_COUNT_COLUMNS:
            b.add_column(sa.Column(name, sa.Integer(), nullable=True))
    rc = sa.table(
        "report_count",
        sa.column("id", sa.Integer),
        sa.column("sex", sa.String),
        sa.column("age_band", sa.String),
        sa.column("people", sa.Integer),
        *(sa.column(n, sa.Integer) for n in BREAKDOWN),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(rc.c.id, rc.c.sex, rc.c.age_band, rc.c.people).where(
            rc.c.sex.in_(["f", "m"]), rc.c.age_band.in_(list(BANDS))
        )
    ).all()
    for rid, sex, band, people in rows:
        values = dict.fromkeys(BREAKDOWN, 0)
        values[f"{sex}_{BANDS[band]}"] = people
        conn.execute(sa.update(rc).where(rc.c.id == rid).values(**values))
    with op.batch_alter_table("report_count") as b:
        b.drop_column("sex")
        b.drop_column("age_band")
    with op.batch_alter_table("alert") as b:
        b.add_column(
            sa.Column("severity", sa.String(length=10), nullable=False, server_default="warning")
        )
        b.add_column(sa.Column("sites", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "shelter",
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("capacity_people", sa.Integer(), nullable=False),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("water_points", sa.Integer(), nullable=False),
        sa.Column("toilets", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "capacity_people >= 0 and area_m2 >= 0 and water_points >= 0 and toilets >= 0",
            name=op.f("ck_shelter_nonnegative"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_shelter_site_id_site")),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_shelter")),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("plans", sa.JSON(), nullable=False),
        sa.Column("sites", sa.JSON(), nullable=False),
        sa.Column("severities", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_subscription_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_subscription_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("ack_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_delivery_alert_id_alert")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.id"],
            name=op.f("fk_delivery_subscription_id_subscription"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("ack_hash", name=op.f("uq_delivery_ack_hash")),
        sa.UniqueConstraint("message_id", name=op.f("uq_delivery_message_id")),
        sa.UniqueConstraint("alert_id", "subscription_id", name="uq_delivery_once"),
    )
    op.create_index(op.f("ix_delivery_alert_id"), "delivery", ["alert_id"], unique=False)
    op.create_index("ix_delivery_due", "delivery", ["status", "next_attempt_at"], unique=False)
    op.create_table(
        "sms_sender",
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_sms_sender_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("phone", name=op.f("pk_sms_sender")),
    )
    op.create_table(
        "sms_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gateway", sa.String(length=20), nullable=False),
        sa.Column("gateway_id", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("body", sa.String(length=500), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reply", sa.String(length=500), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["field_report.id"], name=op.f("fk_sms_message_report_id_field_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_message")),
        sa.UniqueConstraint("gateway", "gateway_id", name="uq_sms_message_gateway_id"),
    )


def downgrade() -> None:
    """Revert this revision (breakdowns, ranges and specific needs are dropped)."""
    op.drop_table("sms_message")
    op.drop_table("sms_sender")
    op.drop_index("ix_delivery_due", table_name="delivery")
    op.drop_index(op.f("ix_delivery_alert_id"), table_name="delivery")
    op.drop_table("delivery")
    op.drop_table("subscription")
    op.drop_table("shelter")
    with op.batch_alter_table("alert") as b:
        b.drop_column("sites")
        b.drop_column("severity")
    with op.batch_alter_table("report_count") as b:
        b.add_column(sa.Column("sex", sa.String(length=1), nullable=True))
        b.add_column(sa.Column("age_band", sa.String(length=10), nullable=True))
    with op.batch_alter_table("report_count") as b:
        for name in NEW_COUNT_COLUMNS:
            b.drop_column(name)
