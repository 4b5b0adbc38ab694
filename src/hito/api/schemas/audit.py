"""Schemas of the audit log."""

from __future__ import annotations

import datetime as dt

from hito.api.schemas.common import List, Public


class AuditEntryPublic(Public):
    """One audit entry."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    resource: str
    before_digest: str | None
    after_digest: str | None
    prev_hash: str
    hash: str


AuditList = List[AuditEntryPublic]


class AuditVerification(Public):
    """The result of walking the chain."""

    ok: bool
    entries: int
    head: str
    first_bad_seq: int | None
    problem: str
