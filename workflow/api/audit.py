"""The audit log's hash chain, checked on demand."""

from __future__ import annotations

from typing import Any

from workflow import audit, permissions
from workflow.api.registry import route
from workflow.api.schemas import AuditVerificationOut
from workflow.errors import Forbidden
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import User


@route(
    "/audit/verify",
    summary="Check the hash chain of the audit log",
    tag="audit",
    response=AuditVerificationOut,
    errors=(403,),
)
def verify_audit(user: User) -> dict[str, Any]:
    """Recompute every event's hash and link; admins, auditors and officers only.

    An admin checks every chain; an auditor or officer the chains of the associations whose
    log they read, so nothing of another association's log is counted to them."""
    if not permissions.can_verify_audit(user):
        raise Forbidden(_l("Only administrators, auditors and officers may check the audit log."))
    if permissions.is_admin(user):
        result = audit.verify(db.session)
    else:
        readable = [
            association_id
            for association_id in permissions.association_ids(user)
            if permissions.can_view_audit(user, association_id)
        ]
        result = audit.verify_chains(db.session, readable)
    return {"ok": result.ok, "events": result.events, "broken": result.broken}
