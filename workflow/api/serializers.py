"""Rows as the API shows them (pages may reuse these for JSON too)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from states.application import STARTED
from workflow import permissions
from workflow.models import (
    Application,
    Association,
    AuditEvent,
    Member,
    Proposal,
    Recommendation,
    User,
)
from workflow.operations import applications
from workflow.rules import completeness


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with an explicit offset (SQLite hands back naive UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _association_of(row: Application | Member) -> Association:
    session = Session.object_session(row)
    association = session.get(Association, row.association_id) if session else None
    if association is None:  # pragma: no cover - every row belongs to an association
        raise LookupError(f"association {row.association_id} not found")
    return association


def application_json(app: Application, user: Any) -> dict[str, Any]:
    """The application's fields plus where it stands and what `user` may do with it."""
    data = applications.content(app)
    data.update(
        id=app.id,
        association=_association_of(app).slug,
        state=app.state,
        version=app.version,
        diary_number=app.diary_number,
        submitted_at=timestamp(app.submitted_at),
        created_at=timestamp(app.created_at),
        updated_at=timestamp(app.updated_at),
        allowed_transitions=permissions.allowed_transitions(user, app),
        missing=[problem.as_dict() for problem in completeness.missing_items(app)],
        recommendation=recommendation_json(app.recommendations[-1])
        if app.recommendations
        else None,
        proposal=proposal_json(app.proposals[-1]) if app.proposals else None,
        classification=classification_json(app),
    )
    return data


def classification_json(app: Application) -> dict[str, Any] | None:
    """The insats's national classification, or None while the officer has set none."""
    row = app.classification
    if row is None:
        return None
    return {
        "direction": row.direction,
        "precise_direction": row.precise_direction,
        "follow_up_method": row.follow_up_method,
        "esf": row.esf,
        "esf_project": row.esf_project,
        "set_at": timestamp(row.set_at),
        "fixed": app.state in STARTED,
    }


def actor_json(user: User | None) -> dict[str, Any] | None:
    """Who did something: id and name."""
    return {"id": user.id, "name": user.name} if user is not None else None


def recommendation_json(recommendation: Recommendation) -> dict[str, Any]:
    """The beredningsgrupp's recommendation."""
    return {
        "id": recommendation.id,
        "version_number": recommendation.version_number,
        "recommendation": recommendation.recommendation,
        "motivation": recommendation.motivation,
        "conditions": recommendation.conditions,
        "override_reason": recommendation.override_reason,
        "author": actor_json(recommendation.author),
        "created_at": timestamp(recommendation.created_at),
    }


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    """The officer's proposal to the board."""
    return {
        "id": proposal.id,
        "version_number": proposal.version_number,
        "text": proposal.text,
        "author": actor_json(proposal.author),
        "created_at": timestamp(proposal.created_at),
    }


def association_json(association: Association, user: Any) -> dict[str, Any]:
    """An association, with the caller's roles there."""
    return {
        "id": association.id,
        "slug": association.slug,
        "name": association.name,
        "diary_prefix": association.diary_prefix,
        "require_partner_endorsement": association.require_partner_endorsement,
        "notice_days": association.notice_days,
        "capital_limit_percent": association.capital_limit_percent,
        "publish_protocols": association.publish_protocols,
        "created_at": timestamp(association.created_at),
        "version": association.version,
        "roles": sorted(permissions.roles_in(user, association.id)),
    }


def member_json(member: Member) -> dict[str, Any]:
    """A member organisation."""
    return {
        "id": member.id,
        "association": _association_of(member).slug,
        "name": member.name,
        "party": member.party,
        "population": member.population,
        "active": member.active,
        "version": member.version,
    }


def user_json(user: User, association: Association) -> dict[str, Any]:
    """A user with the roles held in `association` (never the password hash)."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "roles": [
            {"id": g.id, "role": g.role, "member_id": g.member_id, "substitute": g.substitute}
            for g in sorted(user.grants, key=lambda g: (g.role, g.member_id or 0))
            if g.association_id == association.id
        ],
    }


def history_json(event: AuditEvent, actor: User | None) -> dict[str, Any]:
    """One audit event of an application, with the person who caused it."""
    moved = event.from_state is not None and event.to_state is not None
    changed = event.data.get("fields") if event.action == "update" else None
    return {
        "id": event.id,
        "at": timestamp(event.created_at),
        "actor": {"id": actor.id, "name": actor.name} if actor is not None else None,
        "action": event.action,
        "trigger": event.action if moved else None,
        "from": event.from_state,
        "to": event.to_state,
        "reason": event.reason,
        "changed_fields": list(changed) if isinstance(changed, list) else [],
    }
