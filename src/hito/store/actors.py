"""Who is acting: a signed-in user's role and agency, and the checks every write makes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, inspect, select
from sqlalchemy.orm import Session

from hito.errors import Problem
from hito.store.errors import ForbiddenError


@dataclass(frozen=True)
class Actor:
    """The user behind a request or a command (the CLI acts as `system`, an admin)."""

    user_id: int | None
    username: str
    role: str
    agency_id: int | None = None
    country_code: str | None = None

    def require_admin(self, what: Problem) -> None:
        """Refuse unless an admin."""
        if self.role != "admin":
            raise ForbiddenError(
                Problem(
                    "only an admin may %(what)s; you are %(username)s (%(role)s)",
                    what=what,
                    username=repr(self.username),
                    role=self.role,
                )
            )

    def require_writer(self, what: Problem) -> None:
        """Refuse viewers."""
        if self.role not in ("admin", "editor"):
            raise ForbiddenError(
                Problem("a viewer may not %(what)s; ask an editor of your agency", what=what)
            )

    def agency_for_write(self, requested: int | None, what: Problem) -> int:
        """The agency a write is made for: an editor's own, or the one an admin names."""
        self.require_writer(what)
        if self.role == "editor":
            if requested is not None and requested != self.agency_id:
                raise ForbiddenError(
                    Problem(
                        "an editor writes only for their own agency (id %(agency_id)s), got "
                        "agency_id %(requested)s",
                        agency_id=self.agency_id,
                        requested=requested,
                    )
                )
            assert self.agency_id is not None
            return self.agency_id
        if requested is None:
            from hito.store.errors import InvalidError

            raise InvalidError.at(
                ["body", "agency_id"], Problem("an admin must name the agency_id")
            )
        return requested


SYSTEM = Actor(user_id=None, username="system", role="admin")


def snapshot(row: Any) -> dict[str, Any]:
    """The column values of a row, for audit digests."""
    mapper = inspect(row).mapper
    return {c.key: getattr(row, c.key) for c in mapper.column_attrs}


def paginate(
    session: Session, query: Select[Any], *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """One page of a query's rows and the total count without paging."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.offset(offset).limit(limit)).unique().all()
    return list(rows), int(total or 0)
