"""The audit log and its verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.api.deps import ActorDep, AdminDep, DbDep
from hito.api.schemas.audit import AuditEntryPublic, AuditList, AuditVerification
from hito.api.schemas.common import Limit, Offset
from hito.store import audit

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditList)
def list_(
    actor: AdminDep,
    db: DbDep,
    resource: Annotated[str | None, Query(pattern=r"^[a-z_]+(:[A-Za-z0-9_\-]+)?$")] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> AuditList:
    """Audit entries, newest first, optionally for one resource ('report:12') or kind ('site')."""
    with db.session(readonly=True) as s:
        rows, n = audit.entries(s, offset=offset, limit=limit, resource=resource)
        return AuditList(data=[AuditEntryPublic.model_validate(r) for r in rows], count=n)


@router.get("/verify", response_model=AuditVerification)
def verify(actor: ActorDep, db: DbDep) -> AuditVerification:
    """Recompute every hash of the chain; `ok` is false at the first altered or missing entry."""
    with db.session(readonly=True) as s:
        return AuditVerification.model_validate(audit.verify(s).as_dict())
