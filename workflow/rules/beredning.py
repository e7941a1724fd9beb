"""Beredning queries: open requests for completion, partners that have not endorsed."""

from __future__ import annotations

from sqlmodel import Session, func, select

from workflow.errors import Problem
from workflow.i18n import _l
from workflow.models import (
    Annotation,
    Application,
    Association,
    Endorsement,
)


def open_completion_requests(session: Session, app: Application) -> int:
    """How many shared annotations asking the applicant for completion are still open."""
    return session.exec(
        select(func.count())
        .select_from(Annotation)
        .where(
            Annotation.application_id == app.id,
            Annotation.requests_completion.is_(True),  # type: ignore[attr-defined]
            Annotation.resolved.is_(False),  # type: ignore[attr-defined]
        )
    ).one()


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
