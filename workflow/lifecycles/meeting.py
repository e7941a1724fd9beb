"""The board meeting (styrelsemöte) lifecycle: planned → open → closed → protocol_signed.

Declared once for the engine: who may fire (the chair), the justerare's checks, and what
each step writes (times, the chair, the reported delegated decisions and their §, the
chair's signature beside the justerare's).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlmodel import Session, select

from states import meeting as spec
from workflow import audit_checkpoint, engine, jobs, labels, permissions
from workflow.engine import Lifecycle, Step
from workflow.errors import Conflict, Problem
from workflow.i18n import _l
from workflow.lifecycles.agenda_item import AGENDA_ITEM
from workflow.models import AgendaItem, Decision, Meeting, User, swedish_time, today, utcnow
from workflow.models.protocols import ProtocolSignature
from workflow.rules.calendar import parse_clock
from workflow.rules.meetings import (
    closing_position,
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


def _refuse_early_open(step: Step) -> None:
    """A meeting is opened on its date (Swedish), never before: the record says when it met."""
    if step.row.state == spec.INITIAL and step.row.date > today():
        raise Conflict(
            _l(
                "The meeting is planned for %(date)s and cannot be opened before that day.",
                date=step.row.date.isoformat(),
            ),
            code="too_early",
        )


def end_time(step: Step) -> time | None:
    """The time the meeting ended: as given, or now if it is held today; None if unknown."""
    raw = step.payload.get("ends_at")
    if isinstance(raw, time):
        return raw
    if raw not in (None, ""):
        return parse_clock(raw) if isinstance(raw, str) else None
    if step.row.date == today():
        return swedish_time(utcnow()).time().replace(second=0, microsecond=0, tzinfo=None)
    return None


def _guard_end_time_known(step: Step) -> list[Problem]:
    raw = step.payload.get("ends_at")
    ended = end_time(step)
    if ended is None and raw not in (None, ""):
        return [Problem("ends_at", _l("Write the time as HH:MM, e.g. 15:30."))]
    if ended is None:
        return [
            Problem(
                "ends_at",
                _l("Give the time the meeting ended (HH:MM): it was not held today."),
            )
        ]
    if step.row.starts_at is not None and ended < step.row.starts_at:
        return [Problem("ends_at", _l("The meeting cannot end before it started."))]
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
    step.row.ends_at = end_time(step)


def _effect_sign(step: Step) -> None:
    _keep_justerare(step)
    step.row.signed_at = utcnow()
    step.row.signed_by_id = step.by.id


def add_reports(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """List the delegated decisions not yet reported, before the closing item (anmälan)."""
    items = items_of(session, meeting)
    on_agenda = {item.application_id for item in items if item.application_id is not None}
    pending = [
        d
        for d in pending_reports(session, meeting.association_id)
        if d.application_id not in on_agenda
    ]
    if not pending:
        return []
    position = closing_position(items)
    # The closing item (and anything after it) moves down to make room.
    for item in items:
        if item.position >= position:
            item.position += len(pending)
            session.add(item)
    added = []
    for decision in pending:
        on_agenda.add(decision.application_id)
        item = AgendaItem(
            association_id=meeting.association_id,
            meeting_id=meeting.id,  # type: ignore[arg-type]
            application_id=decision.application_id,
            position=position,
            kind=spec.REPORT_ITEM,
            decision_id=decision.id,
        )
        position += 1
        session.add(item)
        added.append(item)
    session.flush()
    session.expire(meeting, ["agenda_items"])
    return added


def number_items(session: Session, meeting: Meeting) -> None:
    """Give every item not yet numbered its § of the association's year, in agenda order."""
    year = meeting.date.year
    for item in items_of(session, meeting):
        if item.paragraph is None:
            item.paragraph_year, item.paragraph = (
                year,
                next_paragraph(session, meeting.association_id, year),
            )
            session.add(item)
    session.flush()


def settle_paragraphs(session: Session, meeting: Meeting) -> None:
    """Make the § numbers follow the agenda order (items added at the meeting took the next
    free numbers); the meeting keeps the same set of numbers, so the year has no gaps."""
    items = [i for i in items_of(session, meeting) if i.paragraph is not None]
    numbers = sorted(i.paragraph for i in items)  # type: ignore[type-var]
    if [i.paragraph for i in items] == numbers:
        return
    decisions = {
        d.application_id: d
        for d in session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).all()
    }
    # Two passes: the unique § constraints hold after every statement on PostgreSQL.
    for item in items:
        item.paragraph = -(item.paragraph or 0)
        session.add(item)
        decision = decisions.get(item.application_id or 0)
        if item.kind == spec.APPLICATION_ITEM and decision is not None:
            decision.paragraph = item.paragraph
            session.add(decision)
    session.flush()
    for item, number in zip(items, numbers, strict=True):
        item.paragraph = number
        decision = decisions.get(item.application_id or 0)
        if item.kind == spec.APPLICATION_ITEM and decision is not None:
            decision.paragraph = number
            session.add(decision)
    session.flush()


def note_items(step: Step) -> None:
    """At the close, the items the board only takes note of are recorded with their texts."""
    for item in items_of(step.session, step.row):
        if item.state == spec.ItemState.LISTED and item.kind not in spec.NEEDS_DECISION:
            engine.fire(
                AGENDA_ITEM,
                item,
                "note",
                by=step.by,
                session=step.session,
                payload={"_meeting": step.row},
            )


def _after_open(step: Step) -> None:
    # Delegated decisions taken since the meeting was planned are reported at it too; then
    # every item takes its § in agenda order.
    add_reports(step.session, step.row)
    number_items(step.session, step.row)


def _after_close(step: Step) -> None:
    note_items(step)
    settle_paragraphs(step.session, step.row)


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
    return permissions.can_fire_meeting(user, meeting, trigger)


MEETING = Lifecycle(
    name="meeting",
    states=[s.value for s in spec.MeetingState],
    transitions=spec.TRANSITIONS,
    may_fire=_may_fire,
    guards={
        "justerare_chosen": _guard_justerare_chosen,
        "justerare_signed": _guard_justerare_signed,
        "undecided_items_released": _guard_undecided_items_released,
        "end_time_known": _guard_end_time_known,
    },
    # Any step may name the justerare; when it does, the choice is checked.
    common_guards=(justerare_problems,),
    preconditions={"open": _refuse_early_open},
    effects={"open": _effect_open, "close": _effect_close, "sign": _effect_sign},
    after={
        "open": _after_open,
        "close": _after_close,
        # The chair's signature beside the justerare's, with the same time as the meeting's.
        "sign": lambda step: record_chair_signature(step.session, step.row, step.by),
    },
    forbidden=_l(
        "Only the chair (or the vice chair, when the chair is absent) opens, closes and signs"
        " a meeting."
    ),
    stale=stale_meeting,
    state_label=labels.meeting_state_label,
    touches_updated_at=False,
)
