"""The board meeting (styrelsemöte) lifecycle: planned → open → closed → protocol_signed.

Declared once for the engine: who may fire (the chair), the justerare's checks, and what
each step writes (times, the chair, the reported delegated decisions and their §, the
chair's signature beside the justerare's).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from states import meeting as spec
from workflow import audit_checkpoint, jobs, labels, permissions
from workflow.engine import Lifecycle, Step
from workflow.errors import Conflict, Problem
from workflow.i18n import _l
from workflow.models import AgendaItem, Meeting, User, utcnow
from workflow.models.protocols import ProtocolSignature
from workflow.rules.meetings import (
    items_of,
    next_paragraph,
    pending_reports,
    recorded_absent,
    roster,
)
from workflow.rules.protocols import justerare_signed, undecided_titles


def stale_meeting() -> Conflict:
    """The 409 for a meeting changed since the caller read it."""
    return Conflict(
        _l("The meeting was changed by someone else; reload and try again."),
        code="stale_version",
    )


def justerare_id(step: Step) -> int | None:
    """The justerare given with the step (an int), if any."""
    value = step.payload.get("justerare_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --- guards ----------------------------------------------------------------------------------


def justerare_problems(step: Step) -> list[Problem]:
    """A justerare given must be a board member, not recorded absent, and not the chair."""
    chosen = justerare_id(step)
    if (
        "justerare_id" in step.payload
        and step.payload["justerare_id"] is not None
        and chosen is None
    ):
        return [Problem("justerare_id", _l("Choose a board member."))]
    if chosen is None:
        return []
    people = {p.user_id for p in roster(step.session, step.row.association_id)}
    if chosen not in people:
        return [Problem("justerare_id", _l("The justerare must be a board member."))]
    if chosen == step.by.id:
        return [
            Problem(
                "justerare_id",
                _l("The justerare checks the minutes with the chair: choose someone else."),
            )
        ]
    if recorded_absent(step.session, step.row, chosen):
        return [Problem("justerare_id", _l("The justerare must be present at the meeting."))]
    return []


def _guard_justerare_chosen(step: Step) -> list[Problem]:
    if justerare_id(step) is None and step.row.justerare_id is None:
        return [
            Problem(
                "justerare_id", _l("Choose the justerare who checks the minutes with the chair.")
            )
        ]
    return []


def _guard_justerare_signed(step: Step) -> list[Problem]:
    chosen = justerare_id(step) or step.row.justerare_id
    if chosen is not None and not justerare_signed(step.session, step.row, chosen):
        return [Problem("justerare_id", _l("The justerare has not signed the protocol yet."))]
    return []


def _guard_undecided_items_released(step: Step) -> list[Problem]:
    titles = undecided_titles(step.session, step.row)
    if titles:
        return [
            Problem(
                "agenda",
                _l(
                    "Take the items the board left undecided off the agenda first: %(titles)s.",
                    titles=", ".join(titles),
                ),
            )
        ]
    return []


# --- effects ---------------------------------------------------------------------------------


def _keep_justerare(step: Step) -> None:
    chosen = justerare_id(step)
    if chosen is not None:
        step.row.justerare_id = chosen


def _effect_open(step: Step) -> None:
    _keep_justerare(step)
    step.row.opened_at = utcnow()
    step.row.chair_id = step.by.id


def _effect_close(step: Step) -> None:
    _keep_justerare(step)
    step.row.closed_at = utcnow()


def _effect_sign(step: Step) -> None:
    _keep_justerare(step)
    step.row.signed_at = utcnow()
    step.row.signed_by_id = step.by.id


def add_reports(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """List the delegated decisions not yet reported at the end of the agenda (anmälan)."""
    items = items_of(session, meeting)
    on_agenda = {item.application_id for item in items}
    position = max((i.position for i in items), default=0)
    added = []
    for decision in pending_reports(session, meeting.association_id):
        if decision.application_id in on_agenda:
            continue
        position += 1
        on_agenda.add(decision.application_id)
        item = AgendaItem(
            meeting_id=meeting.id,
            application_id=decision.application_id,
            position=position,
            kind="delegation_report",
            decision_id=decision.id,
        )
        session.add(item)
        added.append(item)
    if added:
        session.flush()
        session.expire(meeting, ["agenda_items"])
    return added


def number_reports(session: Session, meeting: Meeting) -> None:
    """Give each reported delegated decision its § at the meeting, in agenda order."""
    for item in items_of(session, meeting):
        if item.kind == "delegation_report" and item.paragraph is None:
            number = next_paragraph(session, meeting.association_id, meeting.date.year)
            item.paragraph_year, item.paragraph = meeting.date.year, number
            session.add(item)
    session.flush()


# Builds and stores a signed protocol's PDFs (workflow/operations/documents.py).
DOCUMENTS_JOB = "workflow.operations.documents.build_protocol_documents"


def record_chair_signature(session: Session, meeting: Meeting, by: User) -> None:
    """The chair's signature, written by the meeting's `sign` step (its audit event is `sign`)."""
    assert meeting.signed_at is not None
    session.add(
        ProtocolSignature(
            meeting_id=meeting.id,  # type: ignore[arg-type]
            user_id=by.id,  # type: ignore[arg-type]
            role="chair",
            signed_at=meeting.signed_at,
        )
    )
    session.flush()
    jobs.after_commit(DOCUMENTS_JOB, meeting.id)
    audit_checkpoint.after_commit()  # anchors the log outside the database, when configured


def _may_fire(user: Any, meeting: Meeting, trigger: str) -> bool:
    return permissions.can_fire_meeting(user, meeting.association_id, trigger)


MEETING = Lifecycle(
    name="meeting",
    states=[s.value for s in spec.MeetingState],
    transitions=spec.TRANSITIONS,
    may_fire=_may_fire,
    guards={
        "justerare_chosen": _guard_justerare_chosen,
        "justerare_signed": _guard_justerare_signed,
        "undecided_items_released": _guard_undecided_items_released,
    },
    # Any step may name the justerare; when it does, the choice is checked.
    common_guards=(justerare_problems,),
    effects={"open": _effect_open, "close": _effect_close, "sign": _effect_sign},
    after={
        # Delegated decisions taken since the meeting was planned are reported at it too.
        "open": lambda step: add_reports(step.session, step.row),
        # The reports take their paragraphs at the meeting, after its decisions.
        "close": lambda step: number_reports(step.session, step.row),
        # The chair's signature beside the justerare's, with the same time as the meeting's.
        "sign": lambda step: record_chair_signature(step.session, step.row, step.by),
    },
    forbidden=_l("Only the chair opens, closes and signs a meeting."),
    stale=stale_meeting,
    state_label=labels.meeting_state_label,
    touches_updated_at=False,
)
