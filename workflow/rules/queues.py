"""Work queues: the officer's inbox and the beredningsgrupp's queue.

A page of a queue costs a fixed number of statements however many rows it holds:
one for the counts per state, one for the rows with their aggregates (days
waiting from the audit log, open annotations, the amount asked for) as
correlated subqueries, and one for the partners' answers of the rows on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, case, or_
from sqlmodel import Session, func, select

from states.application import IN_BEREDNING, INBOX, State
from workflow.models import (
    Annotation,
    Application,
    ApplicationPartner,
    Association,
    AuditEvent,
    BudgetLine,
    Endorsement,
    Member,
    utcnow,
)
from workflow.rules import paging


@dataclass(frozen=True)
class PartnerStatus:
    """A partner member of a queued application and its answer (None: not yet)."""

    member_id: int
    name: str
    decision: str | None


@dataclass(frozen=True)
class QueueRow:
    """One application waiting in a queue."""

    id: int
    diary_number: str | None
    title: str | None
    kind: str | None
    state: str
    lead_member_id: int
    lead_name: str
    total_amount_sek: int
    waiting_since: datetime
    days_waiting: int
    open_internal: int
    open_shared: int
    partners: list[PartnerStatus] = field(default_factory=list)


@dataclass(frozen=True)
class QueuePage(paging.Page):
    """One page of a queue, with how many applications wait in each of its states."""

    rows: list[QueueRow]
    counts: dict[str, int]


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _filters(association: Association, member_id: int | None, kind: str | None) -> list[Any]:
    conditions: list[Any] = [
        Application.association_id == association.id,
        Application.submitted_at.is_not(None),  # type: ignore[union-attr]
    ]
    if member_id is not None:
        conditions.append(
            or_(
                Application.lead_member_id == member_id,
                Application.id.in_(  # type: ignore[union-attr]
                    select(ApplicationPartner.application_id).where(
                        ApplicationPartner.member_id == member_id
                    )
                ),
            )
        )
    if kind is not None:
        conditions.append(Application.kind == kind)
    return conditions


def _open_annotations(shared: bool) -> Any:
    return (
        select(func.count())
        .select_from(Annotation)
        .where(
            Annotation.application_id == Application.id,
            Annotation.resolved.is_(False),  # type: ignore[attr-defined]
            Annotation.shared_with_applicant.is_(shared),  # type: ignore[attr-defined]
        )
        .scalar_subquery()
    )


def _partners(session: Session, ids: list[int]) -> dict[int, list[PartnerStatus]]:
    rows = session.exec(
        select(ApplicationPartner.application_id, Member.id, Member.name, Endorsement.decision)
        .join(Member, Member.id == ApplicationPartner.member_id)  # type: ignore[arg-type]
        .outerjoin(
            Endorsement,
            (Endorsement.application_id == ApplicationPartner.application_id)  # type: ignore[arg-type]
            & (Endorsement.member_id == ApplicationPartner.member_id),
        )
        .where(ApplicationPartner.application_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(ApplicationPartner.application_id, Member.name, Member.id)
    ).all()
    found: dict[int, list[PartnerStatus]] = {}
    for application_id, member_id, name, decision in rows:
        found.setdefault(application_id, []).append(PartnerStatus(member_id, name, decision))
    return found


def _queue(
    session: Session,
    association: Association,
    states: tuple[State, ...],
    *,
    member_id: int | None,
    kind: str | None,
    state: str | None,
    page: int,
    per_page: int,
    now: datetime | None,
) -> QueuePage:
    conditions = _filters(association, member_id, kind)
    counted = dict(
        session.exec(
            select(Application.state, func.count())
            .where(*conditions, Application.state.in_([str(s) for s in states]))  # type: ignore[attr-defined]
            .group_by(Application.state)
        ).all()
    )
    counts = {str(s): counted.get(str(s), 0) for s in states}
    wanted = [state] if state is not None else list(counts)
    total = sum(counts[s] for s in wanted if s in counts)
    if total <= paging.offset(page, per_page):
        return QueuePage([], page, per_page, total, counts)

    # Days waiting count from the step that put the application in its current state.
    arrived = (
        select(func.max(AuditEvent.created_at))
        .where(
            AuditEvent.entity_type == "application",
            AuditEvent.entity_id == Application.id,
            AuditEvent.to_state == Application.state,
        )
        .scalar_subquery()
    )
    since = func.coalesce(
        arrived, Application.submitted_at, Application.updated_at, type_=DateTime(timezone=True)
    ).label("waiting_since")
    total_sek = (
        select(func.coalesce(func.sum(BudgetLine.amount_sek), 0))
        .where(BudgetLine.application_id == Application.id)
        .scalar_subquery()
        .label("total_sek")
    )
    position = case(
        *((Application.state == str(s), i) for i, s in enumerate(states)), else_=len(states)
    )
    statement = (
        select(
            Application.id,
            Application.diary_number,
            Application.title,
            Application.kind,
            Application.state,
            Application.lead_member_id,
            Member.name,
            total_sek,
            since,
            _open_annotations(False).label("open_internal"),
            _open_annotations(True).label("open_shared"),
        )
        .join(Member, Member.id == Application.lead_member_id)  # type: ignore[arg-type]
        .where(*conditions, Application.state.in_(wanted))  # type: ignore[attr-defined]
        .order_by(position, since, Application.id)
        .offset(paging.offset(page, per_page))
        .limit(per_page)
    )
    moment = _utc(now or utcnow())
    rows = []
    for row in session.exec(statement).all():
        waited = _utc(row.waiting_since)
        rows.append(
            QueueRow(
                id=row.id,
                diary_number=row.diary_number,
                title=row.title,
                kind=row.kind,
                state=row.state,
                lead_member_id=row.lead_member_id,
                lead_name=row.name,
                total_amount_sek=int(row.total_sek or 0),
                waiting_since=waited,
                days_waiting=max(0, (moment - waited).days),
                open_internal=int(row.open_internal or 0),
                open_shared=int(row.open_shared or 0),
            )
        )
    partners = _partners(session, [r.id for r in rows]) if rows else {}
    for row in rows:
        row.partners.extend(partners.get(row.id, []))
    return QueuePage(rows, page, per_page, total, counts)


def inbox(
    session: Session,
    association: Association,
    *,
    member_id: int | None = None,
    kind: str | None = None,
    state: str | None = None,
    page: int = 1,
    per_page: int = 20,
    now: datetime | None = None,
) -> QueuePage:
    """The officer's inbox: to check, to propose, awaiting completion; longest waiting first."""
    return _queue(
        session,
        association,
        INBOX,
        member_id=member_id,
        kind=kind,
        state=state,
        page=page,
        per_page=per_page,
        now=now,
    )


def preparation(
    session: Session,
    association: Association,
    *,
    member_id: int | None = None,
    kind: str | None = None,
    page: int = 1,
    per_page: int = 20,
    now: datetime | None = None,
) -> QueuePage:
    """The beredningsgrupp's queue: applications in preparation, longest waiting first."""
    return _queue(
        session,
        association,
        IN_BEREDNING,
        member_id=member_id,
        kind=kind,
        state=None,
        page=page,
        per_page=per_page,
        now=now,
    )
