"""Forecasts: the time their process last said it still holds them (`forecast.beat_at`).

With several worker processes (`hito serve --workers N`), each one marked at its start every
forecast still queued or running as interrupted: those another worker was computing too. A
process now beats for the forecasts it holds (`hito.store.forecastrun`); one whose beat (or,
before its first, its creation) is older than `forecastrun.STALE` was left by a stopped
process, and only such a one is marked interrupted.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hito.store.coltypes import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable `forecast.beat_at`."""
    with op.batch_alter_table("forecast") as b:
        b.add_column(sa.Column("beat_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Drop `forecast.beat_at`."""
    with op.batch_alter_table("forecast") as b:
        b.drop_column("beat_at")
