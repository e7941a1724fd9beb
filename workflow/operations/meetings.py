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
from datetime import date, time
from typing import Any

from sqlmodel import Session, select

from states import meeting as spec
from states.application import State
from workflow import audit, engine, labels, limits, permissions
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.lifecycles.agenda_item import AGENDA_ITEM
from workflow.lifecycles.application import APPLICATION, DELEGATED_TRIGGERS, board_trigger
from workflow.lifecycles.meeting import add_reports, number_items
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
from workflow.rules import protocol_texts
from workflow.rules.calendar import clock_value, parse_clock
from workflow.rules.meetings import (
    AmountIn,
    DecisionInput,
    board_decision,
    clean,
    closing_position,
    item_for,
    items_of,
    latest_decision,
    own_item,
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
    starts_at: time | str | None = None,
) -> Meeting:
    """Plan a board meeting (a past date records one already held); reports go on its agenda."""
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
    start = parse_clock(starts_at) if isinstance(starts_at, str) else starts_at
    if isinstance(starts_at, str) and starts_at.strip() and start is None:
        problems.append(Problem("starts_at", _l("Write the time as HH:MM, e.g. 13:00.")))
    place = clean(location)
    if place is not None and len(place) > limits.NAME_MAX:
        problems.append(Problem("location", _l("At most %(n)s characters.", n=limits.NAME_MAX)))
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    meeting = Meeting(association_id=association.id, date=on, location=place, starts_at=start)
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
        data={"date": on.isoformat(), "starts_at": clock_value(start), "location": place},
    )
    add_standard_items(session, meeting)
    add_reports(session, meeting)
    return meeting


def add_standard_items(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """The standard items every protocol has, opening and closing the agenda (editable)."""
    items = []
    for position, key in enumerate(spec.STANDARD_KEYS, start=1):
        item = AgendaItem(
            association_id=meeting.association_id,
            meeting_id=meeting.id,  # type: ignore[arg-type]
            position=position,
            kind=spec.STANDARD_ITEM,
            standard=key,
            title=protocol_texts.STANDARD_TITLES[key],
        )
        session.add(item)
        items.append(item)
    session.flush()
    return items


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


def _make_room(session: Session, items: Sequence[AgendaItem], count: int) -> int:
    """Free `count` positions before the closing item; the first free position."""
    position = closing_position(items)
    for item in items:
        if item.position >= position:
            item.position += count
            session.add(item)
    return position


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
    position = _make_room(session, items, len(apps))
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
        item = AgendaItem(
            association_id=meeting.association_id,
            meeting_id=meeting.id,  # type: ignore[arg-type]
            application_id=app.id,
            position=position,
            kind=spec.APPLICATION_ITEM,
        )
        position += 1
        session.add(item)
        added.append(item)
    session.flush()
    session.expire(meeting, ["agenda_items"])
    return added


def remove_from_agenda(
    session: Session, meeting: Meeting, application_id: int, *, by: User
) -> None:
    """Take an application off the agenda before the meeting opens (→ proposed).

    After the meeting an item it left undecided is tabled (bordlagt): it keeps its § in the
    record, and the application may be placed on a later meeting's agenda.
    """
    _require_planner(by, meeting)
    meeting = _lock_meeting(session, meeting)
    item = item_for(session, meeting, application_id)
    if item is None:
        raise NotFound(_l("The application is not on this meeting's agenda."))
    _take_off(session, meeting, item, by=by)


def _take_off(session: Session, meeting: Meeting, item: AgendaItem, *, by: User) -> None:
    """Delete an item before the meeting opens; table an undecided one after it."""
    if item.kind == spec.REPORT_ITEM:
        raise Conflict(
            _l("A reported delegated decision stays on the agenda."), code="invalid_state"
        )
    if meeting.state in spec.TERMINAL:
        # The signed protocol is the record: its meeting no longer changes.
        raise _state_conflict(_l("The protocol is signed: the meeting can no longer be changed."))
    undecided = item.state == spec.ItemState.LISTED
    if not (meeting.state in spec.AGENDA_EDITABLE or (meeting.state in spec.HELD and undecided)):
        raise _state_conflict(
            _l(
                "An item can only be taken off the agenda before the meeting opens, or after"
                " it when the board left it undecided."
            ),
        )
    if item.application_id is not None:
        app = _lock_application(session, item.application_id)
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
    if meeting.state in spec.HELD:
        engine.fire(
            AGENDA_ITEM, item, "table", by=by, session=session, payload={"_meeting": meeting}
        )
    else:
        if item.application_id is None:
            audit.record(
                session,
                action="remove_item",
                entity_type="meeting",
                entity_id=meeting.id,
                association_id=meeting.association_id,
                actor=by,
                data={"item_id": item.id, "kind": item.kind, "title": item.title},
            )
        session.delete(item)
        session.flush()
        _renumber(session, [i for i in items_of(session, meeting) if i.id != item.id])
    session.flush()
    session.expire(meeting, ["agenda_items"])


def reorder(
    session: Session, meeting: Meeting, application_ids: Sequence[int], *, by: User
) -> list[AgendaItem]:
    """Put the applications in the given order, each once; other items keep their places."""
    _require_planner(by, meeting)
    meeting = _lock_meeting(session, meeting)
    items = items_of(session, meeting)
    by_app = {i.application_id: i for i in items if i.application_id is not None}
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
    wanted = iter(application_ids)
    order = [by_app[next(wanted)].id if i.application_id is not None else i.id for i in items]
    return reorder_items(session, meeting, order, by=by)  # type: ignore[arg-type]


def reorder_items(
    session: Session, meeting: Meeting, item_ids: Sequence[int], *, by: User
) -> list[AgendaItem]:
    """Put the agenda in the given order: every item, each once."""
    _require_planner(by, meeting)
    meeting = _lock_meeting(session, meeting)
    _require_agenda_editable(meeting)
    items = items_of(session, meeting)
    by_id = {item.id: item for item in items}
    if sorted(item_ids) != sorted(by_id) or len(set(item_ids)) != len(item_ids):
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[
                Problem(
                    "item_ids",
                    _l("Give every item on the agenda exactly once, in the new order."),
                )
            ],
        )
    ordered = [by_id[i] for i in item_ids]
    _renumber(session, ordered)
    session.flush()
    audit.record(
        session,
        action="order_agenda",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        data={
            "item_ids": list(item_ids),
            "application_ids": [i.application_id for i in ordered if i.application_id],
        },
    )
    session.expire(meeting, ["agenda_items"])
    return ordered


def move(
    session: Session, meeting: Meeting, application_id: int, direction: str, *, by: User
) -> list[AgendaItem]:
    """Move one application a step up or down the agenda."""
    _require_planner(by, meeting)
    item = item_for(session, meeting, application_id)
    if item is None:
        raise NotFound(_l("The application is not on this meeting's agenda."))
    return move_item(session, meeting, item.id, direction, by=by)  # type: ignore[arg-type]


def move_item(
    session: Session, meeting: Meeting, item_id: int, direction: str, *, by: User
) -> list[AgendaItem]:
    """Move one item a step up or down the agenda."""
    _require_planner(by, meeting)
    order = [item.id for item in items_of(session, meeting)]
    if item_id not in order:
        raise NotFound(_l("No such item on this meeting's agenda."))
    index = order.index(item_id)
    target = index - 1 if direction == "up" else index + 1
    if direction in ("up", "down") and 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return reorder_items(session, meeting, order, by=by)  # type: ignore[arg-type]


# --- items by title --------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemIn:
    """An item the officer (or the board, at the meeting) puts on the agenda by title."""

    kind: str
    title: str | None
    proposal: str | None = None
    diary_number: str | None = None


def _item_problems(data: ItemIn) -> list[Problem]:
    problems = []
    if data.kind not in spec.ADDABLE_KINDS:
        problems.append(
            Problem("kind", _l("Choose a decision item, an information item or another question."))
        )
    title = clean(data.title)
    if title is None:
        problems.append(Problem("title", _l("Give the item a title.")))
    elif len(title) > limits.TITLE_MAX:
        problems.append(Problem("title", _l("At most %(n)s characters.", n=limits.TITLE_MAX)))
    proposal = clean(data.proposal)
    if proposal is not None and len(proposal) > limits.PLAN_MAX:
        problems.append(Problem("proposal", _l("At most %(n)s characters.", n=limits.PLAN_MAX)))
    number = clean(data.diary_number)
    if number is not None and len(number) > 40:
        problems.append(Problem("diary_number", _l("At most %(n)s characters.", n=40)))
    return problems


def add_item(session: Session, meeting: Meeting, data: ItemIn, *, by: User) -> AgendaItem:
    """Put an item on the agenda by title, before the closing item.

    Before the meeting the officer builds the agenda; at the open meeting only the board may
    add an item (the chair records it), and the agenda § records the addition.
    """
    meeting = _lock_meeting(session, meeting)
    at_meeting = meeting.state in spec.DECIDING
    if at_meeting:
        if not permissions.can_lead(by, meeting):
            raise Forbidden(
                _l("At the meeting only the board adds items: the chair records its decision.")
            )
    else:
        _require_planner(by, meeting)
        _require_agenda_editable(meeting)
    problems = _item_problems(data)
    if problems:
        raise ValidationFailed(_l("Some fields are invalid."), problems=problems)
    items = items_of(session, meeting)
    item = AgendaItem(
        association_id=meeting.association_id,
        meeting_id=meeting.id,  # type: ignore[arg-type]
        position=_make_room(session, items, 1),
        kind=data.kind,
        title=clean(data.title),
        proposal=clean(data.proposal),
        diary_number=clean(data.diary_number),
        added_at_meeting=at_meeting,
    )
    session.add(item)
    session.flush()
    if at_meeting:
        # It takes the next free §; the numbers follow the agenda again when the meeting closes.
        number_items(session, meeting)
    audit.record(
        session,
        action="add_item",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        data={
            "item_id": item.id,
            "kind": item.kind,
            "title": item.title,
            "at_meeting": at_meeting,
        },
    )
    session.expire(meeting, ["agenda_items"])
    return item


def _item(session: Session, meeting: Meeting, item_id: int) -> AgendaItem:
    item = own_item(session, meeting, item_id)
    if item is None:
        raise NotFound(_l("No such item on this meeting's agenda."))
    return item


def remove_item(session: Session, meeting: Meeting, item_id: int, *, by: User) -> None:
    """Take an item off the agenda before the meeting, or table an undecided one after it."""
    _require_planner(by, meeting)
    meeting = _lock_meeting(session, meeting)
    _take_off(session, meeting, _item(session, meeting, item_id), by=by)


def decide_item(
    session: Session, meeting: Meeting, item_id: int, text: str | None, *, by: User
) -> AgendaItem:
    """The chair writes the board's decision on an item by title (again, to correct it)."""
    if not permissions.can_chair(by, meeting.association_id):
        raise Forbidden(_l("Only the chair records the board's decisions."))
    meeting = _lock_meeting(session, meeting)
    item = _item(session, meeting, item_id)
    if item.application_id is not None:
        raise Conflict(
            _l("The board decides an application with its decision form."),
            code="invalid_state",
        )
    if meeting.state not in spec.DECIDING:
        raise _state_conflict(
            _l(
                "The board decides only while the meeting is open (now: %(state)s).",
                state=labels.meeting_state_label(meeting.state),
            )
        )
    trigger = "redecide" if item.state == spec.ItemState.DECIDED else "decide"
    return engine.fire(
        AGENDA_ITEM,
        item,
        trigger,
        by=by,
        session=session,
        payload={"text": text, "_meeting": meeting},
    )


def table_item(session: Session, meeting: Meeting, item_id: int, *, by: User) -> AgendaItem:
    """The board leaves an item undecided (bordläggning); it keeps its § in the record."""
    meeting = _lock_meeting(session, meeting)
    item = _item(session, meeting, item_id)
    if meeting.state in spec.TERMINAL:
        raise _state_conflict(_l("The protocol is signed: the meeting can no longer be changed."))
    if item.application_id is not None and meeting.state in spec.HELD:
        _require_planner(by, meeting)
        _take_off(session, meeting, item, by=by)
        return item
    return engine.fire(
        AGENDA_ITEM, item, "table", by=by, session=session, payload={"_meeting": meeting}
    )


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
    item = item_for(session, meeting, app.id)  # type: ignore[arg-type]
    assert item is not None
    engine.fire(
        AGENDA_ITEM,
        item,
        "decide",
        by=by,
        session=session,
        payload={"_decided": True, "_meeting": meeting},
    )
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
