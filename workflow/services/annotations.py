"""Annotations of the beredning on sections of frozen versions, internal or shared."""

from __future__ import annotations

from sqlmodel import Session, func, select

from workflow.models import Annotation, Application


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
