"""Kallelse: send it (officer), read who was called and who answered, answer it (board)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from workflow.api.registry import ID, route
from workflow.api.schemas import ActorOut, Out, Timestamp
from workflow.api.serializers import actor_json, timestamp
from workflow.extensions import db
from workflow.models import User
from workflow.operations import kallelse, meetings
from workflow.rules import meetings as meetings_rules
from workflow.schemas import Strict

MEETING = f"/meetings/<{ID}:meeting_id>"
Seat = Literal["ledamot", "ersattare"]


class RsvpIn(Strict):
    """A board member's answer to the kallelse."""

    attending: bool = Field(description="`true`: I will come; `false`: I will not come.")


class RecipientOut(Out):
    user_id: int
    email: str
    member_id: int
    seat: Seat


class SendingOut(Out):
    sent_at: Timestamp
    sent_on: date = Field(description="The Swedish date it was sent.")
    sent_by: ActorOut | None
    days_before: int = Field(description="Whole days between the sending and the meeting.")
    notice_days: int = Field(description="The association's rule when it was sent.")
    late: bool = Field(description="Sent later than `notice_days` before the meeting.")
    recipients: list[RecipientOut]


class CallInOut(Out):
    user: ActorOut | None
    email: str
    member_id: int
    replaces: ActorOut | None = Field(description="The ledamot who will not come.")
    sent_at: Timestamp


class AnswerOut(Out):
    user: ActorOut | None
    member_id: int
    member_name: str
    seat: Seat
    attending: bool | None = Field(description="null: not answered.")
    answered_at: Timestamp | None
    called: bool = Field(description="Sent the kallelse or called in.")
    called_in_for: int | None = Field(description="The user id of the ledamot it stands in for.")


class KallelseWarningOut(Out):
    code: Literal["late_notice"]
    message: str


class KallelseOut(Out):
    """The kallelse of a meeting: its sendings, the call-ins and the board's answers."""

    meeting_id: int
    notice_days: int = Field(description="The association's rule: days before the meeting.")
    due_on: date = Field(description="The last day to send it in time.")
    sent: bool
    late: bool = Field(description="The first sending was later than `notice_days`.")
    sendings: list[SendingOut]
    call_ins: list[CallInOut]
    answers: list[AnswerOut]
    warnings: list[KallelseWarningOut] = Field(
        description="With `POST …/kallelse`: `late_notice` when sent late (sent all the same)."
    )


def kallelse_json(meeting_id: int, user: User, warnings: list[dict[str, str]]) -> dict[str, Any]:
    """The kallelse as the API shows it (read afresh after a step)."""
    session = db.session
    session.flush()
    session.expire_all()
    meeting = meetings.load(session, meeting_id, user)
    status = kallelse.status(session, meeting)
    people = meetings_rules.people_by_id(
        session,
        {s.sent_by_id for s in status.sendings}
        | {c.user_id for c in status.call_ins}
        | {c.replaces_user_id for c in status.call_ins},
    )
    return {
        "meeting_id": meeting.id,
        "notice_days": status.notice_days,
        "due_on": status.due_on.isoformat(),
        "sent": status.sent,
        "late": status.late,
        "sendings": [
            {
                "sent_at": timestamp(s.sent_at),
                "sent_on": s.sent_on.isoformat(),
                "sent_by": actor_json(people.get(s.sent_by_id)) if s.sent_by_id else None,
                "days_before": s.days_before,
                "notice_days": s.notice_days,
                "late": s.late,
                "recipients": [
                    {
                        "user_id": r.user_id,
                        "email": r.email,
                        "member_id": r.member_id,
                        "seat": r.seat,
                    }
                    for r in s.recipients
                ],
            }
            for s in status.sendings
        ],
        "call_ins": [
            {
                "user": actor_json(people.get(c.user_id)),
                "email": c.email,
                "member_id": c.member_id,
                "replaces": actor_json(people.get(c.replaces_user_id)),  # type: ignore[arg-type]
                "sent_at": timestamp(c.sent_at),
            }
            for c in status.call_ins
        ],
        "answers": [
            {
                "user": actor_json(a.person.user),
                "member_id": a.person.member.id,
                "member_name": a.person.member.name,
                "seat": a.person.seat,
                "attending": a.attending,
                "answered_at": timestamp(a.answered_at),
                "called": a.called,
                "called_in_for": a.called_in_for,
            }
            for a in status.answers
        ],
        "warnings": warnings,
    }


@route(
    f"{MEETING}/kallelse",
    summary="The kallelse of a meeting: sent to whom and when, and the answers",
    tag="meetings",
    response=KallelseOut,
)
def get_kallelse(user: User, meeting_id: int) -> dict[str, Any]:
    """Officers, the board, the chair and auditors."""
    return kallelse_json(meeting_id, user, [])


@route(
    f"{MEETING}/kallelse",
    method="POST",
    summary="Send the kallelse to every ledamot and ersättare",
    tag="meetings",
    response=KallelseOut,
    status=201,
    errors=(403, 409, 422),
    description=(
        "Officers, while the meeting is planned (else 409 `invalid_state`). Each ledamot and"
        " ersättare is mailed the kallelse as a PDF (the agenda and each item's"
        " tjänsteskrivelse, with the applications' files as far as the mail carries them) and"
        " the meeting as an `.ics` calendar file. Sent later than the association's"
        " `notice_days` before the meeting it is sent all the same, with the warning"
        " `late_notice`. A meeting whose date has passed, or a board without members, is 422."
    ),
)
def send_kallelse(user: User, meeting_id: int) -> dict[str, Any]:
    """Send (or send again) the kallelse."""
    meeting = meetings.load(db.session, meeting_id, user)
    sent = kallelse.send(db.session, meeting, by=user)
    warnings = []
    if sent.late:
        warnings.append(
            {
                "code": "late_notice",
                "message": (
                    f"Kallelsen skickades {sent.days_before} dagar före mötet;"
                    f" förbundets regel är {sent.notice_days} dagar."
                ),
            }
        )
    return kallelse_json(meeting_id, user, warnings)


@route(
    f"{MEETING}/rsvp",
    method="POST",
    summary="Answer the kallelse: coming or not",
    tag="meetings",
    body=RsvpIn,
    response=KallelseOut,
    errors=(403, 409),
    description=(
        'A ledamot or ersättare of the board, while the meeting is planned: `{"attending":'
        " true | false}` (anything else is 422). The latest answer counts. A ledamot who will"
        " not come has the ersättare of the same member organisation called in (mailed, and"
        " listed in `call_ins`)."
    ),
)
def post_rsvp(user: User, meeting_id: int, body: RsvpIn) -> dict[str, Any]:
    """Record the answer."""
    meeting = meetings.load(db.session, meeting_id, user)
    kallelse.respond(db.session, meeting, attending=body.attending, by=user)
    return kallelse_json(meeting_id, user, [])
