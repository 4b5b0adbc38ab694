"""PostgreSQL: a counter of this database's writes to the tables the log check reads.

`GET /api/v1/audit/verify` gives its last answer again while nothing was written since
(`Database.write_mark`). On PostgreSQL the mark was the server's WAL position, which every
database of the server moves: beside other databases (a shared server, CI running other
suites) nothing was ever reused, and the check ran on every call. Each table the check
reads now bumps the sequence `hito_write_mark` once per writing statement (a statement
trigger, run as its owner and fired even under `session_replication_role = replica`);
with the database's transactions in progress, it is the mark. SQLite: nothing to do (its
mark is its file's size and time).

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

from alembic import op

from hito.store.db import WRITE_MARK

# the tables as of this revision: a table the check reads later gets its trigger from a
# revision of its own (`Database.write_mark` gives None until every one in WRITE_MARKED has it)
_TABLES = (
    "log_head", "log_leaf", "log_pending", "log_rejected", "field_report", "report_count",
    "user_account", "site", "agency", "plan", "alert",
)  # fmt: skip

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the sequence, its trigger function, and a trigger on each table the check reads."""
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    schema = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar()
    op.execute(f"CREATE SEQUENCE {WRITE_MARK}")
    op.execute(  # run as its owner (a writer needs no right on the sequence), on a fixed path
        f"CREATE FUNCTION {WRITE_MARK}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        f"SET search_path = pg_catalog, pg_temp AS $$ BEGIN PERFORM "
        f"nextval('{schema}.{WRITE_MARK}'::regclass); RETURN NULL; END $$"
    )
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER {WRITE_MARK} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
            f'"{table}" FOR EACH STATEMENT EXECUTE FUNCTION {WRITE_MARK}()'
        )
        op.execute(f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER {WRITE_MARK}')


def downgrade() -> None:
    """Drop the triggers, the function and the sequence."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        op.execute(f'DROP TRIGGER {WRITE_MARK} ON "{table}"')
    op.execute(f"DROP FUNCTION {WRITE_MARK}()")
    op.execute(f"DROP SEQUENCE {WRITE_MARK}")
