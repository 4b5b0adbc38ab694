"""Who is acting: a signed-in user's role and agency, and the checks every write makes.

An admin of an agency is that agency's country's admin: they act only in that country (its
agencies, sites, users and reports). An admin of no agency is the service's operator (the
CLI's `SYSTEM`), who acts in every country.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, inspect, or_, select
from sqlalchemy.orm import Session

from hito.errors import Problem
from hito.store.errors import ForbiddenError, InvalidError
from hito.store.models import Agency


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

    @property
    def operator(self) -> bool:
        """Whether this is the service's operator: an admin of no agency (so of no country)."""
        return self.role == "admin" and self.agency_id is None

    def may_act_in(self, country: str | None) -> bool:
        """Whether this actor's writes may touch a country (its agencies, sites, users).

        The operator's anywhere; anyone else's only in the country of their own agency (a
        thing of no country, such as a user of no agency, is the operator's).
        """
        return self.operator or (country is not None and country == self.country_code)

    def require_operator(self, what: Problem) -> None:
        """Refuse unless the operator (an admin of a country may not do this either)."""
        self.require_admin(what)
        if not self.operator:
            raise ForbiddenError(
                Problem(
                    "only the service's operator (an admin of no agency) may %(what)s; you are "
                    "an admin of %(own)s",
                    what=what,
                    own=self.country_code,
                )
            )

    def require_country(self, country: str | None, what: Problem) -> None:
        """Refuse an admin of one country what belongs to another (or to none: the operator's).

        `what` says what was asked, e.g. "create agencies": the refusal reads "you are an admin
        of CHL: you may not create agencies of PER, only of CHL".
        """
        if self.may_act_in(country):
            return
        if country is None:
            self.require_operator(what)
        raise ForbiddenError(
            Problem(
                "you are an admin of %(own)s: you may not %(what)s of %(country)s, only of %(own)s",
                own=self.country_code,
                what=what,
                country=country,
            )
            if self.role == "admin"
            else Problem(
                "you write for an agency of %(own)s: you may not %(what)s of %(country)s",
                own=self.country_code,
                what=what,
                country=country,
            )
        )

    def agency_for_write(
        self,
        requested: int | None,
        what: Problem,
        *,
        country_of: Callable[[int], str | None],
    ) -> int:
        """The agency a write is made for: an editor's own, or the one an admin names.

        An admin of a country names an agency of that country, or none for their own
        (`country_of` gives an agency's
        country, None when there is no such agency: the caller says so, as a field problem).
        """
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
            if self.agency_id is not None:  # an admin of a country: their own agency
                return self.agency_id
            from hito.store.errors import InvalidError

            raise InvalidError.at(
                ["body", "agency_id"], Problem("an admin must name the agency_id")
            )
        if not self.operator:
            country = country_of(requested)
            if country is not None and not self.may_act_in(country):
                raise ForbiddenError(
                    Problem(
                        "agency %(agency)s is of %(country)s; you are an admin of %(own)s and may "
                        "%(what)s only for the agencies of %(own)s",
                        agency=requested,
                        country=country,
                        own=self.country_code,
                        what=what,
                    )
                )
        return requested


def agency_country(session: Session) -> Callable[[int], str | None]:
    """An agency's country by its id, read in this session (None: no such agency)."""

    def country(agency_id: int) -> str | None:
        return session.scalar(select(Agency.country_code).where(Agency.id == agency_id))

    return country


SYSTEM = Actor(user_id=None, username="system", role="admin")
# the log's actors that are no user: the service itself, and a sign-in by no known user; no
# user may be so named (an entry's actor names its country, `hito.store.logview`)
NO_USER = frozenset({"system", "anonymous"})


def snapshot(row: Any) -> dict[str, Any]:
    """The column values of a row, for audit digests."""
    mapper = inspect(row).mapper
    return {c.key: getattr(row, c.key) for c in mapper.column_attrs}


def paginate(
    session: Session,
    query: Select[Any],
    *,
    offset: int,
    limit: int,
    total: Select[Any] | None = None,
) -> tuple[list[Any], int]:
    """One page of a query's rows and the total count without paging.

    `total`: the query whose rows are counted, when `query` is narrower (a page after a row,
    `newest_after`, counts every row matching the filters).
    """
    rows = session.scalars(query.offset(offset).limit(limit)).unique().all()
    return list(rows), _total(session, query if total is None else total)


def newest_after(at: Any, row_id: Any, after: tuple[Any, int]) -> ColumnElement[bool]:
    """The rows after (`at`, id) in the order newest `at` first, then newest id.

    A page that starts after the last row of the page before, not at an offset: a row stored
    meanwhile, newer than the page, cannot push a row already read into the next one.
    """
    value, last = after
    return or_(at < value, and_(at == value, row_id < last))


def paginate_after(
    session: Session,
    query: Select[Any],
    *,
    at: Any,
    after_id: int | None,
    offset: int,
    limit: int,
    unknown: Problem,
) -> tuple[list[Any], int]:
    """One page of `query` (newest `at` first, then newest id) and the total count.

    With `after_id` the page starts after that row (`newest_after`), the count still of every
    row of `query`; a row that is not there is an InvalidError at the query's `after`, said
    by `unknown`.
    """
    if after_id is None:
        return paginate(session, query, offset=offset, limit=limit)
    model = at.class_
    last = session.get(model, after_id)
    if last is None:
        raise InvalidError.at(["query", "after"], unknown)
    keyed = query.where(newest_after(at, model.id, (getattr(last, at.key), last.id)))
    return paginate(session, keyed, offset=offset, limit=limit, total=query)


def _total(session: Session, query: Select[Any]) -> int:
    """How many rows a query gives."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return int(total or 0)
