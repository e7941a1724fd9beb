"""A granted insats: its approving decision, conditions, start and confirmations."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlmodel import Session, select

from workflow.models import Application, Decision
from workflow.models.reports import (
    ConditionConfirmation,
    InsatsStart,
)


def granted_by_year(session: Session, app: Application) -> dict[int, int]:
    """What the latest approving decision granted per year (empty before a decision)."""
    decision = approving_decision(session, app)
    return {a.year: a.amount_sek for a in decision.amounts} if decision else {}


def approving_decision(session: Session, app: Application) -> Decision | None:
    """The newest approve or approve_with_conditions decision on the application."""
    return session.exec(
        select(Decision)
        .where(
            Decision.application_id == app.id,
            Decision.outcome.in_(("approve", "approve_with_conditions")),  # type: ignore[attr-defined]
        )
        .order_by(Decision.decided_at.desc(), Decision.id.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()


_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s*")


def conditions_of(decision: Decision | None) -> list[str]:
    """The decision's conditions, one per non-blank line, bullets and numbers stripped."""
    if decision is None or decision.outcome != "approve_with_conditions" or not decision.conditions:
        return []
    lines = (_BULLET.sub("", line).strip() for line in decision.conditions.splitlines())
    return [line for line in lines if line]


def start_conditions(session: Session, app: Application) -> list[str]:
    """The conditions the officer confirms before `start`."""
    return conditions_of(approving_decision(session, app))


def parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def confirmed_numbers(payload: dict[str, Any]) -> set[int]:
    value = payload.get("confirmed_conditions") or []
    if not isinstance(value, list):
        return set()
    return {v for v in value if isinstance(v, int) and not isinstance(v, bool)}


def start_record(session: Session, app: Application) -> InsatsStart | None:
    """The insats's start, if it has started."""
    return session.exec(select(InsatsStart).where(InsatsStart.application_id == app.id)).first()


def confirmations(session: Session, app: Application) -> list[ConditionConfirmation]:
    """The conditions confirmed at the start, in the decision's order."""
    return list(
        session.exec(
            select(ConditionConfirmation)
            .where(ConditionConfirmation.application_id == app.id)
            .order_by(ConditionConfirmation.position)  # type: ignore[arg-type]
        ).all()
    )
