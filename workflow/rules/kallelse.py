"""Kallelse read: who was called and when, who answered, whether it went out in time, and the
meeting as a calendar event (.ics, RFC 5545, built with the `icalendar` library)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from icalendar import Calendar, Event
from sqlmodel import Session, select

from workflow.models import ZONE, Meeting, local_date, utcnow
from workflow.models import today as local_today
from workflow.models.kallelse import MeetingCall, MeetingRsvp
from workflow.rules.meetings import BoardMember, roster

# A meeting with a start but no end is shown in calendars as this long.
DEFAULT_LENGTH = timedelta(hours=2)
PRODID = "-//finsam-grants//Kallelse//SV"


def days_before(meeting_date: date, sent_on: date) -> int:
    """Whole days from the sending (Swedish date) to the meeting's date."""
    return (meeting_date - sent_on).days


def is_late(days: int, notice_days: int) -> bool:
    """Sent later than the association's setting asks (a warning, never a refusal)."""
    return days < notice_days


def _clock(value: Any) -> time | None:
    """A meeting's start or end as a time of day: a `time`, a `datetime` or "HH:MM"."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo is None else value.astimezone(ZONE)
        return moment.time().replace(tzinfo=None)
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    return time.fromisoformat(str(value))


def meeting_times(meeting: Meeting) -> tuple[time | None, time | None]:
    """The meeting's start and end times of day, when the meeting has them.

    Read with getattr: the times are a separate change to `Meeting` (starts_at, ends_at).
    """
    return _clock(getattr(meeting, "starts_at", None)), _clock(getattr(meeting, "ends_at", None))


@dataclass(frozen=True)
class EventData:
    """What the calendar file says: when, where, what, and its stable identity."""

    uid: str
    summary: str
    day: date
    starts: time | None
    ends: time | None
    location: str | None
    description: str
    url: str | None
    sequence: int


def calendar_file(event: EventData) -> bytes:
    """One VEVENT in a VCALENDAR (METHOD:PUBLISH): answers go through the service, not mail.

    A meeting with a start time is placed in Europe/Stockholm (with its VTIMEZONE), one
    without is an all-day event on its date.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = Event()
    entry.add("uid", event.uid)
    entry.add("dtstamp", utcnow())
    entry.add("sequence", event.sequence)
    entry.add("summary", event.summary)
    if event.starts is not None:
        start = datetime.combine(event.day, event.starts, tzinfo=ZONE)
        end = (
            datetime.combine(event.day, event.ends, tzinfo=ZONE)
            if event.ends is not None and event.ends > event.starts
            else start + DEFAULT_LENGTH
        )
        entry.add("dtstart", start)
        entry.add("dtend", end)
    else:
        entry.add("dtstart", event.day)
        entry.add("dtend", event.day + timedelta(days=1))
    if event.location:
        entry.add("location", event.location)
    entry.add("description", event.description)
    if event.url:
        entry.add("url", event.url)
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- who was called, who answered -------------------------------------------------------------


def calls(session: Session, meeting: Meeting) -> list[MeetingCall]:
    """Everyone called to the meeting, in the order they were called."""
    return list(
        session.exec(
            select(MeetingCall)
            .where(MeetingCall.meeting_id == meeting.id)
            .order_by(MeetingCall.sent_at, MeetingCall.id)  # type: ignore[arg-type]
        ).all()
    )


def answers(session: Session, meeting: Meeting) -> dict[int, MeetingRsvp]:
    """Each board member's answer to the kallelse, by user id."""
    return {
        row.user_id: row
        for row in session.exec(select(MeetingRsvp).where(MeetingRsvp.meeting_id == meeting.id))
    }


def standins(people: Sequence[BoardMember], absent: BoardMember) -> list[BoardMember]:
    """The ersättare of the absent ledamot's member organisation (who may take the seat)."""
    return [
        p
        for p in people
        if p.member.id == absent.member.id and p.seat == "ersattare" and p.user_id != absent.user_id
    ]


@dataclass(frozen=True)
class Sending:
    """One sending of the kallelse: when, by whom, to how many, and whether it was late."""

    sent_at: datetime
    sent_on: date
    sent_by_id: int | None
    days_before: int
    notice_days: int
    recipients: list[MeetingCall]

    @property
    def late(self) -> bool:
        return is_late(self.days_before, self.notice_days)


@dataclass(frozen=True)
class Answer:
    """A board member with their answer (None: not answered) and whether they were called."""

    person: BoardMember
    attending: bool | None
    answered_at: datetime | None
    called: bool
    called_in_for: int | None = None


@dataclass(frozen=True)
class KallelseStatus:
    """What the meeting page and the API show of the kallelse."""

    sendings: list[Sending]
    call_ins: list[MeetingCall]
    answers: list[Answer]
    notice_days: int
    due_on: date
    days_left: int

    @property
    def sent(self) -> bool:
        return bool(self.sendings)

    @property
    def late(self) -> bool:
        """The first sending was later than the setting asks."""
        return bool(self.sendings) and self.sendings[0].late


def status(session: Session, meeting: Meeting, notice_days: int) -> KallelseStatus:
    """The kallelse of a meeting: its sendings, the call-ins and each board member's answer."""
    rows = calls(session, meeting)
    grouped: dict[datetime, list[MeetingCall]] = {}
    for row in rows:
        if row.kind == "notice":
            grouped.setdefault(row.sent_at, []).append(row)
    sendings = [
        Sending(
            sent_at=moment,
            sent_on=local_date(moment),
            sent_by_id=group[0].sent_by_id,
            days_before=group[0].days_before,
            notice_days=group[0].notice_days,
            recipients=group,
        )
        for moment, group in grouped.items()
    ]
    call_ins = [row for row in rows if row.kind == "call_in"]
    called = {row.user_id for row in rows}
    called_in_for = {row.user_id: row.replaces_user_id for row in call_ins}
    given = answers(session, meeting)
    board = [
        Answer(
            person=person,
            attending=given[person.user_id].attending if person.user_id in given else None,
            answered_at=given[person.user_id].answered_at if person.user_id in given else None,
            called=person.user_id in called,
            called_in_for=called_in_for.get(person.user_id),
        )
        for person in roster(session, meeting.association_id)
    ]
    due_on = meeting.date - timedelta(days=notice_days)
    return KallelseStatus(
        sendings=sendings,
        call_ins=call_ins,
        answers=board,
        notice_days=notice_days,
        due_on=due_on,
        days_left=(due_on - local_today()).days,
    )
