"""Record the associations that finance a shared insats with the one that leads it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, delete, select

from workflow import audit, permissions
from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.i18n import _l
from workflow.models import Application, Association, User
from workflow.models.shares import InsatsShare
from workflow.rules.shares import Share, ShareIn, share_problems, shares_of


def set_shares(
    session: Session, app: Application, wanted: Sequence[ShareIn], *, by: User
) -> list[Share]:
    """Replace the co-financing associations' shares; the lead keeps the rest (flushes)."""
    if not permissions.can_set_shares(by, app.association_id):
        raise Forbidden(_l("Only the leading association's officers record the shares."))
    if not permissions.has_been_submitted(app):
        raise Conflict(
            _l("Shares are recorded for a submitted application or a running insats."),
            code="invalid_state",
        )
    lead = session.get(Association, app.association_id)
    assert lead is not None
    slugs = {s.association for s in wanted}
    known = {
        a.slug: a
        for a in session.exec(select(Association).where(Association.slug.in_(slugs)))  # type: ignore[attr-defined]
    }
    problems = share_problems(lead, wanted, known)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    before = {s.slug: s.percent for s in shares_of(session, app.id, lead) if not s.lead}  # type: ignore[arg-type]
    session.exec(delete(InsatsShare).where(InsatsShare.application_id == app.id))  # type: ignore[call-overload]
    for share in wanted:
        session.add(
            InsatsShare(
                application_id=app.id,  # type: ignore[arg-type]
                association_id=known[share.association].id,  # type: ignore[arg-type]
                percent=share.percent,
                recorded_by_id=by.id,  # type: ignore[arg-type]
            )
        )
    session.flush()
    after = {s.association: s.percent for s in wanted}
    audit.record(
        session,
        action="set_shares",
        entity_type="application",
        entity_id=app.id,
        association_id=app.association_id,
        actor=by,
        data={"before": before, "after": after},
    )
    return shares_of(session, app.id, lead)  # type: ignore[arg-type]
