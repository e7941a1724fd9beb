"""Work queues: the officer's inbox and the beredningsgrupp's queue."""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app
from pydantic import Field

from states.application import INBOX
from workflow import permissions
from workflow.api.associations import SLUG, load_association
from workflow.api.registry import route
from workflow.api.schemas import KindName, Out, PageQuery, StateName, Timestamp
from workflow.api.serializers import timestamp
from workflow.errors import Forbidden, Problem, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.models import Association, User
from workflow.rules import paging, queues
from workflow.rules.queues import QueueRow

InboxState = Literal[tuple(s.value for s in INBOX)]  # type: ignore[valid-type]


class QueueQuery(PageQuery):
    """Filters and pagination of a queue."""

    member_id: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="Only applications this member organisation leads or is a partner in.",
    )
    kind: KindName | None = Field(default=None, description="Only applications of this kind.")


class InboxQuery(QueueQuery):
    """Filters and pagination of the officer's inbox."""

    state: InboxState | None = Field(default=None, description="Only this group of the inbox.")


class MemberRefOut(Out):
    id: int
    name: str


class PartnerStatusOut(Out):
    member_id: int
    name: str
    decision: Literal["endorse", "decline"] | None = Field(
        description="The partner's answer; null while it has not answered."
    )


class QueueItemOut(Out):
    """An application waiting in a queue."""

    id: int
    diary_number: str | None
    title: str | None
    kind: KindName | None
    state: StateName
    lead_member: MemberRefOut
    partners: list[PartnerStatusOut]
    total_amount_sek: int
    waiting_since: Timestamp = Field(description="When the step that put it here was taken.")
    days_waiting: int = Field(description="Whole days since `waiting_since`.")


class OpenAnnotationsOut(Out):
    internal: int = Field(description="Open annotations internal to the beredning.")
    shared: int = Field(description="Open annotations shared with the applicant.")


class PreparationItemOut(QueueItemOut):
    """An application in preparation, with its open annotations."""

    open_annotations: OpenAnnotationsOut


class InboxOut(Out):
    """One page of the officer's inbox: to check, to propose, waiting for completion."""

    items: list[QueueItemOut]
    page: int
    per_page: int
    total: int
    pages: int
    counts: dict[InboxState, int] = Field(description="Applications in each group (filtered).")


class PreparationOut(Out):
    """One page of the beredningsgrupp's queue."""

    items: list[PreparationItemOut]
    page: int
    per_page: int
    total: int
    pages: int


def _checked(association: Association, query: QueueQuery) -> None:
    """Refuse a page size above the maximum and a member of another association."""
    problems = paging.size_problems(query.per_page, current_app.config["MAX_PAGE_SIZE"])
    if query.member_id is not None and query.member_id not in {m.id for m in association.members}:
        problems.append(Problem("member_id", _l("No such member of this association.")))
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)


def _item(row: QueueRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "diary_number": row.diary_number,
        "title": row.title,
        "kind": row.kind,
        "state": row.state,
        "lead_member": {"id": row.lead_member_id, "name": row.lead_name},
        "partners": [
            {"member_id": p.member_id, "name": p.name, "decision": p.decision} for p in row.partners
        ],
        "total_amount_sek": row.total_amount_sek,
        "waiting_since": timestamp(row.waiting_since),
        "days_waiting": row.days_waiting,
    }


@route(
    "/associations/<slug>/queues/inbox",
    summary="The officer's inbox",
    tag="applications",
    query=InboxQuery,
    response=InboxOut,
    errors=(403,),
    params={"slug": SLUG},
)
def inbox_queue(user: User, slug: str, query: InboxQuery) -> dict[str, Any]:
    """Officers: new submissions, applications ready to propose, those awaiting completion."""
    association = load_association(slug, user)
    if not permissions.can_view_inbox(user, association):
        raise Forbidden(_l("Only the association's officers have an inbox."))
    _checked(association, query)
    result = queues.inbox(
        db.session,
        association,
        member_id=query.member_id,
        kind=query.kind,
        state=query.state,
        page=query.page,
        per_page=query.per_page,
    )
    return {**result.as_dict(_item), "counts": result.counts}


@route(
    "/associations/<slug>/queues/preparation",
    summary="The beredningsgrupp's queue",
    tag="applications",
    query=QueueQuery,
    response=PreparationOut,
    errors=(403,),
    params={"slug": SLUG},
)
def preparation_queue(user: User, slug: str, query: QueueQuery) -> dict[str, Any]:
    """Preparers and officers: applications in preparation with their open annotations."""
    association = load_association(slug, user)
    if not permissions.can_view_preparation_queue(user, association):
        raise Forbidden(_l("Only the preparatory group and the officers see this queue."))
    _checked(association, query)
    result = queues.preparation(
        db.session,
        association,
        member_id=query.member_id,
        kind=query.kind,
        page=query.page,
        per_page=query.per_page,
    )
    return result.as_dict(
        lambda r: {
            **_item(r),
            "open_annotations": {"internal": r.open_internal, "shared": r.open_shared},
        }
    )
