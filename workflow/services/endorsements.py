"""Joint applications: each partner member's endorsement (ställer sig bakom) or refusal."""

from __future__ import annotations

from sqlmodel import Session, select

from workflow.errors import Problem
from workflow.i18n import _l
from workflow.models import Application, Association, Endorsement


def missing_endorsements(session: Session, app: Application) -> list[Problem]:
    """When the association requires it, one problem per partner that has not endorsed."""
    association = session.get(Association, app.association_id)
    if association is None or not association.require_partner_endorsement:
        return []
    endorsed = set(
        session.exec(
            select(Endorsement.member_id).where(
                Endorsement.application_id == app.id, Endorsement.decision == "endorse"
            )
        ).all()
    )
    names = {m.id: m.name for m in association.members}
    return [
        Problem(
            f"endorsements.{p.member_id}",
            _l(
                "%(member)s has not yet endorsed the application.",
                member=names.get(p.member_id, p.member_id),
            ),
        )
        for p in app.partners
        if p.member_id not in endorsed
    ]
