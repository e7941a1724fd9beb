"""Protocol dates (anslag, appeal, laga kraft) and the reading of signatures and postings."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from workflow.models import Decision, Meeting
from workflow.models.protocols import ProtocolPosting, ProtocolSignature
from workflow.rules import meetings
from workflow.rules.calendar import next_working_day

# Kommunallagen 13 kap. 5 §: an appeal must come in within three weeks of the posting.
# The organ that keeps protocols here: the board (styrelsen), named on protocols, notices
# and kallelser.
ORGAN = "Styrelsen"
APPEAL_PERIOD = timedelta(weeks=3)


def last_appeal_day(posted_on: date) -> date:
    """The last day to appeal: three weeks from the posting, moved off weekends and holidays.

    Lag (1930:173) om beräkning av lagstadgad tid moves a time limit ending on a Saturday,
    Sunday, public holiday, midsommarafton, julafton or nyårsafton to the next working day.
    """
    return next_working_day(posted_on + APPEAL_PERIOD)


def legal_force_date(posted_on: date) -> date:
    """The day a decision gains legal force (laga kraft) if no one appealed."""
    return last_appeal_day(posted_on) + timedelta(days=1)


def kronor(amount: int) -> str:
    """Whole kronor with Swedish digit grouping: 1 200 000 kr (non-breaking spaces)."""
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"


def signatures(session: Session, meeting: Meeting) -> dict[str, ProtocolSignature]:
    """The protocol's signatures by role (chair, justerare)."""
    rows = session.exec(
        select(ProtocolSignature).where(ProtocolSignature.meeting_id == meeting.id)
    ).all()
    return {row.role: row for row in rows}


def posting(session: Session, meeting: Meeting) -> ProtocolPosting | None:
    """The recorded notice (anslag) of the meeting's protocol, if any."""
    return session.exec(
        select(ProtocolPosting).where(ProtocolPosting.meeting_id == meeting.id)
    ).first()


def justerare_signed(session: Session, meeting: Meeting, justerare_id: int | None) -> bool:
    """Whether `justerare_id` has signed the meeting's protocol as its justerare."""
    row = signatures(session, meeting).get("justerare")
    return row is not None and justerare_id is not None and row.user_id == justerare_id


def legal_force_for(session: Session, decision: Decision) -> date | None:
    """The laga kraft date of a board decision, once its protocol's notice is posted."""
    if decision.meeting_id is None:
        return None
    row = session.exec(
        select(ProtocolPosting).where(ProtocolPosting.meeting_id == decision.meeting_id)
    ).first()
    return legal_force_date(row.posted_on) if row is not None else None


def undecided_titles(session: Session, meeting: Meeting) -> list[str]:
    """Items the board left undecided: they must be tabled before the protocol is signed."""
    return [entry.title for entry in meetings.agenda(session, meeting) if entry.undecided]
