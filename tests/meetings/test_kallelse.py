"""Kallelse: the officer calls every ledamot and ersättare by mail (PDF and .ics), a late one
warns, board members answer "kommer / kommer inte", an absent ledamot's ersättare is called in."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlmodel import Session, select

from tests import factories
from tests.mail.conftest import SmtpServer, free_port
from tests.meetings.conftest import Board
from workflow import mail
from workflow.models import Meeting
from workflow.models.kallelse import MeetingCall
from workflow.operations import kallelse
from workflow.rules import kallelse as kallelse_rules
from workflow.rules.protocols import ZONE, local_today


@pytest.fixture
def smtp() -> Any:
    """A running SMTP server on a free loopback port."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(app: Any, smtp: SmtpServer) -> Any:
    """The application, sending through the test's SMTP server."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    return app


def _soon(days: int = 14) -> date:
    return local_today() + timedelta(days=days)


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


def _send(session: Session, world: factories.World, meeting: Meeting) -> kallelse.Sent:
    sent = kallelse.send(session, meeting, by=world.users["officer"])
    session.commit()
    return sent


def test_the_kallelse_mails_every_ledamot_and_ersattare_a_pdf_and_a_calendar_file(
    smtp_app, smtp, session, world, board: Board, plan, proposed_with_preparation, place
):
    meeting = plan(on=_soon(), location="Stadshuset, sal 3")
    app_row = proposed_with_preparation(title="Enter – samlad väg till arbete")
    place(meeting, app_row)
    sent = _send(session, world, meeting)
    assert not sent.late
    mail.deliver_pending(smtp_app, ids=[c.mail_message_id for c in sent.calls])

    everyone = {u.email for u in board.everyone()}
    assert {c.email for c in sent.calls} == everyone
    assert {address for r in smtp.received for address in r.rcpt_tos} == everyone
    for received in smtp.received:
        message = received.message
        assert "Kallelse till styrelsemöte" in message["Subject"]
        files = {part.get_filename(): part for part in message.iter_attachments()}
        pdf_name = next(name for name in files if name.endswith(".pdf"))
        ics_name = next(name for name in files if name.endswith(".ics"))
        assert files[pdf_name].get_content_type() == "application/pdf"
        text = _pdf_text(files[pdf_name].get_content())
        assert "Kallelse" in text
        assert "Enter" in text
        # The handlingar: the tjänsteskrivelse of the item is in the PDF.
        assert "Förslag till beslut: bevilja." in text
        assert files[ics_name].get_content_type() == "text/calendar"
        calendar = Calendar.from_ical(files[ics_name].get_payload(decode=True))
        event = calendar.walk("VEVENT")[0]
        assert str(event["SUMMARY"]).startswith("Styrelsemöte")
        assert str(event["LOCATION"]) == "Stadshuset, sal 3"
        # No start time on the meeting: an all-day event on its date.
        assert event.decoded("DTSTART") == meeting.date

    rows = session.exec(select(MeetingCall).where(MeetingCall.meeting_id == meeting.id)).all()
    assert {(r.email, r.kind, r.seat) for r in rows} == {
        (u.email, "notice", "ledamot") for u in board.ledamot.values()
    } | {(u.email, "notice", "ersattare") for u in board.ersattare.values()}


def test_the_calendar_file_places_a_meeting_with_a_time_in_stockholm():
    event = kallelse_rules.EventData(
        uid="meeting-1@example.se",
        summary="Styrelsemöte – Samordningsförbundet",
        day=date(2026, 12, 15),
        starts=time(13, 0),
        ends=time(15, 30),
        location="Kansliet",
        description="Kallelse",
        url=None,
        sequence=0,
    )
    parsed = Calendar.from_ical(kallelse_rules.calendar_file(event))
    vevent = parsed.walk("VEVENT")[0]
    start = vevent.decoded("DTSTART")
    assert start == datetime(2026, 12, 15, 13, 0, tzinfo=ZONE)
    assert str(start.tzinfo) in ("Europe/Stockholm", str(ZONE))
    assert vevent.decoded("DTEND") == datetime(2026, 12, 15, 15, 30, tzinfo=ZONE)
    # 13.00 in Stockholm in December is 12.00 UTC.
    assert start.utctimetuple()[3] == 12
    assert str(vevent["LOCATION"]) == "Kansliet"
    assert parsed.walk("VTIMEZONE"), "the zone travels with the file"


def test_the_meeting_time_is_read_when_the_meeting_has_one(monkeypatch):
    meeting = Meeting(association_id=1, date=date(2026, 12, 15))
    assert kallelse_rules.meeting_times(meeting) == (None, None)
    object.__setattr__(meeting, "starts_at", time(9, 30))
    assert kallelse_rules.meeting_times(meeting) == (time(9, 30), None)
