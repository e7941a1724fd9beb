"""Kallelse: the officer calls the board to a meeting; board members answer; an absent
ledamot's ersättare is called in.

`send` mails every ledamot and ersättare the kallelse as a PDF (the agenda and the handlingar:
each item's tjänsteskrivelse, the applications' files as far as a mail carries them) and the
meeting as a calendar file (.ics). It records who was called and when, and warns, without
refusing, when it goes out later than the association's `notice_days` before the meeting.
`respond` records a board member's "kommer / kommer inte"; a ledamot who does not come has
the ersättare of the same member organisation called in (mailed and recorded).
Every verb flushes and audits; the request commits once and the mail goes after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlmodel import Session, select

from states import meeting as spec
from workflow import audit, mail, notifications, pdf, permissions
from workflow.errors import Conflict, Forbidden, Problem, ValidationFailed
from workflow.i18n import _l
from workflow.models import Meeting, User, utcnow
from workflow.models import today as local_today
from workflow.models.kallelse import MailDocument, MeetingCall, MeetingRsvp
from workflow.operations import attachments, meetings, proposals
from workflow.rules import kallelse as rules
from workflow.rules import meetings as meetings_rules
from workflow.rules.meetings import BoardMember
from workflow.rules.protocols import ORGAN

PDF_TEMPLATE = "meetings/kallelse_pdf.html"
ICS_TYPE = "text/calendar; method=PUBLISH; charset=utf-8"
# Files of the applications ride along while the mail stays below what mail servers accept;
# the rest are named in the kallelse and read in the service.
FILES_MAX_BYTES = 10 * 1024 * 1024


# --- the document ----------------------------------------------------------------------------


@dataclass
class AgendaLine:
    """One item of the agenda in the kallelse, with its handlingar."""

    number: int
    kind: str
    title: str
    diary_number: str | None
    proposal: proposals.ProposalDocument | None = None
    files: list[str] = field(default_factory=list)
    # An item by title: the office's proposed decision, or the information given.
    text: str | None = None


@dataclass
class KallelseDocument:
    """The kallelse as sent: what its PDF shows (in Swedish, like the protocol)."""

    association: str
    organ: str
    date: str
    time: str | None
    location: str | None
    agenda: list[AgendaLine]
    board: list[dict[str, str]]
    sender: str | None
    url: str
    files_attached: list[str] = field(default_factory=list)
    files_not_attached: list[str] = field(default_factory=list)


def meeting_url(meeting: Meeting) -> str:
    """The meeting page's absolute address, built without a request (APP_BASE_URL)."""
    path = current_app.url_map.bind("localhost").build("meetings.show", {"meeting_id": meeting.id})
    return current_app.config["APP_BASE_URL"].rstrip("/") + path


def _time_text(meeting: Meeting) -> str | None:
    starts, ends = rules.meeting_times(meeting)
    if starts is None:
        return None
    if ends is None:
        return f"kl. {starts:%H.%M}"
    return f"kl. {starts:%H.%M}–{ends:%H.%M}"


def document(session: Session, meeting: Meeting, *, sender: User | None = None) -> KallelseDocument:
    """Read the meeting into the kallelse: agenda, handlingar, the board called."""
    association = meetings_rules.association_of(session, meeting.association_id)
    lines = []
    for number, entry in enumerate(meetings_rules.agenda(session, meeting), start=1):
        application, kind = entry.application, entry.item.kind
        line = AgendaLine(
            number=number,
            kind=kind,
            title=entry.title,
            diary_number=application.diary_number if application else entry.item.diary_number,
            text=entry.item.proposal,
        )
        if application is not None and kind != "delegation_report":
            line.proposal = proposals.document(session, application)
            line.files = [f.filename for f in attachments.for_application(session, application)]
        lines.append(line)
    board = [
        {
            "name": person.user.name,
            "member": person.member.name,
            "seat": "ledamot" if person.seat == "ledamot" else "ersättare",
        }
        for person in meetings_rules.roster(session, meeting.association_id)
    ]
    return KallelseDocument(
        association=association.name,
        organ=ORGAN,
        date=meeting.date.isoformat(),
        time=_time_text(meeting),
        location=meeting.location,
        agenda=lines,
        board=board,
        sender=sender.name if sender is not None else None,
        url=meeting_url(meeting),
    )


def _event(session: Session, meeting: Meeting, association_name: str) -> rules.EventData:
    starts, ends = rules.meeting_times(meeting)
    domain = current_app.config["MAIL_SENDER"].rpartition("@")[2] or "localhost"
    sent_before = session.exec(
        select(MeetingCall.sent_at)
        .where(MeetingCall.meeting_id == meeting.id, MeetingCall.kind == "notice")
        .distinct()
    ).all()
    return rules.EventData(
        uid=f"meeting-{meeting.id}@{domain}",
        summary=f"Styrelsemöte – {association_name}",
        day=meeting.date,
        starts=starts,
        ends=ends,
        location=meeting.location,
        description=f"Kallelse och handlingar: {meeting_url(meeting)}",
        url=meeting_url(meeting),
        # A sending again (an agenda changed) updates the same calendar entry.
        sequence=len(sent_before),
    )


def _files(session: Session, meeting: Meeting, doc: KallelseDocument) -> list[MailDocument]:
    """The applications' files as mail attachments, while they fit; the rest are named only."""
    rows: list[MailDocument] = []
    total = 0
    for entry in meetings_rules.agenda(session, meeting):
        application = getattr(entry, "application", None)
        if application is None or entry.item.kind == "delegation_report":
            continue
        for row in attachments.for_application(session, application):
            path = attachments.path_of(row)
            if total + row.size_bytes > FILES_MAX_BYTES or not path.is_file():
                doc.files_not_attached.append(row.filename)
                continue
            total += row.size_bytes
            doc.files_attached.append(row.filename)
            rows.append(
                mail.document(
                    session,
                    filename=row.filename,
                    content_type=attachments.CONTENT_TYPES[row.kind],
                    content=path.read_bytes(),
                    association_id=meeting.association_id,
                )
            )
    return rows


# --- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """What `send` did: whom it called, and whether it was late."""

    calls: list[MeetingCall]
    days_before: int
    notice_days: int

    @property
    def late(self) -> bool:
        return rules.is_late(self.days_before, self.notice_days)


def _require_notice_open(meeting: Meeting) -> None:
    if meeting.state not in spec.NOTICE_OPEN:
        raise Conflict(
            _l("The kallelse is sent and answered before the meeting opens."),
            code="invalid_state",
        )


def send(session: Session, meeting: Meeting, *, by: User) -> Sent:
    """Mail the kallelse (PDF and .ics) to every ledamot and ersättare and record it."""
    if not permissions.can_send_kallelse(by, meeting.association_id):
        raise Forbidden(_l("Only the association's officers send the kallelse."))
    meeting = meetings._lock_meeting(session, meeting)
    _require_notice_open(meeting)
    association = meetings_rules.association_of(session, meeting.association_id)
    people = meetings_rules.roster(session, meeting.association_id)
    if not people:
        raise ValidationFailed(
            _l("The kallelse cannot be sent."),
            problems=[Problem("board", _l("The association has no board members to call."))],
        )
    days = rules.days_before(meeting.date, local_today())
    if days < 0:
        raise ValidationFailed(
            _l("The kallelse cannot be sent."),
            problems=[Problem("date", _l("The meeting's date has passed."))],
        )
    doc = document(session, meeting, sender=by)
    files = _files(session, meeting, doc)
    attached = [
        mail.document(
            session,
            filename=f"kallelse-{association.slug}-{meeting.date.isoformat()}.pdf",
            content_type="application/pdf",
            content=pdf.render(PDF_TEMPLATE, k=doc),
            association_id=meeting.association_id,
        ),
        mail.document(
            session,
            filename=f"styrelsemote-{meeting.date.isoformat()}.ics",
            content_type=ICS_TYPE,
            content=rules.calendar_file(_event(session, meeting, association.name)),
            association_id=meeting.association_id,
        ),
        *files,
    ]
    subject, body = notifications.render(
        "mail/kallelse.txt",
        {
            "association": association.name,
            "date": doc.date,
            "time": doc.time,
            "location": doc.location,
            "agenda": doc.agenda,
            "files_not_attached": doc.files_not_attached,
            "url": doc.url,
            "sender": by.name,
        },
    )
    # One message per person, delivered by one job after the commit.
    messages = mail.queue(
        session,
        to=[person.user.email for person in people],
        subject=subject,
        body=body,
        event="kallelse",
        association_id=meeting.association_id,
        application_id=None,
        attachments=attached,
    )
    by_email = {message.to_email: message for message in messages}
    now = utcnow()
    rows = []
    for person in people:
        row = _call(session, meeting, person, "notice", now, by, days, association.notice_days)
        row.mail_message_id = by_email[person.user.email].id
        rows.append(row)
    session.flush()
    audit.record(
        session,
        action="send_kallelse",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        data={
            "to": [p.user_id for p in people],
            "days_before": days,
            "notice_days": association.notice_days,
            "late": rules.is_late(days, association.notice_days),
            "files": doc.files_attached,
        },
    )
    return Sent(calls=rows, days_before=days, notice_days=association.notice_days)


def _call(
    session: Session,
    meeting: Meeting,
    person: BoardMember,
    kind: str,
    now: datetime,
    by: User | None,
    days: int,
    notice_days: int,
    replaces: int | None = None,
) -> MeetingCall:
    row = MeetingCall(
        meeting_id=meeting.id,  # type: ignore[arg-type]
        user_id=person.user_id,
        member_id=person.member.id,  # type: ignore[arg-type]
        seat=person.seat if person.seat in ("ledamot", "ersattare") else "ledamot",
        kind=kind,
        replaces_user_id=replaces,
        email=person.user.email,
        days_before=days,
        notice_days=notice_days,
        sent_by_id=by.id if by is not None else None,
        sent_at=now,
    )
    session.add(row)
    return row


# --- answers ---------------------------------------------------------------------------------


def respond(session: Session, meeting: Meeting, *, attending: bool, by: User) -> MeetingRsvp:
    """A board member answers the kallelse; a ledamot not coming has the ersättare called in."""
    if not permissions.can_answer_kallelse(by, meeting.association_id):
        raise Forbidden(_l("Only the board's members answer the kallelse."))
    meeting = meetings._lock_meeting(session, meeting)
    _require_notice_open(meeting)
    people = meetings_rules.roster(session, meeting.association_id)
    me = next((p for p in people if p.user_id == by.id), None)
    if me is None:
        raise Forbidden(_l("Only the board's members answer the kallelse."))
    row = session.exec(
        select(MeetingRsvp).where(
            MeetingRsvp.meeting_id == meeting.id, MeetingRsvp.user_id == by.id
        )
    ).first()
    now = utcnow()
    if row is None:
        row = MeetingRsvp(
            meeting_id=meeting.id, user_id=by.id, attending=attending, answered_at=now
        )  # type: ignore[arg-type]
    elif row.attending != attending:
        row.attending = attending
        row.changed_at = now
    session.add(row)
    session.flush()
    called: list[int] = []
    if not attending and me.seat == "ledamot":
        called = [c.user_id for c in _call_in(session, meeting, me, people, now, by)]
    audit.record(
        session,
        action="answer_kallelse",
        entity_type="meeting",
        entity_id=meeting.id,
        association_id=meeting.association_id,
        actor=by,
        data={"attending": attending, "called_in": called},
    )
    return row


def _call_in(
    session: Session,
    meeting: Meeting,
    absent: BoardMember,
    people: list[BoardMember],
    now: datetime,
    by: User,
) -> list[MeetingCall]:
    """Call in the ersättare of the absent ledamot's organisation (once per ledamot each)."""
    already = {
        row.user_id
        for row in session.exec(
            select(MeetingCall).where(
                MeetingCall.meeting_id == meeting.id,
                MeetingCall.kind == "call_in",
                MeetingCall.replaces_user_id == absent.user_id,
            )
        )
    }
    wanted = [p for p in rules.standins(people, absent) if p.user_id not in already]
    if not wanted:
        return []
    association = meetings_rules.association_of(session, meeting.association_id)
    days = rules.days_before(meeting.date, local_today())
    subject, body = notifications.render(
        "mail/call_in.txt",
        {
            "association": association.name,
            "date": meeting.date.isoformat(),
            "time": _time_text(meeting),
            "location": meeting.location,
            "absent": absent.user.name,
            "notice_sent": any(row.kind == "notice" for row in rules.calls(session, meeting)),
            "member": absent.member.name,
            "url": meeting_url(meeting),
        },
    )
    messages = mail.queue(
        session,
        to=[person.user.email for person in wanted],
        subject=subject,
        body=body,
        event="kallelse_call_in",
        association_id=meeting.association_id,
        application_id=None,
    )
    by_email = {message.to_email: message for message in messages}
    rows = []
    for person in wanted:
        row = _call(
            session,
            meeting,
            person,
            "call_in",
            now,
            by,
            days,
            association.notice_days,
            replaces=absent.user_id,
        )
        row.mail_message_id = by_email[person.user.email].id
        rows.append(row)
    session.flush()
    return rows


def status(session: Session, meeting: Meeting) -> rules.KallelseStatus:
    """The kallelse of the meeting as the page and the API show it."""
    association = meetings_rules.association_of(session, meeting.association_id)
    return rules.status(session, meeting, association.notice_days)
