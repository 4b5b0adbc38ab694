"""Multi-row inserts with RETURNING in one short statement, whatever the number of rows.

On PostgreSQL the rows travel as one array per column, `INSERT ... SELECT * FROM
unnest(...)`: the statement's text is the same for 1 or 1,000 rows, so it is parsed and
planned once per connection (a multi-row VALUES list is new text for each row count).
Elsewhere SQLAlchemy's multi-row VALUES (insertmanyvalues) is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, TextClause, insert, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Dialect


def insert_returning(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    returning: Sequence[str],
    *,
    skip_conflicts_on: Sequence[str] = (),
) -> list[Any]:
    """Insert rows (dicts with the same keys) and return `returning` of the rows inserted.

    With no `returning`, nothing is returned (and skip_conflicts_on is not supported).

    `skip_conflicts_on`: the columns of a unique constraint; a row that clashes with a
    stored one is not inserted and not returned (`ON CONFLICT DO NOTHING`). The order of
    the returned rows is not the order of `rows`.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    dialect = conn.dialect
    if dialect.name == "postgresql":
        stmt = _unnest(table, columns, tuple(returning), tuple(skip_conflicts_on), dialect)
        params = {}
        for i, name in enumerate(columns):
            process = table.c[name].type.bind_processor(dialect)
            values = [r[name] for r in rows]
            params[f"c{i}"] = [process(v) for v in values] if process else values
        result = conn.execute(stmt, params)
        return list(result.all()) if returning else []
    if not returning:
        conn.execute(insert(table), list(rows))
        return []
    cols = [table.c[r] for r in returning]
    if skip_conflicts_on and dialect.name == "sqlite":
        stmt_any: Any = sqlite_insert(table).on_conflict_do_nothing(
            index_elements=list(skip_conflicts_on)
        )
    else:
        stmt_any = insert(table)
    return list(conn.execute(stmt_any.returning(*cols), list(rows)).all())


@lru_cache(maxsize=32)
def _unnest(
    table: Table,
    columns: tuple[str, ...],
    returning: tuple[str, ...],
    conflict: tuple[str, ...],
    dialect: Dialect,
) -> TextClause:
    q = dialect.identifier_preparer.quote
    arrays = ", ".join(
        f"CAST(:c{i} AS {table.c[name].type.compile(dialect=dialect)}[])"
        for i, name in enumerate(columns)
    )
    sql = (
        f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in columns)}) "
        f"SELECT * FROM unnest({arrays})"
    )
    if conflict:
        sql += f" ON CONFLICT ({', '.join(q(c) for c in conflict)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(q(c) for c in returning)}"
    return text(sql)
