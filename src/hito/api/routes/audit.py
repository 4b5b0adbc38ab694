"""The log's entries for admins, and the server's own check of its log (kept at /audit)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from hito.api.deps import ActorDep, AdminDep, DbDep
from hito.api.routes.log import entry_list
from hito.api.schemas.common import Limit, Offset
from hito.api.schemas.log import LogCheckPublic, LogEntryList, ResourceFilter
from hito.store import logcheck

router = APIRouter(prefix="/audit", tags=["log"])


@router.get("", response_model=LogEntryList)
def list_(
    actor: AdminDep,
    db: DbDep,
    resource: ResourceFilter = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> LogEntryList:
    """Log entries, newest first, optionally for one resource ('report:12') or kind ('site')."""
    return entry_list(db, resource, offset, limit)


@router.get("/verify", response_model=LogCheckPublic)
def verify(actor: ActorDep, db: DbDep, request: Request) -> LogCheckPublic:
    """The server checks its log against the heads it stored and its rows against the log.

    This trusts the server; each country runs `hito log verify --against HEADS_FILE` with
    the heads it saved itself.
    """
    with db.session(readonly=True) as session:
        result = logcheck.verify(session, key=request.app.state.log_key)
    return LogCheckPublic(**result.as_dict())
