"""The refresh of the calibrated forecast, one for all worker processes (`forecast_refresh`).

Under `hito serve --workers N` each worker refreshed the calibrated forecast after the reports
it received itself: N refreshes could run at once. Now every worker asks in this row and only
the process holding the server's refresh lock computes (`hito.store.forecastrefresh`).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create `forecast_refresh`."""
    op.create_table(
        "forecast_refresh",
        sa.Column("scenario", sa.String(200), nullable=False),
        sa.Column("wanted", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scenario", name=op.f("pk_forecast_refresh")),
    )


def downgrade() -> None:
    """Drop `forecast_refresh`."""
    op.drop_table("forecast_refresh")
