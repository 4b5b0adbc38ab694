"""Alembic environment: runs on the connection handed in by `hito.store.migrate`."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from hito.store.coltypes import UTCDateTime
from hito.store.models import Base


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    render_item=_render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
