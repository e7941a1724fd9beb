"""An association's audit log as the revisor reads it: filtered, paged and exported.

Dates are Swedish calendar dates (Europe/Stockholm): "from 2026-03-01" starts at local
midnight, "to 2026-03-31" ends at the next local midnight, whatever UTC says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, func, select

from workflow.models import ZONE, Application, AuditEvent, User
from workflow.rules import paging


@dataclass(frozen=True)
class AuditFilters:
    """What the log is narrowed to; None: no narrowing."""

    actor_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    application_id: int | None = None


def local_midnight(day: date) -> datetime:
    """The moment a Swedish calendar day begins, in UTC (SQLite compares the stored UTC
    wall-clock text and drops a bound value's zone, so the value must be UTC already)."""
    return datetime.combine(day, time(0), tzinfo=ZONE).astimezone(UTC)


def events_query(association_id: int, filters: AuditFilters) -> Any:
    """The association's events matching the filters, newest first."""
    query = select(AuditEvent).where(AuditEvent.chain_id == association_id)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action is not None:
        query = query.where(AuditEvent.action == filters.action)
    if filters.date_from is not None:
        query = query.where(AuditEvent.created_at >= local_midnight(filters.date_from))
    if filters.date_to is not None:
        end = local_midnight(filters.date_to + timedelta(days=1))
        query = query.where(AuditEvent.created_at < end)
    if filters.application_id is not None:
        # The application's own steps, and what was done to its parts (annotations,
        # attachments, reports, decisions) that name it.
        query = query.where(
            or_(
                and_(
                    AuditEvent.entity_type == "application",
                    AuditEvent.entity_id == filters.application_id,
                ),
                AuditEvent.data["application_id"].as_integer() == filters.application_id,  # type: ignore[index]
            )
        )
    return query.order_by(AuditEvent.seq.desc())  # type: ignore[attr-defined]


def page(
    session: Session, association_id: int, filters: AuditFilters, page: int, per_page: int
) -> paging.Page:
    """One page of the filtered log (a page beyond the last shows the last)."""
    return paging.paginate(
        session, events_query(association_id, filters), page, per_page, clamped=True
    )


def all_rows(
    session: Session, association_id: int, filters: AuditFilters, *, batch: int = 1000
) -> Iterator[AuditEvent]:
    """Every filtered event, newest first, read in batches (for the CSV)."""
    query = events_query(association_id, filters)
    start = 0
    while True:
        rows = session.exec(query.offset(start).limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        start += batch


def actors(session: Session, association_id: int) -> list[User]:
    """Everyone who appears in the association's log, by name (the "who" filter's choices)."""
    ids = select(AuditEvent.actor_id).where(
        AuditEvent.chain_id == association_id,
        AuditEvent.actor_id.is_not(None),  # type: ignore[union-attr]
    )
    return list(
        session.exec(select(User).where(User.id.in_(ids)).order_by(User.name, User.id)).all()  # type: ignore[union-attr]
    )


def actions(session: Session, association_id: int) -> list[str]:
    """Every action recorded in the association's log (the "what" filter's choices)."""
    return sorted(
        session.exec(
            select(AuditEvent.action).where(AuditEvent.chain_id == association_id).distinct()
        ).all()
    )


def application_by_reference(
    session: Session, association_id: int, reference: str
) -> Application | None:
    """The association's application by its diary number, or by its number in the address."""
    reference = reference.strip()
    if not reference:
        return None
    query = select(Application).where(Application.association_id == association_id)
    if reference.isdigit():
        return session.exec(query.where(Application.id == int(reference))).first()
    return session.exec(
        query.where(func.upper(Application.diary_number) == reference.upper())
    ).first()
