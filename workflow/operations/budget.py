"""The association's budget per year: the officer enters or changes one year's figures."""

from __future__ import annotations

from sqlmodel import Session, select

from workflow import audit, permissions
from workflow.errors import Conflict, Forbidden, ValidationFailed
from workflow.i18n import _l
from workflow.models import Association, AssociationBudget, User
from workflow.rules.budget import FIGURES, figure_problems


def budget_row(session: Session, association: Association, year: int) -> AssociationBudget | None:
    """The stored budget of one year, if any."""
    return session.exec(
        select(AssociationBudget).where(
            AssociationBudget.association_id == association.id, AssociationBudget.year == year
        )
    ).first()


def set_budget(
    session: Session,
    association: Association,
    year: int,
    *,
    contributions_sek: int,
    carried_over_sek: int,
    admin_costs_sek: int,
    other_costs_sek: int,
    by: User,
    expected_version: int | None = None,
) -> AssociationBudget:
    """Enter or change one year's budget (flushes and audits, never commits).

    A negative carried-over figure is allowed: a deficit carried in from closed accounts.
    """
    if not permissions.can_edit_budget(by, association):
        raise Forbidden(_l("Only the association's officers keep its budget."))
    figures = {
        "contributions_sek": contributions_sek,
        "carried_over_sek": carried_over_sek,
        "admin_costs_sek": admin_costs_sek,
        "other_costs_sek": other_costs_sek,
    }
    problems = figure_problems(year, figures)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    row = budget_row(session, association, year)
    if expected_version is not None and (row is None or row.version != expected_version):
        raise Conflict(
            _l("The budget was changed by someone else; reload and try again."),
            code="stale_version",
        )
    previous = None
    if row is None:
        row = AssociationBudget(association_id=association.id, year=year, **figures)
    else:
        previous = {name: getattr(row, name) for name in FIGURES}
        if previous == figures:
            return row
        for name, value in figures.items():
            setattr(row, name, value)
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="set_budget",
        entity_type="association_budget",
        entity_id=row.id,
        association_id=association.id,
        actor=by,
        data={"year": year, **figures, "previous": previous},
    )
    return row
