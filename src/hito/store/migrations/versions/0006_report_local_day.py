"""Field reports get their day: the local calendar day at the site when they were counted.

Figures, triggers and the observations fed to calibration grouped reports by the UTC day of
`observed_at`: a count at 20:00 in Tacna (UTC-5) on 1 December landed on 2 December. Each
report now carries `day`, `hito.domain.site_day` of its site's country and its time; this
revision fills it for the reports stored before (sites of a country without a known zone:
the UTC day, as for new reports).

Revision ID: 0006
Revises: 0005
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hito.domain import site_day

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def _moment(value: object) -> dt.datetime:
    """A stored time (SQLite hands back text when read untyped) as a datetime."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("field_report") as b:
        b.add_column(sa.Column("day", sa.Date(), nullable=True))
    conn = op.get_bind()
    report = sa.table(
        "field_report",
        sa.column("id", sa.Integer()),
        sa.column("site_id", sa.String()),
        sa.column("observed_at"),
        sa.column("day", sa.Date()),
    )
    site = sa.table("site", sa.column("id", sa.String()), sa.column("country_code", sa.String()))
    rows = conn.execute(
        sa.select(report.c.id, report.c.observed_at, site.c.country_code)
        .join(site, site.c.id == report.c.site_id)
        .order_by(report.c.id)
    ).all()
    days = [{"rid": rid, "d": site_day(country, _moment(at))} for rid, at, country in rows]
    update = (
        sa.update(report).where(report.c.id == sa.bindparam("rid")).values(day=sa.bindparam("d"))
    )
    for i in range(0, len(days), BATCH):
        conn.execute(update, days[i : i + BATCH])
    with op.batch_alter_table("field_report") as b:
        b.alter_column("day", existing_type=sa.Date(), nullable=False)
        b.create_index("ix_field_report_site_day", ["site_id", "day"], unique=False)


def downgrade() -> None:
    """Revert this revision (the days are derived: they go with their column)."""
    with op.batch_alter_table("field_report") as b:
        b.drop_index("ix_field_report_site_day")
        b.drop_column("day")
