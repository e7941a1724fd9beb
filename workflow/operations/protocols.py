"""Protocols (minutes) of board meetings: justering, the notice (anslag), laga kraft, extracts.

`build` reads a meeting once into a plain structure (`Protocol`); the page, the JSON and the
PDF are all rendered from it. The protocol is the legal record, so its text is Swedish
whatever the reader's language.

Justering: the justerare chosen at the meeting signs first (`sign_as_justerare`, audited);
the chair's signature is the meeting's `sign` step (workflow/lifecycles/meeting.py), which waits
the justerare's and locks the meeting. The officer then records the posting date; each
decision gains legal force (laga kraft) the day after the three-week appeal period, and the
applicant organisation is sent its extract (protokollsutdrag).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from states import meeting as spec
from workflow import audit, jobs, limits, mail, notifications, permissions
from workflow.engine import Step
from workflow.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.lifecycles.meeting import DOCUMENTS_JOB, justerare_problems
from workflow.models import (
    Application,
    AuditEvent,
    Decision,
    Meeting,
    Member,
    User,
    local_date,
    swedish_time,
)
from workflow.models import today as local_today
from workflow.models.protocols import ProtocolPosting, ProtocolSignature
from workflow.operations import meetings
from workflow.rules import meetings as meetings_rules
from workflow.rules import protocol_texts
from workflow.rules.calendar import clock_text
from workflow.rules.protocols import (
    ORGAN,
    justerare_signed,
    kronor,
    last_appeal_day,
    legal_force_date,
    posting,
    signatures,
)

OUTCOME_SV = {
    "approve": "Bifall",
    "approve_with_conditions": "Bifall med villkor",
    "reject": "Avslag",
    "refer_back": "Återremiss",
}
APPLICATION = spec.APPLICATION_ITEM
VOTE_SV = {"yes": "Ja", "no": "Nej", "abstain": "Avstår"}
SEAT_SV = {"ledamot": "ledamot", "ersattare": "ersättare"}
OFFICE_SV = {"chair": "ordförande", "vice_chair": "vice ordförande"}


# --- dates -----------------------------------------------------------------------------------


# --- reading signatures and the posting ------------------------------------------------------


def default_kept_at(session: Session, meeting: Meeting) -> str:
    """Where the protocol is kept: as at the association's last posting, else its office."""
    last = session.exec(
        select(ProtocolPosting)
        .join(Meeting, Meeting.id == ProtocolPosting.meeting_id)  # type: ignore[arg-type]
        .where(Meeting.association_id == meeting.association_id)
        .order_by(ProtocolPosting.recorded_at.desc(), ProtocolPosting.id.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    if last is not None:
        return last.kept_at
    association = meetings_rules.association_of(session, meeting.association_id)
    return f"Kansliet, {association.name}"


# --- justering -------------------------------------------------------------------------------


def _require_unlocked(meeting: Meeting) -> None:
    if meeting.state in spec.TERMINAL:
        raise Conflict(
            _l("The protocol is signed: the meeting can no longer be changed."),
            code="protocol_signed",
        )


def choose_justerare(session: Session, meeting: Meeting, user_id: int, *, by: User) -> None:
    """The chair chooses (or changes) the justerare of a closed meeting, before anyone signed."""
    if not permissions.can_lead(by, meeting):
        raise Forbidden(_l("Only the chair chooses the justerare."))
    meeting = meetings._lock_meeting(session, meeting)
    _require_unlocked(meeting)
    if meeting.state != spec.MeetingState.CLOSED:
        raise Conflict(
            _l("The justerare is chosen at the meeting's steps until it is closed."),
            code="invalid_state",
        )
    if signatures(session, meeting):
        raise Conflict(
            _l("The justerare has already signed: the choice can no longer change."),
            code="already_signed",
        )
    problems = justerare_problems(
        Step(session, meeting, by, "choose_justerare", {"justerare_id": user_id})
    )
    if problems:
        raise ValidationFailed(_l("The justerare cannot be chosen."), problems=problems)
    previous = meeting.justerare_id
    meeting.justerare_id = user_id
    session.add(meeting)
    session.flush()
    audit.record(
        session,
        action="choose_justerare",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        data={"justerare_id": user_id, "previous": previous},
    )


def sign_as_justerare(session: Session, meeting: Meeting, *, by: User) -> ProtocolSignature:
    """The justerare signs the protocol of a closed meeting (before the chair does)."""
    meeting = meetings._lock_meeting(session, meeting)
    if meeting.justerare_id is None or by.id != meeting.justerare_id:
        raise Forbidden(_l("Only the justerare chosen at the meeting signs the protocol here."))
    _require_unlocked(meeting)
    if meeting.state != spec.MeetingState.CLOSED:
        raise Conflict(
            _l("The protocol can be signed only after the meeting is closed."),
            code="invalid_state",
        )
    if justerare_signed(session, meeting, by.id):
        raise Conflict(_l("You have already signed this protocol."), code="already_signed")
    row = ProtocolSignature(meeting_id=meeting.id, user_id=by.id, role="justerare")  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="justera",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        data={"role": "justerare"},
    )
    return row


# --- the notice (anslag) ---------------------------------------------------------------------


def record_posting(
    session: Session,
    meeting: Meeting,
    *,
    posted_on: date | None,
    kept_at: str | None,
    by: User,
    today: date | None = None,
) -> ProtocolPosting:
    """The officer records the day the notice of the signed protocol went up, and where the
    protocol is kept; the applicants of each decided application are sent their extract."""
    if not permissions.can_plan_meetings(by, meeting.association_id):
        raise Forbidden(_l("Only the association's officers record the posting of the notice."))
    meeting = meetings._lock_meeting(session, meeting)
    if meeting.state != spec.MeetingState.PROTOCOL_SIGNED:
        raise Conflict(
            _l("The notice is posted after the protocol is signed."), code="invalid_state"
        )
    if posting(session, meeting) is not None:
        raise Conflict(
            _l("The posting of this protocol is already recorded."), code="already_posted"
        )
    place = (kept_at or "").strip()
    problems = []
    signed_on = local_date(meeting.signed_at) if meeting.signed_at else meeting.date
    if posted_on is None:
        problems.append(Problem("posted_on", _l("Give the date the notice was posted.")))
    elif posted_on < signed_on:
        problems.append(
            Problem(
                "posted_on",
                _l(
                    "The notice cannot go up before the protocol was signed (%(date)s).",
                    date=signed_on.isoformat(),
                ),
            )
        )
    elif posted_on > (today or local_today()):
        problems.append(Problem("posted_on", _l("The date cannot be in the future.")))
    if not place:
        problems.append(Problem("kept_at", _l("Say where the protocol is kept.")))
    elif len(place) > limits.NAME_MAX:
        problems.append(Problem("kept_at", _l("At most %(n)s characters.", n=limits.NAME_MAX)))
    if problems:
        raise ValidationFailed(_l("The posting cannot be recorded."), problems=problems)
    assert posted_on is not None
    row = ProtocolPosting(
        meeting_id=meeting.id,  # type: ignore[arg-type]
        posted_on=posted_on,
        kept_at=place,
        recorded_by_id=by.id,  # type: ignore[arg-type]
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="post_protocol",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        data={
            "posted_on": posted_on.isoformat(),
            "kept_at": place,
            "legal_force_on": legal_force_date(posted_on).isoformat(),
        },
    )
    _queue_extract_mail(session, meeting, row)
    # The notice is part of the document: the stored PDFs are built anew.
    jobs.after_commit(DOCUMENTS_JOB, meeting.id)
    return row


def _queue_extract_mail(session: Session, meeting: Meeting, row: ProtocolPosting) -> None:
    """Tell each decided application's applicants, with a link to their extract."""
    association = meetings_rules.association_of(session, meeting.association_id)
    for entry in meetings_rules.agenda(session, meeting):
        if entry.item.kind != spec.APPLICATION_ITEM or entry.decision is None:
            continue
        app = entry.application
        assert app is not None
        people = notifications.lead_applicants(session, app)
        if not people:
            continue
        subject, body = notifications.render(
            "mail/protocol_extract.txt",
            {
                "title": app.title or "(utan titel)",
                "diary_number": app.diary_number,
                "association": association.name,
                "paragraph": entry.decision.paragraph,
                "meeting_date": meeting.date.isoformat(),
                "outcome": OUTCOME_SV.get(entry.decision.outcome, entry.decision.outcome),
                "posted_on": row.posted_on.isoformat(),
                "last_appeal_day": last_appeal_day(row.posted_on).isoformat(),
                "legal_force_on": legal_force_date(row.posted_on).isoformat(),
                "extract_url": extract_url(app, entry.decision),
                "url": notifications.application_url(app),
            },
        )
        mail.queue(
            session,
            to=[person.email for person in people],
            subject=subject,
            body=body,
            event="protocol_extract",
            association_id=meeting.association_id,
            application_id=app.id,
        )


def extract_url(app: Application, decision: Decision) -> str:
    """The extract's absolute address, built without a request (APP_BASE_URL); it stays the
    same whatever the board decides on the application later."""
    from flask import current_app

    path = current_app.url_map.bind("localhost").build(
        "protocols.decision_extract_pdf",
        {"application_id": app.id, "decision_id": decision.id},
    )
    return current_app.config["APP_BASE_URL"].rstrip("/") + path


# --- the protocol as data --------------------------------------------------------------------


@dataclass
class Person:
    """A name in the protocol, with the member organisation and seat where it applies."""

    user_id: int | None
    name: str
    member: str | None = None
    seat: str | None = None
    replaces: str | None = None
    # The ledamot's office on the board: ordförande or vice ordförande.
    office: str | None = None


@dataclass
class Signatory:
    """One signature line: who signs and when they did (None until signed)."""

    role: str
    name: str | None
    signed_at: str | None


@dataclass
class Paragraph:
    """One § of the protocol: a board decision, a reported delegated decision, or another kind."""

    number: int
    kind: str
    item_id: int
    application_id: int | None
    title: str
    diary_number: str | None
    applicant: str | None
    outcome: str | None
    outcome_label: str | None
    decision_text: str
    amounts: list[dict[str, Any]] = field(default_factory=list)
    total_sek: int = 0
    conditions: str | None = None
    questions: str | None = None
    votes: list[dict[str, Any]] = field(default_factory=list)
    vote_counts: dict[str, int] | None = None
    casting_vote: str | None = None
    dissents: list[dict[str, Any]] = field(default_factory=list)
    recusals: list[dict[str, Any]] = field(default_factory=list)
    quorum: dict[str, int] | None = None
    delegated_by: str | None = None
    delegated_on: str | None = None
    legal_force_on: str | None = None
    # The officer's proposal (förslag till beslut) for an item by title, or for an
    # application the matter before the board; why more than applied for was granted.
    proposal: str | None = None
    excess_reason: str | None = None
    matter: str | None = None
    decision_id: int | None = None
    state: str | None = None
    added_at_meeting: bool = False
    tabled: bool = False


@dataclass
class Notice:
    """The ANSLAG/BEVIS block: when the notice goes up and comes down, and the appeal date."""

    organ: str
    meeting_date: str
    justered_on: str | None
    posted_on: str
    taken_down_on: str
    last_appeal_day: str
    legal_force_on: str
    kept_at: str


@dataclass
class Protocol:
    """A meeting's minutes as plain data: what the page, the JSON and the PDF show."""

    meeting_id: int
    association: dict[str, str]
    organ: str
    state: str
    signed: bool
    date: str
    location: str | None
    time: str | None
    paragraphs: dict[str, int] | None
    decision_makers: list[Person]
    substitutes: list[Person]
    absent: list[Person]
    others: list[Person]
    chair: Person | None
    justerare: Person | None
    secretary: Person | None
    justering_place: str | None
    signatures: list[Signatory]
    items: list[Paragraph]
    notice: Notice | None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (dataclasses to dicts)."""
        return asdict(self)

    def extract(self, decision_id: int) -> Protocol | None:
        """The same protocol with only the § of one board decision (a protokollsutdrag)."""
        items = [p for p in self.items if p.decision_id == decision_id and p.kind == APPLICATION]
        if not items:
            return None
        number = items[0].number
        return Protocol(
            **{
                **{f: getattr(self, f) for f in self.__dataclass_fields__},
                "items": items,
                "paragraphs": {"first": number, "last": number},
            }
        )


def meeting_time(meeting: Meeting) -> str | None:
    """The meeting's own times (kl. 13.00–15.30), never when the chair clicked open or close."""
    if meeting.starts_at is None:  # planned before meetings had times
        return None
    start = clock_text(meeting.starts_at)
    if meeting.ends_at is None:
        return f"kl. {start}–" if meeting.opened_at is not None else f"kl. {start}"
    return f"kl. {start}–{clock_text(meeting.ends_at)}"


def _local(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return swedish_time(moment).strftime("%Y-%m-%d %H.%M")


def _secretary(session: Session, meeting: Meeting) -> User | None:
    """The officer who planned the meeting keeps its minutes (the secretary)."""
    event = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == "meeting",
            AuditEvent.entity_id == meeting.id,
            AuditEvent.action == "create_meeting",
        )
        .limit(1)
    ).first()
    actor_id = getattr(event, "actor_id", None)
    return session.get(User, actor_id) if actor_id is not None else None


def _decision_text(outcome: str, app: Application, applicant: str | None, total: int) -> str:
    title = app.title or "(utan titel)"
    if outcome == "approve":
        return (
            f"Styrelsen beslutar att bevilja {applicant or 'sökanden'} {kronor(total)}"
            f" för insatsen ”{title}”, fördelat per år enligt nedan."
        )
    if outcome == "approve_with_conditions":
        return (
            f"Styrelsen beslutar att bevilja {applicant or 'sökanden'} {kronor(total)}"
            f" för insatsen ”{title}”, fördelat per år enligt nedan, på de villkor som anges."
        )
    if outcome == "reject":
        return f"Styrelsen beslutar att avslå ansökan om medel för insatsen ”{title}”."
    if outcome == "refer_back":
        return (
            f"Styrelsen beslutar att återremittera ärendet ”{title}” till beredningen"
            " för att besvara styrelsens frågor."
        )
    return f"Styrelsen har behandlat ärendet ”{title}”."


def _board_text(
    decision: Decision, app: Application, applicant: str | None, amounts: list[dict[str, Any]]
) -> str:
    """The § text of the board's decision: a grant, or a LIV admission or year."""
    total = sum(a["amount_sek"] for a in amounts)
    if decision.matter == "grant":
        return _decision_text(decision.outcome, app, applicant, total)
    years = sorted(a["year"] for a in amounts)
    span = (
        ("år " + (f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"))
        if years
        else "kommande år"
    )
    return protocol_texts.liv_decision_text(
        admission=decision.matter == "liv_admission",
        approve=decision.outcome == "approve",
        title=app.title or "(utan titel)",
        applicant=applicant,
        years=span,
        total=total,
    )


def _item_text(
    entry: meetings_rules.AgendaEntry, chair: str, justerare: str, added: list[str]
) -> str:
    """The § text of an item by title: as the chair wrote it, else its standard text."""
    item = entry.item
    if item.state == spec.ItemState.TABLED:
        return protocol_texts.tabled_text()
    if item.decision_text:
        return item.decision_text
    if item.standard == "agenda":
        return protocol_texts.agenda_text_with_additions(added)
    if item.kind == spec.STANDARD_ITEM:
        return protocol_texts.standard_text(
            item.standard or "", chair=chair if chair != "–" else None, justerare=justerare
        )
    return protocol_texts.default_text(item.kind)


# Who decided by delegation, as the protocol names the delegate.
DELEGATE_SV = {
    "director": "Förbundschefen",
    "chair": "Ordföranden",
    "working_committee": "Arbetsutskottet",
}


def _report_text(decision: Decision, app: Application, total: int, by: str | None) -> str:
    title = app.title or "(utan titel)"
    what = f"bevilja {kronor(total)}" if decision.outcome == "approve" else "avslå ansökan"
    on = local_date(decision.decided_at).isoformat()
    return (
        f"{DELEGATE_SV.get(decision.delegate or '', 'Förbundschefen')}"
        f"{f' {by}' if by else ''} har den {on} med stöd av delegation"
        f" beslutat att {what} för insatsen ”{title}”. Styrelsen beslutar att lägga"
        " anmälan av delegationsbeslutet till handlingarna."
    )


def build(session: Session, meeting: Meeting) -> Protocol:
    """Read the meeting into a `Protocol` (a handful of queries)."""
    association = meetings_rules.association_of(session, meeting.association_id)
    entries = meetings_rules.agenda(session, meeting)
    roster = meetings.roster(session, meeting.association_id)
    present = meetings_rules.present_user_ids(session, meeting)
    quorum = meetings_rules.quorum(session, meeting)
    serving = quorum.voter_ids
    ids: set[int | None] = {meeting.chair_id, meeting.justerare_id, meeting.signed_by_id}
    for entry in entries:
        ids |= {r.user_id for r in entry.recusals}
        if entry.decision is not None:
            ids.add(entry.decision.decided_by_id)
            ids |= {v.user_id for v in entry.decision.votes}
            ids |= {d.user_id for d in entry.decision.dissents}
    people = meetings_rules.people_by_id(session, ids)
    members = {
        m.id: m.name
        for m in session.exec(
            select(Member).where(Member.association_id == meeting.association_id)
        ).all()
    }

    def name(user_id: int | None) -> str:
        user = people.get(user_id) if user_id is not None else None
        return user.name if user is not None else "–"

    # Who replaced whom: a serving ersättare takes the seat of an absent ledamot of the
    # same member organisation, in roster order.
    absent_ledamot: dict[int, list[str]] = {}
    for person in roster:
        if person.seat == "ledamot" and person.user_id not in present:
            absent_ledamot.setdefault(person.member.id or 0, []).append(person.user.name)
    decision_makers, substitutes, absent = [], [], []
    for person in roster:
        entry_person = Person(
            person.user_id,
            person.user.name,
            person.member.name,
            SEAT_SV[person.seat],
            office=OFFICE_SV.get(person.office or ""),
        )
        if person.user_id in serving:
            if person.seat == "ersattare":
                queue = absent_ledamot.get(person.member.id or 0, [])
                entry_person.replaces = queue.pop(0) if queue else None
            decision_makers.append(entry_person)
        elif person.user_id in present:
            substitutes.append(entry_person)
        else:
            absent.append(entry_person)
    secretary_user = _secretary(session, meeting)
    secretary = (
        Person(secretary_user.id, secretary_user.name, None, "sekreterare")
        if secretary_user is not None
        else None
    )
    signed = signatures(session, meeting)
    notice_row = posting(session, meeting)
    legal_force = legal_force_date(notice_row.posted_on).isoformat() if notice_row else None
    items = []
    chair_name, justerare_name = name(meeting.chair_id), name(meeting.justerare_id)
    added = meetings_rules.titles_added_at_meeting(e.item for e in entries)
    for entry in entries:
        number = entry.paragraph
        if number is None:
            continue
        item, app, decision = entry.item, entry.application, entry.decision
        paragraph = Paragraph(
            number=number,
            kind=item.kind,
            item_id=item.id,  # type: ignore[arg-type]
            application_id=item.application_id,
            title=entry.title,
            diary_number=app.diary_number if app is not None else item.diary_number,
            applicant=members.get(app.lead_member_id) if app is not None else None,
            outcome=None,
            outcome_label=None,
            decision_text="",
            proposal=item.proposal,
            state=item.state,
            added_at_meeting=item.added_at_meeting,
            tabled=item.state == spec.ItemState.TABLED,
        )
        items.append(paragraph)
        if app is None:
            paragraph.decision_text = _item_text(entry, chair_name, justerare_name, added)
            continue
        if decision is None:
            paragraph.decision_text = (
                protocol_texts.tabled_text()
                if paragraph.tabled
                else _decision_text("", app, paragraph.applicant, 0)
            )
            continue
        paragraph.amounts = [{"year": a.year, "amount_sek": a.amount_sek} for a in decision.amounts]
        paragraph.total_sek = sum(a["amount_sek"] for a in paragraph.amounts)
        paragraph.outcome = decision.outcome
        paragraph.outcome_label = OUTCOME_SV.get(decision.outcome)
        paragraph.decision_id = decision.id
        paragraph.matter = decision.matter
        if item.kind == spec.REPORT_ITEM:
            paragraph.decision_text = _report_text(
                decision, app, paragraph.total_sek, name(decision.decided_by_id)
            )
            paragraph.delegated_by = name(decision.decided_by_id)
            paragraph.delegated_on = local_date(decision.decided_at).isoformat()
            continue
        paragraph.decision_text = _board_text(decision, app, paragraph.applicant, paragraph.amounts)
        if decision.excess_reason:
            requested = sum(a.amount_sek for a in meetings_rules.requested_amounts(app))
            paragraph.excess_reason = protocol_texts.excess_text(
                decision.excess_reason, requested, paragraph.total_sek
            )
        paragraph.conditions = decision.conditions
        paragraph.questions = decision.questions
        paragraph.votes = [
            {"name": name(v.user_id), "vote": v.vote, "label": VOTE_SV[v.vote]}
            for v in decision.votes
        ]
        if decision.votes:
            paragraph.vote_counts = {
                key: sum(1 for v in decision.votes if v.vote == key) for key in VOTE_SV
            }
        paragraph.casting_vote = decision.casting_vote
        paragraph.dissents = [
            {"name": name(d.user_id), "kind": d.kind, "text": d.text} for d in decision.dissents
        ]
        paragraph.recusals = [{"name": name(r.user_id), "reason": r.reason} for r in entry.recusals]
        if decision.quorum_seats is not None:
            paragraph.quorum = {
                "seats": decision.quorum_seats,
                "present": decision.quorum_present or 0,
            }
        paragraph.legal_force_on = legal_force
    numbers = [p.number for p in items]
    justered_on = local_date(meeting.signed_at).isoformat() if meeting.signed_at else None
    notice = (
        Notice(
            organ=f"{ORGAN}, {association.name}",
            meeting_date=meeting.date.isoformat(),
            justered_on=justered_on,
            posted_on=notice_row.posted_on.isoformat(),
            taken_down_on=legal_force_date(notice_row.posted_on).isoformat(),
            last_appeal_day=last_appeal_day(notice_row.posted_on).isoformat(),
            legal_force_on=legal_force or "",
            kept_at=notice_row.kept_at,
        )
        if notice_row is not None
        else None
    )
    chair_sig, justerare_sig = signed.get("chair"), signed.get("justerare")
    return Protocol(
        meeting_id=meeting.id,  # type: ignore[arg-type]
        association={"slug": association.slug, "name": association.name},
        organ=ORGAN,
        state=meeting.state,
        signed=meeting.state == spec.MeetingState.PROTOCOL_SIGNED,
        date=meeting.date.isoformat(),
        location=meeting.location,
        time=meeting_time(meeting),
        paragraphs={"first": min(numbers), "last": max(numbers)} if numbers else None,
        decision_makers=decision_makers,
        substitutes=substitutes,
        absent=absent,
        others=[secretary] if secretary is not None else [],
        chair=Person(meeting.chair_id, name(meeting.chair_id), None, "ordförande")
        if meeting.chair_id
        else None,
        justerare=Person(meeting.justerare_id, name(meeting.justerare_id), None, "justerare")
        if meeting.justerare_id
        else None,
        secretary=secretary,
        justering_place=meeting.location,
        signatures=[
            Signatory(
                "Sekreterare", secretary.name if secretary else None, None if not secretary else ""
            ),
            Signatory(
                "Ordförande",
                name(chair_sig.user_id) if chair_sig else name(meeting.chair_id),
                _local(chair_sig.signed_at) if chair_sig else None,
            ),
            Signatory(
                "Justerande",
                name(justerare_sig.user_id) if justerare_sig else name(meeting.justerare_id),
                _local(justerare_sig.signed_at) if justerare_sig else None,
            ),
        ],
        items=items,
        notice=notice,
    )


def decision_views(session: Session, app: Application) -> list[dict[str, Any]]:
    """Every board decision on the application, oldest first, with its meeting, justering,
    posting and extract (the application's page shows them all)."""
    rows = session.exec(
        select(Decision, Meeting)
        .join(Meeting, Meeting.id == Decision.meeting_id)  # type: ignore[arg-type]
        .where(Decision.application_id == app.id, Decision.delegated == False)  # noqa: E712
        .order_by(Decision.decided_at, Decision.id)  # type: ignore[arg-type]
    ).all()
    views = []
    for decision, meeting in rows:
        row = posting(session, meeting)
        signed = meeting.state == spec.MeetingState.PROTOCOL_SIGNED
        views.append(
            {
                "decision": decision,
                "meeting": meeting,
                "signed": signed,
                "signed_on": local_date(meeting.signed_at) if meeting.signed_at else None,
                "posting": row,
                "last_appeal_day": last_appeal_day(row.posted_on) if row else None,
                "legal_force_on": legal_force_date(row.posted_on) if row else None,
                "extract": signed,
            }
        )
    return views


def board_decision_view(session: Session, app: Application) -> dict[str, Any] | None:
    """The board's newest decision on the application, if any."""
    views = decision_views(session, app)
    return views[-1] if views else None


def extract_for(session: Session, app: Application, decision_id: int | None = None) -> Protocol:
    """The protokollsutdrag of one board decision on `app` (by default its newest decision in
    a signed protocol); NotFound until that protocol is signed."""
    signed = [v for v in decision_views(session, app) if v["signed"]]
    if decision_id is not None:
        signed = [v for v in signed if v["decision"].id == decision_id]
    if not signed:
        raise NotFound(_l("There is no signed protocol with this decision on the application."))
    view = signed[-1]
    extract = build(session, view["meeting"]).extract(view["decision"].id)
    if extract is None:  # pragma: no cover - a board decision always has its §
        raise NotFound(_l("There is no signed protocol with this decision on the application."))
    return extract
