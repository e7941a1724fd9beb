"""Board meetings: plan, agenda, attendance, open/close/sign, decisions; delegated decisions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from flask import url_for
from pydantic import Field, RootModel, StringConstraints
from sqlmodel import select

from states import meeting as meeting_machine
from states.application import DECIDE_DELEGATED
from workflow import engine, permissions
from workflow.api.applications import APPLICATION_PATH
from workflow.api.associations import SLUG, load_association
from workflow.api.paging import paginate
from workflow.api.registry import ID, route
from workflow.api.schemas import (
    ActorOut,
    ApplicationOut,
    Out,
    Page,
    PageQuery,
    Reason,
    StateName,
    Timestamp,
    Version,
)
from workflow.api.serializers import actor_json, application_json, timestamp
from workflow.errors import DomainError, Forbidden, Problem, ValidationFailed
from workflow.extensions import db
from workflow.i18n import _l
from workflow.lifecycles.meeting import MEETING
from workflow.models import DECISION_OUTCOMES, Decision, Meeting, User
from workflow.operations import applications, meetings
from workflow.rules import meetings as meetings_rules
from workflow.rules import protocols as protocols_rules
from workflow.rules.calendar import clock_value
from workflow.rules.meetings import AgendaEntry
from workflow.schemas import BudgetLineIn, Id, Name, Plan, Strict, Title

MEETING_PATH = f"/meetings/<{ID}:meeting_id>"
MEETING_TRIGGER = {
    "enum": sorted(meeting_machine.PUBLIC_TRIGGERS),
    "description": "`open` and `close` the meeting, `sign` its protocol (justering).",
}
Outcome = Literal[DECISION_OUTCOMES]  # type: ignore[valid-type]
MeetingStateName = Literal[tuple(s.value for s in meeting_machine.MeetingState)]  # type: ignore[valid-type]
MeetingTrigger = Literal[tuple(t.trigger for t in meeting_machine.TRANSITIONS)]  # type: ignore[valid-type]
Seat = Literal[meeting_machine.SEATS]  # type: ignore[valid-type]
VoteName = Literal[meeting_machine.VOTES]  # type: ignore[valid-type]
DissentKind = Literal[meeting_machine.DISSENT_KINDS]  # type: ignore[valid-type]
# A clock time in Swedish time, as the API writes it: 13:00.
ClockTime = Annotated[
    str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$"), Field(examples=["13:00"])
]
# More ids than any agenda or board holds; a bound keeps a hostile body cheap to refuse.
MANY = 500

# --- requests --------------------------------------------------------------------------------


class MeetingCreate(Strict):
    """A board meeting to plan."""

    # Its Swedish date; a past date records a meeting already held.
    date: date
    starts_at: ClockTime | None = Field(default=None, description="Its start (Swedish time).")
    location: Name | None = Field(default=None, description="Where the board meets.")


class MeetingStepBody(Strict):
    """A step of the meeting: the version last read, and optionally the justerare."""

    expected_version: Version | None = None
    justerare_id: Id | None = Field(
        default=None,
        description=(
            "The board member who checks the minutes with the chair; required by `sign`"
            " unless chosen at an earlier step."
        ),
    )
    ends_at: ClockTime | None = Field(
        default=None,
        description=(
            "With `close`: when the meeting ended (Swedish time); by default now if the"
            " meeting's date is today, otherwise required."
        ),
    )


class AgendaAdd(Strict):
    """Applications in `proposed` to place on the agenda: one, or several in order."""

    application_id: Id | None = None
    application_ids: Annotated[list[Id], Field(min_length=1, max_length=MANY)] | None = None


class AgendaOrder(Strict):
    """The new order of the agenda: every item on it (`item_ids`), or every application on it
    (`application_ids`, the other items keeping their places), each once."""

    application_ids: Annotated[list[Id], Field(max_length=MANY)] | None = None
    item_ids: Annotated[list[Id], Field(max_length=MANY)] | None = None


ItemKind = Literal[meeting_machine.ADDABLE_KINDS]  # type: ignore[valid-type]
AgendaKind = Literal[meeting_machine.AGENDA_KINDS]  # type: ignore[valid-type]
ItemStateName = Literal[tuple(s.value for s in meeting_machine.ItemState)]  # type: ignore[valid-type]


class ItemCreate(Strict):
    """An item by title: a beslutsärende, an informationsärende or another question."""

    kind: ItemKind
    title: Title
    proposal: Plan | None = Field(
        default=None,
        description="The proposed decision (förslag till beslut), or the information given.",
    )
    diary_number: Annotated[str, Field(min_length=1, max_length=40)] | None = None


class ItemDecisionIn(Strict):
    """The board's decision on an item by title, as the § will say it."""

    text: Plan | None = Field(
        default=None,
        description=(
            "Required for a decision item and another question; an information item or a"
            " standard item takes its standard text when omitted."
        ),
    )


class AttendanceEntryIn(Strict):
    """Whether one board member (ledamot or ersättare) is present."""

    user_id: Id
    present: bool


class AttendanceIn(RootModel[Annotated[list[AttendanceEntryIn], Field(max_length=MANY)]]):
    """Attendance of some board members; those not listed keep what was recorded."""


class VoteIn(Strict):
    """One serving member's vote on approval (bifall): yes for, no against."""

    user_id: Id
    vote: VoteName


class DissentIn(Strict):
    """A reservation (by a member who voted against) or a protocol note, with its text."""

    user_id: Id
    kind: DissentKind
    text: Reason


class RecusalIn(Strict):
    """A board member who is jävig on the item: leaves it, counts for neither quorum nor vote."""

    user_id: Id
    reason: Reason | None = None


class DecisionIn(Strict):
    """The board's decision on one item of the agenda."""

    application_id: Id
    outcome: Outcome
    amounts: Annotated[list[BudgetLineIn], Field(max_length=20)] = Field(
        default_factory=list,
        description="Per year, required for approvals; ignored for reject and refer_back.",
    )
    conditions: Plan | None = Field(
        default=None, description="Required with `approve_with_conditions`."
    )
    questions: Plan | None = Field(default=None, description="Required with `refer_back`.")
    votes: Annotated[list[VoteIn], Field(max_length=MANY)] = Field(
        default_factory=list,
        description="Optional; when given, every serving member votes (yes/no/abstain).",
    )
    casting_vote: Literal["yes", "no"] | None = Field(
        default=None, description="The chair's casting vote (utslagsröst) on a tie."
    )
    dissents: Annotated[list[DissentIn], Field(max_length=MANY)] = Field(default_factory=list)
    recusals: Annotated[list[RecusalIn], Field(max_length=MANY)] = Field(default_factory=list)
    excess_reason: Reason | None = Field(
        default=None,
        description="Required when the amounts granted exceed those applied for; printed in the §.",
    )


class DelegatedDecisionIn(Strict):
    """The officer's decision within the delegation limit."""

    outcome: Literal["approve", "reject"]
    amounts: Annotated[list[BudgetLineIn], Field(max_length=20)] = Field(
        default_factory=list, description="Per year, required to approve."
    )
    reason: Reason | None = None
    expected_version: Version | None = None


# --- answers ---------------------------------------------------------------------------------


class AmountOut(Out):
    year: int
    amount_sek: int


class VoteOut(Out):
    user: ActorOut
    vote: VoteName


class DissentOut(Out):
    user: ActorOut
    kind: DissentKind
    text: str


class RecusalOut(Out):
    user: ActorOut
    reason: str | None


class DecisionQuorumOut(Out):
    seats: int
    present: int = Field(description="Seats filled for this item (jävig members left out).")


class DecisionOut(Out):
    """A decision: by the board at a meeting (with its §), or by delegation."""

    id: int
    application_id: int
    meeting_id: int | None
    delegated: bool
    paragraph: int | None = Field(description="The § of a board decision.")
    paragraph_year: int | None
    outcome: Outcome
    conditions: str | None
    questions: str | None
    amounts: list[AmountOut]
    votes: list[VoteOut]
    casting_vote: Literal["yes", "no"] | None
    dissents: list[DissentOut]
    recusals: list[RecusalOut]
    quorum: DecisionQuorumOut | None
    decided_by: ActorOut | None
    decided_at: Timestamp
    legal_force_on: date | None = Field(
        description=(
            "A board decision's laga kraft date if not appealed: the day after the three-week"
            " appeal period from the posting of the signed protocol; null until posted."
        )
    )
    matter: Literal["grant", "liv_admission", "liv_year"] = Field(
        description="A grant, admission to long-term financing (LIV), or a LIV year."
    )
    excess_reason: str | None = Field(
        description="Why the board granted more than was applied for."
    )
    extract_url: str | None = Field(
        description=(
            "The extract (protokollsutdrag) of this decision once its protocol is signed;"
            " the address stays the same whatever is decided later."
        )
    )


class DecisionListOut(Out):
    items: list[DecisionOut]


class AgendaItemOut(Out):
    id: int
    position: int
    kind: AgendaKind = Field(
        description=(
            "`application` (for decision), `delegation_report`, `decision` (beslutsärende),"
            " `information`, `standard` (opening, justerare, agenda, previous minutes,"
            " closing) or `other` (a question raised at the meeting)."
        )
    )
    item_state: ItemStateName = Field(description="`listed`, `decided` or `tabled` (bordlagt).")
    application_id: int | None
    title: str | None
    diary_number: str | None
    proposal: str | None = Field(description="The proposed decision of an item by title.")
    decision_text: str | None = Field(description="The board's decision on an item by title.")
    standard: str | None = Field(description="Which standard item this is.")
    added_at_meeting: bool
    state: StateName | None = Field(description="The application's state, for its items.")
    paragraph: int | None = Field(
        description="The item's § (taken when the meeting opens, in agenda order)."
    )
    decision: DecisionOut | None = Field(
        description="The board's decision at this meeting, or the delegated decision reported."
    )


class QuorumOut(Out):
    seats: int = Field(description="One per ledamot grant of a member organisation.")
    filled: int = Field(description="Seats filled by present ledamöter or their ersättare.")
    quorate: bool = Field(description="More than half of the seats are filled.")


class AttendanceOut(Out):
    user: ActorOut
    member_id: int
    member_name: str
    seat: Seat
    office: Literal["chair", "vice_chair"] | None = Field(
        description="The ledamot's office on the board: the chair (ordförande) or the vice chair."
    )
    present: bool
    serving: bool = Field(description="Fills a seat (votes) when no one is jävig.")


class ParagraphsOut(Out):
    first: int
    last: int


class MeetingOut(Out):
    """A board meeting with its agenda, attendance and decisions."""

    id: int
    association: str = Field(description="The association's slug.")
    date: date
    starts_at: ClockTime | None
    ends_at: ClockTime | None
    location: str | None
    state: MeetingStateName
    version: int
    created_at: Timestamp
    opened_at: Timestamp | None
    closed_at: Timestamp | None
    signed_at: Timestamp | None
    chair: ActorOut | None
    justerare: ActorOut | None
    signed_by: ActorOut | None
    paragraphs: ParagraphsOut | None = Field(description="The § range of the meeting.")
    quorum: QuorumOut
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut]
    allowed_transitions: list[MeetingTrigger]


class MeetingSummaryOut(Out):
    id: int
    date: date
    location: str | None
    state: MeetingStateName
    version: int
    items: int = Field(description="Items on the agenda.")


# --- serialisation ---------------------------------------------------------------------------


def decision_json(
    decision: Decision, entry: AgendaEntry | None, people: dict[int, User]
) -> dict[str, Any]:
    """A decision with its amounts, votes, dissents and the item's recusals."""
    quorum = (
        {"seats": decision.quorum_seats, "present": decision.quorum_present}
        if decision.quorum_seats is not None
        else None
    )
    return {
        "id": decision.id,
        "application_id": decision.application_id,
        "meeting_id": decision.meeting_id,
        "delegated": decision.delegated,
        "paragraph": decision.paragraph,
        "paragraph_year": decision.paragraph_year,
        "outcome": decision.outcome,
        "conditions": decision.conditions,
        "questions": decision.questions,
        "amounts": [{"year": a.year, "amount_sek": a.amount_sek} for a in decision.amounts],
        "votes": [
            {"user": actor_json(people.get(v.user_id)), "vote": v.vote} for v in decision.votes
        ],
        "casting_vote": decision.casting_vote,
        "dissents": [
            {"user": actor_json(people.get(d.user_id)), "kind": d.kind, "text": d.text}
            for d in decision.dissents
        ],
        "recusals": [
            {"user": actor_json(people.get(r.user_id)), "reason": r.reason}
            for r in (entry.recusals if entry is not None and not decision.delegated else ())
        ],
        "quorum": quorum,
        "decided_by": actor_json(people.get(decision.decided_by_id)),
        "decided_at": timestamp(decision.decided_at),
        "legal_force_on": _iso(protocols_rules.legal_force_for(db.session, decision)),
        "matter": decision.matter,
        "excess_reason": decision.excess_reason,
        "extract_url": _extract_url(decision),
    }


def _extract_url(decision: Decision) -> str | None:
    """The decision's extract, once its protocol is signed (board decisions only)."""
    if decision.delegated or decision.meeting_id is None:
        return None
    meeting = db.session.get(Meeting, decision.meeting_id)
    if meeting is None or meeting.state != meeting_machine.MeetingState.PROTOCOL_SIGNED:
        return None
    return url_for(
        "api.get_decision_extract_pdf",
        application_id=decision.application_id,
        decision_id=decision.id,
    )


def item_json(entry: AgendaEntry, people: dict[int, User]) -> dict[str, Any]:
    """One agenda item as the API shows it."""
    item, app = entry.item, entry.application
    return {
        "id": item.id,
        "position": item.position,
        "kind": item.kind,
        "item_state": item.state,
        "application_id": item.application_id,
        "title": entry.title,
        "diary_number": app.diary_number if app is not None else item.diary_number,
        "proposal": item.proposal,
        "decision_text": item.decision_text,
        "standard": item.standard,
        "added_at_meeting": item.added_at_meeting,
        "state": app.state if app is not None else None,
        "paragraph": entry.paragraph,
        "decision": decision_json(entry.decision, entry, people) if entry.decision else None,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _user_ids(entries: list[AgendaEntry]) -> set[int]:
    ids: set[int] = set()
    for entry in entries:
        ids |= {r.user_id for r in entry.recusals}
        if entry.decision is not None:
            ids.add(entry.decision.decided_by_id)
            ids |= {v.user_id for v in entry.decision.votes}
            ids |= {d.user_id for d in entry.decision.dissents}
    return ids


def meeting_json(meeting: Meeting, user: User) -> dict[str, Any]:
    """The meeting as the API shows it."""
    session = db.session
    association = meetings_rules.association_of(session, meeting.association_id)
    entries = meetings_rules.agenda(session, meeting)
    people = meetings_rules.people_by_id(
        session,
        _user_ids(entries) | {meeting.chair_id, meeting.justerare_id, meeting.signed_by_id},  # type: ignore[arg-type]
    )
    quorum = meetings_rules.quorum(session, meeting)
    serving = quorum.voter_ids
    span = meetings_rules.paragraph_range(session, meeting)
    return {
        "id": meeting.id,
        "association": association.slug,
        "date": meeting.date.isoformat(),
        "starts_at": clock_value(meeting.starts_at),
        "ends_at": clock_value(meeting.ends_at),
        "location": meeting.location,
        "state": meeting.state,
        "version": meeting.version,
        "created_at": timestamp(meeting.created_at),
        "opened_at": timestamp(meeting.opened_at),
        "closed_at": timestamp(meeting.closed_at),
        "signed_at": timestamp(meeting.signed_at),
        "chair": actor_json(people.get(meeting.chair_id)) if meeting.chair_id else None,
        "justerare": actor_json(people.get(meeting.justerare_id)) if meeting.justerare_id else None,
        "signed_by": actor_json(people.get(meeting.signed_by_id)) if meeting.signed_by_id else None,
        "paragraphs": {"first": span[0], "last": span[1]} if span else None,
        "quorum": {"seats": quorum.seats, "filled": quorum.filled, "quorate": quorum.quorate},
        "agenda": [item_json(e, people) for e in entries],
        "attendance": [
            {
                "user": actor_json(person.user),
                "member_id": person.member.id,
                "member_name": person.member.name,
                "seat": person.seat,
                "office": person.office,
                "present": present,
                "serving": person.user_id in serving,
            }
            for person, present in meetings_rules.attendance_rows(session, meeting)
        ],
        "allowed_transitions": MEETING.allowed(user, meeting),
    }


def _summary_json(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "date": meeting.date.isoformat(),
        "location": meeting.location,
        "state": meeting.state,
        "version": meeting.version,
        "items": len(meeting.agenda_items),
    }


def _fresh_json(meeting: Meeting, user: User) -> dict[str, Any]:
    # Read back what the step stored (flushed first, or expiring would drop it), as a later
    # GET shows it.
    db.session.flush()
    db.session.expire_all()
    fresh = db.session.get(Meeting, meeting.id)
    assert fresh is not None
    return meeting_json(fresh, user)


def _load_meetings_of(slug: str, user: User) -> Any:
    association = load_association(slug, user)
    if not permissions.can_view_meetings(user, association.id):
        raise Forbidden(_l("Only officers, the board and auditors see the board's meetings."))
    return association


# --- meetings --------------------------------------------------------------------------------


@route(
    "/associations/<slug>/meetings",
    method="POST",
    summary="Plan a board meeting",
    tag="meetings",
    body=MeetingCreate,
    response=MeetingOut,
    status=201,
    errors=(403,),
    params={"slug": SLUG},
)
def create_meeting(user: User, slug: str, body: MeetingCreate) -> dict[str, Any]:
    """Officers. Delegated decisions not yet reported are put on its agenda."""
    association = load_association(slug, user)
    meeting = meetings.create_meeting(
        db.session,
        association,
        on=body.date,
        location=body.location,
        starts_at=body.starts_at,
        by=user,
    )
    return _fresh_json(meeting, user)


@route(
    "/associations/<slug>/meetings",
    summary="The association's board meetings, the latest first",
    tag="meetings",
    query=PageQuery,
    response=Page[MeetingSummaryOut],
    errors=(403,),
    params={"slug": SLUG},
)
def list_meetings(user: User, slug: str, query: PageQuery) -> dict[str, Any]:
    """Officers, board members, the chair and auditors."""
    association = _load_meetings_of(slug, user)
    statement = (
        select(Meeting)
        .where(Meeting.association_id == association.id)
        .order_by(Meeting.date.desc(), Meeting.id.desc())  # type: ignore[attr-defined]
    )
    return paginate(db.session, statement, query, _summary_json)


@route(MEETING_PATH, summary="Read a board meeting", tag="meetings", response=MeetingOut)
def get_meeting(user: User, meeting_id: int) -> dict[str, Any]:
    """With its agenda, attendance, quorum and the decisions taken."""
    return meeting_json(meetings.load(db.session, meeting_id, user), user)


@route(
    f"{MEETING_PATH}/transitions/<trigger>",
    method="POST",
    summary="Open or close a meeting, or sign its protocol",
    tag="meetings",
    body=MeetingStepBody,
    response=MeetingOut,
    errors=(403, 409),
    description=(
        "The chair. `open` before the meeting's date is `409` code `too_early`; `close` takes"
        " `ends_at` (`HH:MM`), required unless the meeting is held today."
    ),
    params={"trigger": MEETING_TRIGGER},
)
def fire_meeting_transition(
    user: User, meeting_id: int, trigger: str, body: MeetingStepBody
) -> dict[str, Any]:
    """The chair. Closing numbers the reported delegated decisions; `sign` needs a justerare."""
    meeting = meetings.load(db.session, meeting_id, user)
    payload = body.model_dump(exclude_unset=True, exclude={"expected_version"})
    engine.fire(
        MEETING,
        meeting,
        trigger,
        by=user,
        session=db.session,
        payload=payload,
        expected_version=body.expected_version,
    )
    return _fresh_json(meeting, user)


# --- the agenda ------------------------------------------------------------------------------


@route(
    f"{MEETING_PATH}/agenda",
    method="POST",
    summary="Place proposed applications on the agenda",
    tag="meetings",
    body=AgendaAdd,
    response=MeetingOut,
    status=201,
    errors=(403, 409),
    description=(
        "Officers, before the meeting opens. `application_id`, or `application_ids` for"
        " several at once (in that order, after the items already there). Each must be"
        " `proposed` (else 409 naming it); each moves to `on_agenda`."
    ),
)
def add_agenda_items(user: User, meeting_id: int, body: AgendaAdd) -> dict[str, Any]:
    """Place one or several applications on the agenda."""
    meeting = meetings.load(db.session, meeting_id, user)
    if (body.application_id is None) == (body.application_ids is None):
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[
                Problem("application_id", _l("Give application_id or application_ids, not both."))
            ],
        )
    single = body.application_id is not None
    ids = [body.application_id] if single else list(body.application_ids or [])
    try:
        meetings.add_to_agenda(db.session, meeting, ids, by=user)  # type: ignore[arg-type]
    except DomainError as exc:
        if single:
            # Name the field the client sent.
            exc.problems = [
                Problem("application_id", p.message) if p.field.startswith("application_ids") else p
                for p in exc.problems
            ]
        raise
    return _fresh_json(meeting, user)


@route(
    f"{MEETING_PATH}/agenda/<{ID}:application_id>",
    method="DELETE",
    summary="Take an application off the agenda",
    tag="meetings",
    response=MeetingOut,
    errors=(403, 409),
    description=(
        "Officers, before the meeting opens (→ `proposed`); after the meeting too for an item"
        " it left undecided. A reported delegated decision stays (409)."
    ),
)
def remove_agenda_item(user: User, meeting_id: int, application_id: int) -> dict[str, Any]:
    """Remove one item; the rest keep their order."""
    meeting = meetings.load(db.session, meeting_id, user)
    meetings.remove_from_agenda(db.session, meeting, application_id, by=user)
    return _fresh_json(meeting, user)


@route(
    f"{MEETING_PATH}/agenda/order",
    method="PUT",
    summary="Put the agenda in a new order",
    tag="meetings",
    body=AgendaOrder,
    response=MeetingOut,
    errors=(403, 409),
    description="Officers, before the meeting opens: every application on the agenda, once.",
)
def order_agenda(user: User, meeting_id: int, body: AgendaOrder) -> dict[str, Any]:
    """Reorder the agenda."""
    meeting = meetings.load(db.session, meeting_id, user)
    if (body.application_ids is None) == (body.item_ids is None):
        raise ValidationFailed(
            _l("Some fields are invalid."),
            problems=[Problem("item_ids", _l("Give item_ids or application_ids, not both."))],
        )
    if body.item_ids is not None:
        meetings.reorder_items(db.session, meeting, body.item_ids, by=user)
    else:
        meetings.reorder(db.session, meeting, body.application_ids or [], by=user)
    return _fresh_json(meeting, user)


def _item_out(meeting_id: int, item_id: int, user: User) -> dict[str, Any]:
    db.session.flush()
    db.session.expire_all()
    meeting = meetings.load(db.session, meeting_id, user)
    entry = next(e for e in meetings_rules.agenda(db.session, meeting) if e.item.id == item_id)
    return item_json(entry, meetings_rules.people_by_id(db.session, _user_ids([entry])))


@route(
    f"{MEETING_PATH}/items",
    method="POST",
    summary="Add an item by title to the agenda",
    tag="meetings",
    body=ItemCreate,
    response=AgendaItemOut,
    status=201,
    errors=(403, 409),
    description=(
        "A beslutsärende (`decision`, with its proposed decision), an informationsärende or"
        " another question, placed before the closing item. Officers before the meeting opens;"
        " at the open meeting only the chair, recording the board's decision to add it (it takes"
        " the next §; when the meeting closes the §§ follow the agenda again). 409 otherwise."
    ),
)
def add_item(user: User, meeting_id: int, body: ItemCreate) -> dict[str, Any]:
    """Add an item by title."""
    meeting = meetings.load(db.session, meeting_id, user)
    item = meetings.add_item(
        db.session,
        meeting,
        meetings.ItemIn(body.kind, body.title, body.proposal, body.diary_number),
        by=user,
    )
    return _item_out(meeting_id, item.id, user)  # type: ignore[arg-type]


@route(
    f"{MEETING_PATH}/items/<{ID}:item_id>",
    method="DELETE",
    summary="Take an item off the agenda",
    tag="meetings",
    response=MeetingOut,
    errors=(403, 409),
    description=(
        "Officers, before the meeting opens (an application goes back to `proposed`); after"
        " the meeting an item the board left undecided is tabled instead and keeps its §."
        " A reported delegated decision stays (409)."
    ),
)
def remove_item(user: User, meeting_id: int, item_id: int) -> dict[str, Any]:
    """Remove (or, after the meeting, table) one item."""
    meeting = meetings.load(db.session, meeting_id, user)
    meetings.remove_item(db.session, meeting, item_id, by=user)
    return _fresh_json(meeting, user)


@route(
    f"{MEETING_PATH}/items/<{ID}:item_id>/decision",
    method="POST",
    summary="Record the board's decision on an item by title",
    tag="meetings",
    body=ItemDecisionIn,
    response=AgendaItemOut,
    status=201,
    errors=(403, 409),
    description=(
        "The chair, while the meeting is open; again to correct the text. An application is"
        " decided with `POST /meetings/{id}/decisions` (409 here)."
    ),
)
def decide_item(user: User, meeting_id: int, item_id: int, body: ItemDecisionIn) -> dict[str, Any]:
    """Write the § text of a decision, information or other item."""
    meeting = meetings.load(db.session, meeting_id, user)
    meetings.decide_item(db.session, meeting, item_id, body.text, by=user)
    return _item_out(meeting_id, item_id, user)


@route(
    f"{MEETING_PATH}/items/<{ID}:item_id>/table",
    method="POST",
    summary="Table an item (bordläggning)",
    tag="meetings",
    response=AgendaItemOut,
    status=201,
    errors=(403, 409),
    description=(
        "The chair at the open meeting, or the officer after it: the board leaves the item"
        " undecided; it keeps its § and an application may go on a later agenda."
    ),
)
def table_item(user: User, meeting_id: int, item_id: int) -> dict[str, Any]:
    """Leave an item undecided."""
    meeting = meetings.load(db.session, meeting_id, user)
    meetings.table_item(db.session, meeting, item_id, by=user)
    return _item_out(meeting_id, item_id, user)


# --- attendance ------------------------------------------------------------------------------


@route(
    f"{MEETING_PATH}/attendance",
    method="PUT",
    summary="Record who is present",
    tag="meetings",
    body=AttendanceIn,
    response=MeetingOut,
    errors=(403, 409),
    description=(
        "Officers and the chair, while the meeting is planned or open. The body is a list of"
        ' `{"user_id", "present"}` of board members (ledamöter and ersättare); a user who is'
        " not a board member of the association is 422 naming `{index}.user_id`."
    ),
)
def put_attendance(user: User, meeting_id: int, body: AttendanceIn) -> dict[str, Any]:
    """Record attendance; an absent ledamot's seat is taken by a present ersättare."""
    meeting = meetings.load(db.session, meeting_id, user)
    meetings.record_attendance(
        db.session,
        meeting,
        [meetings.AttendanceIn(e.user_id, e.present) for e in body.root],
        by=user,
    )
    return _fresh_json(meeting, user)


# --- decisions -------------------------------------------------------------------------------


@route(
    f"{MEETING_PATH}/decisions",
    method="POST",
    summary="Record the board's decision on an item",
    tag="meetings",
    body=DecisionIn,
    response=DecisionOut,
    status=201,
    errors=(403, 409),
    description=(
        "The chair, while the meeting is open. Takes the next § of the association's year."
        " 403 anyone else; 404 an application you cannot see; 409 an item not on this"
        " meeting's agenda (`not_on_agenda`), a meeting not open (`invalid_state`) or an item"
        " already decided (`already_decided`); 422 invalid input, a board not quorate for the"
        " item (`attendance`), an approval without amounts or one that would take a year's"
        " projected balance below zero (`amounts`), or votes that do not carry the outcome."
    ),
)
def create_decision(user: User, meeting_id: int, body: DecisionIn) -> dict[str, Any]:
    """Decide one item: approve, approve with conditions, reject or refer back."""
    meeting = meetings.load(db.session, meeting_id, user)
    decision = meetings.decide(
        db.session,
        meeting,
        meetings.DecisionInput(
            application_id=body.application_id,
            outcome=body.outcome,
            amounts=[meetings.AmountIn(a.year, a.amount_sek) for a in body.amounts],
            conditions=body.conditions,
            questions=body.questions,
            votes=[meetings_rules.VoteIn(v.user_id, v.vote) for v in body.votes],
            casting_vote=body.casting_vote,
            dissents=[meetings_rules.DissentIn(d.user_id, d.kind, d.text) for d in body.dissents],
            recusals=[meetings_rules.RecusalIn(r.user_id, r.reason) for r in body.recusals],
            excess_reason=body.excess_reason,
        ),
        by=user,
    )
    db.session.flush()  # stored before everything is read again
    db.session.expire_all()
    meeting = meetings.load(db.session, meeting_id, user)
    entry = next(
        e
        for e in meetings_rules.agenda(db.session, meeting)
        if e.decision and e.decision.id == decision.id
    )
    assert entry.decision is not None
    people = meetings_rules.people_by_id(db.session, _user_ids([entry]))
    return decision_json(entry.decision, entry, people)


@route(
    f"{APPLICATION_PATH}/transitions/{DECIDE_DELEGATED}",
    method="POST",
    summary="Decide a prepared application by delegation",
    tag="applications",
    body=DelegatedDecisionIn,
    response=ApplicationOut,
    errors=(403, 409),
    description=(
        "Whom the association's delegationsordning names (`/associations/{slug}/delegations`,"
        " matter `grant` or `urgent`): the officers as `director`, the chair as `chair`"
        " (ordförandebeslut); from `prepared`: approve (with `amounts` per year) or reject."
        " The application's total, and for an approval the total granted, must be within the"
        " limit of one of the delegate's rows: above every such limit the board decides, and"
        " the answer is 403 (`above_delegation_limit`, a detail naming `amounts`); without"
        " any row, 403 (`no_delegation`). An approval the budget cannot carry is 422 on"
        " `amounts`. The decision is reported at the next meeting when its row says so."
    ),
)
def decide_delegated(user: User, application_id: int, body: DelegatedDecisionIn) -> dict[str, Any]:
    """Approve or reject within the delegationsordning (→ approved | rejected)."""
    app = applications.load_visible(db.session, application_id, user)
    meetings.decide_delegated(
        db.session,
        app,
        by=user,
        outcome=body.outcome,
        amounts=[meetings.AmountIn(a.year, a.amount_sek) for a in body.amounts],
        reason=body.reason,
        expected_version=body.expected_version,
    )
    db.session.flush()  # stored before it is read again
    db.session.refresh(app)
    return application_json(app, user)


@route(
    f"{APPLICATION_PATH}/decisions",
    summary="Every decision on an application",
    tag="applications",
    response=DecisionListOut,
    description=(
        "Whoever may see the application: every decision, oldest first (the grant, a LIV"
        " admission, each LIV year; delegated ones too), each with `extract_url` once its"
        " protocol is signed."
    ),
)
def list_decisions(user: User, application_id: int) -> dict[str, Any]:
    """The application's decisions, oldest first."""
    app = applications.load_visible(db.session, application_id, user)
    rows = list(
        db.session.exec(
            select(Decision)
            .where(Decision.application_id == app.id)
            .order_by(Decision.decided_at, Decision.id)  # type: ignore[arg-type]
        ).all()
    )
    people = meetings_rules.people_by_id(db.session, _decision_user_ids(rows))
    return {"items": [decision_json(d, None, people) for d in rows]}


def _decision_user_ids(rows: list[Decision]) -> set[int]:
    ids: set[int] = set()
    for decision in rows:
        ids.add(decision.decided_by_id)
        ids |= {v.user_id for v in decision.votes}
        ids |= {d.user_id for d in decision.dissents}
    return ids
