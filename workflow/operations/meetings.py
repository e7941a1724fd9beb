"""Board meetings: agenda, attendance, quorum, decisions with their § numbers, and delegation.

Every verb here changes rows, writes its audit event and flushes; the request commits once.
Application steps (place_on_agenda, board_approve, delegated_reject, ...) go through
`workflow.engine`; the meeting's own steps (open, close, sign) through
`workflow.meeting_engine`, which calls back into this module for their effects.

Concurrency: a verb that changes an agenda or records a decision first locks the meeting
row, then the application row (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises
writers with BEGIN IMMEDIATE). A second chair deciding the same item waits, then finds the
decision taken and gets 409. Paragraph numbers come from a row-locked counter in the same
transaction, so a refused decision gives its number back and no number is used twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, text
from sqlmodel import Session, select

from states import meeting as spec
from states.application import State
from states.common import Role
from workflow import audit, engine, labels, limits, permissions
from workflow.db import memoized_for_reads
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.labels import meeting_state_label
from workflow.models import (
    AgendaItem,
    Application,
    Association,
    Attendance,
    Decision,
    DecisionAmount,
    Dissent,
    Meeting,
    Member,
    Recusal,
    RoleGrant,
    User,
    Vote,
    utcnow,
)
from workflow.operations import liv
from workflow.rules import budget

APPROVALS = ("approve", "approve_with_conditions")
BOARD_TRIGGERS = {
    "approve": "board_approve",
    "approve_with_conditions": "board_approve",
    "reject": "board_reject",
    "refer_back": "board_refer_back",
}
DELEGATED_TRIGGERS = {"approve": "delegated_approve", "reject": "delegated_reject"}


# --- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmountIn:
    """What a decision grants for one year."""

    year: int
    amount_sek: int


@dataclass(frozen=True)
class VoteIn:
    """One voter's vote on approval: yes, no or abstain."""

    user_id: int
    vote: str


@dataclass(frozen=True)
class DissentIn:
    """A reservation or a protocol note, with its written text."""

    user_id: int
    kind: str
    text: str


@dataclass(frozen=True)
class RecusalIn:
    """A board member who is jävig on the item."""

    user_id: int
    reason: str | None = None


@dataclass
class DecisionInput:
    """Everything the chair records for one item."""

    application_id: int
    outcome: str
    amounts: list[AmountIn] = field(default_factory=list)
    conditions: str | None = None
    questions: str | None = None
    votes: list[VoteIn] = field(default_factory=list)
    casting_vote: str | None = None
    dissents: list[DissentIn] = field(default_factory=list)
    recusals: list[RecusalIn] = field(default_factory=list)


def _clean(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


# --- loading and locking ---------------------------------------------------------------------


def load(session: Session, meeting_id: int, user: Any) -> Meeting:
    """The meeting if `user` may see its association's meetings; otherwise NotFound."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not permissions.can_view_meetings(user, meeting.association_id):
        raise NotFound(_l("No such meeting."))
    return meeting


def listing(session: Session, association: Association) -> list[Meeting]:
    """The association's meetings, the latest date first."""
    return list(
        session.exec(
            select(Meeting)
            .where(Meeting.association_id == association.id)
            .order_by(Meeting.date.desc(), Meeting.id.desc())  # type: ignore[attr-defined]
        ).all()
    )


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


def association_of(session: Session, association_id: int) -> Association:
    """The association a meeting or application belongs to."""
    association = session.get(Association, association_id)
    assert association is not None  # every meeting and application belongs to one
    return association


def _items(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, read afresh (the relationship may be stale inside a verb)."""
    return list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)  # type: ignore[arg-type]
        ).all()
    )


def _item_for(session: Session, meeting: Meeting, application_id: int) -> AgendaItem | None:
    return session.exec(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.application_id == application_id
        )
    ).first()


def board_decision(session: Session, meeting: Meeting, application_id: int) -> Decision | None:
    """The board's decision on the item at this meeting, if taken."""
    return session.exec(
        select(Decision).where(
            Decision.meeting_id == meeting.id, Decision.application_id == application_id
        )
    ).first()


def _state_conflict(message: Any) -> Conflict:
    return Conflict(message, code="invalid_state")


# --- paragraph numbers ----------------------------------------------------------------------


def next_paragraph(session: Session, association_id: int, year: int) -> int:
    """Take the next paragraph (§) number of the association's year, in the caller's transaction.

    Like diary numbers: concurrent decisions queue on the counter row's lock, and a
    rolled-back decision gives its number back, so numbers are gap-free and never reused.
    """
    session.execute(
        text(
            "INSERT INTO paragraph_counter (association_id, year, last_paragraph)"
            " VALUES (:a, :y, 0) ON CONFLICT (association_id, year) DO NOTHING"
        ),
        {"a": association_id, "y": year},
    )
    return session.execute(
        text(
            "UPDATE paragraph_counter SET last_paragraph = last_paragraph + 1"
            " WHERE association_id = :a AND year = :y RETURNING last_paragraph"
        ),
        {"a": association_id, "y": year},
    ).scalar_one()


def paragraph_range(session: Session, meeting: Meeting) -> tuple[int, int] | None:
    """The first and last § of the meeting (decisions and reports), if any was taken."""
    numbers = [
        n
        for n in session.exec(
            select(Decision.paragraph).where(Decision.meeting_id == meeting.id)
        ).all()
        if n is not None
    ] + [item.paragraph for item in _items(session, meeting) if item.paragraph is not None]
    return (min(numbers), max(numbers)) if numbers else None


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
    place = _clean(location)
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
class BoardMember:
    """A person holding a board grant: the member organisation and the seat (ledamot/ersättare)."""

    user: User
    member: Member
    seat: str

    @property
    def user_id(self) -> int:
        assert self.user.id is not None
        return self.user.id


@memoized_for_reads
def roster(session: Session, association_id: int) -> list[BoardMember]:
    """Every active board member of the association, by member organisation, ledamöter first."""
    rows = session.exec(
        select(RoleGrant, User, Member)
        .join(User, User.id == RoleGrant.user_id)  # type: ignore[arg-type]
        .join(Member, Member.id == RoleGrant.member_id)  # type: ignore[arg-type]
        .where(
            RoleGrant.association_id == association_id,
            RoleGrant.role == Role.BOARD.value,
            User.active == True,  # noqa: E712 - a SQL expression
        )
        .order_by(Member.name, RoleGrant.substitute, User.name, User.id)  # type: ignore[arg-type]
    ).all()
    seen: set[int] = set()
    people = []
    for grant, user, member in rows:
        # One person sits once; a second grant (for another member) is ignored.
        if user.id in seen:
            continue
        seen.add(user.id)
        people.append(BoardMember(user, member, "ersattare" if grant.substitute else "ledamot"))
    return people


@memoized_for_reads
def present_user_ids(session: Session, meeting: Meeting) -> set[int]:
    """Who is recorded as present at the meeting."""
    return set(
        session.exec(
            select(Attendance.user_id).where(
                Attendance.meeting_id == meeting.id,
                Attendance.present == True,  # noqa: E712 - a SQL expression
            )
        ).all()
    )


@dataclass(frozen=True)
class Quorum:
    """The board's seats for one item, who fills them, and who left it for jäv."""

    seats: int
    voters: list[BoardMember]
    recused: list[BoardMember]

    @property
    def filled(self) -> int:
        return len(self.voters)

    @property
    def quorate(self) -> bool:
        """More than half of the seats are filled."""
        return self.filled * 2 > self.seats

    @property
    def voter_ids(self) -> set[int]:
        return {v.user_id for v in self.voters}


def quorum(session: Session, meeting: Meeting, *, recused_user_ids: Iterable[int] = ()) -> Quorum:
    """Seats per member organisation = its ledamöter; each filled by a present ledamot, else by
    a present ersättare of the same organisation. A jävig member leaves the item, and an
    ersättare of that organisation may take the seat for it."""
    people = roster(session, meeting.association_id)
    present = present_user_ids(session, meeting)
    recused_ids = set(recused_user_ids)
    seats = 0
    voters: list[BoardMember] = []
    by_member: dict[int, list[BoardMember]] = {}
    for person in people:
        assert person.member.id is not None
        by_member.setdefault(person.member.id, []).append(person)
    for group in by_member.values():
        member_seats = sum(1 for p in group if p.seat == "ledamot")
        seats += member_seats
        available = [p for p in group if p.user_id in present and p.user_id not in recused_ids]
        ordered = [p for p in available if p.seat == "ledamot"] + [
            p for p in available if p.seat == "ersattare"
        ]
        voters.extend(ordered[:member_seats])
    recused = [p for p in people if p.user_id in recused_ids]
    return Quorum(seats=seats, voters=voters, recused=recused)


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


def recorded_absent(session: Session, meeting: Meeting, user_id: int) -> bool:
    """Whether the person is recorded as absent (not merely unrecorded)."""
    row = session.exec(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user_id)
    ).first()
    return row is not None and not row.present


def attendance_rows(session: Session, meeting: Meeting) -> list[tuple[BoardMember, bool]]:
    """Every board member with whether they are recorded present (absent when not recorded)."""
    present = present_user_ids(session, meeting)
    return [(p, p.user_id in present) for p in roster(session, meeting.association_id)]


# --- the agenda ------------------------------------------------------------------------------


def ready_for_agenda(session: Session, association_id: int) -> list[Application]:
    """Applications the officer has proposed to the board and not yet placed on an agenda,
    and LIV items (admission, yearly financing) not waiting on one."""
    return list(
        session.exec(
            select(Application)
            .where(
                Application.association_id == association_id,
                or_(Application.state == State.PROPOSED.value, liv.ready_clause()),
            )
            .order_by(Application.diary_year, Application.diary_seq, Application.id)  # type: ignore[arg-type]
        ).all()
    )


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
        liv_conflict = liv.agenda_conflict(session, app) if liv.is_liv_item(app) else None
        if liv_conflict is not None:
            conflicts.append(Problem(where, liv_conflict))
        elif app.state != State.PROPOSED and not liv.is_liv_item(app):
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
    items = _items(session, meeting)
    position = max((i.position for i in items), default=0)
    added = []
    for app in apps:
        # A LIV item keeps its state: the agenda item itself says it waits for the board.
        if not liv.is_liv_item(app):
            engine.fire(
                app, "place_on_agenda", by=by, session=session, payload={"meeting_id": meeting.id}
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
    item = _item_for(session, meeting, application_id)
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
    if not liv.is_liv_item(app):
        engine.fire(
            app, "remove_from_agenda", by=by, session=session, payload={"meeting_id": meeting.id}
        )
    session.delete(item)
    session.flush()
    _renumber(session, [i for i in _items(session, meeting) if i.id != item.id])
    session.flush()
    session.expire(meeting, ["agenda_items"])


def reorder(
    session: Session, meeting: Meeting, application_ids: Sequence[int], *, by: User
) -> list[AgendaItem]:
    """Put the agenda in the given order: every item's application, each once."""
    _require_planner(by, meeting)
    meeting = _lock_meeting(session, meeting)
    _require_agenda_editable(meeting)
    items = _items(session, meeting)
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
    order = [item.application_id for item in _items(session, meeting)]
    if application_id not in order:
        raise NotFound(_l("The application is not on this meeting's agenda."))
    index = order.index(application_id)
    target = index - 1 if direction == "up" else index + 1
    if direction in ("up", "down") and 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return reorder(session, meeting, order, by=by)


# --- reported delegated decisions ------------------------------------------------------------


def pending_reports(session: Session, association_id: int) -> list[Decision]:
    """Delegated decisions not yet on any meeting's agenda, oldest first."""
    reported = select(AgendaItem.decision_id).where(AgendaItem.decision_id.is_not(None))  # type: ignore[union-attr]
    return list(
        session.exec(
            select(Decision)
            .where(
                Decision.association_id == association_id,
                Decision.delegated == True,  # noqa: E712 - a SQL expression
                Decision.id.not_in(reported),  # type: ignore[union-attr]
            )
            .order_by(Decision.decided_at, Decision.id)  # type: ignore[arg-type]
        ).all()
    )


def add_reports(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """List the delegated decisions not yet reported at the end of the agenda (anmälan)."""
    items = _items(session, meeting)
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
    for item in _items(session, meeting):
        if item.kind == "delegation_report" and item.paragraph is None:
            number = next_paragraph(session, meeting.association_id, meeting.date.year)
            item.paragraph_year, item.paragraph = meeting.date.year, number
            session.add(item)
    session.flush()


# --- amounts and the budget ------------------------------------------------------------------


def period_years(app: Application) -> range | None:
    """The calendar years of the application's period (None when it has no period)."""
    if app.start_date is None or app.end_date is None:
        return None
    return range(app.start_date.year, app.end_date.year + 1)


def amount_problems(app: Application, amounts: Sequence[AmountIn]) -> list[Problem]:
    """Every problem with the amounts granted per year for an approval."""
    if not amounts:
        return [Problem("amounts", _l("Give the amount granted for each year."))]
    years = period_years(app)
    problems = []
    seen: set[int] = set()
    for index, line in enumerate(amounts):
        if years is not None and line.year not in years:
            problems.append(
                Problem(
                    f"amounts.{index}.year",
                    _l(
                        "%(year)s is outside the application's period, %(first)s–%(last)s.",
                        year=line.year,
                        first=years.start,
                        last=years.stop - 1,
                    ),
                )
            )
        elif line.year in seen:
            problems.append(
                Problem(
                    f"amounts.{index}.year", _l("The year %(year)s is given twice.", year=line.year)
                )
            )
        seen.add(line.year)
        if not 0 <= line.amount_sek <= limits.AMOUNT_MAX:
            problems.append(
                Problem(
                    f"amounts.{index}.amount_sek",
                    _l("Must be between %(min)s and %(max)s.", min=0, max=limits.AMOUNT_MAX),
                )
            )
    if not problems and sum(line.amount_sek for line in amounts) <= 0:
        problems.append(Problem("amounts", _l("An approval grants more than 0 SEK.")))
    return problems


def _by_year(amounts: Sequence[AmountIn]) -> dict[int, int]:
    return {line.year: line.amount_sek for line in amounts}


def requested_amounts(app: Application) -> list[AmountIn]:
    """The amounts the application asks for, per year (what a decision form starts from)."""
    if liv.is_liv_item(app):
        return [AmountIn(year, amount) for year, amount in liv.suggested_amounts(app)]
    return [AmountIn(line.year, line.amount_sek) for line in app.budget_lines]


@dataclass(frozen=True)
class Impact:
    """One year's projected balance before and after granting the amounts."""

    year: int
    amount_sek: int
    before_sek: int
    after_sek: int


def budget_impact(
    session: Session, association: Association, amounts: Sequence[AmountIn]
) -> list[Impact]:
    """The projected balance of each year the amounts touch, before and after granting them."""
    extra = _by_year(amounts)
    if not extra:
        return []
    years = range(min(extra), max(extra) + 1)
    before = {y.year: y for y in budget.projection(session, association, years=years)}
    after = {y.year: y for y in budget.projection(session, association, years=years, extra=extra)}
    return [
        Impact(
            year=year,
            amount_sek=extra.get(year, 0),
            before_sek=before[year].projected_balance_sek,
            after_sek=after[year].projected_balance_sek,
        )
        for year in years
        if year in before and year in after
    ]


# --- the board's decision --------------------------------------------------------------------


def _named(people: Iterable[BoardMember]) -> str:
    return ", ".join(p.user.name for p in people)


def _recusal_problems(
    recusals: Sequence[RecusalIn], people: dict[int, BoardMember]
) -> list[Problem]:
    problems = []
    seen: set[int] = set()
    for index, recusal in enumerate(recusals):
        if recusal.user_id not in people:
            problems.append(
                Problem(f"recusals.{index}.user_id", _l("Not a board member of this association."))
            )
        elif recusal.user_id in seen:
            problems.append(
                Problem(f"recusals.{index}.user_id", _l("This person is listed twice."))
            )
        seen.add(recusal.user_id)
        if recusal.reason is not None and len(recusal.reason) > limits.REASON_MAX:
            problems.append(
                Problem(
                    f"recusals.{index}.reason", _l("At most %(n)s characters.", n=limits.REASON_MAX)
                )
            )
    return problems


@dataclass(frozen=True)
class Tally:
    """The counted votes on approval and the side that carried."""

    yes: int
    no: int
    abstain: int
    carried: str | None  # "yes", "no", or None when no votes were taken
    casting_vote: str | None  # set when a tie was decided by the chair


def _vote_problems(
    data: DecisionInput, q: Quorum, people: dict[int, BoardMember], chair: User
) -> tuple[list[Problem], Tally]:
    """Check the votes against the item's voters, count them, apply the casting vote."""
    problems: list[Problem] = []
    none = Tally(0, 0, 0, None, None)
    if not data.votes:
        if data.casting_vote is not None:
            problems.append(
                Problem("casting_vote", _l("Only a tied vote is decided by a casting vote."))
            )
        return problems, none
    seen: dict[int, str] = {}
    for index, vote in enumerate(data.votes):
        where = f"votes.{index}.user_id"
        if vote.vote not in spec.VOTES:
            problems.append(Problem(f"votes.{index}.vote", _l("Choose yes, no or abstain.")))
        if vote.user_id not in people:
            problems.append(Problem(where, _l("Not a board member of this association.")))
        elif vote.user_id not in q.voter_ids:
            problems.append(
                Problem(
                    where,
                    _l(
                        "%(name)s does not vote on this item: absent, not serving or jävig.",
                        name=people[vote.user_id].user.name,
                    ),
                )
            )
        elif vote.user_id in seen:
            problems.append(Problem(where, _l("This person is listed twice.")))
        else:
            seen[vote.user_id] = vote.vote
    missing = [v for v in q.voters if v.user_id not in seen]
    if not problems and missing:
        problems.append(
            Problem(
                "votes",
                _l("Every serving member votes; missing: %(names)s.", names=_named(missing)),
            )
        )
    if problems:
        return problems, none
    yes = sum(1 for v in seen.values() if v == "yes")
    no = sum(1 for v in seen.values() if v == "no")
    abstain = len(seen) - yes - no
    if yes != no:
        if data.casting_vote is not None:
            problems.append(
                Problem("casting_vote", _l("Only a tied vote is decided by a casting vote."))
            )
        return problems, Tally(yes, no, abstain, "yes" if yes > no else "no", None)
    # A tie: the chair's casting vote decides (utslagsröst); a voting chair casts it with
    # their own vote, a chair without a seat names the side.
    own = seen.get(chair.id) if chair.id is not None else None
    own = own if own in ("yes", "no") else None
    casting = data.casting_vote or own
    if casting not in ("yes", "no"):
        problems.append(
            Problem("casting_vote", _l("The votes are tied: the chair's casting vote decides."))
        )
        return problems, none
    if own is not None and casting != own:
        problems.append(
            Problem("casting_vote", _l("The chair's casting vote is the chair's own vote."))
        )
        return problems, none
    return problems, Tally(yes, no, abstain, casting, casting)


def _dissent_problems(
    dissents: Sequence[DissentIn],
    q: Quorum,
    present: set[int],
    people: dict[int, BoardMember],
    votes: dict[int, str],
    carried: str | None,
) -> list[Problem]:
    problems = []
    seen: set[tuple[int, str]] = set()
    recused = {p.user_id for p in q.recused}
    for index, dissent in enumerate(dissents):
        where = f"dissents.{index}"
        text_ = _clean(dissent.text)
        if dissent.kind not in spec.DISSENT_KINDS:
            problems.append(
                Problem(f"{where}.kind", _l("Choose a reservation or a protocol note."))
            )
            continue
        if text_ is None:
            problems.append(Problem(f"{where}.text", _l("Write the reasons.")))
        elif len(text_) > limits.REASON_MAX:
            problems.append(
                Problem(f"{where}.text", _l("At most %(n)s characters.", n=limits.REASON_MAX))
            )
        if dissent.user_id not in people:
            problems.append(
                Problem(f"{where}.user_id", _l("Not a board member of this association."))
            )
            continue
        if (dissent.user_id, dissent.kind) in seen:
            problems.append(Problem(f"{where}.user_id", _l("This person is listed twice.")))
        seen.add((dissent.user_id, dissent.kind))
        if dissent.kind == "reservation":
            if dissent.user_id not in q.voter_ids:
                problems.append(
                    Problem(
                        f"{where}.user_id",
                        _l("Only a member who took part in the decision can enter a reservation."),
                    )
                )
            elif votes and (
                votes.get(dissent.user_id) not in ("yes", "no")
                or votes.get(dissent.user_id) == carried
            ):
                problems.append(
                    Problem(
                        f"{where}.user_id",
                        _l("Only a member who voted against the decision can enter a reservation."),
                    )
                )
        elif dissent.user_id not in present or dissent.user_id in recused:
            problems.append(
                Problem(
                    f"{where}.user_id",
                    _l("Only a member present for the item can add a note to the minutes."),
                )
            )
    return problems


def decide(session: Session, meeting: Meeting, data: DecisionInput, *, by: User) -> Decision:
    """Record the board's decision on one item: a §, its amounts, votes and dissents, the step.

    Refused, with nothing changed: by anyone but the chair (403); an application absent or
    not visible (404); not on this meeting's agenda, the meeting not open, or already
    decided (409); any invalid input, a board not quorate for the item (`attendance`), an
    approval without amounts or one the budget cannot carry (`amounts`) (422).
    """
    if not permissions.can_chair(by, meeting.association_id):
        raise Forbidden(_l("Only the chair records the board's decisions."))
    meeting = _lock_meeting(session, meeting)
    app = _lock_application(session, data.application_id)
    if (
        app is None
        or app.association_id != meeting.association_id
        or not permissions.can_view_application(by, app)
    ):
        raise NotFound(_l("No such application."))
    item = _item_for(session, meeting, app.id)  # type: ignore[arg-type]
    if item is None or item.kind != "decision":
        raise Conflict(
            _l("The application is not on this meeting's agenda for decision."),
            code="not_on_agenda",
        )
    if meeting.state not in spec.DECIDING:
        raise _state_conflict(
            _l(
                "The board decides only while the meeting is open (now: %(state)s).",
                state=meeting_state_label(meeting.state),
            ),
        )
    earlier = board_decision(session, meeting, app.id)  # type: ignore[arg-type]
    if earlier is not None:
        raise Conflict(
            _l("The board has already decided this item (§ %(n)s).", n=earlier.paragraph),
            code="already_decided",
        )
    liv_item = liv.is_liv_item(app)
    if liv_item:
        trigger = liv.board_trigger(session, app, data.outcome)
    else:
        trigger = BOARD_TRIGGERS.get(data.outcome)
    if trigger is not None:
        # Role and state as the engine sees them (409 when the application moved on).
        engine.check(app, trigger, by=by, session=session)
    association = association_of(session, meeting.association_id)
    people = {p.user_id: p for p in roster(session, meeting.association_id)}
    present = present_user_ids(session, meeting)
    conditions, questions = _clean(data.conditions), _clean(data.questions)
    problems: list[Problem] = []
    if trigger is None and liv_item:
        problems.append(liv.outcome_problem())
    elif trigger is None:
        problems.append(
            Problem(
                "outcome",
                _l("Choose approve, approve with conditions, reject or refer back."),
            )
        )
    if data.outcome == "approve_with_conditions" and conditions is None:
        problems.append(Problem("conditions", _l("Write the conditions of the approval.")))
    if data.outcome == "refer_back" and questions is None:
        problems.append(
            Problem("questions", _l("Write the board's questions for the new preparation."))
        )
    for name, value in (("conditions", conditions), ("questions", questions)):
        if value is not None and len(value) > limits.PLAN_MAX:
            problems.append(Problem(name, _l("At most %(n)s characters.", n=limits.PLAN_MAX)))
    approval = data.outcome in APPROVALS
    if not approval:
        amount_issues = []
    elif liv_item:
        amount_issues = liv.amount_problems(session, app, data.amounts)
    else:
        amount_issues = amount_problems(app, data.amounts)
    problems += amount_issues
    problems += _recusal_problems(data.recusals, people)
    recused_ids = {r.user_id for r in data.recusals if r.user_id in people}
    q = quorum(session, meeting, recused_user_ids=recused_ids)
    if not q.quorate:
        problems.append(
            Problem(
                "attendance",
                _l(
                    "The board is not quorate for this item: %(filled)s of %(seats)s seats are"
                    " filled, and more than half are needed.",
                    filled=q.filled,
                    seats=q.seats,
                ),
            )
        )
    vote_issues, tally = _vote_problems(data, q, people, by)
    problems += vote_issues
    votes = {v.user_id: v.vote for v in data.votes}
    if tally.carried == "yes" and trigger is not None and not approval:
        problems.append(
            Problem(
                "outcome",
                _l("The votes carried approval: record approve or approve with conditions."),
            )
        )
    if tally.carried == "no" and approval:
        problems.append(
            Problem("outcome", _l("The votes went against approval: record reject or refer back."))
        )
    problems += _dissent_problems(data.dissents, q, present, people, votes, tally.carried)
    if approval and not amount_issues:
        problems += budget.borrowing_problems(session, association, _by_year(data.amounts))
    if problems:
        raise ValidationFailed(_l("The decision cannot be recorded."), problems=problems)
    assert trigger is not None
    year = meeting.date.year
    decision = Decision(
        association_id=meeting.association_id,
        application_id=app.id,  # type: ignore[arg-type]
        meeting_id=meeting.id,
        paragraph_year=year,
        paragraph=next_paragraph(session, meeting.association_id, year),
        delegated=False,
        outcome=data.outcome,
        conditions=conditions if data.outcome == "approve_with_conditions" else None,
        questions=questions if data.outcome == "refer_back" else None,
        decided_by_id=by.id,  # type: ignore[arg-type]
        casting_vote=tally.casting_vote,
        quorum_seats=q.seats,
        quorum_present=q.filled,
    )
    if approval:
        decision.amounts = [
            DecisionAmount(year=a.year, amount_sek=a.amount_sek) for a in data.amounts
        ]
    decision.votes = [Vote(user_id=v.user_id, vote=v.vote) for v in data.votes]
    decision.dissents = [
        Dissent(user_id=d.user_id, kind=d.kind, text=_clean(d.text) or "") for d in data.dissents
    ]
    session.add(decision)
    for recusal in data.recusals:
        session.add(
            Recusal(
                meeting_id=meeting.id,
                application_id=app.id,
                user_id=recusal.user_id,
                reason=_clean(recusal.reason),
            )
        )
    session.flush()
    if liv_item:
        liv.record_year(session, app, decision)
    engine.fire(
        app,
        trigger,
        by=by,
        session=session,
        payload={
            # The board's questions travel as the step's reason: the history and the
            # preparers' e-mail show them.
            "reason": decision.questions,
            "meeting_id": meeting.id,
            "decision_id": decision.id,
            "paragraph": decision.paragraph,
            "outcome": decision.outcome,
            "amounts": [{"year": a.year, "amount_sek": a.amount_sek} for a in decision.amounts],
        },
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
    """The officer decides a prepared application within the delegation limit.

    Above the limit the officer has no mandate: 403, with a detail naming `amounts`. The
    limit is held against the application's total and, for an approval, the total granted.
    """
    if not permissions.can_decide_delegated(by, app):
        raise Forbidden(_l("Only the association's officers decide by delegation."))
    trigger = DELEGATED_TRIGGERS.get(outcome)
    if trigger is None:
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("outcome", _l("Choose approve or reject."))],
        )
    expected = expected_version if expected_version is not None else app.version
    locked = _lock_application(session, app.id)  # type: ignore[arg-type]
    assert locked is not None
    app = locked
    # Role, stale version and state, as the engine would refuse them.
    engine.check(app, trigger, by=by, session=session, expected_version=expected)
    approval = outcome == "approve"
    problems = amount_problems(app, amounts) if approval else []
    if problems:
        raise ValidationFailed(_l("The decision cannot be recorded."), problems=problems)
    association = association_of(session, app.association_id)
    granted = sum(a.amount_sek for a in amounts) if approval else 0
    total = max(app.total_amount_sek, granted)
    if total > association.delegation_limit_sek:
        message = _l(
            "%(total)s SEK is above the delegation limit of %(limit)s SEK: the board decides.",
            total=budget.Kronor(total),
            limit=budget.Kronor(association.delegation_limit_sek),
        )
        raise Forbidden(
            message, code="above_delegation_limit", problems=[Problem("amounts", message)]
        )
    if approval:
        problems = budget.borrowing_problems(session, association, _by_year(amounts))
        if problems:
            raise ValidationFailed(_l("The decision cannot be recorded."), problems=problems)
    decision = Decision(
        association_id=app.association_id,
        application_id=app.id,  # type: ignore[arg-type]
        delegated=True,
        outcome=outcome,
        decided_by_id=by.id,  # type: ignore[arg-type]
    )
    if approval:
        decision.amounts = [DecisionAmount(year=a.year, amount_sek=a.amount_sek) for a in amounts]
    session.add(decision)
    session.flush()
    engine.fire(
        app,
        trigger,
        by=by,
        session=session,
        payload={
            "reason": _clean(reason),
            "decision_id": decision.id,
            "outcome": outcome,
            "amounts": [{"year": a.year, "amount_sek": a.amount_sek} for a in decision.amounts],
        },
    )
    return decision


def latest_decision(session: Session, app: Application) -> Decision | None:
    """The newest decision on the application (board or delegated)."""
    return session.exec(
        select(Decision)
        .where(Decision.application_id == app.id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()


# --- reading a meeting -----------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda item with its application, its decision (if taken) and who left it for jäv."""

    item: AgendaItem
    application: Application
    # The board's decision at this meeting, or for a report the delegated decision reported.
    decision: Decision | None
    recusals: tuple[Recusal, ...] = ()

    @property
    def paragraph(self) -> int | None:
        """The item's § at this meeting: its decision's, or the report's own."""
        if self.item.kind == "decision":
            return self.decision.paragraph if self.decision is not None else None
        return self.item.paragraph


@memoized_for_reads
def agenda(session: Session, meeting: Meeting) -> list[AgendaEntry]:
    """The agenda in order, with applications, decisions and recusals (a few queries in all)."""
    items = _items(session, meeting)
    if not items:
        return []
    apps = {
        a.id: a
        for a in session.exec(
            select(Application).where(
                Application.id.in_([i.application_id for i in items])  # type: ignore[union-attr]
            )
        ).all()
    }
    decided = {
        d.application_id: d
        for d in session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).all()
    }
    report_ids = [i.decision_id for i in items if i.decision_id is not None]
    reported = (
        {
            d.id: d
            for d in session.exec(
                select(Decision).where(Decision.id.in_(report_ids))  # type: ignore[union-attr]
            ).all()
        }
        if report_ids
        else {}
    )
    recusals: dict[int, list[Recusal]] = {}
    for row in session.exec(
        select(Recusal).where(Recusal.meeting_id == meeting.id).order_by(Recusal.id)  # type: ignore[arg-type]
    ).all():
        recusals.setdefault(row.application_id, []).append(row)
    return [
        AgendaEntry(
            item=item,
            application=apps[item.application_id],
            decision=reported.get(item.decision_id)
            if item.decision_id is not None
            else decided.get(item.application_id),
            recusals=tuple(recusals.get(item.application_id, ())),
        )
        for item in items
    ]


def people_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    """Users by id, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        u.id: u  # type: ignore[misc]
        for u in session.exec(select(User).where(User.id.in_(wanted))).all()  # type: ignore[union-attr]
    }
