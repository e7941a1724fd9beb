"""The rows of the list exports, read in SQL: the applications list and a year's decisions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlmodel import Session

from workflow.models import (
    ZONE,
    Application,
    Association,
    BudgetLine,
    Decision,
    DecisionAmount,
    Meeting,
    Member,
    local_date,
)


def application_rows(session: Session, applications: Select[Any]) -> Iterator[Any]:
    """One row per application of `applications` (the dashboard's list), streamed.

    One statement: the lead member's name by join and the amount asked by a correlated sum,
    read in batches so a long list is never held in memory.
    """
    visible = applications.subquery()
    asked = (
        select(func.coalesce(func.sum(BudgetLine.amount_sek), 0))
        .where(BudgetLine.application_id == visible.c.id)
        .scalar_subquery()
    )
    statement = (
        select(
            visible.c.diary_number,
            visible.c.title,
            Association.name,
            Member.name,
            visible.c.kind,
            visible.c.state,
            visible.c.start_date,
            visible.c.end_date,
            asked,
            visible.c.updated_at,
        )
        .join(Association, Association.id == visible.c.association_id)
        .join(Member, Member.id == visible.c.lead_member_id)
        .order_by(visible.c.updated_at.desc(), visible.c.id.desc())
        .execution_options(yield_per=500)
    )
    yield from session.execute(statement)


@dataclass(frozen=True)
class DecisionRow:
    """One decision of a year, as the list page and its CSV show it."""

    id: int
    application_id: int
    paragraph: int | None
    delegated: bool
    outcome: str
    day: date
    diary_number: str | None
    title: str | None
    lead_name: str
    granted_sek: int


def _decisions_statement(association_id: int, year: int) -> Any:
    # A delegated decision belongs to the year of its Swedish date, as the list shows it.
    start = datetime(year, 1, 1, tzinfo=ZONE)
    end = datetime(year + 1, 1, 1, tzinfo=ZONE)
    granted = (
        select(func.coalesce(func.sum(DecisionAmount.amount_sek), 0))
        .where(DecisionAmount.decision_id == Decision.id)
        .scalar_subquery()
    )
    return (
        select(
            Decision.id,
            Decision.application_id,
            Decision.paragraph,
            Decision.delegated,
            Decision.outcome,
            Meeting.date,
            Decision.decided_at,
            Application.diary_number,
            Application.title,
            Member.name,
            granted,
        )
        .join(Application, Application.id == Decision.application_id)
        .join(Member, Member.id == Application.lead_member_id)
        .outerjoin(Meeting, Meeting.id == Decision.meeting_id)
        .where(
            Decision.association_id == association_id,
            or_(
                and_(Decision.delegated == False, Decision.paragraph_year == year),  # noqa: E712
                and_(
                    Decision.delegated == True,  # noqa: E712
                    Decision.decided_at >= start,
                    Decision.decided_at < end,
                ),
            ),
        )
    )


def _decision_row(row: Any) -> DecisionRow:
    (id_, app_id, paragraph, delegated, outcome, meeting_day, decided_at, diary, title) = row[:9]
    return DecisionRow(
        id=id_,
        application_id=app_id,
        paragraph=paragraph,
        delegated=bool(delegated),
        outcome=outcome,
        day=meeting_day or local_date(decided_at),
        diary_number=diary,
        title=title,
        lead_name=row[9],
        granted_sek=int(row[10] or 0),
    )


def decisions_count(session: Session, association_id: int, year: int) -> int:
    """How many decisions the association took in the year."""
    statement = _decisions_statement(association_id, year).order_by(None).subquery()
    return int(session.execute(select(func.count()).select_from(statement)).scalar_one())


def decisions_of_year(
    session: Session,
    association_id: int,
    year: int,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> Iterator[DecisionRow]:
    """The board's decisions (by §) and the delegated ones (by date) of one year, streamed."""
    statement = (
        _decisions_statement(association_id, year)
        .order_by(
            Decision.delegated,
            Decision.paragraph,
            Decision.decided_at,
            Decision.id,
        )
        .offset(offset)
        .execution_options(yield_per=500)
    )
    if limit is not None:
        statement = statement.limit(limit)
    for row in session.execute(statement):
        yield _decision_row(row)
