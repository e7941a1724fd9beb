"""Board meetings: agenda, attendance, quorum, decisions with their § numbers, and delegation.

Every verb here changes rows, writes its audit event and flushes; the request commits once.
Application steps (place_on_agenda, board_approve, delegated_reject, ...) go through
`workflow.engine`; the meeting's own steps (open, close, sign) through
`workflow.engine` as declared in `workflow/lifecycles/meeting.py`.

Concurrency: a verb that changes an agenda or records a decision first locks the meeting
row, then the application row (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises
writers with BEGIN IMMEDIATE). A second chair deciding the same item waits, then finds the
decision taken and gets 409. Paragraph numbers come from a row-locked counter in the same
transaction, so a refused decision gives its number back and no number is used twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from states import meeting as spec
from states.application import State
from workflow import audit, engine, labels, limits, permissions
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.lifecycles.application import APPLICATION, DELEGATED_TRIGGERS, board_trigger
from workflow.lifecycles.meeting import add_reports
from workflow.models import (
    AgendaItem,
    Application,
    Association,
    Attendance,
    Decision,
    Meeting,
    User,
    utcnow,
)
from workflow.rules import liv as liv_rules
from workflow.rules.meetings import (
    AmountIn,
    DecisionInput,
    board_decision,
    clean,
    item_for,
    items_of,
    latest_decision,
    roster,
)

# --- input -----------------------------------------------------------------------------------


# --- loading and locking ---------------------------------------------------------------------


def load(session: Session, meeting_id: int, user: Any) -> Meeting:
    """The meeting if `user` may see its association's meetings; otherwise NotFound."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not permissions.can_view_meetings(user, meeting.association_id):
        raise NotFound(_l("No such meeting."))
    return meeting


def _lock_meeting(session: Session, meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock: agenda changes and decisions queue on it."""
    return session.exec(
        select(Meeting)
        .where(Meeting.id == meeting.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _lock_application(session: Session, application_id: int) -> Application | None:
    return session.exec(
        select(Application)
        .where(Application.id == application_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def _state_conflict(message: Any) -> Conflict:
    return Conflict(message, code="invalid_state")


# --- paragraph numbers ----------------------------------------------------------------------


# --- meetings --------------------------------------------------------------------------------


def create_meeting(
    session: Session,
    association: Association,
    *,
    on: date,
    by: User,
    location: str | None = None,
) -> Meeting:
    """Plan a board meeting; delegated decisions not yet reported go on its agenda."""
    if not permissions.can_plan_meetings(by, association.id):
        raise Forbidden(_l("Only the association's officers plan board meetings."))
    problems = []
    if not limits.YEAR_MIN <= on.year <= limits.YEAR_MAX:
        problems.append(
            Problem(
                "date",
                _l(
                    "The year must be between %(min)s and %(max)s.",
                    min=limits.YEAR_MIN,
                    max=limits.YEAR_MAX,
                ),
            )
        )
    place = clean(location)
    if place is not None and len(place) > limits.NAME_MAX:
        problems.append(Problem("location", _l("At most %(n)s characters.", n=limits.NAME_MAX)))
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    meeting = Meeting(association_id=association.id, date=on, location=place)
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        action="create_meeting",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=association.id,
        actor=by,
        to_state=meeting.state,
        data={"date": on.isoformat(), "location": place},
    )
    add_reports(session, meeting)
    return meeting


# --- the board: seats, attendance, quorum ----------------------------------------------------


@dataclass(frozen=True)
class AttendanceIn:
    """Whether one board member is present."""

    user_id: int
    present: bool


def record_attendance(
    session: Session, meeting: Meeting, entries: Sequence[AttendanceIn], *, by: User
) -> list[Attendance]:
    """Record who is present (officer or chair), before or during the meeting."""
    if not permissions.can_record_attendance(by, meeting.association_id):
        raise Forbidden(_l("Only the officers and the chair record attendance."))
    meeting = _lock_meeting(session, meeting)
    if meeting.state not in spec.ATTENDANCE_EDITABLE:
        raise _state_conflict(_l("Attendance can no longer be changed: the meeting is over."))
    people = {p.user_id: p for p in roster(session, meeting.association_id)}
    problems = []
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        if entry.user_id not in people:
            problems.append(
                Problem(f"{index}.user_id", _l("Not a board member of this association."))
            )
        elif entry.user_id in seen:
            problems.append(Problem(f"{index}.user_id", _l("This person is listed twice.")))
        seen.add(entry.user_id)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    existing = {
        row.user_id: row
        for row in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()
    }
    now = utcnow()
    for entry in entries:
        person = people[entry.user_id]
        row = existing.get(entry.user_id) or Attendance(
            meeting_id=meeting.id, user_id=entry.user_id, member_id=person.member.id, seat=""
        )
        row.member_id = person.member.id  # type: ignore[assignment]
        row.seat = person.seat
        row.present = entry.present
        row.updated_at = now
        session.add(row)
        existing[entry.user_id] = row
    session.flush()
    audit.record(
        session,
        action="record_attendance",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        data={
            "present": sorted(e.user_id for e in entries if e.present),
            "absent": sorted(e.user_id for e in entries if not e.present),
        },
    )
    session.expire(meeting, ["attendance"])
    return sorted(existing.values(), key=lambda row: row.id or 0)


# --- the agenda ------------------------------------------------------------------------------


def _require_planner(by: User, meeting: Meeting) -> None:
    if not permissions.can_plan_meetings(by, meeting.association_id):
        raise Forbidden(_l("Only the association's officers build the agenda."))


def _require_agenda_editable(meeting: Meeting) -> None:
    if meeting.state not in spec.AGENDA_EDITABLE:
        raise _state_conflict(_l("The agenda can only be changed before the meeting opens."))


def _renumber(session: Session, items: Sequence[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            session.add(item)


def add_to_agenda(
    session: Session, meeting: Meeting, application_ids: Sequence[int], *, by: User
) -> list[AgendaItem]:
    """Place proposed applications on the agenda, in the order given (→ on_agenda)."""
    _require_planner(by, meeting)
    meeting = _lock_meeting(session, meeting)
    _require_agenda_editable(meeting)
    if not application_ids:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("application_ids", _l("Choose at least one application."))],
        )
    problems: list[Problem] = []
    conflicts: list[Problem] = []
    apps: list[Application] = []
    seen: set[int] = set()
    for index, application_id in enumerate(application_ids):
        where = f"application_ids.{index}"
        app = _lock_application(session, application_id)
        if (
            app is None
            or app.association_id != meeting.association_id
            or not permissions.can_view_application(by, app)
        ):
            problems.append(Problem(where, _l("No such application in this association.")))
            continue
        if application_id in seen:
            problems.append(Problem(where, _l("This application is listed twice.")))
            continue
        seen.add(application_id)
        liv_conflict = (
            liv_rules.agenda_conflict(session, app) if liv_rules.is_liv_item(app) else None
        )
        if liv_conflict is not None:
            conflicts.append(Problem(where, liv_conflict))
        elif app.state != State.PROPOSED and not liv_rules.is_liv_item(app):
            conflicts.append(
                Problem(
                    where,
                    _l(
                        "“%(title)s” is %(state)s: only applications proposed to the board"
                        " can be placed on an agenda.",
                        title=app.title or "",
                        state=labels.state_label(app.state),
                    ),
                )
            )
        apps.append(app)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    if conflicts:
        raise Conflict(
            _l("Not every application can be placed on the agenda."),
            code="invalid_transition",
            problems=conflicts,
        )
    items = items_of(session, meeting)
    position = max((i.position for i in items), default=0)
    added = []
    for app in apps:
        # A LIV item keeps its state: the agenda item itself says it waits for the board.
        if not liv_rules.is_liv_item(app):
            engine.fire(
                APPLICATION,
                app,
                "place_on_agenda",
                by=by,
                session=session,
                payload={"meeting_id": meeting.id},
            )
        position += 1
        item = AgendaItem(
            meeting_id=meeting.id, application_id=app.id, position=position, kind="decision"
        )
        session.add(item)
        added.append(item)
    session.flush()
    session.expire(meeting, ["agenda_items"])
    return added


def remove_from_agenda(
    session: Session, meeting: Meeting, application_id: int, *, by: User
) -> None:
    """Take an item off the agenda before the meeting opens (→ proposed).

    After the meeting an item it left undecided (bordlagt) may be taken off too, so that it
    can be placed on a later meeting's agenda.
    """
    _require_planner(by, meeting)
    meeting = _lock_meeting(session, meeting)
    item = item_for(session, meeting, application_id)
    if item is None:
        raise NotFound(_l("The application is not on this meeting's agenda."))
    if item.kind != "decision":
        raise Conflict(
            _l("A reported delegated decision stays on the agenda."), code="invalid_state"
        )
    decided = board_decision(session, meeting, application_id) is not None
    if meeting.state in spec.TERMINAL:
        # The signed protocol is the record: its meeting no longer changes.
        raise _state_conflict(_l("The protocol is signed: the meeting can no longer be changed."))
    if not (meeting.state in spec.AGENDA_EDITABLE or (meeting.state in spec.HELD and not decided)):
        raise _state_conflict(
            _l(
                "An item can only be taken off the agenda before the meeting opens, or after"
                " it when the board left it undecided."
            ),
        )
    app = _lock_application(session, application_id)
    assert app is not None
    if not liv_rules.is_liv_item(app):
        engine.fire(
            APPLICATION,
            app,
            "remove_from_agenda",
            by=by,
            session=session,
            payload={"meeting_id": meeting.id},
        )
    session.delete(item)
    session.flush()
    _renumber(session, [i for i in items_of(session, meeting) if i.id != item.id])
    session.flush()
    session.expire(meeting, ["agenda_items"])


def reorder(
    session: Session, meeting: Meeting, application_ids: Sequence[int], *, by: User
) -> list[AgendaItem]:
    """Put the agenda in the given order: every item's application, each once."""
    _require_planner(by, meeting)
    meeting = _lock_meeting(session, meeting)
    _require_agenda_editable(meeting)
    items = items_of(session, meeting)
    by_app = {item.application_id: item for item in items}
    if sorted(application_ids) != sorted(by_app) or len(set(application_ids)) != len(
        application_ids
    ):
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[
                Problem(
                    "application_ids",
                    _l("Give every application on the agenda exactly once, in the new order."),
                )
            ],
        )
    ordered = [by_app[a] for a in application_ids]
    _renumber(session, ordered)
    session.flush()
    audit.record(
        session,
        action="order_agenda",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        data={"application_ids": list(application_ids)},
    )
    session.expire(meeting, ["agenda_items"])
    return ordered


def move(
    session: Session, meeting: Meeting, application_id: int, direction: str, *, by: User
) -> list[AgendaItem]:
    """Move one item a step up or down the agenda."""
    _require_planner(by, meeting)
    order = [item.application_id for item in items_of(session, meeting)]
    if application_id not in order:
        raise NotFound(_l("The application is not on this meeting's agenda."))
    index = order.index(application_id)
    target = index - 1 if direction == "up" else index + 1
    if direction in ("up", "down") and 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return reorder(session, meeting, order, by=by)


# --- reported delegated decisions ------------------------------------------------------------


# --- amounts and the budget ------------------------------------------------------------------


# --- the board's decision --------------------------------------------------------------------


def decide(session: Session, meeting: Meeting, data: DecisionInput, *, by: User) -> Decision:
    """Record the board's decision on one item: the decision step of the application.

    Refused, with nothing changed: by anyone but who leads the item — the chair, or the vice
    chair while the chair is absent or jävig (403); an application absent or
    not visible (404); not on this meeting's agenda, the meeting not open, or already
    decided (409); any invalid input, a board not quorate for the item (`attendance`), an
    approval without amounts or one the budget cannot carry (`amounts`) (422) — the
    guards of the step (workflow/lifecycles/application.py).
    """
    if not permissions.can_chair(by, meeting.association_id):
        raise Forbidden(_l("Only the chair records the board's decisions."))
    meeting = _lock_meeting(session, meeting)
    if not permissions.can_lead(by, meeting, (r.user_id for r in data.recusals)):
        raise Forbidden(
            _l(
                "You do not lead this item: the chair leads it, or the vice chair while the"
                " chair is absent or jävig; nobody leads an item they are jävig on."
            )
        )
    app = _lock_application(session, data.application_id)
    if (
        app is None
        or app.association_id != meeting.association_id
        or not permissions.can_view_application(by, app)
    ):
        raise NotFound(_l("No such application."))
    payload: dict[str, Any] = {
        # The board's questions travel as the step's reason: the history and the
        # preparers' e-mail show them.
        "reason": clean(data.questions) if data.outcome == "refer_back" else None,
        "_meeting": meeting,
        "_decision": data,
    }
    engine.fire(
        APPLICATION,
        app,
        board_trigger(app, data.outcome),
        by=by,
        session=session,
        payload=payload,
    )
    decision = board_decision(session, meeting, app.id)  # type: ignore[arg-type]
    assert decision is not None
    return decision


# --- delegation ------------------------------------------------------------------------------


def decide_delegated(
    session: Session,
    app: Application,
    *,
    by: User,
    outcome: str,
    amounts: Sequence[AmountIn] = (),
    reason: str | None = None,
    expected_version: int | None = None,
) -> Decision:
    """Decide a prepared application by delegation: the förbundschef, or the chair
    (ordförandebeslut), as the association's delegationsordning allows.

    Without a row covering the amount the delegate has no mandate: 403, with a detail
    naming `amounts`. The row's limit is held against the application's total and, for an
    approval, the total granted.
    """
    if not permissions.can_decide_delegated(by, app):
        raise Forbidden(
            _l("Only those the delegationsordning names decide by delegation."),
            code="no_delegation",
        )
    trigger = DELEGATED_TRIGGERS.get(outcome)
    if trigger is None:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("outcome", _l("Choose approve or reject."))],
        )
    expected = expected_version if expected_version is not None else app.version
    locked = _lock_application(session, app.id)  # type: ignore[arg-type]
    assert locked is not None
    engine.fire(
        APPLICATION,
        locked,
        trigger,
        by=by,
        session=session,
        payload={"reason": clean(reason), "_amounts": list(amounts)},
        expected_version=expected,
    )
    decision = latest_decision(session, locked)
    assert decision is not None
    return decision


# --- reading a meeting -----------------------------------------------------------------------
