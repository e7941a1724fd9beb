"""Mixed insatser: an individual and a structural part, each its own application, as a pair."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, select

from workflow.i18n import _l
from workflow.models import KINDS, Application
from workflow.models.shares import InsatsPart

# The part made from an application of one kind is of the other kind.
OTHER_KIND = {KINDS[0]: KINDS[1], KINDS[1]: KINDS[0]}
# What the new part's title adds to the first part's, by the new part's kind.
PART_SUFFIX = {KINDS[0]: _l("individual part"), KINDS[1]: _l("structural part")}
# The fields a new part takes over from the first: who, for whom, when and how it is steered.
# Budget, goals and (for a structural part) ages and expected participants are its own.
SHARED_FIELDS = (
    "lead_member_id",
    "partner_member_ids",
    "target_group",
    "start_date",
    "end_date",
    "follow_up_plan",
    "gender_equality_plan",
    "continuation_plan",
    "steering_group",
)


def pair_of(session: Session, application_id: int) -> InsatsPart | None:
    """The pair the application belongs to, if any."""
    return session.exec(
        select(InsatsPart).where(
            or_(InsatsPart.first_id == application_id, InsatsPart.second_id == application_id)
        )
    ).first()


def other_part(session: Session, application_id: int) -> Application | None:
    """The other part of the application's mixed insats, if it is one."""
    pair = pair_of(session, application_id)
    if pair is None:
        return None
    other = pair.second_id if pair.first_id == application_id else pair.first_id
    return session.get(Application, other)
